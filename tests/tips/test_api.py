"""The JSON API: public intake and status, staff workflow with session or token, the OpenAPI schema."""

import hashlib

import pytest

from doantu.audit.models import AuditEntry
from doantu.phones import PHONE_ERROR
from doantu.tips.models import ApiToken, Attachment, Tip, TipStatus
from tests.conftest import PASSWORD, jpeg_with_gps, tip_post_data, upload

pytestmark = pytest.mark.django_db


def test_openapi_schema_documents_intake_and_workflow(client, db):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "/api/public/sources/{code}/tips" in paths
    assert "/api/public/status" in paths
    assert "/api/tips/{tip_id}/forward" in paths
    assert "/api/forwards/{forward_id}/answer" in paths
    body = paths["/api/public/sources/{code}/tips"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in body


def test_source_info_lists_choices_and_limits(client, source):
    data = client.get("/api/public/sources/dx").json()
    assert data["ward"] == "Phường Đức Xuân"
    assert {k["value"] for k in data["kinds"]} >= {
        "martyr",
        "grave",
        "relative",
        "witness",
        "artifact",
        "other",
    }
    assert len(data["residential_groups"]) == 10
    assert data["max_files"] >= 1


def test_public_submit_with_file_and_idempotency_key(client, source):
    # given
    payload = tip_post_data(submission_key="")
    payload["files"] = [upload("thu.jpg", jpeg_with_gps(), "image/jpeg")]
    # when
    first = client.post(
        "/api/public/sources/dx/tips", payload, headers={"Idempotency-Key": "zalo-app-req-000000001"}
    )
    payload["files"] = [upload("thu.jpg", jpeg_with_gps(), "image/jpeg")]
    again = client.post(
        "/api/public/sources/dx/tips", payload, headers={"Idempotency-Key": "zalo-app-req-000000001"}
    )
    # then
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert first.json()["receipt_code"] == again.json()["receipt_code"]
    assert again.json()["created"] is False
    tip = Tip.objects.get()
    assert tip.channel == "api" and tip.source.code == "dx"
    assert Attachment.objects.count() == 1


def test_public_submit_errors_are_vietnamese_and_field_keyed(client, source):
    response = client.post("/api/public/sources/dx/tips", tip_post_data(account="", reporter_phone="abc"))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["account"] == ["Hãy kể vài dòng về điều bạn biết."]
    assert errors["reporter_phone"] == [PHONE_ERROR]
    assert Tip.objects.count() == 0


def test_public_submit_refuses_bad_file(client, source):
    payload = tip_post_data()
    payload["files"] = [upload("video.mp4", b"not a video")]
    response = client.post("/api/public/sources/dx/tips", payload)
    assert response.status_code == 422
    assert "không thuộc loại được nhận" in response.json()["errors"]["files"][0]
    assert Tip.objects.count() == 0


def test_public_status_needs_phone_digits(client, source):
    receipt = client.post("/api/public/sources/dx/tips", tip_post_data()).json()["receipt_code"]
    ok = client.post(
        "/api/public/status",
        {"receipt_code": receipt.lower().replace("-", ""), "phone_digits": "5678"},
        content_type="application/json",
    )
    wrong = client.post(
        "/api/public/status",
        {"receipt_code": receipt, "phone_digits": "0000"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == TipStatus.NEW
    assert "Trần" not in ok.content.decode() and "0912" not in ok.content.decode()
    assert wrong.status_code == 404


def test_staff_workflow_with_token(client, users, tip, units):
    # given a token for a hotline operator's screen acting as campaign staff
    token = "tok-" + "x" * 40
    ApiToken.objects.create(
        user=users["campaign"], name="Tổng đài", digest=hashlib.sha256(token.encode()).hexdigest()
    )
    auth = {"Authorization": f"Bearer {token}"}
    # when
    agencies = client.get(f"/api/tips/{tip.pk}/agencies", headers=auth).json()
    military = next(a for a in agencies if a["name"] == "Ban Chỉ huy Quân sự phường")
    forwarded = client.post(
        f"/api/tips/{tip.pk}/forward",
        {"agency_id": military["id"], "question": "Xác minh mộ"},
        content_type="application/json",
        headers=auth,
    )
    # then
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["status"] == "forwarded"
    forward_id = forwarded.json()["forwards"][0]["id"]
    # the military command answers with its own session
    client.login(username=users["military"].username, password=PASSWORD)
    answered = client.post(
        f"/api/forwards/{forward_id}/answer",
        {"outcome": "verified", "answer": "Đúng"},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    # the ward's staff conclude (the agency's answer is a proposal)
    concluded = client.post(
        f"/api/tips/{tip.pk}/conclude",
        {"outcome": "verified", "note": "Đúng"},
        content_type="application/json",
        headers=auth,
    )
    assert concluded.status_code == 200 and concluded.json()["status"] == "verified"
    timeline = client.get(f"/api/tips/{tip.pk}/timeline", headers=auth).json()
    assert [e["action"] for e in timeline] == ["submitted", "forwarded", "answered", "concluded"]


def test_revoked_or_unknown_token_is_refused(client, users, tip):
    token = "revoked-token-value-123456"
    ApiToken.objects.create(
        user=users["campaign"], name="cũ", digest=hashlib.sha256(token.encode()).hexdigest(), revoked=True
    )
    assert client.get("/api/tips", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.get("/api/tips", headers={"Authorization": "Bearer nothing"}).status_code == 401
    assert client.get("/api/tips").status_code == 401


def test_workflow_errors_are_409_with_message(client, users, tip):
    client.login(username=users["campaign"].username, password=PASSWORD)
    response = client.post(
        f"/api/tips/{tip.pk}/conclude", {"outcome": "verified", "note": ""}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "Hãy ghi nội dung kết luận."
    assert not AuditEntry.objects.filter(action="concluded").exists()


def test_session_api_needs_csrf_for_writes(users, tip):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.login(username=users["campaign"].username, password=PASSWORD)
    response = client.post(f"/api/tips/{tip.pk}/review", content_type="application/json")
    assert response.status_code == 403
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.NEW


def test_api_docs_are_served_from_our_own_static_files(client, db):
    html = client.get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in html and "cdn." not in html
