"""A ward's server pushes its signed figures to the province through the API (issue 12): created, then unchanged
when pushed again, a tampered envelope refused with nothing saved, only the province's accounts may push."""

import copy
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from doantu.indicators import Period
from doantu.reports import rollup
from doantu.reports.models import Submission
from doantu.tips import services
from tests.conftest import make_tip

pytestmark = pytest.mark.django_db
URL = "/api/rollup/submissions"


@pytest.fixture
def signed(ward, users, source):
    key = Ed25519PrivateKey.generate()
    make_tip(source, kind="grave")
    rollup.ward_key_add(actor=users["province"], ward=ward, public_key=rollup.public_key_text(key))
    today = dt.date.today()
    period = Period.month(today.year, today.month)
    return rollup.export_envelope(actor=users["campaign"], ward=ward, period=period, private=key)


def _bearer(users, name):
    _token, secret = services.api_token_create(actor=users["admin"], user=users[name], name="máy chủ phường")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _push(client, body, headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_push_is_verified_and_idempotent(client, users, signed):
    headers = _bearer(users, "province")
    first = _push(client, signed, headers)
    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == "created" and first.json()["ward"] == "01840"
    again = _push(client, signed, headers)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    assert Submission.objects.count() == 1
    stored = Submission.objects.get()
    assert stored.payload["figures"]["tips.received"] == signed["payload"]["figures"]["tips.received"] == 1


def test_tampered_push_is_refused_and_nothing_saved(client, users, signed):
    tampered = copy.deepcopy(signed)
    tampered["payload"]["figures"]["tips.received"] = 999
    answer = _push(client, tampered, _bearer(users, "province"))
    assert answer.status_code == 400
    assert "chữ ký không khớp" in answer.json()["detail"]
    assert Submission.objects.count() == 0


def test_only_the_province_may_push(client, users, signed):
    assert _push(client, signed, {}).status_code == 401
    for name in ("campaign", "leadership", "other_campaign"):
        answer = _push(client, signed, _bearer(users, name))
        assert answer.status_code == 403, name
    assert Submission.objects.count() == 0
