"""Progress updates and what stands out: each agency reports on its tasks (with evidence and links), edits
only its own updates, sees what it owes this week; overdue and at-risk tasks stand out on the overview."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from doantu.audit.models import AuditEntry
from doantu.plan import selectors, services
from doantu.plan.models import Plan, Update

from ..conftest import PASSWORD, make_tip, png_bytes, upload

pytestmark = pytest.mark.django_db

# A day of phase 2 (28/7–31/12/2026): I.1 (Quý III/2026) is past due; the monthly reports of July–September too.
TODAY = dt.date(2026, 10, 14)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(selectors, "current_date", lambda: TODAY)


@pytest.fixture
def tasks(ward):
    return {t.code: t for t in Plan.objects.get(ward=ward).tasks.all()}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_partner_reports_with_evidence_and_a_tip_link(client, users, tasks, source):
    tip = make_tip(source)
    task = tasks["II.3"]  # lead: culture office; partners: military command, police
    login(client, users["military"])
    page = client.get(task.get_absolute_url())
    assert "Gửi báo cáo của Ban CHQS" in page.content.decode()
    # the military command may link only the tips it can see: this one was not forwarded to it
    response = client.post(
        task.get_absolute_url(),
        {"status": "on_track", "narrative": "Đã rà soát 3 hồ sơ", "link_tip": tip.receipt_code},
    )
    assert "Không tìm thấy thông tin có mã" in response.content.decode()
    assert not Update.objects.exists()
    from doantu.tips.services import tip_forward

    tip_forward(tip=tip, actor=users["campaign"], agency=users["military"].unit, question="Xác minh giúp")
    response = client.post(
        task.get_absolute_url(),
        {
            "status": "on_track",
            "narrative": "Đã rà soát 3 hồ sơ liệt sĩ cùng Công an.",
            "link_tip": tip.receipt_code.replace("-", "").lower(),
            "files": [upload("bien-ban.png", png_bytes(), "image/png")],
        },
    )
    assert response.status_code == 302
    update = Update.objects.get()
    assert update.unit == users["military"].unit and update.author == users["military"]
    assert update.evidence.get().original_name == "bien-ban.png"
    assert list(update.links.values_list("kind", "ref")) == [("tip", tip.receipt_code)]
    entry = AuditEntry.objects.get(action="plan_update_posted")
    assert entry.context_id == str(task.pk) and entry.changes["evidence"] == [None, "bien-ban.png"]
    # the whole ward reads the update; the tip's link opens only for those who may see the tip
    login(client, users["school"])
    body = client.get(task.get_absolute_url()).content.decode()
    assert "Đã rà soát 3 hồ sơ" in body and "Thông tin tiếp nhận (bạn không được xem)" in body
    assert tip.receipt_code not in body
    login(client, users["military"])
    assert f"{tip.receipt_code} (" in client.get(task.get_absolute_url()).content.decode()
    assert client.get(update.evidence.get().get_absolute_url()).status_code == 200
    login(client, users["other_campaign"])
    assert client.get(task.get_absolute_url()).status_code == 404
    assert client.get(update.evidence.get().get_absolute_url()).status_code == 403


def test_each_agency_edits_only_its_own_updates(users, tasks):
    task = tasks["II.3"]
    mine = services.update_post(actor=users["military"], task=task, status="started", narrative="Bắt đầu")
    theirs = services.update_post(actor=users["campaign"], task=task, status="on_track", narrative="VH-XH")
    services.update_edit(actor=users["military"], update=mine, status="at_risk", narrative="Thiếu hồ sơ")
    mine.refresh_from_db()
    assert (mine.status, mine.narrative) == ("at_risk", "Thiếu hồ sơ") and mine.edited_at
    assert AuditEntry.objects.get(action="plan_update_edited").changes["status"] == ["started", "at_risk"]
    for actor, update in (
        (users["campaign"], mine),
        (users["military"], theirs),
        (users["leadership"], theirs),
    ):
        with pytest.raises(PermissionDenied):
            services.update_edit(actor=actor, update=update, status="done", narrative="x")
    # not an agency of the task, read-only roles, another ward: no update at all
    for who in ("front", "leadership", "province", "other_campaign", "admin"):
        with pytest.raises(PermissionDenied):
            services.update_post(actor=users[who], task=task, status="started", narrative="x")
    assert Update.objects.count() == 2


def test_bad_input_is_refused_whole(users, tasks):
    with pytest.raises(services.PlanError) as err:
        services.update_post(
            actor=users["campaign"],
            task=tasks["I.1"],
            status="nope",
            narrative=" ",
            files=[upload("x.exe", b"MZ\x90\x00" * 10)],
        )
    assert "Hãy chọn tình trạng trong danh sách." in err.value.problems
    assert (
        not Update.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="plan_update").exists()
    )


def test_overdue_and_at_risk_stand_out(client, users, tasks):
    progress = {p.task.code: p for p in selectors.plan_progress(users["leadership"], tasks["I.1"].plan)}
    assert progress["I.1"].state == selectors.State.OVERDUE  # due 30/9/2026, nothing reported
    assert progress["III.2"].state == selectors.State.OVERDUE  # the anniversary of 27/7 went unreported
    assert progress["IV.1"].state == selectors.State.OPEN  # "Năm 2027": 31/12/2027
    # a done report closes a one-off deadline; a report "in progress" does not
    services.update_post(
        actor=users["campaign"],
        task=tasks["I.1"],
        status="started",
        narrative="Đang soạn",
        check_in=tasks["I.1"].check_ins.get(),
    )
    assert selectors.task_progress(users["campaign"], tasks["I.1"]).state == selectors.State.OVERDUE
    services.update_post(
        actor=users["campaign"],
        task=tasks["I.1"],
        status="done",
        narrative="Đã ban hành",
        check_in=tasks["I.1"].check_ins.get(),
    )
    assert selectors.task_progress(users["campaign"], tasks["I.1"]).state == selectors.State.DONE
    # a lead agency that says it is blocked puts its task at risk
    services.update_post(
        actor=users["campaign"], task=tasks["IV.1"], status="blocked", narrative="Thiếu kinh phí"
    )
    assert selectors.task_progress(users["campaign"], tasks["IV.1"]).state == selectors.State.AT_RISK

    login(client, users["campaign"])
    body = client.get(tasks["I.1"].plan.get_absolute_url()).content.decode()
    assert '<tr class="overdue" data-task="II.1">' in body
    assert '<tr class="done" data-task="I.1">' in body
    assert '<tr class="at_risk" data-task="IV.1">' in body


def test_what_an_agency_owes_this_week(client, users, tasks):
    owed = selectors.owed_this_week(users["channel"], today=dt.date(2026, 10, 28))  # a Wednesday
    codes = {(o.task.code, o.check_in.due) for o in owed}
    # the service centre leads I.2, II.1, II.2 (monthly) and II.4 (peaks): October's reports fall due on Saturday
    assert ("II.1", dt.date(2026, 10, 31)) in codes and ("II.4", dt.date(2026, 12, 22)) not in codes
    assert ("II.1", dt.date(2026, 7, 31)) in codes  # still owed, overdue
    assert all(o.unit == users["channel"].unit for o in owed)
    assert selectors.owed_this_week(users["leadership"]) == []
    login(client, users["school"])
    body = client.get("/staff/plan/tuan-nay/").content.decode()
    assert "III.1." in body and "Năm học 2026–2027: tháng 9/2026" in body  # the schools lead III.1


def test_overview_by_phase_and_by_agency(users, tasks):
    plan = tasks["I.1"].plan
    services.update_post(
        actor=users["channel"],
        task=tasks["II.4"],
        status="done",
        narrative="Treo 12 băng-rôn",
        check_in=tasks["II.4"].check_ins.get(due=dt.date(2026, 7, 27)),
    )
    data = selectors.plan_overview(users["leadership"], plan)
    phases = {p.label: p.tally for p in data["phases"]}
    assert list(phases) == ["Giai đoạn 1", "Giai đoạn 2", "Giai đoạn 3", "Sau các giai đoạn"]
    assert phases["Giai đoạn 1"].met == 1  # the banners of 27/7
    assert phases["Sau các giai đoạn"].owed == 1  # IV.1, "Năm 2027": 31/12/2027
    rows = {a.unit.code: a for a in data["agencies"]}
    assert [t.code for t in rows["ttdvth"].leads] == ["I.2", "II.1", "II.2", "II.4"]
    assert rows["ttdvth"].tally.updates == 1 and rows["ttdvth"].tally.met == 1
    assert len(rows["bchqs"].duties) == 6 and "II.3" in [t.code for t in rows["bchqs"].partners]
    assert rows["vhxh"].tally.overdue > 0
