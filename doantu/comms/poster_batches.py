"""A batch of posters asked for from the staff page: LibreOffice takes seconds per batch (more for dozens of
sources), so the PDF is made by the task worker (``build_poster_batch``) while the page waits and refreshes.

A batch lives in the media store, not in the database: ``comms/posters/<token>/job.json`` (who asked, for which
ward, which sources, the state) and ``posters.pdf`` beside it once made. Only the person who asked (or an
administrator) reads it; the token is random and unguessable besides.
"""

from __future__ import annotations

import json
import secrets

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task
from django.utils import timezone

from doantu.org.models import OrgUnit, User
from doantu.tips.models import Source

from . import posters

PENDING, DONE, FAILED = "pending", "done", "failed"
MAX_SOURCES = 500  # a ward has a few dozen sources; a bigger batch is a mistake, not a need


class PosterBatchError(Exception):
    """Bad input; the message is for the user (Vietnamese)."""


def _path(token: str, name: str) -> str:
    if not token.replace("-", "").replace("_", "").isalnum():
        raise PermissionDenied
    return f"comms/posters/{token}/{name}"


def _write_job(token: str, job: dict) -> None:
    path = _path(token, "job.json")
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(job, ensure_ascii=False).encode()))


def read_job(user, token: str) -> dict:
    """The batch ``token`` as its owner sees it; PermissionDenied for anyone else (or no such batch)."""
    path = _path(token, "job.json")
    if not default_storage.exists(path):
        raise PermissionDenied
    with default_storage.open(path) as fh:
        job = json.loads(fh.read())
    if not (user.is_authenticated and user.is_active and (user.is_admin or job.get("user") == user.pk)):
        raise PermissionDenied
    return job


def batch_pdf(user, token: str) -> bytes:
    job = read_job(user, token)
    if job["state"] != DONE:
        raise PermissionDenied
    with default_storage.open(_path(token, "posters.pdf")) as fh:
        return fh.read()


def poster_batch_start(*, actor, ward: OrgUnit, source_ids: list[int], size: str) -> str:
    """Queue a batch of posters of ``source_ids`` (each one ``actor`` may print) in ``size``; returns its token."""
    if size not in posters.LAYOUTS:
        raise PosterBatchError("Khổ in không hợp lệ.")
    allowed = {s.pk for s in posters.printable_sources(actor, ward)}
    if not allowed:
        raise PermissionDenied
    wanted = [int(i) for i in source_ids]
    if not wanted:
        raise PosterBatchError("Hãy chọn ít nhất một mã QR để in.")
    if len(wanted) > MAX_SOURCES:
        raise PosterBatchError(f"Mỗi lần in tối đa {MAX_SOURCES} mã QR.")
    if not set(wanted) <= allowed:
        raise PermissionDenied("Có mã QR bạn không được in hoặc đã ngừng dùng.")
    token = secrets.token_urlsafe(18)
    _write_job(
        token,
        {
            "user": actor.pk,
            "ward": ward.pk,
            "sources": wanted,
            "size": size,
            "state": PENDING,
            "asked_at": timezone.now().isoformat(),
        },
    )
    build_poster_batch.enqueue(token)
    return token


@task
def build_poster_batch(token: str) -> str:
    """Make the batch's PDF (one page per source, in the order asked) and mark the batch done or failed."""
    path = _path(token, "job.json")
    with default_storage.open(path) as fh:
        job = json.loads(fh.read())
    try:
        actor = User.objects.get(pk=job["user"])
        ward = OrgUnit.objects.get(pk=job["ward"])
        # checked again: the person may have lost the right, or a source been switched off, since they asked
        allowed = {s.pk for s in posters.printable_sources(actor, ward)}
        by_id = Source.objects.select_related("ward").in_bulk([i for i in job["sources"] if i in allowed])
        sources = [by_id[i] for i in job["sources"] if i in by_id]
        if not sources:
            raise PosterBatchError("Không còn mã QR nào để in (đã ngừng dùng hoặc bạn không còn quyền).")
        pdf = posters.ward_posters_pdf(sources, size=job["size"])
        default_storage.save(_path(token, "posters.pdf"), ContentFile(pdf))
        job.update(state=DONE, pages=len(sources), done_at=timezone.now().isoformat())
    except Exception as exc:  # noqa: BLE001 - whatever went wrong is told on the page; the worker goes on
        from doantu.documents.pdf import DocumentsUnavailable

        message = str(exc) if isinstance(exc, DocumentsUnavailable | PosterBatchError) else ""
        job.update(state=FAILED, error=message or "Không tạo được tệp PDF; hãy thử lại hoặc báo quản trị.")
        _write_job(token, job)
        if not message:
            raise
        return FAILED
    _write_job(token, job)
    return DONE
