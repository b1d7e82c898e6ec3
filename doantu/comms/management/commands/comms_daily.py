from django.core.management.base import BaseCommand

from doantu.comms.services import targets_warn
from doantu.comms.tasks import schedule_daily


class Command(BaseCommand):
    help = (
        "Nhắc chỉ tiêu truyền thông chưa đạt (từ ngày nhắc của mỗi chỉ tiêu, mỗi kỳ một lần). "
        "--schedule: xếp lịch chạy mỗi ngày cho tiến trình nền."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="xếp lịch chạy hằng ngày (nếu chưa có)")

    def handle(self, *args, schedule, **options):
        if schedule:
            queued = schedule_daily()
            self.stdout.write("Đã xếp lịch nhắc chỉ tiêu." if queued else "Lịch nhắc chỉ tiêu đã có sẵn.")
            return
        self.stdout.write(f"Đã nhắc {targets_warn()} chỉ tiêu chưa đạt.")
