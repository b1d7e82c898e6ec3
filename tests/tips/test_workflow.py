"""The workflow through the services: states, forwards, answers, conclusions, and the audit entry of each."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from doantu.audit.models import AuditEntry
from doantu.tips import services
from doantu.tips.models import ForwardOutcome, ForwardStatus, Tip, TipStatus
from tests.conftest import make_tip

pytestmark = pytest.mark.django_db


def actions(tip):
    return list(AuditEntry.objects.for_context(tip).values_list("action", flat=True))


def test_full_path_new_review_forward_verified_closed(tip, users, units):
    # given
    staff, military = users["campaign"], users["military"]
    # when
    services.tip_start_review(tip=tip, actor=staff)
    services.tip_assign(tip=tip, actor=staff, assignee=users["campaign2"])
    forward = services.tip_forward(
        tip=tip, actor=staff, agency=units["bchqs"], question="Đề nghị xác minh ngôi mộ"
    )
    services.forward_answer(
        forward=forward,
        actor=military,
        outcome=ForwardOutcome.VERIFIED,
        answer="Đã khảo sát thực địa, có dấu hiệu mộ liệt sĩ.",
    )
    tip.refresh_from_db()
    # the agency's verdict returns the tip to the ward's staff; nothing public is concluded yet
    assert tip.status == TipStatus.ANSWERED and tip.outcome_note == ""
    assert "Đã xác minh" not in tip.public_status
    forward.refresh_from_db()
    services.tip_conclude(tip=tip, actor=staff, outcome=TipStatus.VERIFIED, note=forward.answer)
    tip.refresh_from_db()
    assert tip.status == TipStatus.VERIFIED and tip.public_status == "Đã xác minh"
    assert tip.outcome_note.startswith("Đã khảo sát")
    services.tip_close(tip=tip, actor=staff)
    # then
    tip.refresh_from_db()
    assert tip.status == TipStatus.CLOSED
    assert actions(tip) == [
        "submitted",
        "review_started",
        "assigned",
        "forwarded",
        "answered",
        "concluded",
        "closed",
    ]
    status_changes = [
        e.changes["status"] for e in AuditEntry.objects.for_context(tip) if "status" in e.changes
    ]
    assert status_changes == [
        [None, "new"],
        ["new", "under_review"],
        ["under_review", "forwarded"],
        ["forwarded", "answered"],
        ["answered", "verified"],
        ["verified", "closed"],
    ]
    forward_entry = AuditEntry.objects.for_context(tip).get(action="forwarded")
    assert forward_entry.actor == staff and forward_entry.object_type == "tips.forward"
    assert forward_entry.changes["agency"] == [None, "Ban Chỉ huy Quân sự phường"]


def test_default_due_date_and_past_due_date_refused(tip, users, units):
    forward = services.tip_forward(
        tip=tip, actor=users["campaign"], agency=units["cong-an"], question="Xác minh"
    )
    assert forward.due_date == timezone.localdate() + dt.timedelta(days=services.DEFAULT_FORWARD_DAYS)
    with pytest.raises(services.WorkflowError, match="quá khứ"):
        services.tip_forward(
            tip=tip,
            actor=users["campaign"],
            agency=units["bchqs"],
            question="x",
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )


def test_answer_from_one_of_two_agencies_returns_tip_to_staff(tip, users, units):
    staff = users["campaign"]
    f1 = services.tip_forward(tip=tip, actor=staff, agency=units["bchqs"], question="Quân sự xác minh")
    f2 = services.tip_forward(tip=tip, actor=staff, agency=units["cong-an"], question="Công an xác minh")
    services.forward_answer(
        forward=f1, actor=users["military"], outcome=ForwardOutcome.VERIFIED, answer="Đúng."
    )
    tip.refresh_from_db()
    assert tip.status == TipStatus.ANSWERED  # staff see the answer now; the police may still answer
    services.forward_answer(
        forward=f2, actor=users["police"], outcome=ForwardOutcome.INFO, answer="Chưa đủ hồ sơ."
    )
    tip.refresh_from_db()
    assert tip.status == TipStatus.ANSWERED


def test_any_answer_waits_for_staff_review_and_is_never_public(tip, users, units):
    for outcome in ForwardOutcome.values:
        f = services.tip_forward(
            tip=tip, actor=users["campaign"], agency=units["cong-an"], question="Xác minh"
        )
        dup = make_tip(tip.source) if outcome == ForwardOutcome.DUPLICATE else None
        services.forward_answer(
            forward=f, actor=users["police"], outcome=outcome, answer="Trả lời", duplicate_of=dup
        )
        tip.refresh_from_db()
        f.refresh_from_db()
        assert tip.status == TipStatus.ANSWERED and tip.duplicate_of is None and tip.outcome_note == ""
        assert f.duplicate_of == dup  # the agency's proposal, kept for the staff to accept
        assert tip.public_status == "Đang xác minh, cán bộ phường đang xem xét kết quả"
        assert "concluded" not in actions(tip)


def test_duplicate_needs_a_target_in_same_ward(tip, source, other_source, users):
    staff = users["campaign"]
    earlier = make_tip(source)
    foreign = make_tip(other_source)
    with pytest.raises(services.WorkflowError):
        services.tip_conclude(tip=tip, actor=staff, outcome=TipStatus.DUPLICATE, note="trùng")
    with pytest.raises(services.WorkflowError, match="cùng phường"):
        services.tip_conclude(
            tip=tip, actor=staff, outcome=TipStatus.DUPLICATE, note="trùng", duplicate_of=foreign
        )
    with pytest.raises(services.WorkflowError, match="chính nó"):
        services.tip_conclude(
            tip=tip, actor=staff, outcome=TipStatus.DUPLICATE, note="trùng", duplicate_of=tip
        )
    services.tip_conclude(
        tip=tip, actor=staff, outcome=TipStatus.DUPLICATE, note="Trùng", duplicate_of=earlier
    )
    tip.refresh_from_db()
    assert tip.status == TipStatus.DUPLICATE and tip.duplicate_of == earlier


def test_conclusion_withdraws_open_forwards_on_record(tip, users, units):
    staff = users["campaign"]
    f = services.tip_forward(tip=tip, actor=staff, agency=units["cong-an"], question="Xác minh")
    services.tip_conclude(tip=tip, actor=staff, outcome=TipStatus.NOT_VERIFIABLE, note="Không đủ thông tin")
    f.refresh_from_db()
    assert f.status == ForwardStatus.WITHDRAWN
    assert "forward_withdrawn" in actions(tip)
    # the agency can no longer answer
    with pytest.raises(PermissionDenied):
        services.forward_answer(forward=f, actor=users["police"], outcome="verified", answer="muộn")


def test_close_open_tip_needs_reason_and_reopen_needs_note(tip, users):
    staff = users["campaign"]
    with pytest.raises(services.WorkflowError, match="lý do"):
        services.tip_close(tip=tip, actor=staff)
    services.tip_close(tip=tip, actor=staff, note="Không liên quan đến liệt sĩ")
    with pytest.raises(services.WorkflowError):
        services.tip_reopen(tip=tip, actor=staff, note="")
    services.tip_reopen(tip=tip, actor=staff, note="Người gửi bổ sung thông tin")
    tip.refresh_from_db()
    assert tip.status == TipStatus.UNDER_REVIEW


def test_invalid_transitions_refused_and_nothing_changes(tip, users, units):
    staff = users["campaign"]
    services.tip_conclude(tip=tip, actor=staff, outcome=TipStatus.VERIFIED, note="Đã đối chiếu hồ sơ")
    before = AuditEntry.objects.count()
    with pytest.raises(services.WorkflowError):
        services.tip_forward(tip=tip, actor=staff, agency=units["bchqs"], question="x")
    with pytest.raises(services.WorkflowError):
        services.tip_start_review(tip=tip, actor=staff)
    with pytest.raises(services.WorkflowError):
        services.tip_conclude(tip=tip, actor=staff, outcome=TipStatus.NOT_VERIFIABLE, note="x")
    assert AuditEntry.objects.count() == before
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.VERIFIED


def test_cannot_forward_to_an_agency_of_another_ward_or_twice(tip, users, units):
    staff = users["campaign"]
    with pytest.raises(services.WorkflowError):
        services.tip_forward(tip=tip, actor=staff, agency=units["other_police"], question="x")
    services.tip_forward(
        tip=tip, actor=staff, agency=units["province_military"], question="Cấp tỉnh xác minh"
    )
    with pytest.raises(services.WorkflowError, match="đang chờ"):
        services.tip_forward(tip=tip, actor=staff, agency=units["province_military"], question="lại")


def test_edit_records_from_and_to(tip, users, units):
    services.tip_edit(
        tip=tip,
        actor=users["campaign"],
        changes={"kinds": ["witness", "martyr"], "residential_group": units["tdp-03"]},
    )
    entry = AuditEntry.objects.for_context(tip).get(action="edited")
    assert entry.changes == {
        "kinds": ["Thông tin về liệt sĩ", "Thông tin về liệt sĩ, Lời kể nhân chứng"],
        "residential_group": [None, "Tổ dân phố 3"],
    }
    services.tip_martyr_save(tip=tip, actor=users["campaign"], values={"name": "Nguyễn Văn Hùng"})
    entry = AuditEntry.objects.for_context(tip).get(action="martyr_named")
    assert entry.changes == {"martyr_name": [None, "Nguyễn Văn Hùng"], "martyr_position": [1, 1]}
    with pytest.raises(services.WorkflowError):
        services.tip_edit(tip=tip, actor=users["campaign"], changes={"account": "viết lại lời kể"})


def test_assignee_must_be_campaign_staff_of_the_ward(tip, users):
    with pytest.raises(services.WorkflowError):
        services.tip_assign(tip=tip, actor=users["campaign"], assignee=users["police"])
    with pytest.raises(services.WorkflowError):
        services.tip_assign(tip=tip, actor=users["campaign"], assignee=users["other_campaign"])


def test_notes_by_staff_and_by_the_agency_asked(tip, users, units):
    services.tip_add_note(tip=tip, actor=users["campaign"], body="Đã gọi điện cho người gửi.")
    with pytest.raises(PermissionDenied):
        services.tip_add_note(tip=tip, actor=users["police"], body="chưa được hỏi")
    services.tip_forward(tip=tip, actor=users["campaign"], agency=units["cong-an"], question="Xác minh")
    services.tip_add_note(tip=tip, actor=users["police"], body="Đang xác minh tại địa bàn.")
    assert tip.notes.count() == 2
    assert actions(tip).count("note_added") == 2


def test_reading_reporter_identity_is_recorded(tip, users):
    identity = services.tip_reveal_reporter(tip=tip, actor=users["campaign"])
    assert identity["name"] == "Lê Văn Bình" and identity["phone"] == "0987654321"
    entry = AuditEntry.objects.for_context(tip).get(action="reporter_viewed")
    assert entry.actor == users["campaign"]
    assert "Bình" not in str(entry.changes) + entry.message  # the log says who looked, not what they saw


@pytest.mark.parametrize(
    "role",
    ["leadership", "province", "group_leader", "school", "channel", "other_campaign", "military", "police"],
)
def test_roles_other_than_campaign_staff_cannot_triage(tip, users, units, role):
    actor = users[role]
    with pytest.raises(PermissionDenied):
        services.tip_start_review(tip=tip, actor=actor)
    with pytest.raises(PermissionDenied):
        services.tip_forward(tip=tip, actor=actor, agency=units["bchqs"], question="x")
    with pytest.raises(PermissionDenied):
        services.tip_conclude(tip=tip, actor=actor, outcome=TipStatus.VERIFIED, note="x")
    with pytest.raises(PermissionDenied):
        services.tip_reveal_reporter(tip=tip, actor=actor)
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.NEW


def test_only_the_agency_asked_can_answer(tip, users, units):
    f = services.tip_forward(tip=tip, actor=users["campaign"], agency=units["bchqs"], question="Xác minh")
    for role in ("police", "front", "other_police", "leadership"):
        with pytest.raises(PermissionDenied):
            services.forward_answer(forward=f, actor=users[role], outcome="verified", answer="x")
    services.forward_answer(
        forward=f, actor=users["military"], outcome="not_verifiable", answer="Không tìm thấy"
    )
    with pytest.raises(PermissionDenied):  # answered once; a second answer is refused
        services.forward_answer(forward=f, actor=users["military"], outcome="verified", answer="lại")


def test_a_withdrawal_reason_is_bounded_and_nothing_changes(tip, users, units):
    staff = users["campaign"]
    f = services.tip_forward(tip=tip, actor=staff, agency=units["cong-an"], question="Xác minh")
    with pytest.raises(services.WorkflowError, match="quá dài"):
        services.forward_withdraw(forward=f, actor=staff, reason="x" * 4001)
    f.refresh_from_db()
    assert f.status == ForwardStatus.OPEN


def test_the_tip_page_only_answers_reads(client, tip, users):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    client.login(username=users["campaign"].username, password=PASSWORD)
    url = reverse("staff:tip", args=[tip.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 405
