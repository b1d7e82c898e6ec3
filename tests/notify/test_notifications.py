"""Notifications: each event tells the right people and nobody else, in words each may read; a refused action
tells nobody; digests collect; the tipster is texted only with consent, and the number is never recorded."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from doantu.audit.models import AuditEntry
from doantu.notify import channels, services
from doantu.notify.models import Delivery, DeliveryStatus, Kind, Mode, Notification
from doantu.tips import services as tips
from doantu.tips.models import Forward, Source

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

SECRET = ("ZQXREPORTER", "0912345678", "ZQXADDRESS", "ZQXPLACE", "21.123456")


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.NOTIFY_SMS_BACKEND = "doantu.notify.channels.MemorySms"
    settings.SITE_URL = "https://thongtin.example.vn"
    channels.sms_outbox.clear()
    yield
    channels.sms_outbox.clear()


def make_tip(source, *, phone="0912345678", consent=True, anonymous=False, group=None, **extra):
    tip, _ = tips.tip_submit(
        source=source,
        submission=tips.Submission(
            kinds=["grave"],
            account="Tôi biết một ngôi mộ ở đồi sau nhà.",
            consent_processing=True,
            anonymous=anonymous,
            reporter_name="ZQXREPORTER",
            reporter_phone=phone,
            reporter_address="ZQXADDRESS",
            consent_contact=consent,
            martyrs=[{"name": "Nguyễn Văn Thụ"}],
            latitude="21.123456",
            longitude="105.654321",
            location_source="gps",
            location_description="ZQXPLACE",
            residential_group=group,
            **extra,
        ),
        files=[],
        submission_key=f"k-{Source.objects.count()}-{timezone.now().timestamp()}",
    )
    return tip


def recipients(kind=None):
    qs = Notification.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(n.recipient.username for n in qs)


def assert_need_to_know(n: Notification):
    for secret in SECRET:
        assert secret not in n.text, (secret, n.text)


def forward(tip, users, units, agency="cong-an", question="Đề nghị xác minh ngôi mộ ZQXQUESTION"):
    return tips.tip_forward(tip=tip, actor=users["campaign"], agency=units[agency], question=question)


# ------------------------------------------------------------------------------------------------ events


def test_forward_tells_the_agency_and_nobody_else(source, users, units):
    tip = make_tip(source)
    forward(tip, users, units)
    assert recipients() == ["congan"]
    n = Notification.objects.get()
    assert n.kind == Kind.FORWARDED and n.tip == tip
    assert "ZQXQUESTION" in n.text and tip.receipt_code in n.text and "Nguyễn Văn Thụ" in n.text
    assert_need_to_know(n)


def test_a_refused_forward_tells_nobody(source, users, units):
    tip = make_tip(source)
    with pytest.raises(PermissionDenied):
        tips.tip_forward(tip=tip, actor=users["police"], agency=units["cong-an"], question="x")
    with pytest.raises(tips.WorkflowError):
        tips.tip_forward(
            tip=tip,
            actor=users["campaign"],
            agency=units["cong-an"],
            question="x",
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )
    forward(tip, users, units)
    with pytest.raises(tips.WorkflowError):  # already asked and waiting
        forward(tip, users, units)
    assert recipients() == ["congan"]
    assert Notification.objects.count() == 1


def test_answer_tells_every_campaign_staff_of_the_ward_or_only_the_assignee(source, users, units):
    tip = make_tip(source)
    fwd = forward(tip, users, units)
    Notification.objects.all().delete()
    tips.forward_answer(
        forward=fwd, actor=users["police"], outcome="info", answer="Đã gặp gia đình ZQXANSWER"
    )
    assert recipients(Kind.ANSWERED) == ["vhxh", "vhxh2"]  # not the other ward's staff, not the police
    n = Notification.objects.filter(kind=Kind.ANSWERED).first()
    assert "ZQXANSWER" in n.text
    assert_need_to_know(n)

    Notification.objects.all().delete()
    tips.tip_assign(tip=tip, actor=users["campaign"], assignee=users["campaign2"])
    fwd2 = forward(tip, users, units, agency="bchqs")
    tips.forward_answer(forward=fwd2, actor=users["military"], outcome="info", answer="ZQXANSWER2")
    assert recipients(Kind.ANSWERED) == ["vhxh2"]


def test_a_refused_answer_tells_nobody(source, users, units):
    tip = make_tip(source)
    fwd = forward(tip, users, units)
    Notification.objects.all().delete()
    with pytest.raises(PermissionDenied):  # another agency
        tips.forward_answer(forward=fwd, actor=users["military"], outcome="info", answer="x")
    with pytest.raises(tips.WorkflowError):
        tips.forward_answer(forward=fwd, actor=users["police"], outcome="info", answer="")
    assert Notification.objects.count() == 0


def test_group_leader_is_told_of_status_changes_without_identity_or_location(source, users, units):
    tip = make_tip(source, group=units["tdp-01"])
    tips.tip_start_review(tip=tip, actor=users["campaign"])
    assert recipients(Kind.STATUS) == ["tdp1"]  # not the leader of group 2
    n = Notification.objects.get(kind=Kind.STATUS)
    assert "Đang xem xét" in n.text
    assert_need_to_know(n)
    fwd = forward(tip, users, units)
    status = Notification.objects.filter(kind=Kind.STATUS, recipient=users["group_leader"]).last()
    assert "ZQXQUESTION" not in status.text  # the forward's question is for the ward and the agency
    assert_need_to_know(status)
    tips.tip_add_note(tip=tip, actor=users["campaign"], body="ZQXNOTE")  # no status change: nothing
    assert Notification.objects.filter(recipient=users["group_leader"]).count() == 2
    tips.forward_answer(forward=fwd, actor=users["police"], outcome="info", answer="ZQXANSWER")
    last = Notification.objects.filter(recipient=users["group_leader"]).first()
    assert "ZQXANSWER" not in last.text
    assert all("ZQXNOTE" not in n.text for n in Notification.objects.all())


def test_the_second_agency_never_reads_the_first_agencys_question(source, users, units):
    tip = make_tip(source)
    forward(tip, users, units, question="ZQXPOLICEQ")
    forward(tip, users, units, agency="bchqs", question="ZQXMILQ")
    mil = Notification.objects.get(recipient=users["military"])
    assert "ZQXMILQ" in mil.text and "ZQXPOLICEQ" not in mil.text


def test_overdue_forward_tells_campaign_staff_and_the_agency_once(source, users, units):
    tip = make_tip(source)
    fwd = forward(tip, users, units)
    Forward.objects.filter(pk=fwd.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
    Notification.objects.all().delete()
    assert services.notify_overdue_forwards() == 1
    assert recipients(Kind.OVERDUE) == ["congan", "vhxh", "vhxh2"]
    assert AuditEntry.objects.filter(action="overdue_notified", object_id=str(fwd.pk)).count() == 1
    assert services.notify_overdue_forwards() == 0  # once
    assert Notification.objects.count() == 3
    for n in Notification.objects.all():
        assert_need_to_know(n)


def test_overdue_skips_answered_and_not_yet_due(source, users, units):
    tip = make_tip(source)
    fwd = forward(tip, users, units)
    tips.forward_answer(forward=fwd, actor=users["police"], outcome="info", answer="x")
    Forward.objects.filter(pk=fwd.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
    forward(tip, users, units, agency="bchqs")  # due in 14 days
    assert services.notify_overdue_forwards() == 0


# ------------------------------------------------------------------------------------------------ the tipster


def _conclude(tip, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tips.tip_conclude(tip=tip, actor=users["campaign"], outcome="verified", note="Đã xác minh mộ")


def test_tipster_is_texted_when_concluded_with_consent(source, users, django_capture_on_commit_callbacks):
    tip = make_tip(source, phone="+84 912 345 678")
    _conclude(tip, users, django_capture_on_commit_callbacks)
    assert len(channels.sms_outbox) == 1
    number, message = channels.sms_outbox[0]
    assert number == "0912345678"
    assert tip.receipt_code in message.body and "Đã xác minh" in message.body
    assert "ZQXREPORTER" not in message.body and "ZQXPLACE" not in message.body
    entry = AuditEntry.objects.get(action="reporter_notified")
    assert entry.object_id == str(tip.pk)
    assert "912" not in entry.message and "345" not in entry.message and "678" not in entry.message


@pytest.mark.parametrize(
    "kwargs",
    [{"consent": False}, {"anonymous": True, "phone": ""}, {"phone": ""}],
    ids=["no-consent", "anon", "none"],
)
def test_tipster_is_not_texted_without_consent_or_phone(
    source, users, kwargs, django_capture_on_commit_callbacks
):
    tip = make_tip(source, **kwargs)
    _conclude(tip, users, django_capture_on_commit_callbacks)
    assert channels.sms_outbox == []
    assert not AuditEntry.objects.filter(action="reporter_notified").exists()


def test_tipster_withdrawn_consent_is_respected(source, users, django_capture_on_commit_callbacks):
    tip = make_tip(source)
    type(tip).objects.filter(pk=tip.pk).update(consent_withdrawn_at=timezone.now())
    _conclude(tip, users, django_capture_on_commit_callbacks)
    assert channels.sms_outbox == []


def test_a_landline_is_not_texted_and_staff_are_told_to_call(
    source, users, django_capture_on_commit_callbacks
):
    tip = make_tip(source, phone="0209 3871 234")
    _conclude(tip, users, django_capture_on_commit_callbacks)
    assert channels.sms_outbox == []
    entry = AuditEntry.objects.get(action="reporter_not_notified")
    assert "gọi điện" in entry.message and "3871" not in entry.message


def test_tipster_not_texted_for_a_refused_conclusion(source, users, django_capture_on_commit_callbacks):
    tip = make_tip(source)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        tips.tip_conclude(tip=tip, actor=users["police"], outcome="verified", note="x")
    assert channels.sms_outbox == []


def test_tipster_texted_after_an_agency_verdict_concludes(
    source, users, units, django_capture_on_commit_callbacks
):
    """However the tip comes to a conclusion (here the last agency's verdict), the tipster hears once."""
    tip = make_tip(source)
    fwd = forward(tip, users, units)
    with django_capture_on_commit_callbacks(execute=True):
        tips.forward_answer(forward=fwd, actor=users["police"], outcome="verified", answer="Đúng")
    tip.refresh_from_db()
    expected = 1 if tip.status == "verified" else 0
    assert len(channels.sms_outbox) == expected


# ------------------------------------------------------------------------------------------------ email, digest


def test_email_immediately_after_commit(source, users, units, django_capture_on_commit_callbacks):
    police = users["police"]
    police.email = "congan@example.vn"
    police.save()
    tip = make_tip(source)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        forward(tip, users, units)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["congan@example.vn"]
    assert f"https://thongtin.example.vn/staff/tips/{tip.pk}/" in message.body
    assert "ZQXREPORTER" not in message.body and "ZQXPLACE" not in message.body
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_digest_collects_the_days_items_in_one_message(
    source, users, units, django_capture_on_commit_callbacks
):
    campaign = users["campaign"]
    campaign.email = "vhxh@example.vn"
    campaign.phone = "0987 654 321"
    campaign.save()
    services.preference_save(actor=campaign, email=Mode.DIGEST, sms=Mode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        for agency in ("cong-an", "bchqs"):
            tip = make_tip(source)
            fwd = forward(tip, users, units, agency=agency)
            actor = users["police" if agency == "cong-an" else "military"]
            tips.forward_answer(forward=fwd, actor=actor, outcome="info", answer=f"ZQXDIGEST{agency}")
    assert mail.outbox == [] and channels.sms_outbox == []
    assert services.digests_send() == 2  # one email, one SMS
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "ZQXDIGESTcong-an" in body and "ZQXDIGESTbchqs" in body
    assert len(channels.sms_outbox) == 1 and channels.sms_outbox[0][0] == "0987654321"
    assert "2 thông báo" in channels.sms_outbox[0][1].body
    assert services.digests_send() == 0  # sent once
    # campaign2 (no email, no phone) is notified in the app only
    assert Notification.objects.filter(recipient=users["campaign2"]).count() == 2


def test_preference_off_sends_nothing(source, users, units, django_capture_on_commit_callbacks):
    police = users["police"]
    police.email = "congan@example.vn"
    police.save()
    services.preference_save(actor=police, email=Mode.OFF, sms=Mode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        forward(make_tip(source), users, units)
    assert mail.outbox == [] and Delivery.objects.count() == 0
    assert Notification.objects.filter(recipient=police).count() == 1


def test_preference_is_audited(users):
    services.preference_save(actor=users["police"], email=Mode.DIGEST, sms=Mode.OFF)
    entry = AuditEntry.objects.get(action="preference_saved")
    assert entry.actor == users["police"] and entry.changes == {"email": ["immediate", "digest"]}


def test_daily_command(source, users, units):
    from django.core.management import call_command

    tip = make_tip(source)
    fwd = forward(tip, users, units)
    Forward.objects.filter(pk=fwd.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    from io import StringIO

    out = StringIO()
    call_command("notify_daily", stdout=out)
    assert "Đã báo 1 đề nghị" in out.getvalue()


def test_next_run_is_the_next_daily_hour(settings):
    from zoneinfo import ZoneInfo

    from doantu.notify.tasks import next_run

    settings.NOTIFY_DAILY_HOUR = 7
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    assert next_run(dt.datetime(2026, 12, 1, 6, 0, tzinfo=tz)) == dt.datetime(2026, 12, 1, 7, 0, tzinfo=tz)
    assert next_run(dt.datetime(2026, 12, 1, 7, 0, tzinfo=tz)) == dt.datetime(2026, 12, 2, 7, 0, tzinfo=tz)


def test_mobile_numbers():
    assert channels.mobile_number("0912 345 678") == "0912345678"
    assert channels.mobile_number("+84912345678") == "0912345678"
    assert channels.mobile_number("84 912.345.678") == "0912345678"
    assert channels.mobile_number("0209 3871 234") is None
    assert channels.mobile_number("12345") is None


# ------------------------------------------------------------------------------------------------ pages


def _client(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_bell_list_and_mark_read(client, source, users, units):
    tip = make_tip(source)
    forward(tip, users, units)
    c = _client(client, users["police"])
    page = c.get(reverse("staff:inbox"))
    assert 'data-testid="unread-count">1<' in page.content.decode()
    listing = c.get(reverse("notify:list")).content.decode()
    assert tip.receipt_code in listing and "ZQXQUESTION" in listing
    n = Notification.objects.get()
    response = c.post(reverse("notify:read", args=[n.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == tip.get_absolute_url()
    n.refresh_from_db()
    assert n.read_at is not None
    assert AuditEntry.objects.filter(action="notification_read", object_id=str(n.pk)).exists()
    assert 'data-testid="unread-count"' not in c.get(reverse("staff:inbox")).content.decode()


def test_nobody_reads_or_marks_another_users_notification(client, source, users, units):
    tip = make_tip(source)
    forward(tip, users, units)
    n = Notification.objects.get()
    for intruder in ("military", "campaign", "admin"):
        c = _client(client, users[intruder])
        assert "ZQXQUESTION" not in c.get(reverse("notify:list")).content.decode()
        assert c.post(reverse("notify:read", args=[n.pk])).status_code == 404
        c.post(reverse("notify:read_all"))
        c.logout()
    n.refresh_from_db()
    assert n.read_at is None
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(notification=n, actor=users["military"])


def test_mark_all_read(client, source, users, units):
    forward(make_tip(source), users, units)
    forward(make_tip(source), users, units)
    c = _client(client, users["police"])
    c.post(reverse("notify:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_preference_page(client, users):
    c = _client(client, users["police"])
    assert c.get(reverse("notify:preference")).status_code == 200
    assert c.post(reverse("notify:preference"), {"email": "digest", "sms": "off"}).status_code == 302
    assert services.preference_of(users["police"]).email == "digest"
    assert c.post(reverse("notify:preference"), {"email": "weekly", "sms": "off"}).status_code == 400


def test_a_notification_about_a_tip_no_longer_visible_is_not_shown(client, source, users, units):
    tip = make_tip(source)
    forward(tip, users, units)
    police = users["police"]
    police.unit = units["other_police"]  # moved to another ward's police
    police.save()
    listing = _client(client, police).get(reverse("notify:list")).content.decode()
    assert "ZQXQUESTION" not in listing and "không còn quyền xem" in listing
