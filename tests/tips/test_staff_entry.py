"""Tips given on paper, by phone or in person, entered by staff for the person who gave them (issue 8: a group
leader ticked first-person consent boxes on the public form for someone else, the group was not preselected,
he could not see the names he typed, and the office's 31st submission in an hour got HTTP 429)."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from doantu.audit.models import AuditEntry
from doantu.tips import access, services
from doantu.tips.models import Attachment, ConsentMethod, Source, Tip
from doantu.tips.services import Submission, WorkflowError, tip_submit
from doantu.tips.uploads import prepare_upload
from tests.conftest import jpeg_with_gps, png_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/staff/tips/new/"


def slip(group, **overrides) -> dict:
    source = Source.objects.get(owner_unit=group)
    data = {
        "submission_key": uuid.uuid4().hex,
        "channel": "paper",
        "source": source.pk,
        "residential_group": group.pk,
        "kind": "witness",
        "account": "Năm 1968 tôi cùng đơn vị chôn cất đồng chí Hùng ở đồi sim sau bản.",
        "martyr_name": "Nguyễn Văn Hùng",
        "reporter_name": "Hoàng Thị Nhung",
        "reporter_phone": "0209 3871 234",
        "consent_method": "oral",
        "consent_witness": "Tổ trưởng tổ dân phố 1",
        "consent_processing": "on",
        "consent_contact": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_group_leader_enters_a_slip_for_his_group_by_the_same_service(client, users, units):
    leader, group = users["group_leader"], units["tdp-01"]
    client.force_login(leader)
    # the screen opens with his group, and only his group
    page = client.get(URL)
    assert page.status_code == 200
    form = page.context["form"]
    assert list(form.fields["residential_group"].queryset) == [group]
    assert set(form.fields["source"].queryset) == set(Source.objects.filter(owner_unit=group, active=True))
    assert "Đọc cho người cung cấp nghe" in page.content.decode()
    # when
    response = client.post(URL, slip(group))
    # then
    tip = Tip.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(URL) and f"saved={tip.pk}" in response["Location"]
    assert tip.residential_group == group and tip.channel == "paper" and tip.entered_by == leader
    assert tip.consent_method == ConsentMethod.ORAL and tip.consent_witness == "Tổ trưởng tổ dân phố 1"
    assert tip.reporter_phone == "02093871234" and tip.status_check  # a landline, canonical
    entry = AuditEntry.objects.for_context(tip).get()
    assert entry.action == "submitted" and entry.actor == leader
    assert entry.changes["channel"] == [None, "paper"] and entry.changes["consent_method"] == [None, "oral"]
    # the next empty slip keeps the group, the source and the channel, and shows what was saved with a link
    following = client.get(response["Location"])
    html = following.content.decode()
    assert tip.receipt_code in html and reverse("staff:tip", args=[tip.pk]) in html
    kept = following.context["form"]
    assert kept["channel"].value() == "paper"
    assert str(kept["residential_group"].value()) == str(group.pk)
    assert kept["account"].value() in (None, "") and kept["reporter_name"].value() in (None, "")


def test_a_leader_cannot_enter_for_another_group(client, users, units):
    client.force_login(users["group_leader"])
    response = client.post(URL, slip(units["tdp-02"]))
    assert response.status_code == 400
    assert {"source", "residential_group"} <= set(response.context["form"].errors)
    assert not Tip.objects.exists()
    with pytest.raises(PermissionDenied):  # the service refuses by itself
        tip_submit(
            source=Source.objects.get(owner_unit=units["tdp-02"]),
            submission=Submission(
                kinds=["other"],
                account="Thông tin thử",
                consent_processing=True,
                anonymous=True,
                residential_group=units["tdp-02"],
                consent_method="oral",
                consent_witness="Tôi",
            ),
            files=[],
            submission_key=uuid.uuid4().hex,
            channel="paper",
            actor=users["group_leader"],
        )
    assert not Tip.objects.exists()


@pytest.mark.parametrize("role", ["military", "police", "front", "leadership", "province", "channel"])
def test_roles_that_do_not_collect_tips_cannot_enter_them(client, users, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403
    assert client.get(reverse("staff:inbox")).content.decode().count(URL) == 0


def test_campaign_staff_enter_a_phone_call_for_any_group_of_the_ward(client, users, units, source):
    client.force_login(users["campaign"])
    data = slip(units["tdp-03"], channel="phone", source=source.pk)
    assert client.post(URL, data).status_code == 302
    tip = Tip.objects.get()
    assert (tip.source, tip.residential_group, tip.channel) == (source, units["tdp-03"], "phone")


def test_a_school_enters_under_its_own_codes(client, users, units):
    school = units["thcs-duc-xuan"]
    client.force_login(users["school"])
    data = slip(units["tdp-02"], source=Source.objects.get(owner_unit=school).pk)
    assert client.post(URL, data).status_code == 302
    assert Tip.objects.get().source.owner_unit == school
    other = slip(units["tdp-02"], source=Source.objects.get(code="dx").pk)
    assert client.post(URL, other).status_code == 400


def test_consent_is_recorded_as_given_never_assumed(client, users, units):
    group = units["tdp-01"]
    client.force_login(users["group_leader"])
    errors = client.post(URL, slip(group, consent_method=None)).context["form"].errors
    assert "consent_method" in errors
    errors = client.post(URL, slip(group, consent_witness="")).context["form"].errors
    assert "consent_witness" in errors
    errors = client.post(URL, slip(group, consent_method="signed_slip")).context["form"].errors
    assert errors["consent_slip"] == ["Hãy chụp và đính kèm ảnh phiếu có chữ ký đồng ý của người cung cấp."]
    assert not Tip.objects.exists()
    # and the service refuses a staff entry without a method, and a public one that claims a method
    base = dict(kinds=["other"], account="Thông tin thử", consent_processing=True, anonymous=True)
    with pytest.raises(WorkflowError):
        tip_submit(
            source=Source.objects.get(owner_unit=group),
            submission=Submission(**base, residential_group=group),
            files=[],
            submission_key=uuid.uuid4().hex,
            channel="paper",
            actor=users["group_leader"],
        )
    with pytest.raises(PermissionDenied):
        tip_submit(
            source=Source.objects.get(code="dx"),
            submission=Submission(**base, consent_method="oral", consent_witness="Ai đó"),
            files=[],
            submission_key=uuid.uuid4().hex,
        )
    assert not Tip.objects.exists()


def test_signed_slip_photo_goes_through_the_upload_checks(client, users, units, media_root):
    group = units["tdp-01"]
    client.force_login(users["group_leader"])
    # a file that is not an image is refused like any upload
    bad = slip(
        group, consent_method="signed_slip", consent_witness="", consent_slip=upload("phieu.jpg", b"nope")
    )
    response = client.post(URL, bad)
    assert response.status_code == 400 and response.context["form"].errors["consent_slip"]
    # a phone photo of the slip: stored as the consent slip, without its EXIF position
    good = slip(
        group,
        consent_method="signed_slip",
        consent_witness="",
        consent_slip=upload("phieu.jpg", jpeg_with_gps(), "image/jpeg"),
        files=upload("ban-do.png", png_bytes(), "image/png"),
    )
    assert client.post(URL, good).status_code == 302
    tip = Tip.objects.get()
    kinds = sorted(tip.attachments.values_list("kind", flat=True))
    assert kinds == ["consent_slip", "image"]
    photo = tip.attachments.get(kind="consent_slip")
    from PIL import Image

    with photo.file.open("rb") as fh:
        assert not Image.open(fh).getexif().get_ifd(0x8825)
    assert tip.consent_method == "signed_slip"


def test_forty_entries_in_a_row_are_never_rate_limited(client, users, units, settings):
    settings.TIP_RATE_PER_HOUR = 30
    settings.TIP_RATE_PER_HOUR_ADDRESS = 30
    from django.core.cache import cache

    cache.clear()
    client.force_login(users["campaign"])
    group = units["tdp-01"]
    statuses = [client.post(URL, slip(group, channel="in_person")).status_code for _ in range(40)]
    assert statuses == [302] * 40
    # the public form too, for signed-in staff (the office used it before this screen existed)
    from tests.conftest import tip_post_data

    public = [client.post("/t/dx", tip_post_data()).status_code for _ in range(40)]
    assert public == [302] * 40
    assert Tip.objects.count() == 80
    # while an anonymous phone is limited at the 31st
    anonymous = client.__class__()
    limited = [anonymous.post("/t/dx", tip_post_data()).status_code for _ in range(31)]
    assert limited[-1] == 429 and limited[:30] == [302] * 30


def test_the_enterer_sees_what_he_entered_names_on_request_and_audited(client, users, units):
    leader, group = users["group_leader"], units["tdp-01"]
    client.force_login(leader)
    client.post(URL, slip(group, reporter_name="Hoàng Thị Nhung"))
    client.post(URL, slip(group, reporter_name="Đinh Văn Tư", reporter_phone="+84 912 345 678"))
    tips = list(Tip.objects.order_by("pk"))
    # the rule, in one place
    for tip in tips:
        view = access.visible_fields(leader, tip)
        assert view.identity and view.location and view.attachments and not view.internal
        assert access.can_view_identity(leader, tip)
    # another leader of the same group, who did not enter them, does not read identities
    other = users["group_leader"].__class__.objects.create_user(
        username="tdp1-b", password="x", unit=group, role="group_leader"
    )
    assert not access.can_view_identity(other, tips[0])
    # the inbox says who entered them; the names only in his own list, each reading recorded
    inbox = client.get(reverse("staff:inbox")).content.decode()
    assert "Nhập hộ:" in inbox and "Hoàng Thị Nhung" not in inbox
    before = AuditEntry.objects.filter(action="reporter_viewed").count()
    mine = client.get(reverse("staff:inbox"), {"entered": "on"}).content.decode()
    assert "Hoàng Thị Nhung" in mine and "Đinh Văn Tư" in mine
    assert AuditEntry.objects.filter(action="reporter_viewed", actor=leader).count() == before + 2
    # the tip's page: the reveal button, through the usual audited service
    page = client.get(reverse("staff:tip", args=[tips[0].pk])).content.decode()
    assert 'id="reveal-reporter"' in page and 'id="entered-by"' in page
    assert services.tip_reveal_reporter(tip=tips[0], actor=leader)["name"] == "Hoàng Thị Nhung"
    # campaign staff see "entered by" but no names in a list
    client.force_login(users["campaign"])
    staff_inbox = client.get(reverse("staff:inbox"), {"entered": "on"}).content.decode()
    assert "Hoàng Thị Nhung" not in staff_inbox


def test_the_enterer_keeps_seeing_a_tip_moved_to_another_group(client, users, units):
    leader = users["group_leader"]
    client.force_login(leader)
    client.post(URL, slip(units["tdp-01"]))
    tip = Tip.objects.get()
    services.tip_edit(tip=tip, actor=users["campaign"], changes={"residential_group": units["tdp-02"]})
    assert access.can_view_tip(leader, tip) and access.can_view_identity(leader, tip)
    # the new group's leader sees it now, without the identity he did not type
    assert access.can_view_tip(users["group_leader2"], tip)
    assert not access.can_view_identity(users["group_leader2"], tip)


def test_a_retried_slip_is_saved_once(client, users, units):
    client.force_login(users["group_leader"])
    data = slip(units["tdp-01"])
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert Tip.objects.count() == 1


def test_prepare_upload_is_what_checks_the_slip(users, units, media_root):
    """The service stores a prepared consent slip as its own kind of attachment."""
    group = units["tdp-01"]
    prepared = prepare_upload(upload("phieu.png", png_bytes(), "image/png"))
    tip, created = tip_submit(
        source=Source.objects.get(owner_unit=group),
        submission=Submission(
            kinds=["other"],
            account="Thông tin thử nghiệm",
            consent_processing=True,
            anonymous=True,
            residential_group=group,
            consent_method="signed_slip",
        ),
        files=[],
        consent_slip=prepared,
        submission_key=uuid.uuid4().hex,
        channel="paper",
        actor=users["group_leader"],
    )
    assert created and Attachment.objects.get(tip=tip).kind == "consent_slip"
