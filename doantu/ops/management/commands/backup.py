from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doantu.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ hệ thống (cơ sở dữ liệu và kho tệp) vào MỘT tệp lưu trữ nhất quán, kèm mã SHA-256 "
        "của từng thành phần. Khóa mã hóa (FIELD_ENCRYPTION_KEYS, SECRET_KEY) KHÔNG nằm trong bản sao lưu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            type=Path,
            help="Tệp đích (mặc định: var/backups/doantu-<thời điểm>.tar trong thư mục dữ liệu)",
        )

    def handle(self, *args, out=None, verbosity=1, **options):
        out = out or Path(settings.DATA_DIR) / "backups" / f"doantu-{timezone.now():%Y%m%d-%H%M%S}.tar"
        log = self.stdout.write if verbosity > 1 else (lambda _: None)
        try:
            report = backup_create(out=out, log=log)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu vào {report.path} ({report.size / 1e6:.1f} MB) trong {report.seconds:.1f} s: "
                f"{sum(report.rows.values())} dòng của {len(report.rows)} bảng, {report.files} tệp "
                f"({report.file_bytes / 1e6:.1f} MB)."
            )
        )
        if report.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(report.missing_files)} tệp có trong dữ liệu nhưng không có trong kho tệp "
                    f"(ghi trong manifest.json): {', '.join(report.missing_files[:10])}"
                )
            )
        self.stdout.write(
            "Nhớ: giữ FIELD_ENCRYPTION_KEYS và SECRET_KEY ở nơi riêng; thiếu chúng, bản sao lưu không đọc được."
        )
