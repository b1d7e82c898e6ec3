from django.core.management.base import BaseCommand

from doantu.registry import matching


class Command(BaseCommand):
    help = (
        "Tính lại mã địa danh quê quán lưu kèm hồ sơ liệt sĩ (sau khi nâng cấp danh mục địa danh, hoặc sổ lớn"
        " khi nâng cấp): từng phần một, hệ thống vẫn phục vụ trong lúc chạy."
    )

    def handle(self, *args, **options):
        changed = matching.refresh_all_homes()
        self.stdout.write(self.style.SUCCESS(f"Đã cập nhật quê quán của {changed} hồ sơ."))
