from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doantu.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục hệ thống từ một bản sao lưu (manage.py backup) vào cơ sở dữ liệu và kho tệp TRỐNG: kiểm tra "
        "mọi mã SHA-256 trước khi ghi, tạo lược đồ của bản sao lưu, nạp mọi dòng trong một giao dịch, ghi các tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Tệp sao lưu (.tar)")

    def handle(self, *args, archive, verbosity=1, **options):
        if not archive.is_file():
            raise CommandError(f"Không có tệp {archive}")
        log = self.stdout.write if verbosity > 1 else (lambda _: None)
        try:
            report = backup_restore(archive=archive, log=log)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục trong {report.seconds:.1f} s: {sum(report.rows.values())} dòng của "
                f"{len(report.rows)} bảng, {report.files} tệp ({report.files_present} đã có sẵn, cùng nội dung); "
                f"{report.migrated_to_archive} migration đến lược đồ của bản sao lưu, "
                f"{report.migrated_after} migration mới hơn sau đó."
            )
        )
        if verbosity > 0:
            for label, count in sorted(report.rows.items()):
                if count:
                    self.stdout.write(f"  {label}: {count}")
        for note in report.notes:
            self.stderr.write(self.style.WARNING(note))
