"""The map of a ward's tips: exact points for those who may read the tips' locations, a coarse grid for the others.

Coarse: points are snapped to cells of ``CELL_DEG`` degrees (about 1.1 km at this latitude) and a cell is shown only
with at least ``MIN_CELL`` tips, so no cell points at one household."""

from collections import Counter
from decimal import Decimal

from django.utils import timezone

from doantu.indicators import Period, within
from doantu.tips import access as tip_access
from doantu.tips.models import Tip, TipKind, TipStatus, kinds_q

from . import access

CELL_DEG = Decimal("0.01")
MIN_CELL = 3  # fewer tips in a cell than this and the cell is not drawn (small-count suppression)
MAX_POINTS = 5000


def map_points(*, viewer, ward, period: Period, kind: str = "", status: str = "") -> dict:
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
        return {"mode": mode, "points": points, "cells": [], "centre": centre, "hidden": 0}
    cells: Counter = Counter()
    for lat, lng in qs.values_list("latitude", "longitude").iterator():
        cells[(lat.quantize(CELL_DEG), lng.quantize(CELL_DEG))] += 1
    shown = [
        {"lat": float(lat), "lng": float(lng), "count": n, "size_m": 1100}
        for (lat, lng), n in sorted(cells.items())
        if n >= MIN_CELL
    ]
    hidden = sum(n for n in cells.values() if n < MIN_CELL)
    return {"mode": mode, "points": [], "cells": shown, "centre": centre, "hidden": hidden}


def default_period() -> Period:
    today = timezone.localdate()
    return Period.custom(today.replace(year=today.year - 1), today)
