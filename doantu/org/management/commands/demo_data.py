"""Demo accounts and sample work, to try every role on a fresh install. Never run it on a real installation:
the accounts it makes share one printed password."""

import os
import secrets

from django.core.management.base import BaseCommand
from django.db import transaction

from doantu.org.models import OrgUnit, Role, UnitKind, User
from doantu.org.seed import load_seed
from doantu.registry import services as registry
from doantu.tips import services as tips
from doantu.tips.models import Source, Tip

ACCOUNTS = [
    ("vhxh", "Nguyễn Thị Hoa", "vhxh", Role.CAMPAIGN),
    ("ttdvth", "Trần Văn Minh", "ttdvth", Role.CHANNEL),
    ("bchqs", "Hoàng Văn Dũng", "bchqs", Role.MILITARY),
    ("congan", "Lý Văn Sơn", "cong-an", Role.POLICE),
    ("mttq", "Đinh Thị Thu", "mttq", Role.FRONT),
    ("tdp1", "Ma Văn Tiến", "tdp-01", Role.GROUP_LEADER),
    ("thcs", "Lục Thị Hằng", "thcs-duc-xuan", Role.SCHOOL),
    ("lanhdao", "Vũ Thị Kim Quỳnh", "lanh-dao", Role.LEADERSHIP),
    ("xdd", "Nông Văn Đạt", "xdd", Role.PARTY_BOARD),
]

MARTYRS = [
    {
        "external_id": "DEMO-1",
        "full_name": "Nguyễn Văn Hùng",
        "sex": "Nam",
        "birth": "1949",
        "home_place": "Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái",
        "unit": "c3 d1 e141 f312",
        "rank": "B2",
        "death_date": "12/08/1972",
        "death_place": "Quảng Trị",
        "burial_place": "NTLS quốc gia Trường Sơn",
    },
    {
        "external_id": "DEMO-2",
        "full_name": "Hoàng Văn Kheang",
        "sex": "Nam",
        "birth": "1951",
        "home_place": "Xã Đồng Xá, Huyện Na Rì, Tỉnh Bắc Kạn",
        "unit": "Đại đội 5, Tiểu đoàn 3, Trung đoàn 177",
        "death_date": "1972",
        "death_place": "Quảng Trị",
    },
    {
        "external_id": "DEMO-3",
        "full_name": "Nông Văn Dền",
        "alias": "Hai Dền",
        "sex": "Nam",
        "birth": "1948",
        "home_place": "Phường Đức Xuân, Thị xã Bắc Kạn, tỉnh Bắc Thái",
        "unit": "KB 12345",
        "death_date": "05/1971",
        "death_place": "Mặt trận Tây Ninh",
    },
]


def accounts_table(users: list[User], password: str) -> str:
    """One line per account: name to sign in with, password, role and unit, in aligned columns."""
    header = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Đơn vị")
    rows = [(u.username, password, u.get_role_display(), str(u.unit)) for u in users]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["─" * w for w in widths]), *(line(row) for row in rows)])


class Command(BaseCommand):
    help = "Tạo tài khoản và dữ liệu mẫu để dùng thử (KHÔNG dùng trên hệ thống thật)."

    @transaction.atomic
    def handle(self, *args, **options):
        load_seed()
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
        users = {}
        for username, name, unit_code, role in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"full_name": name, "role": role}
            )
            user.unit = OrgUnit.objects.get(parent=ward, code=unit_code)
            user.role, user.full_name = role, name
            user.set_password(password)
            user.save()
            users[role] = user
        if not Tip.objects.exists():
            self._sample(users, ward)
        from doantu.comms.demo import demo_content  # the communication work's own demo step

        demo_content(users, ward)
        from doantu.comms.demo_posters import demo_brought  # items' own QR codes and what they brought in

        demo_brought(users, ward)
        from doantu.honours.demo import demo as honours_demo
        from doantu.watch.demo import demo as watch_demo

        watch_demo(campaign=users[Role.CAMPAIGN], police=users[Role.POLICE])
        honours_demo(campaign=users[Role.CAMPAIGN], ward=ward)
        self._plan_sample(users, ward)
        self._report(users, ward)
        self.stdout.write(self.style.SUCCESS("Tài khoản dùng thử (đăng nhập tại /staff/):"))
        self.stdout.write(accounts_table([users[role] for *_, role in ACCOUNTS], password))

    def _report(self, users, ward):
        """A draft of this month's report (reports app), with one narrative section written, for leadership to
        approve in the demo."""
        from django.utils import timezone

        from doantu.reports import services as reports
        from doantu.reports.models import Report

        month = f"{timezone.localdate():%Y-%m}"
        if Report.objects.filter(ward=ward, kind="monthly", period_start__startswith=month).exists():
            return
        reports.report_create(
            actor=users[Role.CAMPAIGN],
            ward=ward,
            kind="monthly",
            period_text=month,
            narrative={
                "situation": "Các tổ dân phố đã phổ biến mã QR của chiến dịch tại các buổi họp tổ; hệ thống truyền "
                "thanh cơ sở phát thông báo 2 lần mỗi tuần.",
            },
        )

    def _sample(self, users, ward):
        staff = users[Role.CAMPAIGN]
        for values in MARTYRS:
            registry.martyr_create(actor=staff, values=values)
        banner = Source.objects.get(code="dx-bn-ubnd")
        group = Source.objects.get(code="dx-tdp1")
        first, _ = tips.tip_submit(
            source=banner,
            submission_key=secrets.token_hex(16),
            files=[],
            submission=tips.Submission(
                kinds=["relative", "artifact"],  # his niece, who also keeps his letter
                consent_processing=True,
                reporter_name="Trần Thị Lan",
                reporter_phone="0912345678",
                consent_contact=True,
                relationship="sisters_child",
                martyrs=[
                    {
                        "name": "nguyen van hung",
                        "birth_year": "1950",
                        "home_place": "Huyen Tung, Bac Kan",
                        "enlistment_year": 1968,
                        "death_place": "Quang Tri",
                    }
                ],
                account="Nhà tôi còn giữ lá thư chú tôi gửi về năm 1972, ghi đơn vị c3 d1 e141. Chú hy sinh ở Quảng Trị.",
            ),
        )
        second, _ = tips.tip_submit(
            source=group,
            submission_key=secrets.token_hex(16),
            files=[],
            submission=tips.Submission(
                kinds=["grave"],
                consent_processing=True,
                anonymous=True,
                latitude="22.148300",
                longitude="105.829100",
                location_source="gps",
                location_description="Đồi thông sau trường cũ, có một ngôi mộ đắp đất không bia",
                residential_group=OrgUnit.objects.get(parent=ward, code="tdp-01"),
                account="Hồi nhỏ tôi nghe các cụ kể có anh bộ đội hy sinh năm 1968, được chôn tạm trên đồi.",
            ),
        )
        # A witness who buried two comrades: one tip naming two martyrs, each matched against the registry.
        tips.tip_submit(
            source=group,
            submission_key=secrets.token_hex(16),
            files=[],
            submission=tips.Submission(
                kinds=["witness", "grave"],
                consent_processing=True,
                reporter_name="Lý Văn Tám",
                reporter_phone="0209 3871 234",
                consent_contact=True,
                privacy="ward",
                residential_group=OrgUnit.objects.get(parent=ward, code="tdp-01"),
                account="Năm 1972 tôi cùng đơn vị chôn hai đồng đội bên bờ suối, có đánh dấu bằng hòn đá lớn.",
                martyrs=[
                    {"name": "Hoàng Văn Kheang", "birth_year": "1951", "home_place": "Na Rì, Bắc Kạn"},
                    {"name": "Nông Văn Dền", "home_place": "Đức Xuân, Bắc Kạn", "unit": "KB 12345"},
                ],
            ),
        )
        tips.tip_start_review(tip=first, actor=staff)
        tips.tip_forward(
            tip=second,
            actor=staff,
            agency=OrgUnit.objects.get(parent=ward, code="bchqs"),
            question="Đề nghị Ban CHQS khảo sát khu đồi theo tọa độ người dân cung cấp.",
        )

    def _plan_sample(self, users, ward):
        """Progress on the plan's tasks: the service centre's banners for the first peak (with its report), a
        monthly report of the culture office, the military command's part in verification."""
        from doantu.plan import services as plan
        from doantu.plan.models import Plan, Update

        current = Plan.objects.filter(ward=ward).first()
        if current is None or Update.objects.filter(task__plan=current).exists():
            return
        tasks = {t.code: t for t in current.tasks.all()}
        banners = tasks["II.4"]
        plan.update_post(
            actor=users[Role.CHANNEL],
            task=banners,
            status="done",
            narrative="Đã treo 12 băng-rôn có mã QR tại trụ sở UBND, chợ, nhà văn hóa các tổ dân phố trước ngày 27/7.",
            check_in=banners.check_ins.order_by("due").first(),
        )
        monthly = tasks["I.2"]
        plan.update_post(
            actor=users[Role.CAMPAIGN],
            task=monthly,
            status="on_track",
            narrative="Tháng 7: phổ biến kế hoạch tại 10 cuộc họp tổ dân phố; 3 bài trên Cổng thông tin.",
            check_in=monthly.check_ins.order_by("due").first(),
        )
        plan.update_post(
            actor=users[Role.MILITARY],
            task=tasks["II.3"],
            status="at_risk",
            narrative="Đã rà soát 4 hồ sơ; cần thêm thông tin từ Hội Cựu chiến binh về 2 trường hợp.",
        )
        from doantu.dna import demo as dna_demo

        dna_demo.load(users, ward)
