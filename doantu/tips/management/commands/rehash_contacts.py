"""Recompute every named tip's contact hash (``Tip.contact_key``) after CONTACT_HASH_KEY changed."""

from django.core.management.base import BaseCommand

from doantu.tips.contacts import rehash
from doantu.tips.models import Tip
from doantu.tips.selectors import forget_counts


class Command(BaseCommand):
    help = (
        "Tính lại mã băm liên hệ của mọi thông tin có tên (sau khi đổi CONTACT_HASH_KEY), "
        "để số người cung cấp thông tin được đếm đúng."
    )

    def handle(self, *args, **options):
        changed = rehash(Tip, only_missing=False)
        forget_counts()
        self.stdout.write(f"Đã tính lại mã băm liên hệ của {changed} thông tin.")
