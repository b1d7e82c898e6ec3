"""Demo content for the DNA pipeline (``manage.py demo_data``; never on a real system): pedigrees that show the
best next donor, a lower-priority offer flagged, a sample collected, a planned round, a DNA offer from a tip."""

import datetime as dt
import secrets

from django.utils import timezone

from doantu.org.models import OrgUnit, Role
from doantu.registry import services as registry
from doantu.registry.models import Martyr
from doantu.tips import services as tips
from doantu.tips.models import Source

from . import services


def load(users: dict, ward: OrgUnit) -> None:
    staff, police = users[Role.CAMPAIGN], users[Role.POLICE]
    group = {g.code: g for g in OrgUnit.objects.filter(parent=ward)}
    hung = Martyr.objects.get(external_id="DEMO-1")
    den = Martyr.objects.get(external_id="DEMO-3")

    def add(martyr, name, kind, alive, code, sex="Nữ", offered=False, phone=""):
        return services.donor_add(
            actor=staff,
            martyr=martyr,
            values={
                "full_name": name,
                "relationship": kind,
                "alive": alive,
                "sex": sex,
                "phone": phone,
                "birth": "1955",
            },
            group=group.get(code),
            offered=offered,
        )

    add(hung, "Lê Thị Nhàn", "mother", False, None)
    add(hung, "Nguyễn Thị Bích", "sibling_same_mother", True, "tdp-04", phone="0912000401")
    add(hung, "Trần Văn Phúc", "sisters_child", True, "tdp-02", sex="Nam", offered=True, phone="0912000201")
    add(hung, "Nguyễn Văn Tâm", "child", True, "tdp-01", sex="Nam")
    aunt = add(den, "Nông Thị Lự", "mothers_sibling", True, "tdp-05", phone="0912000501")
    services.consent_record(
        actor=staff,
        donor=aunt,
        informed=True,
        recipients=["police", "home_affairs"],
        method="oral",
        witness="Hoàng Văn Sáu (tổ trưởng TDP 5)",
        notify_family=True,
    )
    held = services.round_create(
        actor=staff,
        name="Đợt 1 — lấy mẫu tại phường",
        date=timezone.localdate() - dt.timedelta(days=7),
        place="Hội trường UBND phường",
    )
    entry = services.round_schedule(actor=staff, collection_round=held, donor=aunt)
    services.round_record(actor=police, entry=entry, outcome="collected", sample_number="DX-2026-001")
    services.round_create(
        actor=staff,
        name="Đợt 2 — lấy mẫu tại nhà văn hóa",
        date=timezone.localdate() + dt.timedelta(days=14),
        place="Nhà văn hóa TDP 4",
    )
    # a relative offers a sample on the public form; staff confirmed which martyr it is about
    tip, _ = tips.tip_submit(
        source=Source.objects.get(code="dx-tdp3"),
        submission_key=secrets.token_hex(16),
        files=[],
        submission=tips.Submission(
            kinds=["relative"],
            consent_processing=True,
            consent_contact=True,
            consent_dna=True,
            dna_offer=True,
            relationship="mothers_sisters_child",
            reporter_name="Hoàng Thị Yến",
            reporter_phone="0912000301",
            residential_group=group.get("tdp-03"),
            martyrs=[{"name": "Nông Văn Dền"}],
            account="Tôi là con của dì liệt sĩ Nông Văn Dền, xin đăng ký cho mẫu ADN.",
        ),
    )
    registry.tip_link_decide(tip=tip, actor=staff, decision="confirmed", martyr=den)
