"""What /healthz checks: the database, the cache, the file storage, the encryption keys and the task worker.

Each check returns a short, fixed phrase; exceptions are logged here, never put in the answer (it is public, and
an error message can carry a path, a host name or a key)."""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


class CheckFailed(Exception):
    """A check's answer when it fails: the phrase to report."""


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("unexpected answer")
    return "ok"


def check_cache() -> str:
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("a value written was not read back")
    finally:
        cache.delete(key)
    return "ok"


def check_storage() -> str:
    content = secrets.token_bytes(32)
    name = default_storage.save(f"healthz/{secrets.token_hex(8)}.bin", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != content:
                raise CheckFailed("a file written was not read back")
    finally:
        default_storage.delete(name)
    return "ok"


def check_encryption() -> str:
    from doantu.encryption import decrypt, encrypt
    from doantu.tips.models import Tip

    sample = secrets.token_hex(8)
    if decrypt(encrypt(sample)) != sample:
        raise CheckFailed("encrypt/decrypt round trip failed")
    # Valid keys are not enough: the stored data must be readable with them (a key dropped from
    # FIELD_ENCRYPTION_KEYS too early makes every page with a name on it fail).
    try:
        Tip.objects.exclude(reporter_name="").order_by("-pk").values_list("reporter_name", flat=True).first()
    except ValueError:
        raise CheckFailed("stored personal data cannot be decrypted with FIELD_ENCRYPTION_KEYS") from None
    return "ok"


def check_worker() -> str:
    """The task worker (django-tasks-db) records nothing about itself, so /healthz enqueues a heartbeat task
    (at most one waiting, at most one a minute) and looks at how long the last one waited: a heartbeat left
    waiting longer than HEALTHZ_WORKER_MAX_DELAY means no worker is taking tasks."""
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from doantu.web.tasks import heartbeat

    if not isinstance(task_backends["default"], DatabaseBackend):
        return "not checked (tasks run in the web process)"
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    mine = DBTaskResult.objects.filter(task_path=heartbeat.module_path)
    waiting = mine.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).order_by(
        "enqueued_at"
    )
    oldest = waiting.values_list("enqueued_at", flat=True).first()
    last = mine.filter(status=TaskResultStatus.SUCCESSFUL).order_by("-finished_at").first()
    if oldest is not None and now - oldest > datetime.timedelta(seconds=settings.HEALTHZ_WORKER_MAX_DELAY):
        raise CheckFailed(f"no worker: a heartbeat task has waited {int((now - oldest).total_seconds())} s")
    if oldest is None and (last is None or now - last.finished_at > datetime.timedelta(seconds=60)):
        heartbeat.enqueue()
    # Old heartbeats are kept for an hour, then removed (one a minute at most would otherwise pile up).
    mine.filter(finished_at__lt=now - datetime.timedelta(hours=1)).exclude(
        pk=getattr(last, "pk", None)
    ).delete()
    if last is None:
        return "ok (first heartbeat enqueued)"
    return f"ok (last heartbeat {int((now - last.finished_at).total_seconds())} s ago)"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "encryption": check_encryption,
    "worker": check_worker,
}


def run_checks() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except CheckFailed as exc:
            healthy = False
            results[name] = f"failing: {exc}"
            logger.error("healthz: %s failing: %s", name, exc)
        except Exception as exc:
            healthy = False
            results[name] = f"failing ({type(exc).__name__})"
            logger.exception("healthz: %s failing", name)
    return healthy, results
