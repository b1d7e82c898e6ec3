from django.core.management.base import BaseCommand

from doantu.tips.sweep import sweep_orphans
from doantu.tips.tasks import schedule_sweep


class Command(BaseCommand):
    help = (
        "Xóa tệp mồ côi (trong kho tệp nhưng không có bản ghi) và tệp tạm do sự cố để lại, cũ hơn "
        "ORPHAN_MIN_AGE_HOURS; in số tệp đã xóa. --schedule: xếp lịch quét định kỳ cho tiến trình nền."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age-hours", type=float, default=None, help="mặc định: ORPHAN_MIN_AGE_HOURS"
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ đếm, không xóa")
        parser.add_argument("--schedule", action="store_true", help="xếp lịch quét định kỳ (nếu chưa có)")

    def handle(self, *args, min_age_hours, dry_run, schedule, **options):
        if schedule:
            queued = schedule_sweep()
            self.stdout.write("Đã xếp lịch quét định kỳ." if queued else "Lịch quét định kỳ đã có sẵn.")
            return
        result = sweep_orphans(min_age_hours=min_age_hours, dry_run=dry_run)
        self.stdout.write(("(chạy thử) " if dry_run else "") + str(result))
