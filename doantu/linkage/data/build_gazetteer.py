"""Build the gazetteer snapshot ``gazetteer_units.json.gz`` from the installed ``vietnamadminunits`` package.

Run from the repository root (needs only the venv, no network):

    uv run python doantu/linkage/data/build_gazetteer.py

What is taken from vietnamadminunits (MIT, © 2025 Tran Ngoc Minh Hieu), offline files only:
  * ``data/dataset.db``  table ``admin_units_legacy`` — the 63-province units (provinces, districts, communes/wards)
    as they stood just before 1/7/2025, with their official codes and the package's aliases for units merged
    away in the 2019–2025 rearrangements (``districtAlias``, ``wardAlias``, folded keys without diacritics);
  * ``data/dataset.db``  table ``admin_units`` — the 34-province units from 1/7/2025 (provinces, communes/wards);
  * ``data/converter_2025.json`` — which 2024 commune/ward became which 2025 commune/ward. Communes that were split
    across several new units are listed with *all* their new units (the package's "default" one first); the package's
    street-level geocoding for such splits is deliberately not reproduced (it calls an online geocoder).
  * ``data/parser_legacy.json`` ``DICT_PROVINCE_DISTRICT_DIVIDED`` — district names that no longer exist as such
    (e.g. the former "Thành phố Huế" district, now quận Phú Xuân + quận Thuận Hóa), used as district aliases.

Nothing is taken from ``vietnam-provinces`` (GPL-3). The historical province table is curated by hand in
``historical_provinces.csv`` and is read at run time, not by this script.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sqlite3
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path

import vietnamadminunits

OUT = Path(__file__).with_name("gazetteer_units.json.gz")
SRC = Path(vietnamadminunits.__file__).parent / "data"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_TYPES = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Xã", "Phường")


def _type_of(full_name: str, fallback: str = "") -> str:
    """Unit type read from the full name (the package's type column disagrees with the name for a few units,
    e.g. "Thị trấn Ngọc Lặc" typed "Xã"; the name is what people write)."""
    low = full_name.lower()
    for t in _TYPES:
        if low.startswith(t.lower() + " "):
            return t
    return fallback


def _short(name: str) -> str:
    """The package disambiguates a few short names ("Cai Lậy (Huyện)", "Yên Viên (Xã)"); the type is kept apart."""
    return re.sub(r"\s*\([^)]*\)$", "", name).strip()


def build() -> dict:
    db = sqlite3.connect(SRC / "dataset.db")
    db.row_factory = sqlite3.Row
    legacy = [dict(r) for r in db.execute("SELECT * FROM admin_units_legacy ORDER BY wardCode, districtCode")]
    new = [dict(r) for r in db.execute("SELECT * FROM admin_units ORDER BY wardCode")]
    conv = json.loads((SRC / "converter_2025.json").read_text(encoding="utf-8"))
    parser_legacy = json.loads((SRC / "parser_legacy.json").read_text(encoding="utf-8"))

    # ---- 2024 (63-province) units -------------------------------------------------------------------------
    p24: dict[str, list] = {}
    d24: dict[str, list] = {}
    w24: dict[str, list] = {}
    pkey24: dict[str, str] = {}  # package province key -> code
    dkey24: dict[tuple[str, str], str] = {}  # (province key, district key) -> district code
    wkey24: dict[tuple[str, str, str], str] = {}  # (province key, district key, ward key) -> ward code
    d_alias: dict[str, set[str]] = {}
    w_alias: dict[str, set[str]] = {}
    for r in legacy:
        pc, dc, wc = r["provinceCode"], r["districtCode"], r["wardCode"]
        p24.setdefault(pc, [r["province"], _short(r["provinceShort"]), _type_of(r["province"])])
        d24.setdefault(
            dc, [pc, r["district"], _short(r["districtShort"]), _type_of(r["district"], r["districtType"])]
        )
        pkey24[r["provinceKey"]] = pc
        dkey24[(r["provinceKey"], r["districtKey"])] = dc
        for a in json.loads(r["districtAlias"] or "[]"):
            d_alias.setdefault(a, set()).add(dc)
        if wc:
            assert wc not in w24, wc
            w24[wc] = [dc, r["ward"], _short(r["wardShort"]), _type_of(r["ward"], r["wardType"])]
            wkey24[(r["provinceKey"], r["districtKey"], r["wardKey"])] = wc
            for a in json.loads(r["wardAlias"] or "[]"):
                w_alias.setdefault(a, set()).add(wc)

    # Districts that were dissolved or split (the parser's "divided district" keywords) -> current districts.
    for pk, dists in parser_legacy["DICT_PROVINCE_DISTRICT_DIVIDED"].items():
        for dk, info in dists.items():
            if (pk, dk) in dkey24:
                continue  # still a district of its own: nothing to alias
            targets = {dkey24[(pk, k)] for k in info["districts"]}
            for kw in info["dividedDistrictKeywords"]:
                d_alias.setdefault(kw, set()).update(targets)

    # ---- 2025 (34-province) units -------------------------------------------------------------------------
    p25: dict[str, list] = {}
    w25: dict[str, list] = {}
    wkey25: dict[tuple[str, str], str] = {}
    pkey25: dict[str, str] = {}
    for r in new:
        pc, wc = r["provinceCode"], r["wardCode"]
        p25.setdefault(pc, [r["province"], _short(r["provinceShort"]), _type_of(r["province"])])
        assert wc not in w25, wc
        w25[wc] = [pc, r["ward"], _short(r["wardShort"]), _type_of(r["ward"], r["wardType"])]
        wkey25[(r["provinceKey"], r["wardKey"])] = wc
        pkey25[r["provinceKey"]] = pc

    # ---- conversion 2024 -> 2025 ---------------------------------------------------------------------------
    p24_to_p25: dict[str, str] = {}
    for newpk, oldpks in conv["DICT_PROVINCE"].items():
        for opk in oldpks:
            p24_to_p25[pkey24[opk]] = pkey25[newpk]
    assert len(p24_to_p25) == 63, len(p24_to_p25)

    w24_to_w25: dict[str, list[str]] = {}
    d24_to_w25: dict[str, list[str]] = {}  # island districts without communes -> 2025 special zone

    def old_code(old_key: str) -> tuple[str, str]:
        pk, dk, wk = old_key.split("_", 2)
        if not wk:
            return "d", dkey24[(pk, dk)]
        return "w", wkey24[(pk, dk, wk)]

    for newpk, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for newwk, old_keys in wards.items():
            nc = wkey25[(newpk, newwk)]
            for ok in old_keys:
                kind, oc = old_code(ok)
                (w24_to_w25 if kind == "w" else d24_to_w25).setdefault(oc, []).append(nc)
    for newpk, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for ok, options in olds.items():
            kind, oc = old_code(ok)
            assert kind == "w"
            ordered = sorted(options, key=lambda o: not o["isDefaultNewWard"])  # default first
            for o in ordered:
                w24_to_w25.setdefault(oc, []).append(wkey25[(newpk, o["newWardKey"])])

    missing = set(w24) - set(w24_to_w25)
    assert not missing, f"2024 wards without a 2025 unit: {sorted(missing)[:10]}"
    reached = {c for v in w24_to_w25.values() for c in v} | {c for v in d24_to_w25.values() for c in v}
    assert reached == set(w25), f"2025 wards without a 2024 source: {sorted(set(w25) - reached)[:10]}"

    # A ward alias equal to the unit's own name is no alias; drop those and keep folded keys only.
    snapshot = {
        "meta": {
            "source": "vietnamadminunits",
            "source_version": metadata.version("vietnamadminunits"),
            "source_licence": "MIT (c) 2025 Tran Ngoc Minh Hieu",
            "source_files_sha256": {
                name: _sha256(SRC / name)
                for name in ("dataset.db", "converter_2025.json", "parser_legacy.json")
            },
            "counts": {
                "province_2024": len(p24),
                "district_2024": len(d24),
                "ward_2024": len(w24),
                "province_2025": len(p25),
                "ward_2025": len(w25),
                "ward_2024_split": sum(1 for v in w24_to_w25.values() if len(v) > 1),
                "ward_alias": len(w_alias),
                "district_alias": len(d_alias),
            },
        },
        # code: [name, short name, type]
        "p24": {k: p24[k] for k in sorted(p24)},
        # code: [province code, name, short name, type]
        "d24": {k: d24[k] for k in sorted(d24)},
        # code: [district code, name, short name, type]
        "w24": {k: w24[k] for k in sorted(w24)},
        "p25": {k: p25[k] for k in sorted(p25)},
        # code: [province code, name, short name, type]
        "w25": {k: w25[k] for k in sorted(w25)},
        "p24_to_p25": dict(sorted(p24_to_p25.items())),
        # 2024 ward -> 2025 ward(s); several when the commune was split (package default first)
        "w24_to_w25": {k: list(dict.fromkeys(v)) for k, v in sorted(w24_to_w25.items())},
        "d24_to_w25": {k: list(dict.fromkeys(v)) for k, v in sorted(d24_to_w25.items())},
        # folded alias key (no diacritics, no spaces) -> codes
        "d24_alias": {k: sorted(v) for k, v in sorted(d_alias.items())},
        "w24_alias": {k: sorted(v) for k, v in sorted(w_alias.items())},
    }
    return snapshot


def main() -> int:
    snap = build()
    raw = json.dumps(snap, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")
    # mtime=0 keeps the file byte-identical between runs on the same input
    with (
        OUT.open("wb") as fh,
        gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(raw)
    c = snap["meta"]["counts"]
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB gz, {len(raw) / 1024:.0f} KiB raw)")
    print(", ".join(f"{k}={v}" for k, v in c.items()))
    splits = Counter(len(v) for v in snap["w24_to_w25"].values())
    print("2024 wards by number of 2025 units:", dict(sorted(splits.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
