"""Public rate limits: shared by every worker (database cache, or Redis), keyed so a ward meeting on one Wi-Fi
does not lock itself out, never applied to staff, and a separate budget for status look-ups."""

import hashlib
import os
import threading
import uuid

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import override_settings

from doantu.tips import throttle
from doantu.tips.models import ApiToken, Tip
from tests.conftest import PASSWORD, make_tip, tip_post_data

API = "/api/public/sources/dx/tips"


@pytest.fixture
def limited(settings):
    settings.TIP_RATE_PER_HOUR = 3
    settings.TIP_RATE_PER_HOUR_ADDRESS = 5
    settings.TIP_STATUS_RATE_PER_HOUR = 2
    settings.TIP_STATUS_RATE_PER_HOUR_ADDRESS = 100
    settings.TIP_STATUS_FAILURES_PER_CODE = 100
    return settings


def test_default_cache_is_shared_between_processes(db):
    # A process-local cache gave each gunicorn worker its own counter (120 of 300 through a limit of 30).
    assert not isinstance(caches["default"], LocMemCache)
    assert "doantu_cache" in connection.introspection.table_names()  # the migration made its table


def test_two_workers_share_one_count(client, source, limited, monkeypatch):
    # given two cache clients, as two worker processes have
    worker_a, worker_b = caches.create_connection("default"), caches.create_connection("default")
    assert worker_a is not worker_b
    # when the same address submits through both, in turn
    codes = []
    for i in range(6):
        monkeypatch.setattr(throttle, "cache", worker_a if i % 2 else worker_b)
        codes.append(client.post(API, tip_post_data()).status_code)
    # then the limit holds for the two together
    assert codes == [201, 201, 201, 429, 429, 429]
    assert Tip.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_are_not_lost():
    # Django's own DatabaseCache.incr reads then writes: concurrent workers lose counts (and it moves the
    # expiry to the default 5 minutes). Ours locks first. Threads need a database they can share: the
    # in-memory SQLite test database locks whole tables across threads, so this runs on PostgreSQL (CI runs
    # the suite on both); on SQLite files, bench/intake_rate.py measures it through gunicorn -w 4.
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL (see bench/intake_rate.py for SQLite)")
    key = f"test-concurrency-{uuid.uuid4().hex}"
    caches["default"].add(key, 0, timeout=3600)
    errors = []

    def work():
        cache = caches.create_connection("default")
        try:
            for _ in range(20):
                cache.incr(key)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert caches["default"].get(key) == 80


def test_incr_keeps_the_window(db):
    cache = caches["default"]
    cache.add("test-window", 0, timeout=3600)
    cache.incr("test-window")
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM doantu_cache WHERE cache_key LIKE %s", ["%test-window"])
        expires = cursor.fetchone()[0]
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    expires = parse_datetime(expires) if isinstance(expires, str) else expires
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, timezone.UTC)
    assert (expires - timezone.now()).total_seconds() > 3000  # not reset to the default 300 s


def test_flood_from_one_address_without_cookies_gets_the_device_limit(client, source, limited):
    codes = [client.post(API, tip_post_data()).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    assert "quá nhiều lần" in client.post(API, tip_post_data()).json()["detail"]
    page = client.post("/t/dx", tip_post_data())
    assert page.status_code == 429 and "quá nhiều lần" in page.content.decode()


def test_ward_meeting_on_one_wifi_is_not_locked_out(source, limited, django_app_client):
    # given one public address and several phones, each with the device cookie the form page gives it
    limited.TIP_RATE_PER_HOUR_ADDRESS = 300
    phones = [django_app_client() for _ in range(8)]
    for phone in phones:
        assert phone.get("/t/dx").cookies.get(throttle.DEVICE_COOKIE)
    # when each sends three tips (the per-device limit)
    codes = [phone.post("/t/dx", tip_post_data()).status_code for phone in phones for _ in range(3)]
    # then all 24 are taken, though one address sent them
    assert codes == [302] * 24
    # and one phone going on is stopped without stopping the others
    assert phones[0].post("/t/dx", tip_post_data()).status_code == 429
    assert phones[1].get("/t/dx").status_code == 200


def test_rotating_device_ids_is_bounded_by_the_address(client, source, limited):
    codes = [
        client.post(API, tip_post_data(), headers={"X-Device-Id": uuid.uuid4().hex}).status_code
        for _ in range(8)
    ]
    assert codes.count(201) == 5  # TIP_RATE_PER_HOUR_ADDRESS
    assert Tip.objects.count() == 5


def test_one_noisy_phone_does_not_spend_the_address_budget(client, source, limited):
    noisy = {"X-Device-Id": "noisy-phone-0001"}
    for _ in range(10):
        client.post(API, tip_post_data(), headers=noisy)
    quiet = {"X-Device-Id": "quiet-phone-0002"}
    assert client.post(API, tip_post_data(), headers=quiet).status_code == 201


def test_staff_are_never_limited(client, source, users, limited):
    # a signed-in staff member (no second step enrolled, STAFF_2FA optional in tests)
    client.login(username="vhxh", password=PASSWORD)
    assert [client.post("/t/dx", tip_post_data()).status_code for _ in range(6)] == [302] * 6
    client.logout()
    # an API token of an active staff account
    token = "tok-" + "s" * 40
    ApiToken.objects.create(
        user=users["channel"], name="Tổng đài", digest=hashlib.sha256(token.encode()).hexdigest()
    )
    auth = {"Authorization": f"Bearer {token}"}
    assert [client.post(API, tip_post_data(), headers=auth).status_code for _ in range(6)] == [201] * 6
    # but not a made-up or revoked token
    ApiToken.objects.update(revoked=True)
    codes = [client.post(API, tip_post_data(), headers=auth).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]


def test_status_lookups_have_their_own_budget(client, source, limited):
    tip = make_tip(source)
    lookup = {"receipt_code": tip.receipt_code, "phone_digits": "4321"}
    # submissions used up ...
    for _ in range(4):
        client.post(API, tip_post_data())
    assert client.post(API, tip_post_data()).status_code == 429
    # ... status still answers, from its own budget
    codes = [
        client.post("/api/public/status", lookup, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert "tra cứu quá nhiều" in client.post("/tra-cuu/", lookup).content.decode()


def test_status_budget_does_not_spend_submissions(client, source, limited):
    tip = make_tip(source)
    for _ in range(5):
        client.post("/tra-cuu/", {"receipt_code": tip.receipt_code, "phone_digits": "0000"})
    assert client.post(API, tip_post_data()).status_code == 201


def test_failed_lookups_per_receipt_code_are_bounded_from_anywhere(client, source, limited):
    limited.TIP_STATUS_FAILURES_PER_CODE = 3
    tip = make_tip(source)
    for n in range(3):  # three different addresses guess the last four digits
        response = client.post(
            "/api/public/status",
            {"receipt_code": tip.receipt_code, "phone_digits": f"000{n}"},
            content_type="application/json",
            REMOTE_ADDR=f"10.0.0.{n}",
        )
        assert response.status_code == 404
    right = {"receipt_code": tip.receipt_code.lower(), "phone_digits": "4321"}
    locked = client.post("/api/public/status", right, content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429 and "tra cứu sai quá nhiều" in locked.json()["detail"]


REDIS_URL = os.environ.get("DOANTU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("DOANTU_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {REDIS_URL} is required here (DOANTU_REQUIRE_REDIS=1): {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}")


def test_redis_cache_shares_the_limit_between_workers(client, source, limited, monkeypatch):
    _redis_or_skip()
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"doantu-test-{uuid.uuid4().hex}",  # never clear(): that would flush the server
        }
    }
    with override_settings(CACHES=redis_cache):
        # the public pages work with REDIS_URL's backend (they returned 500 without the client library)
        assert client.get("/t/dx").status_code == 200
        worker_a, worker_b = caches.create_connection("default"), caches.create_connection("default")
        assert worker_a._cache is not worker_b._cache  # two clients, two connection pools: two processes
        codes = []
        for i in range(6):
            monkeypatch.setattr(throttle, "cache", worker_a if i % 2 else worker_b)
            codes.append(client.post(API, tip_post_data()).status_code)
        assert codes == [201, 201, 201, 429, 429, 429]


@pytest.fixture
def django_app_client():
    from django.test import Client

    return Client
