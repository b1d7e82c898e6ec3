"""Issue 8, Bà Lan: the receipt does not live only on the screen. From the receipt page the person who has just
sent a tip may have it sent to the number they gave (SMS, or Zalo through the same channel), with their consent,
rate-limited, never to anyone else and never from anyone else's browser; and save it as an image or a PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from doantu.audit.models import AuditEntry
from doantu.notify import channels
from doantu.tips import services
from doantu.tips.models import Tip
from tests.conftest import make_tip, tip_post_data

pytestmark = pytest.mark.django_db

NUMBER = "0912345678"


@pytest.fixture(autouse=True)
def sms(settings):
    settings.NOTIFY_SMS_BACKEND = "doantu.notify.channels.MemorySms"
    channels.sms_outbox.clear()
    yield channels.sms_outbox
    channels.sms_outbox.clear()


def own(client, tip):
    """This browser has just sent ``tip`` (as the intake view records it)."""
    session = client.session
    session["just_submitted"] = tip.receipt_code
    session.save()
    return client


def send(client, tip, **data):
    return client.post(
        reverse("public:receipt_send", args=[tip.receipt_code]), {"channel": "sms", "consent": "on", **data}
    )


def test_after_sending_a_tip_the_receipt_page_offers_the_sms(client, source):
    response = client.post("/t/dx", tip_post_data(reporter_phone="0912 345 678"))
    tip = Tip.objects.get()
    assert response["Location"] == reverse("public:receipt", args=[tip.receipt_code])
    page = client.get(response["Location"]).content.decode()
    assert 'id="receipt-send"' in page
    # the number is named masked only: the page is at an address others may open
    assert "*******678" in page and "0912" not in page and "345 678" not in page


def test_sent_with_consent_to_the_number_given_and_recorded_without_it(
    client, source, sms, django_capture_on_commit_callbacks
):
    tip = make_tip(source, reporter_phone="+84 912 345 678")
    own(client, tip)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, tip)
    assert response.status_code == 302
    assert len(sms) == 1
    number, message = sms[0]
    assert number == NUMBER
    assert tip.receipt_code in message.body and "/tra-cuu/?ma=" in message.body
    assert "Lê Văn Bình" not in message.body and "đồi thông" not in message.body  # nothing personal
    page = client.get(response["Location"]).content.decode()
    assert "Biên nhận đang được gửi qua tin nhắn tới số *******678" in page
    actions = list(AuditEntry.objects.for_context(tip).values_list("action", flat=True))
    assert "receipt_requested" in actions and "receipt_sent" in actions
    recorded = " ".join(str(e.changes) + e.message for e in AuditEntry.objects.for_context(tip))
    assert "912" not in recorded


def test_without_consent_nothing_is_sent(client, source, sms, django_capture_on_commit_callbacks):
    tip = make_tip(source, reporter_phone=NUMBER)
    own(client, tip)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, tip, consent="")
    assert sms == []
    assert "Hãy đánh dấu đồng ý" in client.get(response["Location"]).content.decode()
    assert not AuditEntry.objects.filter(action="receipt_requested").exists()


def test_another_browser_holding_the_code_can_neither_see_the_offer_nor_send(
    client, source, sms, django_capture_on_commit_callbacks
):
    tip = make_tip(source, reporter_phone=NUMBER)
    page = client.get(reverse("public:receipt", args=[tip.receipt_code])).content.decode()
    assert 'id="receipt-send"' not in page and "678" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, tip)
    assert response.status_code == 403
    assert sms == []
    # nor by a browser that has just sent another tip
    other = make_tip(source, reporter_phone="0987654321")
    own(client, other)
    assert send(client, tip).status_code == 403
    assert sms == []


@pytest.mark.parametrize(
    "fields",
    [
        {"anonymous": True, "privacy": "anonymous", "reporter_name": "", "reporter_phone": ""},
        {"reporter_phone": "0209 3871 234"},  # a landline receives no SMS
    ],
    ids=["anonymous", "landline"],
)
def test_no_offer_without_a_mobile_number(client, source, fields):
    tip = make_tip(source, **fields)
    own(client, tip)
    page = client.get(reverse("public:receipt", args=[tip.receipt_code])).content.decode()
    assert 'id="receipt-send"' not in page
    assert send(client, tip).status_code == 403


def test_rate_limited_per_receipt(client, source, sms, django_capture_on_commit_callbacks):
    tip = make_tip(source, reporter_phone=NUMBER)
    own(client, tip)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            response = send(client, tip)
    assert len(sms) == 2  # RECEIPT_SENDS_PER_CODE
    assert "gửi nhiều lần trong giờ này" in client.get(response["Location"]).content.decode()


def test_withdrawn_before_the_worker_sends_nothing_goes(source, sms):
    from doantu.notify.services import receipt_send

    tip = make_tip(source, reporter_phone=NUMBER)
    services.tip_withdraw_consent(receipt_code=tip.receipt_code, phone_digits="5678")
    assert receipt_send(tip_id=tip.pk, url="http://x/tra-cuu/", channel_name="sms") == "not-sent"
    assert sms == []
    assert AuditEntry.objects.filter(action="receipt_not_sent").exists()


def test_no_sms_backend_is_recorded_not_hidden(
    client, source, sms, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_SMS_BACKEND = ""
    tip = make_tip(source, reporter_phone=NUMBER)
    own(client, tip)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, tip)
    entry = AuditEntry.objects.get(action="receipt_not_sent")
    assert "chưa cấu hình kênh SMS/Zalo" in entry.message


def test_the_receipt_as_a_pdf(client, source):
    tip = make_tip(source)
    response = client.get(reverse("public:receipt_pdf", args=[tip.receipt_code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"bien-nhan-{tip.receipt_code}.pdf" in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842  # A4 in points
    page = client.get(reverse("public:receipt", args=[tip.receipt_code])).content.decode()
    assert reverse("public:receipt_pdf", args=[tip.receipt_code]) in page
    assert client.get(reverse("public:receipt_pdf", args=["ZZZZ-ZZZZ"])).status_code == 404
