"""Achievements from communication items, plan tasks and DNA donors (issue 10, "Commendations"): each provider
offers what the actor may see in its ward, nothing to another ward, drops what was withdrawn, and a nomination
citing one of each is exported to DOCX."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from doantu.comms import services as comms
from doantu.comms.models import Channel, ContentItem
from doantu.dna import services as dna
from doantu.dna.models import Attendance, Recipient
from doantu.honours import export, services
from doantu.honours.contributions import PROVIDERS
from doantu.notify import channels
from doantu.plan import services as plan
from doantu.plan.models import Plan
from doantu.registry import services as registry
from doantu.tips.services import WorkflowError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.NOTIFY_SMS_BACKEND = "doantu.notify.channels.MemorySms"
    yield
    channels.sms_outbox.clear()


def published_item(users, ward, units):
    item = ContentItem(
        ward=ward,
        title="Phóng sự: hành trình tìm đồng đội",
        kind="video",
        topic="iv2",
        planned_date=timezone.localdate(),
        owner_unit=units["ttdvth"],
        owner=users["channel"],
    )
    item = comms.item_save(
        actor=users["channel"], item=item, channels=list(Channel.objects.filter(ward=ward, code="facebook"))
    )
    comms.item_submit(actor=users["channel"], item=item)
    comms.item_approve(actor=users["campaign"], item=item, note="Đồng ý")
    return comms.item_publish(
        actor=users["channel"], item=item, evidence_url="https://facebook.com/dx/posts/1"
    )


def done_update(users, ward, status="done"):
    task = Plan.objects.get(ward=ward).tasks.get(section="II", number=3)  # lead: the culture office
    return plan.update_post(
        actor=users["campaign"], task=task, status=status, narrative="Đã tổ chức xong 3 buổi nói chuyện."
    )


def mobilised_donors(users, units, *, count=2):
    martyr = registry.martyr_create(
        actor=users["campaign"],
        values={"full_name": "Hoàng Văn Thụ", "birth": "1948", "home_place": "Huyền Tụng, Bạch Thông"},
    )
    donors = []
    for i in range(count):
        donor = dna.donor_add(
            actor=users["campaign"],
            martyr=martyr,
            values={
                "full_name": f"Nguyễn Thị Hoa {i}",
                "relationship": "sibling_same_mother" if i else "mother",
                "alive": True,
                "phone": f"091200011{i}",
                "sex": "Nữ",
            },
            group=units["tdp-01"],
            offered=False,
        )
        dna.consent_record(
            actor=users["campaign"],
            donor=donor,
            informed=True,
            recipients=[Recipient.POLICE, Recipient.HOME_AFFAIRS],
            method="oral",
            witness="Trần Văn Chứng",
            notify_family=True,
        )
        donors.append(donor)
    r = dna.round_create(
        actor=users["campaign"], name="Đợt 1", date=dt.date(2026, 12, 5), place="Nhà văn hóa"
    )
    entry = dna.round_schedule(actor=users["campaign"], collection_round=r, donor=donors[0])
    dna.round_record(
        actor=users["police"], entry=entry, outcome=Attendance.COLLECTED, sample_number="ADN-001"
    )
    for d in donors:
        d.refresh_from_db()
    return donors


def test_published_items_for_the_ward_only_and_withdrawn_drops_out(users, ward, units):
    item = published_item(users, ward, units)
    provider = PROVIDERS["comms"]
    found = provider.candidates(actor=users["campaign"], ward=ward)
    assert [c.ref for c in found] == [f"comms.item:{item.pk}"]
    assert item.title in found[0].summary and units["ttdvth"].name in found[0].summary
    assert users["channel"].display_name in found[0].summary  # a person may cite it too
    assert provider.candidates(actor=users["campaign"], ward=ward, query="hành trình")
    assert not provider.candidates(actor=users["campaign"], ward=ward, query="không có")
    assert provider.candidates(actor=users["other_campaign"], ward=ward) == []
    assert provider.get(actor=users["other_campaign"], ward=ward, ref=f"comms.item:{item.pk}") is None
    assert provider.still_citable(f"comms.item:{item.pk}")
    comms.item_withdraw(actor=users["campaign"], item=item, reason="Sai thông tin")
    assert not provider.still_citable(f"comms.item:{item.pk}")
    assert provider.candidates(actor=users["campaign"], ward=ward) == []


def test_tasks_done_by_agency_and_an_update_changed_drops_out(users, ward):
    done_update(users, ward, status="on_track")  # not done: never offered
    update = done_update(users, ward)
    provider = PROVIDERS["plan"]
    found = provider.candidates(actor=users["campaign"], ward=ward)
    assert [c.ref for c in found] == [f"plan.update:{update.pk}"]
    assert "II.3" in found[0].summary and update.unit.name in found[0].summary
    assert provider.candidates(actor=users["other_campaign"], ward=ward) == []
    assert provider.get(actor=users["other_campaign"], ward=ward, ref=f"plan.update:{update.pk}") is None
    assert provider.still_citable(f"plan.update:{update.pk}")
    plan.update_edit(
        actor=users["campaign"], update=update, status="at_risk", narrative="Còn 1 buổi chưa làm."
    )
    assert not provider.still_citable(f"plan.update:{update.pk}")


def test_donors_mobilised_counted_per_group_never_named_and_withdrawal_counts_down(users, ward, units):
    donors = mobilised_donors(users, units)
    provider = PROVIDERS["dna"]
    found = provider.candidates(actor=users["campaign"], ward=ward)
    assert [c.ref for c in found] == [f"dna.group:{units['tdp-01'].pk}:2"]
    summary = found[0].summary
    assert (
        units["tdp-01"].name in summary and "2 thân nhân" in summary and "1 người đã được lấy mẫu" in summary
    )
    assert "Nguyễn Thị Hoa" not in summary and "Chứng" not in summary
    assert provider.candidates(actor=users["other_campaign"], ward=ward) == []
    assert provider.get(actor=users["other_campaign"], ward=ward, ref=found[0].ref) is None
    assert provider.get(actor=users["campaign"], ward=ward, ref=f"dna.group:{units['tdp-01'].pk}:5") is None
    assert provider.still_citable(found[0].ref)
    dna.donor_withdraw(actor=users["campaign"], donor=donors[0])
    assert not provider.still_citable(found[0].ref)
    [now] = provider.candidates(actor=users["campaign"], ward=ward)
    assert now.ref.endswith(":1") and "0 người đã được lấy mẫu" in now.summary


def test_a_nomination_citing_one_of_each_exported_to_docx(users, ward, units, client):
    campaign, lead = users["campaign"], users["leadership"]
    item = published_item(users, ward, units)
    update = done_update(users, ward)
    mobilised_donors(users, units)
    n = services.nomination_create(
        actor=campaign,
        values={
            "kind": "collective",
            "category": "residential_group",
            "name": "Tổ dân phố 1",
            "unit": units["tdp-01"],
            "position": "",
            "summary": "Tích cực trong chiến dịch.",
            "award": "ward_praise",
            "review": "final_2027",
        },
    )
    for source, ref in (
        ("comms", f"comms.item:{item.pk}"),
        ("plan", f"plan.update:{update.pk}"),
        ("dna", f"dna.group:{units['tdp-01'].pk}:2"),
    ):
        services.achievement_add(nomination=n, actor=campaign, source=source, ref=ref)
    with pytest.raises(WorkflowError):  # only the count as it stands can be cited
        services.achievement_add(
            nomination=n, actor=campaign, source="dna", ref=f"dna.group:{units['tdp-01'].pk}:3"
        )
    services.nomination_propose(nomination=n, actor=campaign)
    services.nomination_decide(
        nomination=n, actor=lead, decision="ward_praise", number="125/QĐ-UBND", date=timezone.localdate()
    )
    client.force_login(lead)
    response = client.get(reverse("honours:export", args=["docx"]), {"muc-dich": "decision"})
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    assert "hành trình tìm đồng đội" in text
    assert "hoàn thành nhiệm vụ II.3" in text
    assert "vận động 2 thân nhân liệt sĩ đồng ý cho mẫu ADN" in text
    assert "Nguyễn Thị Hoa" not in text
    # a withdrawn item leaves the export
    comms.item_withdraw(actor=campaign, item=item, reason="Sai thông tin")
    rows, _meta = export.rows(actor=lead, purpose="decision", review=None)
    assert not any("hành trình" in a for a in rows[0].achievements)
    assert any("II.3" in a for a in rows[0].achievements)
