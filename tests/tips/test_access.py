"""Role and unit isolation, through pages and the API: a user sees and changes only what their role allows."""

import re

import pytest
from django.urls import reverse

from doantu.audit.models import AuditEntry
from doantu.tips import services
from doantu.tips.models import Tip, TipStatus
from tests.conftest import PASSWORD, make_tip, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(source, other_source, users, units):
    """Tips spread over units: one from group 1, one from group 2, one from the school's QR, one forwarded to the
    military command, one in the other ward."""
    from doantu.tips.models import Source

    school_source = Source.objects.get(code="dx-thcs-duc-xuan")
    group1 = make_tip(
        source,
        residential_group=units["tdp-01"],
        files=[],
        latitude="22.1",
        longitude="105.8",
        location_source="typed",
    )
    group2 = make_tip(source, residential_group=units["tdp-02"])
    school = make_tip(school_source)
    forwarded = make_tip(source)
    services.tip_forward(
        tip=forwarded, actor=users["campaign"], agency=units["bchqs"], question="Xác minh giúp"
    )
    other = make_tip(other_source)
    return {"group1": group1, "group2": group2, "school": school, "forwarded": forwarded, "other": other}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


EXPECTED = {
    "campaign": {"group1", "group2", "school", "forwarded"},
    "leadership": {"group1", "group2", "school", "forwarded"},
    "province": {"group1", "group2", "school", "forwarded", "other"},
    "military": {"forwarded"},
    "police": set(),
    "front": set(),
    "group_leader": {"group1"},
    "group_leader2": {"group2"},
    "school": {"school"},
    "channel": set(),
    "other_campaign": {"other"},
    "other_police": set(),
    "admin": {"group1", "group2", "school", "forwarded", "other"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_inbox_page_and_api_show_exactly_the_tips_in_scope(client, users, scene, role):
    # given
    login(client, users[role])
    expected_codes = {scene[name].receipt_code for name in EXPECTED[role]}
    # when
    page = client.get(reverse("staff:inbox"))
    api = client.get("/api/tips?limit=200")
    # then
    assert page.status_code == 200
    assert {t.receipt_code for t in page.context["page"].object_list} == expected_codes
    assert api.status_code == 200
    assert {row["receipt_code"] for row in api.json()} == expected_codes
    for name, tip in scene.items():
        detail = client.get(reverse("staff:tip", args=[tip.pk]))
        api_detail = client.get(f"/api/tips/{tip.pk}")
        visible = name in EXPECTED[role]
        assert detail.status_code == (200 if visible else 404), (role, name)
        assert api_detail.status_code == (200 if visible else 404), (role, name)


@pytest.mark.parametrize(
    "role", ["leadership", "province", "group_leader", "school", "military", "other_campaign"]
)
def test_actions_refused_by_page_and_api_for_roles_that_cannot_triage(client, users, scene, units, role):
    login(client, users[role])
    tip = scene["group1"] if role != "military" else scene["forwarded"]
    before = AuditEntry.objects.count()
    page = client.post(
        reverse("staff:tip_action", args=[tip.pk, "conclude"]),
        {"conclude-outcome": "verified", "conclude-note": "tự ý kết luận"},
    )
    api = client.post(
        f"/api/tips/{tip.pk}/conclude", {"outcome": "verified", "note": "x"}, content_type="application/json"
    )
    assert page.status_code in (403, 404)
    assert api.status_code in (403, 404)
    assert AuditEntry.objects.count() == before
    assert Tip.objects.get(pk=tip.pk).status in (TipStatus.NEW, TipStatus.FORWARDED)


def test_identity_and_location_are_need_to_know(client, users, scene):
    tip = scene["group1"]
    # the group leader sees the tip but neither who sent it nor where exactly
    login(client, users["group_leader"])
    html = client.get(reverse("staff:tip", args=[tip.pk])).content.decode()
    assert "Lê Văn Bình" not in html and 'id="map"' not in html and "22.1" not in html
    assert client.post(reverse("staff:tip_reporter", args=[tip.pk])).status_code == 403
    assert client.post(f"/api/tips/{tip.pk}/reporter").status_code == 403
    assert client.get(f"/api/tips/{tip.pk}").json()["latitude"] is None
    # leadership reads without identity too
    client.logout()
    login(client, users["leadership"])
    assert client.post(reverse("staff:tip_reporter", args=[tip.pk])).status_code == 403
    # campaign staff reveal it, and that is on the record
    client.logout()
    login(client, users["campaign"])
    page = client.get(reverse("staff:tip", args=[tip.pk])).content.decode()
    assert "Lê Văn Bình" not in page  # not shown until asked
    revealed = client.post(reverse("staff:tip_reporter", args=[tip.pk])).content.decode()
    assert "Lê Văn Bình" in revealed and "0987654321" in revealed
    assert (
        AuditEntry.objects.for_context(tip).filter(action="reporter_viewed", actor=users["campaign"]).count()
        == 1
    )


def test_attachments_served_only_to_those_who_may_see_them(client, users, source, units):
    tip = make_tip(source, residential_group=units["tdp-01"], files=[])
    from doantu.tips.uploads import prepare_upload

    tip = make_tip(
        source, residential_group=units["tdp-01"], files=[prepare_upload(upload("a.png", png_bytes()))]
    )
    attachment = tip.attachments.get()
    url = attachment.get_absolute_url()
    login(client, users["campaign"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    client.logout()
    login(client, users["group_leader"])
    assert client.get(url).status_code == 403
    client.logout()
    login(client, users["other_campaign"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_agency_answers_through_its_page(client, users, scene):
    tip = scene["forwarded"]
    forward = tip.forwards.get()
    login(client, users["military"])
    page = client.get(reverse("staff:tip", args=[tip.pk])).content.decode()
    assert "Trả lời đề nghị xác minh" in page
    response = client.post(
        reverse("staff:forward_action", args=[tip.pk, forward.pk, "answer"]),
        {
            f"answer{forward.pk}-outcome": "verified",
            f"answer{forward.pk}-answer": "Xác minh đúng tại thực địa.",
        },
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == TipStatus.ANSWERED  # back to the ward's staff to review, not concluded
    # police of the ward cannot answer the military's forward
    client.logout()
    login(client, users["police"])
    assert (
        client.post(
            reverse("staff:forward_action", args=[tip.pk, forward.pk, "answer"]),
            {f"answer{forward.pk}-outcome": "verified", f"answer{forward.pk}-answer": "x"},
        ).status_code
        == 404
    )


def test_staff_pages_need_login_and_a_role(client, db, users):
    assert client.get(reverse("staff:inbox")).status_code == 302
    from doantu.org.models import User

    User.objects.create_user(username="norole", password=PASSWORD)
    login(client, User.objects.get(username="norole"))
    assert client.get(reverse("staff:inbox")).status_code == 403
    assert client.get("/api/tips").json() == []


def test_sources_page_for_campaign_and_channel_only(client, users):
    for role, code in [("campaign", 200), ("channel", 200), ("police", 403), ("leadership", 403)]:
        client.logout()
        login(client, users[role])
        assert client.get(reverse("staff:sources")).status_code == code, role


def test_role_must_fit_unit(units):
    from django.core.exceptions import ValidationError

    from doantu.org.models import Role, User

    user = User(username="x", unit=units["vhxh"], role=Role.POLICE)
    with pytest.raises(ValidationError):
        user.clean()
    User(username="y", unit=units["cong-an"], role=Role.POLICE).clean()


def test_tip_page_action_forms_have_unique_ids_and_refusals_keep_input(client, users, tip):
    import re

    from doantu.tips import services

    services.tip_conclude(tip=tip, actor=users["campaign"], outcome=TipStatus.VERIFIED, note="Đã đối chiếu")
    login(client, users["campaign"])
    html = client.get(reverse("staff:tip", args=[tip.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    # a refused action re-renders the page with what was typed and the reason
    response = client.post(reverse("staff:tip_action", args=[tip.pk, "reopen"]), {"reopen-note": ""})
    assert response.status_code == 400
    assert "Hãy ghi lý do mở lại." in response.content.decode()


def test_timeline_reads_in_words(client, users, tip, units):
    from doantu.tips import services

    forward = services.tip_forward(
        tip=tip, actor=users["campaign"], agency=units["bchqs"], question="Xác minh"
    )
    services.forward_answer(forward=forward, actor=users["military"], outcome="verified", answer="Đúng")
    services.tip_conclude(tip=tip, actor=users["campaign"], outcome="verified", note="Đúng")
    login(client, users["campaign"])
    rows = client.get(reverse("staff:tip", args=[tip.pk])).context["timeline"]
    labels = [label for row in rows for label, *_ in row["changes"]]
    assert "outcome_note" not in labels and "status" not in labels
    assert "Kết luận" in labels and "Trạng thái" in labels
    due = next(c for row in rows for c in row["changes"] if c[0] == "Hạn trả lời")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", due[2])
    agency = next(c for row in rows for c in row["changes"] if c[0] == "Cơ quan" and not c[3])
    assert agency[2] == "Ban Chỉ huy Quân sự phường"
