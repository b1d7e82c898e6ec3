from django.core.management.base import BaseCommand

from doantu.plan.services import reminders_send
from doantu.plan.tasks import schedule_daily


class Command(BaseCommand):
    help = (
        "Nhắc các cơ quan chủ trì những kỳ báo cáo kế hoạch sắp đến hạn (trong tuần) hoặc đã quá hạn. "
        "--schedule: xếp lịch chạy mỗi ngày (một giờ trước NOTIFY_DAILY_HOUR) cho tiến trình nền."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="xếp lịch chạy hằng ngày (nếu chưa có)")

    def handle(self, *args, schedule, **options):
        if schedule:
            queued = schedule_daily()
            self.stdout.write(
                "Đã xếp lịch nhắc việc kế hoạch." if queued else "Lịch nhắc việc kế hoạch đã có sẵn."
            )
            return
        self.stdout.write(f"Đã nhắc {reminders_send()} cơ quan về các kỳ báo cáo kế hoạch.")
