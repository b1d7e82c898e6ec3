import pytest

from tests.conftest import make_tip

pytestmark = pytest.mark.django_db


def test_status_page_shows_progress_without_personal_details(client, source, users):
    tip = make_tip(source, martyr_name="Nguyễn Văn Hùng")
    from doantu.tips import services

    services.tip_set_public_note(tip=tip, actor=users["campaign"], text="Đã chuyển Ban CHQS xác minh.")
    response = client.post("/tra-cuu/", {"receipt_code": tip.receipt_code, "phone_digits": "4321"})
    html = response.content.decode()
    assert "Đã tiếp nhận, đang chờ xem xét" in html
    assert "Đã chuyển Ban CHQS xác minh." in html
    for secret in ("Lê Văn Bình", "0987654321", "Nguyễn Văn Hùng", "đồi thông"):
        assert secret not in html


def test_wrong_digits_or_code_not_found(client, source):
    tip = make_tip(source)
    for code, digits in [(tip.receipt_code, "1111"), ("ZZZZ-ZZZZ", "4321"), (tip.receipt_code, "")]:
        html = client.post("/tra-cuu/", {"receipt_code": code, "phone_digits": digits}).content.decode()
        assert "Không tìm thấy" in html


def test_anonymous_tip_checked_by_code_alone(client, source):
    tip = make_tip(source, anonymous=True, reporter_name="", reporter_phone="", consent_contact=False)
    html = client.post(
        "/tra-cuu/", {"receipt_code": tip.receipt_code.replace("-", "").lower()}
    ).content.decode()
    assert "Đã tiếp nhận" in html
