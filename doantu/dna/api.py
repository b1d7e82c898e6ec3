"""The JSON API of the DNA pipeline (read side): a martyr's maternal-line pedigree and a donor's record, through
the same selectors and the same ``dna.access`` rule as the pages; identity only by an audited POST."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from doantu.registry.models import Martyr
from doantu.tips.api import STAFF_AUTH

from . import access, services

router = Router(tags=["Cán bộ: mẫu ADN thân nhân"])


class PersonOut(Schema):
    relative_id: int
    donor_id: int | None
    relationship: str
    relationship_label: str
    priority: int | None
    alive: bool | None
    residential_group: str
    step: str | None
    higher_priority_living: list[str]


class PedigreeOut(Schema):
    martyr_id: int
    coverage: str
    coverage_label: str
    best_next: str
    people: list[PersonOut]


class DonorOut(Schema):
    id: int
    martyr_id: int
    relationship: str
    priority: int | None
    alive: bool | None
    residential_group: str
    step: str
    dates: dict[str, str | None]
    consent_recipients: list[str]
    consent_method: str
    sample_number: str
    result: str
    result_grave_id: int | None


class IdentityOut(Schema):
    name: str
    phone: str
    id_number: str
    residence: str
    consent_witness: str


@router.get("/martyrs/{martyr_id}/pedigree", response=PedigreeOut, auth=STAFF_AUTH, summary="Phả hệ dòng mẹ")
def pedigree(request, martyr_id: int):
    access.require(access.can_view_pipeline(request.user))
    martyr = get_object_or_404(
        access.martyrs(request.user, Martyr.objects.filter(merged_into=None)), pk=martyr_id
    )
    ped = services.pedigree_of(actor=request.user, martyr=martyr)
    return {
        "martyr_id": martyr.pk,
        "coverage": ped.coverage,
        "coverage_label": ped.coverage_label,
        "best_next": ped.best_sentence,
        "people": [
            {
                "relative_id": p.key,
                "donor_id": p.extra["donor"].pk if p.extra.get("donor") else None,
                "relationship": p.kind,
                "relationship_label": p.label,
                "priority": p.priority,
                "alive": p.alive,
                "residential_group": p.group,
                "step": p.extra["donor"].step if p.extra.get("donor") else None,
                "higher_priority_living": [h.label for h in p.extra.get("flags", [])],
            }
            for p in ped.people
        ],
    }


@router.get(
    "/donors/{donor_id}", response=DonorOut, auth=STAFF_AUTH, summary="Người cho mẫu (không có danh tính)"
)
def donor(request, donor_id: int):
    d = get_object_or_404(
        access.donors(request.user).select_related("relative", "residential_group"), pk=donor_id
    )
    fields = access.visible_fields(request.user, d)
    access.require("step" in fields)
    r = d.relative
    dates = (
        "offered_at",
        "contacted_at",
        "consented_at",
        "scheduled_at",
        "collected_at",
        "sent_at",
        "result_at",
    )
    return {
        "id": d.pk,
        "martyr_id": r.martyr_id,
        "relationship": r.relationship,
        "priority": services.pedigree.rule(r.relationship).priority,
        "alive": r.alive,
        "residential_group": d.residential_group.name if d.residential_group_id else "",
        "step": d.step,
        "dates": {k: (getattr(d, k).isoformat() if getattr(d, k) else None) for k in dates},
        "consent_recipients": list(d.consent_recipients or []),
        "consent_method": d.consent_method,
        "sample_number": d.sample_number,
        "result": d.result,
        "result_grave_id": d.result_grave_id,
    }


@router.post(
    "/donors/{donor_id}/identity",
    response=IdentityOut,
    auth=STAFF_AUTH,
    summary="Xem danh tính, liên lạc của người cho mẫu (được ghi nhật ký)",
)
def identity(request, donor_id: int):
    d = get_object_or_404(access.donors(request.user), pk=donor_id)
    return services.donor_reveal(actor=request.user, donor=d)
