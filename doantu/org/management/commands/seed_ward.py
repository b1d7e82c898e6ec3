from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doantu.org.seed import DEFAULT_SEED, load_seed


class Command(BaseCommand):
    help = "Nạp dữ liệu khởi tạo của phường (đơn vị, chiến dịch, giai đoạn, tổ dân phố, mã QR). Chạy lại an toàn."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_SEED, help="Tệp TOML dữ liệu khởi tạo")
        parser.add_argument("--groups-file", type=Path, help="Danh sách tổ dân phố, mỗi dòng một tên")

    def handle(self, *args, file: Path, groups_file: Path | None, **options):
        if not file.exists():
            raise CommandError(f"Không thấy tệp {file}")
        names = None
        if groups_file:
            names = [
                line.strip() for line in groups_file.read_text(encoding="utf-8").splitlines() if line.strip()
            ]
            if not names:
                raise CommandError(f"Tệp {groups_file} không có tên tổ dân phố nào")
        counts = load_seed(file, names)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp {file.name}: {counts['units']} đơn vị, {counts['groups']} tổ dân phố, {counts['sources']} nguồn QR, {counts.get('channels', 0)} kênh truyền thông."
            )
        )
