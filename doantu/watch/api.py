"""The JSON API of the misinformation watch (for the roles ``watch.access`` allows): entries, their actions,
the police's answers. Same services and rules as the pages; captures are added on the pages (multipart with
the upload checks), their metadata and hashes are listed here, never their files."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from doantu.api_errors import AUTH_ERRORS, COMMON_ERRORS, WRITE_ERRORS
from doantu.tips.api import STAFF_AUTH

from . import access, services
from .models import Action, ActionKind, Assessment, Platform, Severity

router = Router(tags=["Cán bộ: tin sai sự thật"])


class CaptureOut(Schema):
    id: int
    kind: str
    sha256: str
    received_sha256: str
    captured_at: dt.datetime
    uploaded_at: dt.datetime
    size: int


class StepOut(Schema):
    status: str
    note: str
    by: str
    at: dt.datetime


class ActionOut(Schema):
    id: int
    kind: str
    status: str
    description: str
    content_ref: str
    published_url: str
    published_at: dt.datetime | None
    platform_reference: str
    answer: str
    next_statuses: list[str]
    steps: list[StepOut]


class EntryOut(Schema):
    id: int
    code: str
    platform: str
    link: str
    found_at: dt.datetime
    found_by: str
    first_seen: dt.date
    estimated_reach: int | None
    claim: str
    assessment: str
    severity: str
    status: str
    captures: list[CaptureOut] = []
    actions: list[ActionOut] = []


class EntryIn(Schema):
    platform: Platform
    link: str = Field("", max_length=500)
    first_seen: dt.date
    estimated_reach: int | None = Field(None, ge=0, le=2_000_000_000)
    claim: str = Field(..., min_length=1, max_length=6000)
    assessment: Assessment
    severity: Severity


class ActionIn(Schema):
    kind: ActionKind
    description: str = Field(..., min_length=1, max_length=6000)
    content_ref: str = Field("", max_length=60)
    published_url: str = Field("", max_length=500)
    platform_reference: str = Field("", max_length=100)
    group_ids: list[int] = Field([], max_length=200)


class StepIn(Schema):
    status: str = Field(..., max_length=20)
    note: str = Field("", max_length=6000)
    content_ref: str = Field("", max_length=60)
    published_url: str = Field("", max_length=500)
    platform_reference: str = Field("", max_length=100)


def _action(a: Action) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "status": a.status,
        "description": a.description,
        "content_ref": a.content_ref,
        "published_url": a.published_url,
        "published_at": a.published_at,
        "platform_reference": a.platform_reference,
        "answer": a.answer,
        "next_statuses": list(a.next_statuses()),
        "steps": [
            {"status": s.status, "note": s.note, "by": s.by.display_name, "at": s.at} for s in a.steps.all()
        ],
    }


def _entry(e, *, full: bool = False) -> dict:
    out = {
        "id": e.pk,
        "code": e.code,
        "platform": e.platform,
        "link": e.link,
        "found_at": e.found_at,
        "found_by": e.found_by.display_name,
        "first_seen": e.first_seen,
        "estimated_reach": e.estimated_reach,
        "claim": e.claim,
        "assessment": e.assessment,
        "severity": e.severity,
        "status": e.status,
    }
    if full:
        out["captures"] = list(
            e.captures.values("id", "kind", "sha256", "received_sha256", "captured_at", "uploaded_at", "size")
        )
        out["actions"] = [_action(a) for a in e.actions.prefetch_related("steps__by")]
    return out


def _visible(request, entry_id: int):
    entry = access.entries_visible_to(request.user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


@router.get(
    "/watch/entries", response=list[EntryOut], auth=STAFF_AUTH, summary="Tin sai sự thật trong phường"
)
def list_entries(
    request,
    status: str = Query("", max_length=20),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=100_000),
):
    access.require(access.can_use_watch(request.user))
    qs = access.entries_visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    return [_entry(e) for e in qs[offset : offset + limit]]


@router.post(
    "/watch/entries",
    response={201: EntryOut} | COMMON_ERRORS | AUTH_ERRORS | WRITE_ERRORS,
    auth=STAFF_AUTH,
    summary="Ghi nhận tin sai sự thật",
)
def create_entry(request, payload: EntryIn):
    entry = services.entry_create(actor=request.user, values=payload.dict())
    return Status(201, _entry(entry, full=True))


@router.get("/watch/entries/{entry_id}", response=EntryOut, auth=STAFF_AUTH)
def get_entry(request, entry_id: int):
    return _entry(_visible(request, entry_id), full=True)


@router.post(
    "/watch/entries/{entry_id}/actions", response=EntryOut, auth=STAFF_AUTH, summary="Thêm việc xử lý"
)
def create_action(request, entry_id: int, payload: ActionIn):
    entry = _visible(request, entry_id)
    groups = services.residential_groups(entry).filter(pk__in=payload.group_ids)
    if len(set(payload.group_ids)) != groups.count():
        raise services.WorkflowError("Tổ dân phố nhận hướng dẫn phải thuộc phường của tin này.")
    data = payload.dict()
    data.pop("group_ids")
    services.action_create(entry=entry, actor=request.user, groups=list(groups), **data)
    return _entry(entry, full=True)


@router.post(
    "/watch/actions/{action_id}/step",
    response=EntryOut,
    auth=STAFF_AUTH,
    summary="Cập nhật việc xử lý (Công an phường: tiếp nhận, đang xử lý, đã xử lý xong với kết quả)",
)
def advance_action(request, action_id: int, payload: StepIn):
    action = Action.objects.filter(pk=action_id, entry__in=access.entries_visible_to(request.user)).first()
    if action is None:
        raise Http404
    services.action_advance(action=action, actor=request.user, answer=payload.note, **payload.dict())
    return _entry(action.entry, full=True)
