"""Visits to a source's form and what each source brought in: the per-source figures behind "which poster,
which piece of content brought information" (comms).

A visit is a GET of ``/t/<code>`` that shows the form (not a retry, not a prefetch). It is counted per source
and day in one row (an atomic ``count + 1``), never per person: nothing of the visitor is kept. It is not an
audit entry: the trail records what people do to records; an anonymous page view changes none, and one row per
view would drown the trail.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from .models import Source, SourceVisit, Tip, TipStatus


def record_visit(source: Source) -> None:
    day = timezone.localdate()
    if SourceVisit.objects.filter(source=source, day=day).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            SourceVisit.objects.create(source=source, day=day, count=1)
    except IntegrityError:  # another request created today's row a moment ago
        SourceVisit.objects.filter(source=source, day=day).update(count=F("count") + 1)


def is_prefetch(request) -> bool:
    """Browsers that load a page ahead of a click say so; such a load is not a visit."""
    purpose = (request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or "").lower()
    return "prefetch" in purpose or "prerender" in purpose


@dataclass(frozen=True)
class SourceFigures:
    """What one source (or a sum of sources) brought in. ``dna_offers`` is None for a reader who may not know
    DNA offers (``tips.access.may_filter_relative``): per source, a count can point at a family."""

    visits: int = 0
    tips: int = 0
    verified: int = 0
    dna_offers: int | None = 0

    def __add__(self, other: SourceFigures) -> SourceFigures:
        dna = (
            None
            if self.dna_offers is None or other.dna_offers is None
            else self.dna_offers + other.dna_offers
        )
        return SourceFigures(
            self.visits + other.visits, self.tips + other.tips, self.verified + other.verified, dna
        )


def source_figures(source_ids, *, with_dna: bool) -> dict[int, SourceFigures]:
    """Visits to the form, tips, verified tips and DNA offers per source id (every id given, zeros included).
    Aggregates only, no tip and no person: the caller's access rule for what the sources belong to (a ward's
    sources page, a content item) decides who reads them; ``with_dna`` comes from ``tips.access``."""
    ids = [i for i in set(source_ids) if i is not None]
    visits = dict(
        SourceVisit.objects.filter(source_id__in=ids)
        .order_by()
        .values("source_id")
        .annotate(n=Sum("count"))
        .values_list("source_id", "n")
    )
    tips = {
        row["source_id"]: row
        for row in Tip.objects.filter(source_id__in=ids)
        .order_by()
        .values("source_id")
        .annotate(
            n=Count("pk"),
            verified=Count("pk", filter=Q(status=TipStatus.VERIFIED)),
            dna=Count("pk", filter=Q(dna_offer=True)),
        )
    }
    out = {}
    for i in ids:
        row = tips.get(i, {})
        out[i] = SourceFigures(
            visits=visits.get(i) or 0,
            tips=row.get("n", 0),
            verified=row.get("verified", 0),
            dna_offers=row.get("dna", 0) if with_dna else None,
        )
    return out
