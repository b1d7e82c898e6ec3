"""Idempotency keys are scoped to the source and bound to the payload: a retry gets the first receipt, the
same key with other content is refused with a clear message, never silently dropped."""

import uuid

import pytest

from doantu.tips.models import Attachment, Tip
from doantu.tips.services import (
    Submission,
    SubmissionKeyConflict,
    submission_fingerprint,
    tip_submit,
)
from tests.conftest import jpeg_with_gps, tip_post_data, upload


def submit(client, code, payload, key):
    return client.post(f"/api/public/sources/{code}/tips", payload, headers={"Idempotency-Key": key})


def test_same_key_on_another_source_is_another_tip(client, source, other_source):
    key = "zalo-app-req-" + uuid.uuid4().hex[:12]
    first = submit(client, "dx", tip_post_data(submission_key=""), key)
    elsewhere = submit(
        client, "tn", tip_post_data(submission_key="", account="Một chuyện khác hẳn ở phường khác."), key
    )
    assert first.status_code == 201 and elsewhere.status_code == 201
    assert first.json()["receipt_code"] != elsewhere.json()["receipt_code"]
    assert Tip.objects.count() == 2
    assert Tip.objects.get(source=other_source).account == "Một chuyện khác hẳn ở phường khác."


def test_same_key_with_other_content_is_a_409_and_nothing_is_lost_silently(client, source):
    key = "zalo-app-req-" + uuid.uuid4().hex[:12]
    payload = tip_post_data(submission_key="")
    assert submit(client, "dx", payload, key).status_code == 201
    changed = submit(client, "dx", {**payload, "account": "Nội dung khác: mộ ở đồi thông."}, key)
    with_file = submit(
        client, "dx", {**payload, "files": [upload("a.jpg", jpeg_with_gps(), "image/jpeg")]}, key
    )
    for response in (changed, with_file):
        assert response.status_code == 409
        assert "đã được dùng cho một nội dung khác" in response.json()["detail"]
    assert Tip.objects.count() == 1 and Attachment.objects.count() == 0


def test_same_key_same_content_and_files_is_the_first_receipt(client, source):
    key = "zalo-app-req-" + uuid.uuid4().hex[:12]
    photo = jpeg_with_gps()
    payload = tip_post_data(submission_key="")
    first = submit(client, "dx", {**payload, "files": [upload("a.jpg", photo, "image/jpeg")]}, key)
    again = submit(client, "dx", {**payload, "files": [upload("a.jpg", photo, "image/jpeg")]}, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["receipt_code"] == again.json()["receipt_code"]
    other_photo = submit(
        client, "dx", {**payload, "files": [upload("a.jpg", jpeg_with_gps((80, 60)), "image/jpeg")]}, key
    )
    assert other_photo.status_code == 409
    assert Attachment.objects.count() == 1


def test_the_service_refuses_a_key_reused_with_other_content(source):
    # the race the views cannot see: two requests with one key, both past the look-up
    key = uuid.uuid4().hex
    submission = Submission(
        kinds=["martyr"], account="Tôi biết một ngôi mộ.", consent_processing=True, anonymous=True
    )
    tip, created = tip_submit(
        source=source, submission=submission, files=[], submission_key=key, payload_hash="a" * 64
    )
    same, again = tip_submit(
        source=source, submission=submission, files=[], submission_key=key, payload_hash="a" * 64
    )
    assert created and not again and same.pk == tip.pk
    with pytest.raises(SubmissionKeyConflict):
        tip_submit(source=source, submission=submission, files=[], submission_key=key, payload_hash="b" * 64)
    assert Tip.objects.count() == 1


def test_fingerprint_ignores_field_order_and_csrf_token_but_not_content():
    a = submission_fingerprint({"kind": ["martyr"], "account": ["x"], "csrfmiddlewaretoken": ["1"]}, [])
    b = submission_fingerprint({"account": ["x"], "kind": ["martyr"], "csrfmiddlewaretoken": ["2"]}, [])
    c = submission_fingerprint({"account": ["y"], "kind": ["martyr"]}, [])
    assert a == b != c
