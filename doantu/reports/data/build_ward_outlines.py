"""Build ``ward_outlines.json.gz``: an approximate outline of every 2025 commune/ward, for the map (reports.maps).

Run from the repository root (needs only the venv with the ``build`` group, no network):

    uv run --group build python doantu/reports/data/build_ward_outlines.py

No offline source of real administrative boundaries (polygons) is shipped with the project or its installed
packages: ``vietnamadminunits`` (MIT, © 2025 Tran Ngoc Minh Hieu) has, per unit, a centre point and, for the
pre-2025 communes/wards only, a geocoder's bounding box (``admin_units_legacy.wardBounds``, "lat,lon – lat,lon");
for the 2025 units a centre and an area (``admin_units.wardLat/wardLon/wardAreaKm2``). The outline built here is
therefore an APPROXIMATION and is labelled so on the map: the convex hull of the bounding boxes of the pre-2025
wards a 2025 ward was made from. Which old ward became which new one is read from the gazetteer snapshot
(``doantu/linkage/data/gazetteer_units.json.gz``, key ``w24_to_w25``, itself built from the same package's
``converter_2025.json``). An old ward split across several new ones is used only when a new ward has no whole
predecessor (its outline is then marked ``split``: it covers more than the ward).

Output: {"meta": {...}, "wards": {code: {"outline": [[lat, lon], ...], "centre": [lat, lon], "area_km2": float,
"from": [old codes], "split": bool}}}. Coordinates are rounded to 4 decimals (about 11 m), far finer than the
approximation itself.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from importlib import metadata
from pathlib import Path

import vietnamadminunits
from shapely.geometry import MultiPoint

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).with_name("ward_outlines.json.gz")
SRC = Path(vietnamadminunits.__file__).parent / "data"
GAZETTEER = ROOT / "doantu" / "linkage" / "data" / "gazetteer_units.json.gz"
DIGITS = 4


def _box(bounds: str | None) -> list[tuple[float, float]]:
    """``"22.126951,105.831342 – 22.152988,105.863185"`` → its four corners as (lon, lat) (x, y for shapely)."""
    if not bounds or "–" not in bounds:
        return []
    (lat1, lon1), (lat2, lon2) = (map(float, part.strip().split(",")) for part in bounds.split("–"))
    return [(lon1, lat1), (lon1, lat2), (lon2, lat1), (lon2, lat2)]


def build() -> dict:
    db = sqlite3.connect(SRC / "dataset.db")
    boxes = {
        code: _box(bounds)
        for code, bounds in db.execute("SELECT wardCode, wardBounds FROM admin_units_legacy")
    }
    new = {
        code: (lat, lon, area)
        for code, lat, lon, area in db.execute(
            "SELECT wardCode, wardLat, wardLon, wardAreaKm2 FROM admin_units"
        )
    }
    w24_to_w25 = json.loads(gzip.decompress(GAZETTEER.read_bytes()))["w24_to_w25"]
    whole: dict[str, list[str]] = {}
    split: dict[str, list[str]] = {}
    for old, targets in w24_to_w25.items():
        for target in targets:
            (whole if len(targets) == 1 else split).setdefault(target, []).append(old)
    wards = {}
    for code, (lat, lon, area) in sorted(new.items()):
        olds, is_split = sorted(whole.get(code, [])), False
        if not any(boxes.get(o) for o in olds):
            olds, is_split = sorted(split.get(code, [])), True
        corners = [c for o in olds for c in boxes.get(o, [])]
        if len(corners) < 3:
            continue
        hull = MultiPoint(corners).convex_hull
        ring = list(hull.exterior.coords)[:-1] if hull.geom_type == "Polygon" else []
        if len(ring) < 3:
            continue
        wards[code] = {
            "outline": [[round(y, DIGITS), round(x, DIGITS)] for x, y in ring],
            "centre": [round(lat, DIGITS), round(lon, DIGITS)] if lat is not None else None,
            "area_km2": area,
            "from": [o for o in olds if boxes.get(o)],
            "split": is_split,
        }
    return {
        "meta": {
            "source": "vietnamadminunits",
            "source_version": metadata.version("vietnamadminunits"),
            "source_licence": "MIT (c) 2025 Tran Ngoc Minh Hieu",
            "source_files_sha256": {
                "dataset.db": hashlib.sha256((SRC / "dataset.db").read_bytes()).hexdigest()
            },
            "method": "convex hull of the geocoder bounding boxes of the pre-2025 wards merged into each 2025 ward",
            "approximate": True,
            "wards": len(wards),
            "wards_2025": len(new),
        },
        "wards": wards,
    }


def main() -> None:
    data = build()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"{OUT}: {data['meta']['wards']} of {data['meta']['wards_2025']} wards, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
