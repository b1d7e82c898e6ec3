"""Issue 8, Bà Lan: the receipt can be kept (an image, a QR code of the status link); every public page shows the
ward's phone, address and hours; the status page says what happens next."""

import io

import pytest
from PIL import Image

from doantu.tips.models import PUBLIC_NEXT, Tip, TipStatus
from tests.conftest import make_tip, tip_post_data

pytestmark = pytest.mark.django_db

PHONE, ADDRESS, HOURS = "0208 3855 123", "Số 1 đường Thống Nhất", "Thứ Hai – Thứ Sáu, 7:30 – 17:00"


@pytest.fixture
def contact(ward):
    ward.contact_phone, ward.contact_address, ward.contact_hours = PHONE, ADDRESS, HOURS
    ward.save()
    return ward


def test_every_public_page_shows_the_wards_contact(client, source, contact):
    tip = make_tip(source)
    for url in ("/t/dx", "/tra-cuu/", f"/bien-nhan/{tip.receipt_code}/", "/?chon", "/login/"):
        html = client.get(url).content.decode()
        assert PHONE in html and ADDRESS in html and HOURS in html, url
    looked_up = client.post("/tra-cuu/", {"receipt_code": tip.receipt_code, "phone_digits": "4321"})
    assert PHONE in looked_up.content.decode()


def test_an_error_page_shows_the_contact_once(client, source, contact):
    html = client.get("/t/no-such-code").content.decode()
    assert html.count(ADDRESS) == 1


def test_the_receipt_can_be_kept(client, source):
    response = client.post("/t/dx", tip_post_data())
    tip = Tip.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f"/tra-cuu/?ma={tip.receipt_code}" in page and "<svg" in page
    assert f"/bien-nhan/{tip.receipt_code}/anh.png" in page

    image = client.get(f"/bien-nhan/{tip.receipt_code}/anh.png")

    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert tip.receipt_code in image["Content-Disposition"]
    png = Image.open(io.BytesIO(image.content))
    assert png.width == 720 and png.height > 600
    assert client.get("/bien-nhan/ZZZZ-ZZZZ/anh.png").status_code == 404


def test_api_receipt_links_the_status_page_and_the_image(client, source):
    data = client.post("/api/public/sources/dx/tips", tip_post_data()).json()
    assert data["status_url"].endswith(f"/tra-cuu/?ma={data['receipt_code']}")
    assert client.get(data["receipt_image_url"]).status_code == 200


def test_the_receipt_text_for_notifications(source):
    from doantu.tips.receipts import receipt_text

    tip = make_tip(source)
    text = receipt_text(tip, "https://x/tra-cuu/?ma=" + tip.receipt_code)
    assert tip.receipt_code in text and "4 số cuối" in text and len(text) < 320


@pytest.mark.parametrize("status", list(TipStatus))
def test_the_status_page_says_what_happens_next(client, source, status):
    tip = make_tip(source, reporter_phone="0912344321")
    Tip.objects.filter(pk=tip.pk).update(status=status)
    html = client.post(
        "/tra-cuu/", {"receipt_code": tip.receipt_code, "phone_digits": "4321"}
    ).content.decode()
    assert PUBLIC_NEXT[status] in html and "Rút lại sự đồng ý" in html


def test_api_status_says_what_happens_next(client, source):
    tip = make_tip(source, reporter_phone="0912344321")
    data = client.post(
        "/api/public/status",
        {"receipt_code": tip.receipt_code, "phone_digits": "4321"},
        content_type="application/json",
    ).json()
    assert data["next_step"] == PUBLIC_NEXT[TipStatus.NEW]
