"""Error pages are Vietnamese and carry the ward's contact (when the ward has set it); under /api/ they are
JSON. Checked with DEBUG off, as in production."""

from unittest import mock

import pytest
from django.test import Client

from doantu.org.models import OrgUnit
from doantu.org.seed import load_seed
from doantu.tips.models import Source

pytestmark = pytest.mark.django_db

PHONE = "0209 3870 123"
ADDRESS = "Bộ phận một cửa, UBND phường Đức Xuân"
HOURS = "Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:30–17:00"
ENGLISH = (
    "Not Found",
    "Server Error",
    "Bad Request",
    "Forbidden",
    "CSRF verification failed",
    "requested resource",
)


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.web.error_urls"


@pytest.fixture
def ward(db):
    load_seed()
    ward = OrgUnit.objects.get(code="01840")
    ward.contact_phone, ward.contact_address, ward.contact_hours = PHONE, ADDRESS, HOURS
    ward.save()
    return ward


def _page(response, status):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="vi">' in html
    for word in ENGLISH:
        assert word not in html, word
    return html


def _has_contact(html):
    assert PHONE in html and ADDRESS in html and HOURS in html
    assert 'href="tel:02093870123"' in html


def test_mistyped_qr_code_is_a_vietnamese_404_with_the_contact(client, ward):
    html = _page(client.get("/t/khong-co-ma-nay"), 404)
    assert "Mã QR hoặc đường dẫn này không đúng, hoặc đã ngừng sử dụng" in html
    _has_contact(html)


def test_withdrawn_qr_code_is_a_404_with_its_ward_contact(client, ward):
    Source.objects.filter(code="dx").update(active=False)
    html = _page(client.get("/t/dx"), 404)
    assert "đã ngừng sử dụng" in html
    _has_contact(html)
    assert "UBND Phường Đức Xuân" in html


def test_unknown_receipt_and_unknown_page_are_vietnamese_404s(client, ward):
    _has_contact(_page(client.get("/bien-nhan/ABCD-EFGH/"), 404))
    html = _page(client.get("/khong-co-trang-nay/"), 404)
    assert "Trang bạn tìm không có" in html


def test_contact_is_left_out_where_the_ward_has_not_set_it(client, ward):
    OrgUnit.objects.filter(pk=ward.pk).update(contact_phone="", contact_hours="")
    html = _page(client.get("/t/khong-co"), 404)
    assert ADDRESS in html
    assert "Điện thoại" not in html and "Giờ tiếp dân" not in html
    OrgUnit.objects.filter(pk=ward.pk).update(contact_address="")
    assert "Cần hỗ trợ" not in _page(client.get("/t/khong-co"), 404)


def test_400_page_is_vietnamese_with_the_contact(client, ward):
    html = _page(client.get("/thu-loi/400/"), 400)
    assert "Yêu cầu không hợp lệ" in html and "internal detail" not in html
    _has_contact(html)


def test_403_page_is_vietnamese_with_the_contact(client, ward):
    html = _page(client.get("/thu-loi/403/"), 403)
    assert "Không có quyền truy cập" in html
    _has_contact(html)


def test_csrf_failure_page_is_vietnamese(ward):
    client = Client(enforce_csrf_checks=True)
    html = _page(client.post("/tra-cuu/", {"receipt_code": "ABCD-EFGH"}), 403)
    assert "tải lại trang" in html
    _has_contact(html)


def test_500_page_is_vietnamese_with_the_contact(ward):
    client = Client(raise_request_exception=False)
    html = _page(client.get("/thu-loi/500/"), 500)
    assert "Hệ thống đang gặp sự cố" in html
    _has_contact(html)


def test_500_page_renders_when_the_database_fails(ward):
    client = Client(raise_request_exception=False)
    with mock.patch("doantu.web.errors.public_contacts", side_effect=RuntimeError("database down")):
        html = _page(client.get("/thu-loi/500/"), 500)
    assert "Hệ thống đang gặp sự cố" in html and PHONE not in html


def test_api_errors_are_json_in_vietnamese(ward):
    client = Client(raise_request_exception=False)
    missing = client.get("/api/khong-co")
    failed = client.get("/api/thu-loi/500/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Không tìm thấy."}
    assert failed.status_code == 500 and failed.json() == {
        "detail": "Hệ thống đang gặp sự cố; hãy thử lại sau."
    }


def test_seed_file_sets_the_contact_and_never_clears_it(tmp_path, db):
    from doantu.org.seed import DEFAULT_SEED

    load_seed()
    ward = OrgUnit.objects.get(code="01840")
    assert not ward.has_contact  # the real numbers are the ward's to fill in
    ward.contact_hours = HOURS
    ward.save()
    text = DEFAULT_SEED.read_text(encoding="utf-8").replace(
        'contact_phone = ""', f'contact_phone = "{PHONE}"'
    )
    filled = tmp_path / "ward.toml"
    filled.write_text(text, encoding="utf-8")
    for beside in DEFAULT_SEED.parent.glob("*.xlsx"):  # files the seed file names (the ward's plan)
        (tmp_path / beside.name).write_bytes(beside.read_bytes())
    load_seed(filled)
    ward.refresh_from_db()
    assert ward.contact_phone == PHONE and ward.contact_hours == HOURS


def test_django_own_words_reachable_by_the_public_are_vietnamese(ward):
    from django.utils.translation import gettext

    from doantu.tips.forms import TipForm
    from tests.conftest import tip_post_data

    assert gettext("Null characters are not allowed.") == "Không được có ký tự NUL (ký tự rỗng)."
    form = TipForm(tip_post_data(location_accuracy_m="nhiều", latitude="91", longitude="105.8"), ward=ward)
    assert not form.is_valid()
    assert form.errors["location_accuracy_m"] == ["Nhập một số nguyên."]
    assert form.errors["latitude"] == ["Giá trị phải nhỏ hơn hoặc bằng 90."]
