"""The JSON API of the registry's cross-referencing (read side): the records and graves each person a tip names
may be, through the same services and the same ``registry.access`` scope as the tip's candidates page."""

from django.http import Http404
from ninja import Field, Router, Schema

from doantu.tips import access as tip_access
from doantu.tips.api import STAFF_AUTH

from . import services

router = Router(tags=["Cán bộ: đối chiếu với sổ liệt sĩ"])


class ReasonOut(Schema):
    field: str
    level: str
    weight: float
    text: str


class MartyrCandidateOut(Schema):
    martyr_id: int
    full_name: str
    alias: str
    birth: str
    home_place: str
    unit: str
    death_date: str
    score: float
    decision: str | None = Field(..., description="“match” (rất có thể), “possible” (có thể) hoặc null")
    probability: float | None
    reasons: list[ReasonOut]


class GraveCandidateOut(Schema):
    grave_id: int
    cemetery: str
    headstone_name: str
    score: float
    decision: str | None
    probability: float | None
    reasons: list[ReasonOut]


class PersonCandidatesOut(Schema):
    named_id: int = Field(..., description="Mục liệt sĩ của thông tin (dùng khi xác nhận liên quan)")
    named_position: int
    person: int = Field(..., description="Người thứ mấy trong mục (một mục có thể nêu vài người)")
    persons: int = Field(..., description="Số người mục này nêu")
    name: str
    unit: str
    death_date: str
    death_place: str
    burial_place: str
    martyrs: list[MartyrCandidateOut]
    graves: list[GraveCandidateOut]


def _common(row: dict) -> dict:
    return {
        "score": round(row["score"], 2),
        "decision": row["decision"] or None,
        "probability": row["probability"],
        "reasons": row["reasons"],
    }


@router.get(
    "/tips/{tip_id}/candidates",
    response=list[PersonCandidatesOut],
    auth=STAFF_AUTH,
    summary="Hồ sơ liệt sĩ và mộ có thể liên quan, cho từng người thông tin nêu",
)
def tip_candidates(request, tip_id: int):
    tip = tip_access.tips_visible_to(request.user).filter(pk=tip_id).first()
    if tip is None:
        raise Http404
    out = []
    for found in services.tip_person_matches(tip=tip, actor=request.user):
        person, named = found.person, found.person.named
        out.append(
            {
                "named_id": named.pk,
                "named_position": named.position,
                "person": person.number,
                "persons": person.count,
                "name": person.name,
                "unit": named.unit,
                "death_date": named.death_date,
                "death_place": named.death_place,
                "burial_place": named.burial_place,
                "martyrs": [
                    {
                        "martyr_id": m.pk,
                        **{f: getattr(m, f) for f in ("full_name", "alias", "birth", "home_place", "unit")},
                        "death_date": m.death_date,
                        **_common(row),
                    }
                    for row in found.martyrs
                    for m in [row["martyr"]]
                ],
                "graves": [
                    {
                        "grave_id": g.pk,
                        "cemetery": g.cemetery,
                        "headstone_name": g.headstone_name,
                        **_common(row),
                    }
                    for row in found.graves
                    for g in [row["grave"]]
                ],
            }
        )
    return out
