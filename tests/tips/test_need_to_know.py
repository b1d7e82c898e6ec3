"""Need-to-know in every view of a tip: its page, the inbox, the API detail and list, and the timeline (page and
API). One rule (``tips.access.visible_fields``) decides; these tests read what each role actually receives."""

import json

import pytest
from django.urls import reverse

from doantu.tips import access, services
from tests.conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db

NOTE = "Ghi chú nội bộ: người gửi là cháu ông Tư"
PLACE = "Gốc cây đa cạnh nhà ông Tư, thôn Nà Cà"
MIL_Q = "Câu hỏi riêng cho Ban CHQS"
MIL_A = "Trả lời riêng của Ban CHQS"
POL_Q = "Câu hỏi riêng cho Công an"
CLOSE_WHY = "Lý do đóng nội bộ"


@pytest.fixture
def worked(source, users, units):
    """A relative's tip from group 1, with an internal note, an edited place, an assignment and two forwards
    (the military command answered; the police still to answer)."""
    tip = make_tip(
        source,
        kind="relative",
        residential_group=units["tdp-01"],
        relationship="sibling_same_mother",
        dna_offer=True,
        consent_dna=True,
        latitude="22.146000",
        longitude="105.834000",
        location_source="gps",
    )
    campaign = users["campaign"]
    users["campaign2"].full_name = "Đỗ Thị Phân Công"
    users["campaign2"].save()
    services.tip_add_note(tip=tip, actor=campaign, body=NOTE)
    services.tip_edit(
        tip=tip, actor=campaign, changes={"location_description": PLACE, "relationship": "mother"}
    )
    services.tip_assign(tip=tip, actor=campaign, assignee=users["campaign2"])
    military = services.tip_forward(tip=tip, actor=campaign, agency=units["bchqs"], question=MIL_Q)
    services.tip_forward(tip=tip, actor=campaign, agency=units["cong-an"], question=POL_Q)
    services.forward_answer(forward=military, actor=users["military"], outcome="info", answer=MIL_A)
    return tip


def everything_seen(client, user, tip) -> str:
    """Every view of ``tip`` that ``user`` receives, as one text."""
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    parts = [
        client.get(reverse("staff:tip", args=[tip.pk])).content.decode(),
        client.get(reverse("staff:inbox")).content.decode(),
        json.dumps(client.get(f"/api/tips/{tip.pk}").json(), ensure_ascii=False),
        json.dumps(client.get(f"/api/tips/{tip.pk}/timeline").json(), ensure_ascii=False),
        json.dumps(client.get("/api/tips").json(), ensure_ascii=False),
    ]
    return "\n".join(parts)


RELATIVE_MARKS = ("Anh/chị/em cùng mẹ", "sibling_same_mother", '"mother"', "Đăng ký cho mẫu ADN", ">ADN<")


@pytest.mark.parametrize("role", ["group_leader", "leadership", "province"])
def test_readers_without_need_get_no_internal_location_forward_or_relative_content(
    client, users, worked, role
):
    seen = everything_seen(client, users[role], worked)
    assert worked.receipt_code in seen  # they do see the tip
    for secret in (NOTE, PLACE, MIL_Q, MIL_A, POL_Q, *RELATIVE_MARKS):
        assert secret not in seen, (role, secret)
    assert users["campaign2"].display_name not in seen  # the assignment is internal
    detail = client.get(f"/api/tips/{worked.pk}").json()
    assert detail["relationship"] is None and detail["dna_offer"] is None
    assert {"location", "relative", "internal", "identity"} <= set(detail["withheld"])
    assert all(f["question"] is None and f["answer"] is None for f in detail["forwards"])
    assert any(e["withheld"] for e in client.get(f"/api/tips/{worked.pk}/timeline").json())


def test_an_agency_reads_its_own_forward_not_another_agencys(client, users, worked):
    seen = everything_seen(client, users["police"], worked)
    assert POL_Q in seen and PLACE in seen and NOTE in seen  # a handler: location and notes
    assert MIL_Q not in seen and MIL_A not in seen
    seen = everything_seen(client, users["military"], worked)
    assert MIL_Q in seen and MIL_A in seen
    assert POL_Q not in seen


def test_the_owners_read_everything(client, users, worked):
    seen = everything_seen(client, users["campaign"], worked)
    for text in (NOTE, PLACE, MIL_Q, MIL_A, POL_Q, "Anh/chị/em cùng mẹ", "Đăng ký cho mẫu ADN"):
        assert text in seen, text
    detail = client.get(f"/api/tips/{worked.pk}").json()
    assert detail["withheld"] == [] and detail["relationship"] == "mother" and detail["dna_offer"] is True


def test_close_and_reopen_reasons_are_internal(client, users, worked):
    services.tip_close(tip=worked, actor=users["campaign"], note=CLOSE_WHY)
    assert CLOSE_WHY not in everything_seen(client, users["leadership"], worked)
    assert CLOSE_WHY in everything_seen(client, users["campaign"], worked)


def test_an_unclassified_action_or_field_is_for_the_owners_only(users, worked):
    """Fail closed: a new kind of audit entry on a tip shows its content only to the tip's owners."""
    from doantu.audit.services import audit_record

    audit_record(
        actor=users["campaign"],
        action="something_new",
        obj=worked,
        changes={"secret": [None, "x"]},
        message="m",
    )
    from doantu.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="something_new")
    agencies = access.forward_agencies(worked)
    for role, shown in (("campaign", True), ("military", False), ("leadership", False)):
        changes, message, withheld = access.timeline_entry(
            access.visible_fields(users[role], worked), entry, agencies
        )
        assert (changes == {"secret": [None, "x"]} and message == "m") is shown, role
        assert withheld is not shown


def test_an_edit_cannot_hand_a_tip_to_another_wards_group_leader(users, units, worked):
    """The residential group decides which group leader sees a tip: an edit keeps it within the tip's ward."""
    from doantu.org.models import OrgUnit, UnitKind

    foreign = OrgUnit.objects.create(
        parent=units["other_ward"], kind=UnitKind.RESIDENTIAL_GROUP, code="tdp-x", name="Tổ dân phố khác"
    )
    with pytest.raises(services.WorkflowError):
        services.tip_edit(tip=worked, actor=users["campaign"], changes={"residential_group": foreign})
    worked.refresh_from_db()
    assert worked.residential_group == units["tdp-01"]
    services.tip_edit(tip=worked, actor=users["campaign"], changes={"residential_group": units["tdp-02"]})
    assert access.can_view_tip(users["group_leader2"], worked)
