"""The DNA indicators for the indicators registry (architecture: figures have one source). Each is a function
of a unit (a ward) and a period, returning plain numbers, computed by ``dna.coverage`` (the same code as the
DNA page). Plan sources: V.2 and VI.1 (reference samples from relatives, the national target of ~18,000 tests).
"""

from doantu.org.models import OrgUnit, UnitKind

from .coverage import ward_figures
from .models import Step
from .pedigree import Coverage


def _ward(unit: OrgUnit) -> OrgUnit | None:
    return unit if unit.kind == UnitKind.WARD else unit.nearest(UnitKind.WARD)


def dna_martyrs_covered(unit: OrgUnit, since=None, until=None) -> dict:
    """Martyrs of the ward whose remains are not identified: how many, how many covered (a priority 1–3 donor
    sampled), partly, not covered, with no living maternal relative known; and the share covered."""
    ward = _ward(unit)
    if ward is None:
        return {}
    total, _ = ward_figures(ward, since=since, until=until)
    return {
        "martyrs": total.martyrs,
        **{c: total.by_coverage[c] for c in Coverage.ORDER},
        "covered_share": total.covered_share,
    }


def dna_donors_by_step(unit: OrgUnit, since=None, until=None) -> dict:
    ward = _ward(unit)
    if ward is None:
        return {}
    total, _ = ward_figures(ward, since=since, until=until)
    return {s: total.donors_by_step[s] for s in Step.values}


def dna_samples_collected(unit: OrgUnit, since=None, until=None) -> int:
    """Reference samples collected (and not withdrawn), by collection date in the period."""
    from .models import SAMPLED_STEPS, Donor

    ward = _ward(unit)
    qs = Donor.objects.filter(owner=ward, step__in=SAMPLED_STEPS)
    if since:
        qs = qs.filter(collected_at__gte=since)
    if until:
        qs = qs.filter(collected_at__lte=until)
    return qs.count()


def dna_rounds_held(unit: OrgUnit, since=None, until=None) -> int:
    ward = _ward(unit)
    if ward is None:
        return 0
    total, _ = ward_figures(ward, since=since, until=until)
    return total.rounds_held


# name -> (Vietnamese label, function): what the indicators registry lists.
INDICATORS = {
    "dna_martyrs_covered": ("Liệt sĩ đã có mẫu ADN thân nhân dòng mẹ (ưu tiên 1–3)", dna_martyrs_covered),
    "dna_donors_by_step": ("Người cho mẫu ADN theo từng bước", dna_donors_by_step),
    "dna_samples_collected": ("Mẫu ADN thân nhân đã lấy", dna_samples_collected),
    "dna_rounds_held": ("Đợt lấy mẫu ADN đã tổ chức", dna_rounds_held),
}
