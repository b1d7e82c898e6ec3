"""/healthz checks what the site needs to work, and names what fails (503) without leaking secrets."""

import datetime
import signal
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.utils import timezone

from doantu import encryption

pytestmark = pytest.mark.django_db
CHECKS = {"database", "cache", "storage", "encryption", "worker"}


def get(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_healthy(client, media_root):
    status, body = get(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(not value.startswith("failing") for value in body["checks"].values())
    assert not list((media_root / "healthz").glob("*"))  # the storage probe cleans up after itself


def test_a_cache_that_does_not_keep_values_fails(client):
    with mock.patch("doantu.web.health.cache.get", return_value=None):
        status, body = get(client)
    assert status == 503
    assert body["failing"] == ["cache"]


def test_storage_that_cannot_be_written_fails(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker},
        },
    }
    status, body = get(client)
    assert status == 503
    assert body["failing"] == ["storage"]
    assert str(tmp_path) not in str(body)  # no paths in a public answer


def test_a_broken_database_fails(client):
    with mock.patch(
        "doantu.web.health.connection.cursor", side_effect=RuntimeError("password=hunter2 host=db")
    ):
        status, body = get(client)
    assert status == 503
    assert "database" in body["failing"]
    assert "hunter2" not in str(body)


@pytest.fixture
def fresh_keys(settings):
    encryption._fernet.cache_clear()
    yield
    encryption._fernet.cache_clear()


def test_keys_that_cannot_read_the_stored_data_fail(client, settings, tip, fresh_keys):
    """The keys are valid Fernet keys, but not the ones the reporters' names were stored with."""
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    encryption._fernet.cache_clear()
    status, body = get(client)
    assert status == 503
    assert body["failing"] == ["encryption"]
    assert "decrypted" in body["checks"]["encryption"]
    assert settings.FIELD_ENCRYPTION_KEYS[0] not in str(body)


def test_the_worker_heartbeat(client, settings):
    """With the database task queue: the first call enqueues a heartbeat; one left waiting too long means no
    worker (503); once a worker has run it, the check passes and reports its age."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    status, body = get(client)
    assert status == 200, body
    assert body["checks"]["worker"] == "ok (first heartbeat enqueued)"
    assert DBTaskResult.objects.filter(task_path="doantu.web.tasks.heartbeat", status="READY").count() == 1
    get(client)  # a second call does not pile up heartbeats
    assert DBTaskResult.objects.filter(task_path="doantu.web.tasks.heartbeat").count() == 1

    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=10))
    status, body = get(client)
    assert status == 503
    assert body["failing"] == ["worker"]
    assert "no worker" in body["checks"]["worker"]

    # The real worker, for one batch. It closes "old" connections between tasks, which would close the test's
    # own (inside its transaction) on PostgreSQL.
    # It also installs its own SIGTERM/SIGINT/SIGQUIT handlers and leaves them: they are put back, or processes
    # forked later by this test run (the linkage engine's pool) would ignore the pool's SIGTERM and hang.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    status, body = get(client)
    assert status == 200, body
    assert body["checks"]["worker"].startswith("ok (last heartbeat ")


def test_a_local_probe_over_plain_http_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # as settings.py has it
    assert client.get("/healthz").status_code == 200
    assert client.get("/ping").status_code == 301  # everything else goes to HTTPS
