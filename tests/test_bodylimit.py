"""Request bodies are refused on their size before anything reads them (doantu.bodylimit, first middleware)."""

import io

from django.test import Client

from doantu.bodylimit import body_limit
from doantu.tips.models import Tip
from tests.conftest import tip_post_data

MB = 1024 * 1024


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):  # pragma: no cover - reaching this is the failure
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client, path, length: int, **extra):
    return client.generic(
        "POST",
        path,
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},
        **extra,
    )


def test_api_refuses_a_600_mb_body_unread(client, source, media_root):
    response = post_declaring(client, "/api/public/sources/dx/tips", 600 * MB)
    assert response.status_code == 413
    assert "quá lớn" in response.json()["detail"]
    assert Tip.objects.count() == 0


def test_form_refuses_before_the_csrf_check_reads_the_body(source):
    browser = Client(enforce_csrf_checks=True)
    response = post_declaring(browser, "/t/dx", 600 * MB)
    assert response.status_code == 413  # not 403: CSRF never parsed the body
    assert "tối đa 120 MB" in response.content.decode()


def test_other_paths_take_only_small_bodies(client, db):
    assert post_declaring(client, "/tra-cuu/", 10 * MB).status_code == 413
    assert post_declaring(client, "/login/", 10 * MB).status_code == 413
    assert post_declaring(client, "/api/public/status", 10 * MB).status_code == 413


def test_limits_per_path(settings, db):
    settings.TIP_MAX_TOTAL_MB = 120
    settings.STAFF_UPLOAD_MAX_MB = 200
    settings.REQUEST_MAX_BODY_MB = 3
    assert body_limit("/t/dx")[0] == body_limit("/t/dx/")[0] == 122 * MB
    assert body_limit("/api/public/sources/dx/tips")[0] == 122 * MB
    assert body_limit("/staff/registry/imports/")[0] == 202 * MB
    assert body_limit("/staff/registry/martyrs/7/documents/")[0] == 202 * MB
    assert body_limit("/staff/tips/")[0] == body_limit("/nowhere")[0] == 3 * MB


def test_within_the_limit_is_served(client, source):
    assert client.post("/api/public/sources/dx/tips", tip_post_data()).status_code == 201


def _chunked(client, path, body: bytes, content_type: str):
    """A body without Content-Length, as a server hands over a chunked one (wsgi.input ends with the body)."""
    return client.generic(
        "POST",
        path,
        b"",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )


def test_streamed_body_is_cut_at_the_limit(client, source, settings):
    settings.TIP_MAX_TOTAL_MB = 1  # limit 3 MB
    response = _chunked(
        client, "/api/public/sources/dx/tips", b"x" * (4 * MB), "multipart/form-data; boundary=x"
    )
    assert response.status_code == 413
    assert Tip.objects.count() == 0


def test_streamed_body_within_the_limit_is_read(client, source):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(BOUNDARY, tip_post_data())
    response = _chunked(client, "/api/public/sources/dx/tips", body, MULTIPART_CONTENT)
    assert response.status_code == 201, response.content
    assert Tip.objects.count() == 1


def test_bad_content_length_is_a_400(client, db):
    response = client.generic("POST", "/tra-cuu/", b"", CONTENT_LENGTH="-5")
    assert response.status_code == 400
