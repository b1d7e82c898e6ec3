"""Coverage, the campaign's measure (issue 11): per martyr (covered / partly / not covered / no living maternal
relative known), and for the ward and per residential group the share covered, donors in each step and rounds
held. One computation, read by the DNA page and by ``dna.indicators``."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from doantu.org.models import OrgUnit, UnitKind
from doantu.registry.models import Martyr, MartyrStatus, Relative

from .models import SAMPLED_STEPS, CollectionRound, Donor, RoundStatus, Step
from .pedigree import Coverage, coverage


@dataclass
class Figures:
    unit: OrgUnit | None
    martyrs: int = 0
    by_coverage: Counter = field(default_factory=Counter)
    donors_by_step: Counter = field(default_factory=Counter)
    rounds_held: int = 0

    @property
    def covered_share(self) -> float | None:
        return self.by_coverage[Coverage.COVERED] / self.martyrs if self.martyrs else None

    @property
    def covered_percent(self) -> str:
        share = self.covered_share
        return "—" if share is None else f"{round(100 * share)}%"

    @property
    def donors(self) -> int:
        return sum(self.donors_by_step.values())

    @property
    def sampled(self) -> int:
        return sum(self.donors_by_step[s] for s in SAMPLED_STEPS)

    def coverage_rows(self):
        return [(Coverage.LABELS[c], self.by_coverage[c]) for c in Coverage.ORDER]

    def step_rows(self):
        return [(label, self.donors_by_step[value]) for value, label in Step.choices]


def ward_martyrs_qs(ward: OrgUnit):
    """The martyrs the ward works for: not identified, no grave linked, and either a relative recorded by the
    ward or a home place resolved to the ward."""
    return (
        Martyr.objects.filter(merged_into=None)
        .exclude(status=MartyrStatus.IDENTIFIED)
        .filter(graves=None)
        .filter(Q(relatives__owner=ward) | Q(home_resolved__icontains=ward.name.split(" ", 1)[-1]))
        .distinct()
    )


def _people(relatives):
    from .services import _person

    return [_person(getattr(r, "donor", None) if hasattr(r, "donor") else None, r) for r in relatives]


def martyr_coverage(martyr_ids, ward: OrgUnit) -> dict[int, str]:
    """martyr id -> coverage, from the relatives the ward recorded (identity never read)."""
    rel = Relative.objects.filter(martyr_id__in=martyr_ids, owner=ward).select_related(
        "donor__residential_group"
    )
    grouped: dict[int, list] = {m: [] for m in martyr_ids}
    for r in rel:
        grouped[r.martyr_id].append(r)
    return {m: coverage(_people(rs)) for m, rs in grouped.items()}


def ward_figures(ward: OrgUnit, *, since=None, until=None) -> tuple[Figures, list[Figures]]:
    """The ward's figures and one per residential group (a martyr counts in every group where a maternal relative
    of theirs lives). ``since``/``until`` limit the rounds counted to a period."""
    martyr_ids = list(ward_martyrs_qs(ward).values_list("pk", flat=True))
    per_martyr = martyr_coverage(martyr_ids, ward)
    total = Figures(ward, martyrs=len(martyr_ids), by_coverage=Counter(per_martyr.values()))
    donors = Donor.objects.filter(owner=ward)
    total.donors_by_step = Counter(donors.values_list("step", flat=True))
    rounds = CollectionRound.objects.filter(owner=ward, status=RoundStatus.HELD)
    if since:
        rounds = rounds.filter(date__gte=since)
    if until:
        rounds = rounds.filter(date__lte=until)
    total.rounds_held = rounds.count()
    # Per residential group in three grouped queries (not three per group: the dashboard reads this at every
    # cold view, and each round trip waits for a core on a loaded server).
    group_units = list(
        OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP, active=True).order_by(
            "sort_order"
        )
    )
    in_groups = donors.filter(residential_group__in=group_units)
    martyrs_in: dict[int, set] = {}
    for group_id, martyr_id in (
        in_groups.filter(relative__martyr_id__in=martyr_ids)
        .values_list("residential_group", "relative__martyr_id")
        .distinct()
    ):
        martyrs_in.setdefault(group_id, set()).add(martyr_id)
    steps: dict[int, Counter] = {}
    for group_id, step, n in (
        in_groups.order_by()
        .values("residential_group", "step")
        .annotate(n=Count("pk"))
        .values_list("residential_group", "step", "n")
    ):
        steps.setdefault(group_id, Counter())[step] = n
    held = dict(
        rounds.filter(entries__donor__residential_group__in=group_units)
        .order_by()
        .values("entries__donor__residential_group")
        .annotate(n=Count("pk", distinct=True))
        .values_list("entries__donor__residential_group", "n")
    )
    groups = []
    for group in group_units:
        ids = martyrs_in.get(group.pk, set())
        f = Figures(group, martyrs=len(ids), by_coverage=Counter(per_martyr[m] for m in ids))
        f.donors_by_step = steps.get(group.pk, Counter())
        f.rounds_held = held.get(group.pk, 0)
        groups.append(f)
    return total, groups
