"""A ward's communication seed (the ``[ward.comms]`` part of its seed file): channels with their responsible
units, targets, and the checklist every peak date starts with. Idempotent: rows are found by their natural keys
and updated in place; what staff changed on a checklist item (done, evidence, reassignment) is kept."""

import datetime as dt

from doantu.campaign.models import PeakDate
from doantu.org.models import OrgUnit, UnitKind

from .models import Channel, ChecklistItem, Peak, Target


class SeedError(ValueError):
    pass


def _unit(ward: OrgUnit, code: str) -> OrgUnit:
    unit = (
        OrgUnit.objects.filter(path=f"{ward.path}/{code}").first()
        or ward.descendants().filter(code=code).first()
    )
    if unit is None:
        raise SeedError(f"Tệp khởi tạo: không có đơn vị mã “{code}” trong {ward.name}.")
    return unit


def _units(ward: OrgUnit, code: str) -> list[OrgUnit]:
    if code == "@groups":
        return list(ward.children.filter(kind=UnitKind.RESIDENTIAL_GROUP, active=True).order_by("sort_order"))
    if code == "@schools":
        return list(ward.children.filter(kind=UnitKind.SCHOOL, active=True).order_by("sort_order"))
    return [_unit(ward, code)]


def load_comms(ward: OrgUnit, spec: dict) -> dict[str, int]:
    for i, ch in enumerate(spec.get("channels", []), start=1):
        Channel.objects.update_or_create(
            ward=ward,
            code=ch["code"],
            defaults={
                "name": ch["name"],
                "kind": ch["kind"],
                "social": ch.get("social", False),
                "responsible_unit": _unit(ward, ch["unit"]) if ch.get("unit") else None,
                "description": ch.get("description", ""),
                "address": ch.get("address", ""),
                "sort_order": i,
            },
        )
    for t in spec.get("targets", []):
        Target.objects.update_or_create(
            ward=ward,
            code=t["code"],
            defaults={
                "name": t["name"],
                "period": t.get("period", "month"),
                "minimum": t["minimum"],
                "maximum": t.get("maximum"),
                "kinds": t.get("kinds", []),
                "channel_kinds": t.get("channel_kinds", []),
                "social_only": t.get("social_only", False),
                "owner_unit": _unit(ward, t["owner"]),
                "warn_from_day": t.get("warn_from_day", 20),
                "basis": t.get("basis", ""),
            },
        )
    template = spec.get("peak_checklist", [])
    peaks = 0
    for peak_date in PeakDate.objects.filter(campaign__unit=ward):
        peak, _ = Peak.objects.get_or_create(peak_date=peak_date, defaults={"ward": ward})
        peaks += 1
        apply_template(peak, template)
    return {"channels": Channel.objects.filter(ward=ward).count(), "peaks": peaks}


def apply_template(peak: Peak, template: list[dict]) -> int:
    """Adds the template's items a peak does not have yet (per template code and unit); returns how many."""
    added = 0
    for order, row in enumerate(template, start=1):
        for unit in _units(peak.ward, row["unit"]):
            _, created = ChecklistItem.objects.get_or_create(
                peak=peak,
                template_code=row["code"],
                unit=unit,
                defaults={
                    "category": row["category"],
                    "title": row["title"],
                    "due_date": peak.peak_date.date - dt.timedelta(days=row.get("days_before", 0)),
                    "note": f"Căn cứ: {row['basis']}" if row.get("basis") else "",
                    "sort_order": order,
                },
            )
            added += created
    return added


def on_ward_seeded(sender, *, ward, spec, **kwargs):
    """``org.seed.ward_seeded``: load the ``[ward.comms]`` table of the ward's seed file (answers its counts)."""
    return load_comms(ward, spec.get("comms", {}))
