"""Loading a ward's seed file (TOML): the province, the ward, its agencies, groups, schools, campaign and QR
sources. Idempotent: every row is found by its natural key (parent + code) and updated in place."""

import tomllib
from pathlib import Path

from django.db import transaction
from django.dispatch import Signal

from doantu.campaign.models import Campaign, PeakDate, Phase
from doantu.tips.models import Source, SourceKind

from .models import OrgUnit, UnitKind

DEFAULT_SEED = Path(__file__).parent / "seed" / "duc-xuan.toml"
# The ward's public contact ([ward] keys), shown on the error pages when set.
CONTACT_KEYS = ("contact_phone", "contact_address", "contact_hours")
# Sent at the end of loading a seed file, inside its transaction, so that apps above ``org`` seed their own
# part (the plan register reads ``[ward] plan_file``) without ``org`` importing them:
# ``ward_seeded.send(sender=None, ward=…, spec=<the [ward] table>, base_dir=<the seed file's folder>)``.
ward_seeded = Signal()


def _unit(parent, code, *, kind, name, short_name="", agency_type="", receives_forwards=False, sort_order=0):
    unit, _ = OrgUnit.objects.update_or_create(
        parent=parent,
        code=code,
        defaults={
            "kind": kind,
            "name": name,
            "short_name": short_name,
            "agency_type": agency_type,
            "receives_forwards": receives_forwards,
            "sort_order": sort_order,
            "active": True,
        },
    )
    return unit


def _agency(parent, spec, kind=UnitKind.AGENCY):
    return _unit(
        parent,
        spec["code"],
        kind=kind,
        name=spec["name"],
        short_name=spec.get("short_name", ""),
        agency_type=spec.get("agency_type", ""),
        receives_forwards=spec.get("receives_forwards", False),
    )


def _campaign(unit, spec, parent=None):
    campaign, _ = Campaign.objects.update_or_create(
        unit=unit,
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "plan_number": spec.get("plan_number", ""),
            "plan_date": spec.get("plan_date"),
            "starts": spec["starts"],
            "ends": spec["ends"],
            "parent": parent,
        },
    )
    for phase in spec.get("phases", []):
        Phase.objects.update_or_create(
            campaign=campaign,
            number=phase["number"],
            defaults={k: phase.get(k, "") for k in ("starts", "ends", "goal", "focus")},
        )
    for peak in spec.get("peaks", []):
        PeakDate.objects.update_or_create(
            campaign=campaign, date=peak["date"], defaults={"name": peak["name"]}
        )
    return campaign


def _source(ward, code, name, kind, placement="", owner=None):
    Source.objects.update_or_create(
        code=code,
        defaults={"ward": ward, "name": name, "kind": kind, "placement": placement, "owner_unit": owner},
    )


@transaction.atomic
def load_seed(path: Path = DEFAULT_SEED, group_names: list[str] | None = None) -> dict[str, int]:
    spec = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    p, w = spec["province"], spec["ward"]
    province = _unit(
        None, p["code"], kind=UnitKind.PROVINCE, name=p["name"], short_name=p.get("short_name", "")
    )
    for agency in p.get("agencies", []):
        _agency(province, agency)
    province_campaign = _campaign(province, p["campaign"]) if "campaign" in p else None

    ward = _unit(province, w["code"], kind=UnitKind.WARD, name=w["name"], short_name=w.get("short_name", ""))
    if "map_center" in w:
        ward.map_latitude, ward.map_longitude = w["map_center"]
        ward.save(update_fields=["map_latitude", "map_longitude"])
    contact = {key: str(w[key]).strip() for key in CONTACT_KEYS if str(w.get(key, "")).strip()}
    if contact:  # only what the file gives: an empty key keeps what the ward set in the admin
        for key, value in contact.items():
            setattr(ward, key, value)
        ward.save(update_fields=list(contact))
    agencies = {a["code"]: _agency(ward, a) for a in w.get("agencies", [])}
    for assoc in w.get("associations", []):
        parent = agencies.get(assoc.get("parent", ""), ward)
        _agency(parent, assoc, kind=UnitKind.ASSOCIATION)
    _campaign(ward, w["campaign"], parent=province_campaign)

    prefix = w.get("source_prefix", w["code"])
    for source in w.get("sources", []):
        _source(ward, source["code"], source["name"], source["kind"], source.get("placement", ""))
    for i, school in enumerate(w.get("schools", []), start=1):
        unit = _unit(ward, school["code"], kind=UnitKind.SCHOOL, name=school["name"], sort_order=i)
        _source(ward, f"{prefix}-{school['code']}", school["name"], SourceKind.SCHOOL, owner=unit)

    names = group_names if group_names is not None else w.get("residential_groups", {}).get("names", [])
    for i, name in enumerate(names, start=1):
        group = _unit(ward, f"tdp-{i:02d}", kind=UnitKind.RESIDENTIAL_GROUP, name=name, sort_order=i)
        _source(ward, f"{prefix}-tdp{i}", name, SourceKind.RESIDENTIAL_GROUP, owner=group)
    # Groups beyond a shortened list are kept (tips refer to them) but no longer offered.
    OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP, sort_order__gt=len(names)).update(
        active=False
    )

    # each app's own seed step may answer with its counts (the comms app: channels, peaks)
    responses = ward_seeded.send(sender=None, ward=ward, spec=w, base_dir=Path(path).parent)
    return {
        "units": OrgUnit.objects.filter(path__startswith=province.path).count(),
        "groups": len(names),
        "sources": Source.objects.filter(ward=ward).count(),
    } | {k: v for _, answer in responses if isinstance(answer, dict) for k, v in answer.items()}
