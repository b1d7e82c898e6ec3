"""Reads of the DNA work for other apps, each through ``dna.access``: never a donor's identity, only counts.

Commendations (issue 10, "DNA donors mobilised"): how many relatives of each residential group agreed to give a
reference sample. Who persuaded a donor is not recorded anywhere in this app, so a count is per residential group
(where the donors live), never per person.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from doantu.org.models import OrgUnit

from . import access
from .models import FORWARD_STEPS, SAMPLED_STEPS, Donor, Step

# Mobilised: consent recorded, or any later step of the workflow (models.FORWARD_STEPS); a donor who refused or
# withdrew their consent does not count.
MOBILISED_STEPS = FORWARD_STEPS[FORWARD_STEPS.index(Step.CONSENTED) :]


@dataclass(frozen=True)
class Mobilised:
    group: OrgUnit
    consented: int  # consent recorded or later
    sampled: int  # of whom a sample was taken
    latest: dt.date | None  # the latest consent


def _mobilised(qs):
    return qs.filter(step__in=MOBILISED_STEPS, residential_group__isnull=False)


def mobilised_by_group(user, ward: OrgUnit) -> list[Mobilised]:
    """Per residential group of ``ward``, the donors who reached consent or collection, among the donors ``user``
    may see in the pipeline; groups with none are left out."""
    rows = (
        _mobilised(access.donors(user).filter(owner=ward))
        .order_by()
        .values("residential_group")
        .annotate(
            consented=Count("pk"),
            sampled=Count("pk", filter=Q(step__in=SAMPLED_STEPS)),
            latest=Max("consented_at"),
        )
    )
    counts = {r["residential_group"]: r for r in rows}
    groups = OrgUnit.objects.filter(pk__in=counts).order_by("sort_order", "pk")
    return [
        Mobilised(g, counts[g.pk]["consented"], counts[g.pk]["sampled"], counts[g.pk]["latest"])
        for g in groups
    ]


def mobilised_count(group_pk: int) -> int:
    """How many donors of a residential group are mobilised now (a withdrawn consent no longer counts). A
    count, nothing shown."""
    return _mobilised(Donor.objects.filter(residential_group_id=group_pk)).count()
