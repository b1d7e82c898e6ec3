"""Bad input is a 4xx with a Vietnamese message, never a 500: NUL bytes and other control characters in a path,
a query, a header, a form field or a JSON string; out-of-range paging; and the API's validation errors in the
shape its schema declares."""

import hashlib

import pytest

from doantu.tips.models import ApiToken, Note, Tip
from tests.conftest import tip_post_data

pytestmark = pytest.mark.django_db

REFUSED = "ký tự điều khiển không hợp lệ"


@pytest.fixture
def auth(users):
    token = "tok-" + "k" * 40
    ApiToken.objects.create(
        user=users["campaign"], name="Kiểm thử", digest=hashlib.sha256(token.encode()).hexdigest()
    )
    return {"Authorization": f"Bearer {token}"}


def _api_refusal(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert REFUSED in body["detail"]
    assert field in body["errors"]


@pytest.mark.parametrize("query", ["q=a%00b", "status=%00", "kind=x%01", "q%00=1"])
def test_control_character_in_an_api_query_is_a_400(client, auth, tip, query):
    response = client.get(f"/api/tips?{query}", headers=auth)
    assert response.status_code == 400, response.content
    assert REFUSED in response.json()["detail"]


def test_nul_in_an_api_path_is_a_400(client, source):
    _api_refusal(client.get("/api/public/sources/dx%00"), "path")


def test_nul_in_a_json_body_is_a_400_and_changes_nothing(client, auth, tip):
    response = client.post(
        f"/api/tips/{tip.pk}/notes", {"body": "ghi chú\x00"}, content_type="application/json", headers=auth
    )
    _api_refusal(response, "body")
    assert not Note.objects.exists()


def test_tab_and_newlines_are_ordinary_text(client, auth, tip):
    response = client.post(
        f"/api/tips/{tip.pk}/notes",
        {"body": "dòng 1\r\ndòng 2\tcột"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 200, response.content
    assert Note.objects.get().body == "dòng 1\r\ndòng 2\tcột"


def test_nul_in_the_public_status_lookup_is_a_400(client, source):
    response = client.post(
        "/api/public/status", {"receipt_code": "AB\x00CD"}, content_type="application/json"
    )
    _api_refusal(response, "receipt_code")


def test_nul_in_a_multipart_submission_is_a_400_and_takes_nothing(client, source):
    response = client.post("/api/public/sources/dx/tips", tip_post_data(submission_key="k" * 20 + "\x00"))
    _api_refusal(response, "submission_key")
    assert not Tip.objects.exists()


def test_nul_in_a_header_is_a_400(client, source):
    response = client.post(
        "/api/public/sources/dx/tips", tip_post_data(), headers={"Idempotency-Key": "abc\x00def"}
    )
    _api_refusal(response, "idempotency_key")
    assert not Tip.objects.exists()


def test_nul_in_a_page_path_is_a_vietnamese_400_page(client, source):
    response = client.get("/bien-nhan/AB%00C/")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="vi">' in page and REFUSED in page


def test_nul_in_a_public_form_is_a_400_page_and_takes_nothing(client, source):
    response = client.post("/t/dx", tip_post_data(account="Tôi biết\x00 một ngôi mộ ở đồi thông."))
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Tip.objects.exists()
    response = client.post("/tra-cuu/", {"receipt_code": "ABCD\x00", "phone_digits": ""})
    assert response.status_code == 400


def test_nul_in_a_staff_search_is_a_400_page(client, users, tip):
    client.force_login(users["campaign"])
    assert client.get("/staff/tips/?q=a%00b").status_code == 400


@pytest.mark.parametrize(
    "query, field, words",
    [
        ("offset=-1", "offset", "Phải lớn hơn hoặc bằng 0."),
        ("offset=99999999999999999999", "offset", "Phải nhỏ hơn hoặc bằng 100.000."),
        ("limit=0", "limit", "Phải lớn hơn hoặc bằng 1."),
        ("limit=201", "limit", "Phải nhỏ hơn hoặc bằng 200."),
        ("limit=abc", "limit", "Phải là một số nguyên."),
        ("q=" + "a" * 201, "q", "Tối đa 200 ký tự."),
    ],
)
def test_paging_out_of_range_is_a_422_in_the_declared_shape(client, auth, tip, query, field, words):
    response = client.get(f"/api/tips?{query}", headers=auth)
    assert response.status_code == 422, response.content
    assert response.json() == {"detail": "Thông tin gửi chưa hợp lệ.", "errors": {field: [words]}}


def test_paging_within_range_still_pages(client, auth, source):
    from tests.conftest import make_tip

    for _ in range(3):
        make_tip(source)
    first = client.get("/api/tips?limit=2&offset=0", headers=auth).json()
    rest = client.get("/api/tips?limit=2&offset=2", headers=auth).json()
    far = client.get("/api/tips?offset=100000", headers=auth)
    assert len(first) == 2 and len(rest) == 1
    assert far.status_code == 200 and far.json() == []


def test_body_validation_errors_are_vietnamese_and_field_keyed(client, auth, tip):
    missing = client.post(f"/api/tips/{tip.pk}/notes", {}, content_type="application/json", headers=auth)
    too_long = client.post(
        f"/api/tips/{tip.pk}/notes", {"body": "x" * 6001}, content_type="application/json", headers=auth
    )
    wrong_type = client.post(
        f"/api/tips/{tip.pk}/forward",
        {"agency_id": "một", "question": "?", "due_date": "31/12/2026"},
        content_type="application/json",
        headers=auth,
    )
    assert missing.status_code == 422
    assert missing.json() == {
        "detail": "Thông tin gửi chưa hợp lệ.",
        "errors": {"body": ["Vui lòng điền mục này."]},
    }
    assert too_long.json()["errors"] == {"body": ["Tối đa 6.000 ký tự."]}
    assert wrong_type.json()["errors"] == {
        "agency_id": ["Phải là một số nguyên."],
        "due_date": ["Ngày không hợp lệ (dạng YYYY-MM-DD)."],
    }
    assert not Note.objects.exists()


def test_a_body_that_is_not_json_is_a_vietnamese_400(client, auth, tip):
    response = client.post(
        f"/api/tips/{tip.pk}/notes", "{not json", content_type="application/json", headers=auth
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Không đọc được nội dung gửi lên")


def test_api_refusals_are_in_vietnamese(client, tip):
    assert client.get("/api/tips").json() == {
        "detail": "Cần đăng nhập, hoặc một khóa API hợp lệ (Authorization: Bearer …)."
    }
    unknown = client.get("/api/khong-co")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "Không tìm thấy."}


def test_failed_csrf_check_on_the_api_is_explained_in_vietnamese(users, tip):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["campaign"])
    response = client.post(f"/api/tips/{tip.pk}/review", content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Kiểm tra CSRF không đạt: hãy tải lại trang, hoặc dùng khóa API."}


def test_every_operation_declares_the_errors_it_can_answer_with(client):
    schema = client.get("/api/openapi.json").json()
    missing = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            expected = {"400", "404", "422"}
            if op.get("security"):
                expected |= {"401", "403"}
            if method == "post":
                expected |= {"409", "413", "429"}
            for code in sorted(expected):
                body = op["responses"].get(code, {}).get("content", {}).get("application/json")
                if body is None:
                    missing.append(f"{method.upper()} {path} {code}")
    assert missing == []


def test_a_source_code_that_is_not_a_slug_is_a_422(client, source):
    response = client.get("/api/public/sources/đã chuyển")
    assert response.status_code == 422
    assert response.json()["errors"] == {"code": ["Không đúng định dạng."]}
    assert client.get("/api/public/sources/dx").status_code == 200
