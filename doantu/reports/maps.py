"""The map of a ward: its tips and the registry's graves, exact points for those who may read each layer's
locations, a coarse grid for the others, on the ward's (approximate) outline.

- Tips: exact for the roles of ``reports.access.map_mode`` (the tip list's own rule on top), coarse for the others.
- Graves: exact only for those ``registry.access.can_view_grave_location`` allows, among the graves
  ``registry.access.scope`` lets them read; coarse for the other registry readers; nothing for the roles that do not
  read the registry. Graves are registry records, not events: the period does not filter them.
- Coarse: points are snapped to cells of ``CELL_DEG`` degrees (about 1.1 km at this latitude) and a cell is shown only
  with at least ``MIN_CELL`` records, so no cell points at one household or one lone grave. The same grid for both
  layers.
- The outline: ``data/ward_outlines.json.gz`` (built by ``data/build_ward_outlines.py`` from vietnamadminunits). No
  real boundary polygons are available offline, so it is the convex hull of the bounding boxes of the pre-2025 wards
  the ward was made from — an approximation, and labelled so. A grave is on the ward's map when it lies inside that
  outline (or, for a ward without one, when the ward itself holds its record).
"""

import gzip
import json
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import Q, TextChoices
from django.utils import timezone

from doantu.indicators import Period, within
from doantu.registry import access as registry_access
from doantu.registry.models import Grave, MartyrStatus
from doantu.tips import access as tip_access
from doantu.tips.models import Tip, TipKind, TipStatus, kinds_q

from . import access

OUTLINES = Path(__file__).with_name("data") / "ward_outlines.json.gz"

CELL_DEG = Decimal("0.01")
MIN_CELL = 3  # fewer tips in a cell than this and the cell is not drawn (small-count suppression)
MAX_POINTS = 5000


class GraveKind(TextChoices):
    """What the headstone says (``Grave.headstone_name``: blank when it reads "liệt sĩ chưa xác định được thông tin")."""

    NAMED = "named", "Bia có tên"
    UNNAMED = "unnamed", "Bia chưa có tên"


class GraveStatus(TextChoices):
    """Whose grave it is, in the registry's own words (``registry.models.MartyrStatus``): a martyr is set or not."""

    IDENTIFIED = MartyrStatus.IDENTIFIED.value, MartyrStatus.IDENTIFIED.label
    UNCONFIRMED = MartyrStatus.GRAVE_UNCONFIRMED.value, MartyrStatus.GRAVE_UNCONFIRMED.label


@cache
def _outlines() -> dict:
    try:
        return json.loads(gzip.decompress(OUTLINES.read_bytes()))
    except OSError:
        return {"meta": {}, "wards": {}}


def ward_outline(ward) -> dict | None:
    """The ward's approximate outline: {"points": [[lat, lng], ...], "approximate": True, "split": bool,
    "area_km2": float, "source": str}, or None when the snapshot has no outline for the ward's code."""
    data = _outlines()
    entry = data["wards"].get(ward.code) if ward is not None else None
    if entry is None:
        return None
    meta = data["meta"]
    return {
        "points": entry["outline"],
        "approximate": True,
        "split": entry["split"],
        "area_km2": entry["area_km2"],
        "source": f"{meta.get('source', '')} {meta.get('source_version', '')}".strip(),
    }


def _inside(lat: float, lng: float, ring: list[list[float]]) -> bool:
    """Point in polygon (even-odd rule). Hand-written: no geometry library is a runtime dependency (shapely is only
    pulled in at build time by vietnamadminunits)."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (yi, xi), (yj, xj) = ring[i], ring[j]
        if (yi > lat) != (yj > lat) and lng < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _cells(coords) -> tuple[list[dict], int]:
    """Coarse cells of ``(lat, lng)`` Decimals: the cells with at least ``MIN_CELL``, and how many were left out."""
    cells: Counter = Counter()
    for lat, lng in coords:
        cells[(lat.quantize(CELL_DEG), lng.quantize(CELL_DEG))] += 1
    shown = [
        {"lat": float(lat), "lng": float(lng), "count": n, "size_m": 1100}
        for (lat, lng), n in sorted(cells.items())
        if n >= MIN_CELL
    ]
    return shown, sum(n for n in cells.values() if n < MIN_CELL)


def grave_layer(*, viewer, ward, outline: dict | None, kind: str = "", status: str = "") -> dict:
    """The graves of the ward's map for ``viewer`` (see the module's docstring). Checks the map's access itself."""
    access.require(access.map_mode(viewer, ward) is not None, "Bạn không có quyền xem bản đồ của đơn vị này.")
    if not registry_access.can_view_registry(viewer):
        return {"mode": None, "points": [], "cells": [], "hidden": 0}
    mode = "exact" if registry_access.can_view_grave_location(viewer) else "coarse"
    qs = registry_access.scope(viewer, Grave.objects).filter(latitude__isnull=False, longitude__isnull=False)
    if kind == GraveKind.NAMED:
        qs = qs.exclude(headstone_name="")
    elif kind == GraveKind.UNNAMED:
        qs = qs.filter(headstone_name="")
    if status == GraveStatus.IDENTIFIED:
        qs = qs.filter(martyr__isnull=False)
    elif status == GraveStatus.UNCONFIRMED:
        qs = qs.filter(martyr__isnull=True)
    if outline is not None:
        ring = outline["points"]
        lats, lngs = [p[0] for p in ring], [p[1] for p in ring]
        qs = qs.filter(
            latitude__range=(Decimal(str(min(lats))), Decimal(str(max(lats)))),
            longitude__range=(Decimal(str(min(lngs))), Decimal(str(max(lngs)))),
        )
    else:
        qs = qs.filter(Q(owner=ward) | Q(owner__path__startswith=ward.path + "/"))

    def in_ward(g) -> bool:
        return outline is None or _inside(float(g.latitude), float(g.longitude), outline["points"])

    if mode == "exact":
        rows = qs.only(
            "pk",
            "latitude",
            "longitude",
            "cemetery",
            "zone",
            "lot",
            "row",
            "number",
            "headstone_name",
            "martyr",
        )
        points = [
            {
                "lat": float(g.latitude),
                "lng": float(g.longitude),
                "label": str(g),
                "status": GraveStatus.IDENTIFIED.label if g.martyr_id else GraveStatus.UNCONFIRMED.label,
                "url": g.get_absolute_url(),
            }
            for g in rows.iterator()
            if in_ward(g)
        ][:MAX_POINTS]
        return {"mode": mode, "points": points, "cells": [], "hidden": 0}
    coords = (
        (g.latitude, g.longitude) for g in qs.only("pk", "latitude", "longitude").iterator() if in_ward(g)
    )
    cells, hidden = _cells(coords)
    return {"mode": mode, "points": [], "cells": cells, "hidden": hidden}


def map_points(
    *,
    viewer,
    ward,
    period: Period,
    kind: str = "",
    status: str = "",
    grave_kind: str = "",
    grave_status: str = "",
) -> dict:
    """Everything the ward's map draws for ``viewer``: the tips (``mode``, ``points``, ``cells``, ``hidden``), the
    graves (``graves``: the same keys) and the ward's ``outline`` (None when unknown)."""
    mode = access.map_mode(viewer, ward)
    access.require(mode is not None, "Bạn không có quyền xem bản đồ của đơn vị này.")
    qs = Tip.objects.filter(
        within(ward), latitude__isnull=False, longitude__isnull=False, **period.lookup("created_at")
    )
    if kind in TipKind.values:
        qs = qs.filter(kinds_q(kind))
    if status in TipStatus.values:
        qs = qs.filter(status=status)
    centre = [float(ward.map_latitude), float(ward.map_longitude)] if ward.map_latitude is not None else None
    if mode == "exact":
        qs = qs & tip_access.tips_visible_to(viewer)  # the tip list's own rule, on top of the ward's
        points = [
            {
                "lat": float(t.latitude),
                "lng": float(t.longitude),
                "label": f"{t.receipt_code} · {t.get_kind_display()} · {t.get_status_display()}",
                "url": t.get_absolute_url(),
            }
            for t in qs.only("pk", "latitude", "longitude", "receipt_code", "kinds", "status")[:MAX_POINTS]
        ]
        data = {"mode": mode, "points": points, "cells": [], "centre": centre, "hidden": 0}
    else:
        shown, hidden = _cells(qs.values_list("latitude", "longitude").iterator())
        data = {"mode": mode, "points": [], "cells": shown, "centre": centre, "hidden": hidden}
    outline = ward_outline(ward)
    data["outline"] = outline
    data["graves"] = grave_layer(
        viewer=viewer, ward=ward, outline=outline, kind=grave_kind, status=grave_status
    )
    return data


def default_period() -> Period:
    today = timezone.localdate()
    return Period.custom(today.replace(year=today.year - 1), today)
