"""The JSON API of the commendations (campaign staff and leadership of the ward, ``honours.access``)."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from doantu.api_errors import AUTH_ERRORS, COMMON_ERRORS, WRITE_ERRORS
from doantu.tips.api import STAFF_AUTH

from . import access, selectors, services
from .models import AwardForm, Category, NomineeKind, Review

router = Router(tags=["Cán bộ: khen thưởng"])


class AchievementOut(Schema):
    source: str
    ref: str
    summary: str
    happened_on: dt.date | None


class NominationOut(Schema):
    id: int
    kind: str
    category: str
    name: str
    position: str
    summary: str
    award: str
    review: str
    status: str
    decision_number: str
    decision_date: dt.date | None
    achievements: list[AchievementOut] = []


class NominationIn(Schema):
    kind: NomineeKind
    category: Category
    name: str = Field(..., min_length=1, max_length=200)
    position: str = Field("", max_length=300)
    summary: str = Field(..., min_length=1, max_length=6000)
    award: AwardForm
    review: Review = Review.FINAL_2027


class AchievementIn(Schema):
    source: str = Field(..., max_length=20)
    ref: str = Field("", max_length=60)
    summary: str = Field("", max_length=6000)
    agreement: str = Field("", max_length=300)


class DecisionIn(Schema):
    decision: str = Field(..., max_length=20, description="ward_praise, higher, reject hoặc return")
    number: str = Field("", max_length=40)
    date: dt.date | None = None
    note: str = Field("", max_length=6000)


def _out(user, n, *, full: bool = False) -> dict:
    out = {
        f: getattr(n, f)
        for f in (
            "kind",
            "category",
            "name",
            "position",
            "summary",
            "award",
            "review",
            "status",
            "decision_number",
            "decision_date",
        )
    } | {"id": n.pk}
    if full:
        out["achievements"] = [
            {"source": a.source, "ref": a.ref, "summary": a.summary, "happened_on": a.happened_on}
            for a in selectors.achievements_shown(user, n)
        ]
    return out


def _visible(request, nomination_id: int):
    found = access.nominations_visible_to(request.user).filter(pk=nomination_id).first()
    if found is None:
        raise Http404
    return found


@router.get(
    "/honours/nominations", response=list[NominationOut], auth=STAFF_AUTH, summary="Đề nghị khen thưởng"
)
def list_nominations(
    request,
    review: str = Query("", max_length=20),
    status: str = Query("", max_length=20),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=100_000),
):
    access.require(access.can_use_honours(request.user))
    qs = selectors.nominations(request.user, review=review or None, status=status or None)
    return [_out(request.user, n) for n in qs[offset : offset + limit]]


@router.post(
    "/honours/nominations",
    response={201: NominationOut} | COMMON_ERRORS | AUTH_ERRORS | WRITE_ERRORS,
    auth=STAFF_AUTH,
    summary="Lập đề nghị",
)
def create_nomination(request, payload: NominationIn):
    nomination = services.nomination_create(actor=request.user, values=payload.dict() | {"unit": None})
    return Status(201, _out(request.user, nomination, full=True))


@router.get("/honours/nominations/{nomination_id}", response=NominationOut, auth=STAFF_AUTH)
def get_nomination(request, nomination_id: int):
    return _out(request.user, _visible(request, nomination_id), full=True)


@router.post("/honours/nominations/{nomination_id}/achievements", response=NominationOut, auth=STAFF_AUTH)
def add_achievement(request, nomination_id: int, payload: AchievementIn):
    nomination = _visible(request, nomination_id)
    services.achievement_add(nomination=nomination, actor=request.user, **payload.dict())
    return _out(request.user, nomination, full=True)


@router.post("/honours/nominations/{nomination_id}/propose", response=NominationOut, auth=STAFF_AUTH)
def propose(request, nomination_id: int):
    nomination = services.nomination_propose(nomination=_visible(request, nomination_id), actor=request.user)
    return _out(request.user, nomination, full=True)


@router.post(
    "/honours/nominations/{nomination_id}/decide",
    response=NominationOut,
    auth=STAFF_AUTH,
    summary="Lãnh đạo quyết định (khen cấp phường, đề nghị cấp trên, không khen, trả lại)",
)
def decide(request, nomination_id: int, payload: DecisionIn):
    nomination = services.nomination_decide(
        nomination=_visible(request, nomination_id), actor=request.user, **payload.dict()
    )
    return _out(request.user, nomination, full=True)
