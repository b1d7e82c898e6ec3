"""The DNA figures for the indicators registry (``doantu.indicators``, found automatically): coverage of the ward's
martyrs by maternal-line reference samples, donors per step, samples collected and rounds held — computed by
``dna.coverage``, the same code as the DNA page. Plan sources: V.2 and VI.1 (reference samples from relatives; the
national target of ~18,000 tests); issue 11 defines coverage.

Coverage is a state (how things stand when computed); samples and rounds count what happened in the period. A
province's figure is the sum over its wards.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from doantu.indicators import Breakdown, Row, indicator, per_ward, shared
from doantu.org.models import OrgUnit, UnitKind

from .coverage import ward_figures
from .models import SAMPLED_STEPS, CollectionRound, Donor, RoundStatus, Step
from .pedigree import Coverage

# Coverage counts the registry's martyrs, graves and relatives: their writes send the DNA figures too
# (``indicators.apps``).
ALSO_COUNTS = ("registry",)


def _wards(unit: OrgUnit) -> list[OrgUnit]:
    if unit.kind == UnitKind.WARD:
        return [unit]
    return list(OrgUnit.objects.filter(kind=UnitKind.WARD, path__startswith=unit.path + "/"))


def _page(unit, period, key=None) -> str | None:
    return reverse("dna:overview") if unit.kind == UnitKind.WARD else None


def _figures(ward):
    """``ward_figures`` once per ``figures`` call (three indicators read it)."""
    return shared(("dna.ward_figures", ward.pk), lambda: ward_figures(ward))


def _totals(unit):
    out = [_figures(w)[0] for w in _wards(unit)]
    martyrs = sum(f.martyrs for f in out)
    by = {c: sum(f.by_coverage[c] for f in out) for c in Coverage.ORDER}
    return martyrs, by


@indicator(
    "dna.covered_share",
    label="Tỷ lệ liệt sĩ chưa xác định danh tính đã có mẫu ADN thân nhân dòng mẹ ưu tiên 1–3",
    unit="%",
    section="dna",
    order=10,
    drill=_page,
)
def covered_share(unit, period):
    martyrs, by = _totals(unit)
    return round(100 * by[Coverage.COVERED] / martyrs, 1) if martyrs else None


@indicator(
    "dna.coverage",
    label="Liệt sĩ theo mức bao phủ mẫu ADN",
    unit="liệt sĩ",
    section="dna",
    order=20,
    drill=_page,
)
def coverage(unit, period) -> Breakdown:
    _martyrs, by = _totals(unit)
    return Breakdown(
        "Mức bao phủ", ["Số liệt sĩ"], [Row(c, Coverage.LABELS[c], [by[c]]) for c in Coverage.ORDER]
    )


@indicator(
    "dna.donors_by_step",
    label="Người cho mẫu ADN theo bước",
    unit="người",
    section="dna",
    order=30,
    drill=_page,
)
def donors_by_step(unit, period) -> Breakdown:
    donors = Donor.objects.filter(owner__in=_wards(unit))
    counts = dict.fromkeys(Step.values, 0)
    counts.update(donors.order_by().values("step").annotate(n=Count("pk")).values_list("step", "n"))
    return Breakdown("Bước", ["Số người"], [Row(v, label, [counts[v]]) for v, label in Step.choices])


@indicator(
    "dna.samples_collected",
    label="Mẫu ADN thân nhân đã lấy trong kỳ",
    unit="mẫu",
    section="dna",
    order=40,
    drill=_page,
)
def samples_collected(unit, period):
    """Samples collected in the period (by collection date), not withdrawn since."""
    return _samples(_wards(unit), period).count()


def _samples(wards, period):
    return Donor.objects.filter(
        owner__in=wards,
        step__in=SAMPLED_STEPS,
        collected_at__gte=period.start,
        collected_at__lte=period.end,
    )


def _per_owner(qs) -> dict:
    return dict(qs.order_by().values("owner").annotate(n=Count("pk")).values_list("owner", "n"))


@per_ward("dna.samples_collected")
def _samples_per_ward(province, period):
    return _per_owner(_samples(_wards(province), period))


@indicator(
    "dna.rounds_held",
    label="Đợt lấy mẫu ADN đã tổ chức trong kỳ",
    unit="đợt",
    section="dna",
    order=50,
    drill=_page,
)
def rounds_held(unit, period):
    return _rounds(_wards(unit), period).count()


def _rounds(wards, period):
    return CollectionRound.objects.filter(
        owner__in=wards, status=RoundStatus.HELD, date__gte=period.start, date__lte=period.end
    )


@per_ward("dna.rounds_held")
def _rounds_per_ward(province, period):
    return _per_owner(_rounds(_wards(province), period))


@indicator(
    "dna.coverage_by_group",
    label="Bao phủ mẫu ADN theo tổ dân phố",
    unit="liệt sĩ",
    section="dna",
    order=60,
    drill=_page,
    province=False,
)
def coverage_by_group(unit, period) -> Breakdown:
    """Per residential group (where the maternal relatives live): martyrs, covered, donors, samples, rounds held."""
    if unit.kind != UnitKind.WARD:
        return Breakdown("Tổ dân phố", [])
    _total, groups = _figures(unit)
    return Breakdown(
        "Tổ dân phố",
        ["Liệt sĩ", "Đã bao phủ", "Người cho mẫu", "Đã lấy mẫu", "Đợt đã tổ chức"],
        [
            Row(
                str(g.unit.pk),
                g.unit.name,
                [g.martyrs, g.by_coverage[Coverage.COVERED], g.donors, g.sampled, g.rounds_held],
            )
            for g in groups
        ],
    )
