import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from doantu.org.models import Role


def boxed(lines: list[str]) -> str:
    """``lines`` in a frame of box-drawing characters, so a password stands out at the end of a long output."""
    width = max(len(line) for line in lines)
    top, bottom = "╔" + "═" * (width + 2) + "╗", "╚" + "═" * (width + 2) + "╝"
    return "\n".join([top, *(f"║ {line.ljust(width)} ║" for line in lines), bottom])


def reset_hint(username: str) -> list[str]:
    return [
        "Quên mật khẩu? Đặt mật khẩu mới từ dòng lệnh:",
        f"  uv run python manage.py changepassword {username}",
        "hoặc một quản trị khác: Admin → Tài khoản → tài khoản → “Đặt lại mật khẩu”.",
    ]


class Command(BaseCommand):
    help = (
        "Tạo tài khoản quản trị đầu tiên nếu chưa có. Lấy tên và mật khẩu từ DJANGO_SUPERUSER_USERNAME / "
        "DJANGO_SUPERUSER_PASSWORD, hoặc tự tạo mật khẩu và in ra."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--boxed",
            action="store_true",
            help="In tên đăng nhập, mật khẩu (nếu vừa tạo) và cách đặt lại trong một khung (dùng bởi ./run).",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        lines = self._ensure(User, username)
        if options["boxed"]:
            self.stdout.write(boxed(lines))
        else:
            self.stdout.write("\n".join(lines))

    def _ensure(self, User, username: str) -> list[str]:
        if User.objects.filter(username=username).exists():
            return [
                f"Tài khoản quản trị “{username}” đã có; giữ nguyên mật khẩu.",
                *reset_hint(username),
            ]
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
        lines = [f"Đã tạo tài khoản quản trị. Tên đăng nhập: {username}"]
        if generated:
            lines.append(f"Mật khẩu (chỉ in một lần, hãy đổi sau khi đăng nhập): {password}")
        else:
            lines.append("Mật khẩu: như DJANGO_SUPERUSER_PASSWORD đã đặt.")
        return [
            *lines,
            "Đăng nhập: /staff/ (công việc) hoặc /admin/ (danh mục, tài khoản).",
            *reset_hint(username),
        ]
