import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from doantu.org.models import Role


class Command(BaseCommand):
    help = (
        "Tạo tài khoản quản trị đầu tiên nếu chưa có. Lấy tên và mật khẩu từ DJANGO_SUPERUSER_USERNAME / "
        "DJANGO_SUPERUSER_PASSWORD, hoặc tự tạo mật khẩu và in ra."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Tài khoản quản trị “{username}” đã có; giữ nguyên mật khẩu.")
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(
            username=username,
            password=password,
            full_name="Quản trị hệ thống",
            role=Role.ADMIN,
            email=os.environ.get("DJANGO_SUPERUSER_EMAIL", ""),
        )
        self.stdout.write(self.style.SUCCESS(f"Đã tạo tài khoản quản trị: {username}"))
        if generated:
            self.stdout.write(
                self.style.WARNING(f"Mật khẩu (chỉ in một lần, hãy đổi sau khi đăng nhập): {password}")
            )
