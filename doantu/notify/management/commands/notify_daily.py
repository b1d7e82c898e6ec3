from django.core.management.base import BaseCommand

from doantu.notify.tasks import run_daily, schedule_daily


class Command(BaseCommand):
    help = (
        "Thông báo hằng ngày: báo các đề nghị xác minh quá hạn, rồi gửi bản tin ngày cho người chọn nhận gộp. "
        "--schedule: xếp lịch chạy mỗi ngày lúc NOTIFY_DAILY_HOUR giờ cho tiến trình nền."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="xếp lịch chạy hằng ngày (nếu chưa có)")

    def handle(self, *args, schedule, **options):
        if schedule:
            queued = schedule_daily()
            self.stdout.write(
                "Đã xếp lịch thông báo hằng ngày." if queued else "Lịch thông báo hằng ngày đã có sẵn."
            )
            return
        result = run_daily()
        self.stdout.write(
            f"Đã báo {result['overdue_forwards']} đề nghị xác minh quá hạn; đã gửi {result['digests']} bản tin ngày."
        )
