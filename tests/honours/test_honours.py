"""Commendations: nominations with achievements drawn from verified tips (only with the tipster's agreement;
anonymous tipsters never), proposed by the culture office, decided by leadership, exported as DOCX and XLSX."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from doantu.audit.models import AuditEntry
from doantu.honours import export, services
from doantu.honours.models import Nomination, Status
from doantu.tips import services as tips
from doantu.tips.services import WorkflowError

from ..conftest import make_tip

pytestmark = pytest.mark.django_db

VALUES = {
    "kind": "individual",
    "category": "veteran",
    "name": "Hoàng Văn Cựu",
    "position": "Hội viên Hội CCB, tổ dân phố 3",
    "summary": "Cung cấp nhiều thông tin về mộ liệt sĩ trên địa bàn.",
    "award": "ward_praise",
    "review": "final_2027",
    "unit": None,
}


def verified(source, campaign, **fields):
    tip = make_tip(source, martyr_name="Nguyễn Văn Thắng", **fields)
    tips.tip_conclude(tip=tip, actor=campaign, outcome="verified", note="Đã đối chiếu hồ sơ.")
    return tip


def nomination(campaign, **overrides):
    return services.nomination_create(actor=campaign, values=VALUES | overrides)


def test_a_verified_tip_is_cited_only_with_the_tipsters_agreement(users, source):
    campaign = users["campaign"]
    tip = verified(source, campaign)
    n = nomination(campaign)
    ref = f"tips.tip:{tip.pk}"
    with pytest.raises(WorkflowError, match="đồng ý"):
        services.achievement_add(nomination=n, actor=campaign, source="tips", ref=ref)
    a = services.achievement_add(
        nomination=n,
        actor=campaign,
        source="tips",
        ref=ref,
        agreement="Đồng ý qua điện thoại ngày 05/01/2027",
    )
    assert (
        tip.receipt_code in a.summary and "Lê Văn Bình" not in a.summary
    )  # the reporter's name never copied
    with pytest.raises(WorkflowError, match="đã có"):
        services.achievement_add(nomination=n, actor=campaign, source="tips", ref=ref, agreement="x")


@pytest.mark.parametrize(
    "fields",
    [
        {
            "anonymous": True,
            "privacy": "anonymous",
            "reporter_name": "",
            "reporter_phone": "",
            "consent_contact": False,
        },
        {"privacy": "anonymous", "reporter_name": "", "reporter_phone": "", "consent_contact": False},
    ],
)
def test_anonymous_tipsters_never_appear(users, source, client, fields):
    campaign = users["campaign"]
    tip = verified(source, campaign, **fields)
    n = nomination(campaign)
    from doantu.honours.contributions import PROVIDERS

    assert all(
        c.ref != f"tips.tip:{tip.pk}" for c in PROVIDERS["tips"].candidates(actor=campaign, ward=n.ward)
    )
    with pytest.raises(WorkflowError, match="giấu tên"):
        services.achievement_add(
            nomination=n, actor=campaign, source="tips", ref=f"tips.tip:{tip.pk}", agreement="x"
        )
    client.force_login(campaign)
    assert tip.receipt_code not in client.get(n.get_absolute_url()).content.decode()


def test_a_tipster_who_withdraws_later_drops_out_of_the_list_and_exports(users, source):
    campaign, lead = users["campaign"], users["leadership"]
    tip = verified(source, campaign)
    n = nomination(campaign)
    services.achievement_add(
        nomination=n, actor=campaign, source="tips", ref=f"tips.tip:{tip.pk}", agreement="Đồng ý"
    )
    services.nomination_propose(nomination=n, actor=campaign)
    services.nomination_decide(
        nomination=n, actor=lead, decision="ward_praise", number="12/QĐ-UBND", date=timezone.localdate()
    )
    rows, _meta = export.rows(actor=lead, purpose="decision", review=None)
    assert any(tip.receipt_code in a for a in rows[0].achievements)
    tips.tip_withdraw_consent(receipt_code=tip.receipt_code, phone_digits="4321")
    rows, _meta = export.rows(actor=lead, purpose="decision", review=None)
    assert not any(tip.receipt_code in a for a in rows[0].achievements)


def test_unverified_or_foreign_tips_cannot_be_cited(users, source, other_source):
    campaign = users["campaign"]
    open_tip = make_tip(source)
    foreign = make_tip(other_source)
    tips.tip_conclude(tip=foreign, actor=users["other_campaign"], outcome="verified", note="x")
    n = nomination(campaign)
    for tip in (open_tip, foreign):
        with pytest.raises(WorkflowError):
            services.achievement_add(
                nomination=n, actor=campaign, source="tips", ref=f"tips.tip:{tip.pk}", agreement="x"
            )


def test_proposed_by_culture_office_decided_by_leadership(users):
    campaign, lead = users["campaign"], users["leadership"]
    with pytest.raises(PermissionDenied):
        nomination(lead)
    n = nomination(campaign)
    with pytest.raises(WorkflowError, match="đã trình"):
        services.nomination_decide(nomination=n, actor=lead, decision="reject", note="x")  # not proposed yet
    services.nomination_propose(nomination=n, actor=campaign)
    with pytest.raises(PermissionDenied):
        services.nomination_edit(nomination=n, actor=campaign, changes={"name": "Khác"})  # no longer a draft
    with pytest.raises(PermissionDenied):
        services.nomination_decide(
            nomination=n, actor=campaign, decision="ward_praise", number="1", date=timezone.localdate()
        )
    with pytest.raises(WorkflowError, match="số quyết định"):
        services.nomination_decide(
            nomination=n, actor=lead, decision="higher", number="", date=timezone.localdate()
        )
    with pytest.raises(WorkflowError, match="tương lai"):
        services.nomination_decide(
            nomination=n,
            actor=lead,
            decision="higher",
            number="3/TTr-UBND",
            date=timezone.localdate() + dt.timedelta(days=1),
        )
    services.nomination_decide(
        nomination=n, actor=lead, decision="higher", number="3/TTr-UBND", date=dt.date(2026, 11, 5)
    )
    n.refresh_from_db()
    assert (n.status, n.award, n.decision_number, n.decision_date) == (
        Status.FORWARDED,
        "higher",
        "3/TTr-UBND",
        dt.date(2026, 11, 5),
    )
    assert AuditEntry.objects.for_context(n).filter(action="nomination_decided").exists()


@pytest.mark.parametrize(
    "role", ["police", "military", "front", "group_leader", "school", "province", "channel", "other_campaign"]
)
def test_nobody_else_sees_nominations(users, role, client):
    n = nomination(users["campaign"])
    client.force_login(users[role])
    assert client.get(n.get_absolute_url()).status_code in (403, 404)
    exported = client.get(reverse("honours:export", args=["xlsx"]))
    if exported.status_code == 200:  # another ward's campaign staff export their own ward's (empty) list
        with zipfile.ZipFile(io.BytesIO(exported.content)) as z:
            assert VALUES["name"] not in " ".join(
                z.read(x).decode() for x in z.namelist() if x.endswith(".xml")
            )
    else:
        assert exported.status_code in (403, 404)
    assert VALUES["name"] not in client.get(reverse("honours:list")).content.decode()


def test_bad_input_is_refused_and_nothing_saved(users):
    with pytest.raises(WorkflowError, match="Đối tượng"):
        nomination(users["campaign"], kind="collective", category="veteran")
    assert not Nomination.objects.exists()


def test_exports_docx_official_layout_and_xlsx(users, client, units):
    campaign, lead = users["campaign"], users["leadership"]
    group = nomination(
        campaign,
        kind="collective",
        category="residential_group",
        name="Tổ dân phố 1",
        unit=units["tdp-01"],
        position="",
    )
    person = nomination(campaign)
    for n in (group, person):
        services.nomination_propose(nomination=n, actor=campaign)
        services.nomination_decide(
            nomination=n, actor=lead, decision="ward_praise", number="125/QĐ-UBND", date=dt.date(2026, 11, 20)
        )
    client.force_login(lead)
    response = client.get(reverse("honours:export", args=["docx"]), {"muc-dich": "decision"})
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Độc lập - Tự do - Hạnh phúc" in cells
    assert "ỦY BAN NHÂN DÂN" in cells and "PHƯỜNG ĐỨC XUÂN" in cells
    assert "DANH SÁCH" in text and "Tập thể, cá nhân được khen thưởng" in text and "125/QĐ-UBND" in text
    assert "I. TẬP THỂ" in text and "II. CÁ NHÂN" in text
    assert "Tổ dân phố 1" in cells and "Hoàng Văn Cựu" in cells
    assert "Nơi nhận:" in cells and "KT. CHỦ TỊCH" in cells
    section = doc.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert doc.styles["Normal"].font.name == "Times New Roman"
    response = client.get(reverse("honours:export", args=["xlsx"]), {"muc-dich": "summary_2027"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [sheet.cell(row=r, column=2).value for r in range(5, 7)]
    assert set(names) == {"Tổ dân phố 1", "Hoàng Văn Cựu"}
    assert sheet.cell(row=1, column=1).value.startswith("DANH SÁCH TỔNG HỢP")
    assert AuditEntry.objects.filter(action="honours_exported").count() == 2
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def test_pages_create_propose_decide(users, client):
    client.force_login(users["campaign"])
    data = VALUES | {"unit": ""}
    response = client.post(reverse("honours:new"), data)
    assert response.status_code == 302
    n = Nomination.objects.get()
    client.post(reverse("honours:nomination_action", args=[n.pk, "propose"]))
    n.refresh_from_db()
    assert n.status == Status.PROPOSED
    client.force_login(users["leadership"])
    response = client.post(
        reverse("honours:nomination_action", args=[n.pk, "decide"]),
        {"dec-decision": "ward_praise", "dec-number": "", "dec-date": "2026-11-02"},
    )
    assert response.status_code == 400 and "số quyết định" in response.content.decode()
    client.post(
        reverse("honours:nomination_action", args=[n.pk, "decide"]),
        {"dec-decision": "ward_praise", "dec-number": "7/QĐ-UBND", "dec-date": "2026-11-02"},
    )
    n.refresh_from_db()
    assert n.status == Status.APPROVED and n.decision_number == "7/QĐ-UBND"
