from django.core.management.base import BaseCommand

from doantu.registry.matching import rebuild_index


class Command(BaseCommand):
    help = "Tính lại toàn bộ khóa đối chiếu và tần suất từ hồ sơ (sau khi nâng cấp bộ máy đối chiếu)."

    def handle(self, *args, **options):
        counts = rebuild_index()
        self.stdout.write(
            self.style.SUCCESS(f"Đã lập lại chỉ mục: {counts['martyrs']} hồ sơ, {counts['keys']} khóa.")
        )
