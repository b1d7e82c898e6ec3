#!/usr/bin/env python3
"""Make a large synthetic martyr registry "made the same way" as linkage-dev, to benchmark linkage at scale.

    uv run python bench/make_registry.py --size 1000000 --seed 1 --out var/bench/1m/
    uv run python bench/make_registry.py --size 20630 --seed 1 --out var/bench/dev-like/ --compare

Writes registry.csv, queries.csv, truth_queries.csv and truth_duplicates.csv in exactly the linkage-dev formats.
Same seed, same options -> byte-identical files. Streams the registry (memory stays flat) and never imports
doantu.linkage: it must stay independent of the engine it is used to measure.

How it mirrors linkage-dev (measured on linkage-dev, see NOISE below for the rates):
- Vocabularies and frequencies are read at run time from the reference set (default: shared/data/linkage-dev, read-only,
  nothing is copied): surnames, middle and given names by sex, alias rate by sex, age at death, death years, places of
  death, burial places given the place of death, ranks, positions, unit numbers, and the province mix of home places.
  Only "clean" rows (martyrs listed once) are used for that, since the second sources' rows carry noise.
- Home places are 2024 communes (all 10,035 of the vietnamadminunits legacy table, weighted by the reference's province
  mix, uniform within a province). The 2025 form comes from the package's own offline conversion tables (no geocoding),
  the historical province names from HISTORICAL_PROVINCES below, chosen by the year of enlistment as linkage-dev does.
- The noise kinds and rates (NOISE) were catalogued by comparing each linkage-dev query with its true record and the two
  rows of each duplicate pair.
"""

from __future__ import annotations

import argparse
import bisect
import copy
import csv
import itertools
import json
import os
import random
import sqlite3
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The shared dev set: beside the checkout here, at /work/shared on these machines, or wherever
# DOANTU_LINKAGE_DEV points (a clean clone elsewhere still finds it).
DEFAULT_REFERENCE = next(
    (
        p
        for p in (
            Path(os.environ.get("DOANTU_LINKAGE_DEV", "")),
            REPO.parent / "shared" / "data" / "linkage-dev",
            Path("/work/shared/data/linkage-dev"),
        )
        if str(p) not in ("", ".") and (p / "registry.csv").exists()
    ),
    REPO.parent / "shared" / "data" / "linkage-dev",
)
HEADER = [
    "Mã",
    "Họ và tên",
    "Bí danh",
    "Giới tính",
    "Năm sinh",
    "Quê quán",
    "Nhập ngũ",
    "Đơn vị",
    "Cấp bậc",
    "Chức vụ",
    "Ngày hy sinh",
    "Nơi hy sinh",
    "Nơi an táng",
]

# Rates measured on linkage-dev (20,630 rows = 20,000 martyrs + 630 second listings; 2,000 queries). "clean" = a
# martyr listed once; "second source" = each of the two rows of a duplicated martyr (both rows are noisy, independently).
NOISE = {
    "duplicate_share": 630 / 20000,  # martyrs listed twice, by two independent sources
    "absent_query_share": 0.15,  # queries about martyrs not in the registry (300/2000)
    # Battle groups: martyrs from one home district killed the same day in the same battalion (same c half the time)
    # and place of death; in linkage-dev 1,180 pairs, 182 triples, 26 quadruples and 4 larger groups are visible among
    # lone listings with a full date and unit, i.e. about 25% of martyrs in ~2,200 groups once visibility is undone.
    "battle_groups": {
        "start": 0.16,  # per martyr killed 1965-1975; 0.3 of that in other years (92% of visible groups are 1965-79)
        "start_other_years": 0.048,
        "size": {2: 0.81, 3: 0.15, 4: 0.035, 5: 0.0025, 6: 0.0025},
        "company_shared": 0.45,  # 670 of 1,392 visible groups share the company too; burial place and enlistment
        #                          agree no more often than chance and missing values explain
    },
    "namesake_share": 0.0009,  # martyr given the name and commune of an earlier one (28 same name+commune pairs
    #                            observed vs ~11 by chance among 20,000)
    "clean": {
        "birth_missing": 0.042,
        "enlist_missing": 0.195,
        "death_year_only": 0.098,
        "front_prefix": 0.298,
        "rank_abbrev": 0.5,
        "burial_missing": 0.300,
        # Quê quán: as written at the time (historical province, "tỉnh"), the 2024 full form, or "ward, district, prov".
        "home": {"at_time": 0.504, "full_2024": 0.399, "short3": 0.097},
        "unit": {
            "c d e f": 0.2275,
            "dai doi": 0.2254,
            "C, D, E, F": 0.2223,
            "cde": 0.1656,
            "": 0.0998,
            "KB": 0.0595,
        },
    },
    "second": {
        "name_noisy": 0.33,  # (1-p)^2 = 0.45; 0.47 of pairs show the same name (some noise leaves it unchanged)
        "name_kinds": {
            "drop_middle": 0.36,
            "typo": 0.33,
            "drop_middle+typo": 0.12,
            "upper_fold": 0.10,
            "upper_fold+drop_middle": 0.03,
            "upper_fold+typo": 0.05,
            "tone": 0.01,
        },
        "alias_kept": 0.75,
        "birth_missing": 0.173,
        "enlist_missing": 0.35,
        "rank_missing": 0.20,
        "position_missing": 0.196,
        "burial_missing": 0.43,
        "front_prefix": 0.30,
        "death_missing": 0.048,
        "death_year_only": 0.215,
        # only one of the two listings disagrees: birth year by one (26% of pairs with both years), date of death by
        # a day (16% of pairs with both full dates) or a month (8%)
        "birth_shift": 0.26,
        "death_day_shift": 0.163,
        "death_month_shift": 0.083,
        "home": {
            "at_time": 0.3175,
            "full_2024": 0.3294,
            "short3": 0.1429,
            "district": 0.1143,
            "province": 0.096,
        },
        "unit": {
            "": 0.269,
            "C, D, E, F": 0.1603,
            "c d e f": 0.1508,
            "cde": 0.1508,
            "dai doi": 0.1444,
            "trung doan": 0.0444,
            "KB": 0.0405,
            "E F": 0.0397,
        },
    },
    "query": {
        # name: alias instead of the name, dropped middle, old/new tone placement, one typo, no diacritics, capitals
        "alias_if_any": 0.24,
        "drop_middle": 0.135,
        "tone": 0.01,
        "typo": 0.102,
        "fold": 0.416,
        "upper": 0.204,
        "telex": 0.0,  # Telex/VNI leftovers (Nguyeenx, Nguye6n): none in linkage-dev; --telex-rate to add some
        "typo_kinds": {"delete": 0.37, "insert": 0.28, "swap": 0.24, "space": 0.11},
        "birth_missing": 0.102,
        "birth_offset": {0: 0.654, 1: 0.221, 2: 0.064, 3: 0.061},
        "home": {
            "": 0.1065,
            "full_2024": 0.1845,
            "ward_2025": 0.1725,
            "short3": 0.1815,
            "district": 0.1815,
            "province": 0.1735,
        },
        "unit": {
            "": 0.4965,
            "cde": 0.1265,
            "C, D, E, F": 0.077,
            "E F": 0.0755,
            "c d e f": 0.072,
            "trung doan": 0.0655,
            "dai doi": 0.0645,
            "KB": 0.0225,
        },
        "death": {"": 0.201, "full": 0.313, "year": 0.308, "month": 0.178},
        "place_of_death_missing": 0.394,
    },
}
TYPO_INSERT_LETTERS = "aeioutnhgc"  # the letters linkage-dev's typos insert
ALIAS_ORDINALS = ["Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Út"]
RANK_ABBREV = {
    "Binh nhì": "B2",
    "Binh nhất": "B1",
    "Hạ sĩ": "H1",
    "Trung sĩ": "H2",
    "Thượng sĩ": "H3",
    "Chuẩn úy": "CU",
    "Thiếu úy": "U1",
    "Trung úy": "U2",
    "Thượng úy": "U3",
    "Đại úy": "U4",
}
ABBREV_RANK = {v: k for k, v in RANK_ABBREV.items()}
CITIES_WITHOUT_PREFIX = ("Hà Nội", "Hải Phòng")  # written bare, not "tỉnh X", in the as-at-the-time form

# Provinces that existed between the 1960s and 1997, keyed by today's (63-province) short names, with the years in
# which a soldier enlisting would have written them. Sources: the National Assembly resolutions that made and split
# them (NQ 504-NQ/TVQH 1962, NQ 103-NQ/TVQH 1965, NQ 504-NQ/TVQH 1968, Quốc hội khóa V 20/12/1975 and khóa VI 1976,
# khóa VIII 1989 and 1991, khóa IX 6/11/1996); years rounded to the first full year. Hà Tây's part of Hà Sơn Bình is
# left out (linkage-dev leaves Hà Nội's former Hà Tây communes under Hà Nội), as are Lai Châu/Điện Biên and Đắk Lắk/
# Đắk Nông (split in 2004), which linkage-dev does not use either.
HISTORICAL_PROVINCES = [
    ("Hà Bắc", ("Bắc Giang", "Bắc Ninh"), 1963, 1996),
    ("Bắc Thái", ("Thái Nguyên", "Bắc Kạn"), 1965, 1996),
    ("Nam Hà", ("Nam Định", "Hà Nam"), 1965, 1975),
    ("Hải Hưng", ("Hải Dương", "Hưng Yên"), 1968, 1996),
    ("Vĩnh Phú", ("Vĩnh Phúc", "Phú Thọ"), 1968, 1996),
    ("Hà Nam Ninh", ("Nam Định", "Hà Nam", "Ninh Bình"), 1976, 1991),
    ("Nam Hà", ("Nam Định", "Hà Nam"), 1992, 1996),
    ("Nghệ Tĩnh", ("Nghệ An", "Hà Tĩnh"), 1976, 1991),
    ("Bình Trị Thiên", ("Quảng Bình", "Quảng Trị", "Huế"), 1976, 1989),
    ("Quảng Nam - Đà Nẵng", ("Quảng Nam", "Đà Nẵng"), 1976, 1996),
    ("Nghĩa Bình", ("Quảng Ngãi", "Bình Định"), 1976, 1989),
    ("Phú Khánh", ("Phú Yên", "Khánh Hòa"), 1976, 1989),
    ("Thuận Hải", ("Ninh Thuận", "Bình Thuận"), 1976, 1991),
    ("Gia Lai - Kon Tum", ("Gia Lai", "Kon Tum"), 1976, 1991),
    ("Sông Bé", ("Bình Dương", "Bình Phước"), 1976, 1996),
    ("Hậu Giang", ("Cần Thơ", "Sóc Trăng"), 1976, 1991),
    ("Cửu Long", ("Vĩnh Long", "Trà Vinh"), 1976, 1991),
    ("Minh Hải", ("Cà Mau", "Bạc Liêu"), 1976, 1996),
    ("Hà Tuyên", ("Hà Giang", "Tuyên Quang"), 1976, 1991),
    ("Hoàng Liên Sơn", ("Lào Cai", "Yên Bái"), 1976, 1991),
    ("Cao Lạng", ("Cao Bằng", "Lạng Sơn"), 1976, 1978),
    ("Hà Sơn Bình", ("Hòa Bình",), 1976, 1991),
]
TONE_OLD_NEW = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "òe": "oè",
    "óe": "oé",
    "ỏe": "oẻ",
    "õe": "oẽ",
    "ọe": "oẹ",
    "ùy": "uỳ",
    "úy": "uý",
    "ủy": "uỷ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}
TELEX_TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
TELEX_MARKS = {"\u0302": None, "\u0306": "w", "\u031b": "w"}  # circumflex doubles the vowel
VNI_TONES = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
VNI_MARKS = {"\u0302": "6", "\u0306": "8", "\u031b": "7"}


def fold(s: str) -> str:
    """Drop Vietnamese diacritics; đ does not decompose, so it is folded by hand."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


def swap_tone_style(s: str) -> str:
    """hòa <-> hoà, thủy <-> thuỷ."""
    for old, new in TONE_OLD_NEW.items():
        if old in s:
            return s.replace(old, new)
        if new in s:
            return s.replace(new, old)
    return s


def telex_leftover(word: str, vni: bool) -> str:
    """Nguyễn -> Nguyeenx (Telex) or Nguye64n (VNI): the keystrokes an input method failed to convert."""
    out, tail = [], []
    for ch in unicodedata.normalize("NFD", word):
        if ch == "đ" or ch == "Đ":
            out.append("d9" if vni else ch.replace("đ", "dd").replace("Đ", "Dd"))
        elif ch in VNI_TONES:
            tail.append(VNI_TONES[ch] if vni else TELEX_TONES[ch])
        elif ch in VNI_MARKS:
            if vni:
                out.append(VNI_MARKS[ch])
            elif TELEX_MARKS[ch] is None:
                out.append(out[-1] if out else "")
            else:
                out.append(TELEX_MARKS[ch])
        else:
            out.append(ch)
    return "".join(out) + "".join(tail)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class Sampler:
    """Weighted choice by bisection over cumulative weights (random.choices re-validates its input on every call)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, weights: dict | Counter):
        self.items = list(weights.keys())
        self.cum = list(itertools.accumulate(weights.values()))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


# ---------------------------------------------------------------------------------------------------- places
@dataclass(slots=True, frozen=True)
class Commune:
    ward: str  # "Xã Hưng Chính"
    district: str  # "Thành phố Vinh"
    province: str  # "Tỉnh Nghệ An"
    ward_short: str
    district_short: str
    province_short: str  # 63-province short name, "Nghệ An"
    ward_2025: str  # "Phường Vinh Hưng" (2025 form, after the 1/7/2025 reform)
    province_2025: str  # "Tỉnh Nghệ An"


def load_communes() -> list[Commune]:
    """2024 communes from vietnamadminunits, each with its 2025 ward/province from the package's offline tables."""
    import vietnamadminunits  # the "build" dependency group (dev and bench include it); only its data files are read

    data = Path(vietnamadminunits.__file__).parent / "data"
    conv = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    old_to_new: dict[str, tuple[str, str]] = {}
    for new_province, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                old_to_new.setdefault(old, (new_province, new_ward))
    for new_province, divided in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for (
            old,
            options,
        ) in divided.items():  # a ward split in 2025: the package's default part (no street given)
            default = [o for o in options if o["isDefaultNewWard"]] or options
            old_to_new.setdefault(old, (new_province, default[0]["newWardKey"]))
    db = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    try:
        new_names = {
            (pk, wk): (w, p)
            for p, w, pk, wk in db.execute("SELECT province, ward, provinceKey, wardKey FROM admin_units")
        }
        rows = db.execute(
            "SELECT ward, district, province, wardShort, districtShort, provinceShort, provinceKey, districtKey,"
            " wardKey FROM admin_units_legacy WHERE ward IS NOT NULL ORDER BY wardCode"
        ).fetchall()
    finally:
        db.close()
    out = []
    for ward, district, province, ws, ds, ps, pk, dk, wk in rows:
        new = new_names.get(old_to_new.get(f"{pk}_{dk}_{wk}", ("", "")))
        if new:
            out.append(Commune(ward, district, province, ws, ds, ps, new[0], new[1]))
    return out


def historical_province(province_short: str, enlist_year: int) -> str:
    for name, today, first, last in HISTORICAL_PROVINCES:
        if province_short in today and first <= enlist_year <= last:
            return name
    return province_short


# ---------------------------------------------------------------------------------------------------- reference
@dataclass
class Reference:
    """Empirical distributions of the reference registry's clean rows."""

    surnames: Sampler
    middles: dict[str, Sampler]
    givens: dict[str, Sampler]
    female_share: float
    alias_share: dict[str, float]
    age_at_death: Sampler
    death_years: Sampler
    places_of_death: Sampler
    burial_by_place: dict[str, Sampler]
    ranks: Sampler
    positions: Sampler
    company: Sampler
    battalion: Sampler
    regiment: Sampler
    division: Sampler
    province_weights: Counter


def load_reference(ref_dir: Path, communes: list[Commune]) -> Reference:
    rows = read_csv(ref_dir / "registry.csv")
    listed_twice = set()
    for r in read_csv(ref_dir / "truth_duplicates.csv"):
        listed_twice.update((r["record_a"], r["record_b"]))
    clean = [r for r in rows if r["Mã"] not in listed_twice]
    surnames, middles, givens, sexes = (
        Counter(),
        {"Nam": Counter(), "Nữ": Counter()},
        {"Nam": Counter(), "Nữ": Counter()},
        Counter(),
    )
    aliases = Counter()
    ages, deaths, places, burials = Counter(), Counter(), Counter(), {}
    ranks, positions = Counter(), Counter()
    company, battalion, regiment, division = Counter(), Counter(), Counter(), Counter()
    for r in clean:
        sex = r["Giới tính"]
        parts = r["Họ và tên"].split()
        sexes[sex] += 1
        surnames[parts[0]] += 1
        middles[sex][" ".join(parts[1:-1])] += 1
        givens[sex][parts[-1]] += 1
        aliases[sex] += bool(r["Bí danh"])
        death_year = int(r["Ngày hy sinh"][-4:])
        deaths[death_year] += 1
        if r["Năm sinh"]:
            ages[death_year - int(r["Năm sinh"])] += 1
        place = r["Nơi hy sinh"].removeprefix("Mặt trận ")
        places[place] += 1
        burials.setdefault(place, Counter())[r["Nơi an táng"]] += 1
        rank = r["Cấp bậc"]
        ranks[ABBREV_RANK.get(rank, rank)] += 1
        positions[r["Chức vụ"]] += 1
        nums = [int(x) for x in "".join(c if c.isdigit() else " " for c in r["Đơn vị"]).split()]
        if len(nums) == 4:  # c d e f in any of the full notations
            for counter, n in zip((company, battalion, regiment, division), nums, strict=True):
                counter[n] += 1
    # Province mix of home places (63-province names), resolved through the commune table.
    by_full = {(c.ward, c.district): c.province_short for c in communes}
    by_short = {(c.ward_short, c.district_short, c.province_short): c.province_short for c in communes}
    province_weights = Counter()
    for r in rows:
        parts = r["Quê quán"].split(", ")
        if len(parts) == 3:
            p = by_full.get((parts[0], parts[1])) or by_short.get(tuple(parts))
            if p:
                province_weights[p] += 1
    return Reference(
        surnames=Sampler(surnames),
        middles={s: Sampler(c) for s, c in middles.items()},
        givens={s: Sampler(c) for s, c in givens.items()},
        female_share=sexes["Nữ"] / sum(sexes.values()),
        alias_share={s: aliases[s] / sexes[s] for s in sexes},
        age_at_death=Sampler(ages),
        death_years=Sampler(deaths),
        places_of_death=Sampler(places),
        # every martyr has a burial place; lone listings leave it out 30% of the time (uniformly over places)
        burial_by_place={p: Sampler(Counter({b: k for b, k in c.items() if b})) for p, c in burials.items()},
        ranks=Sampler(ranks),
        positions=Sampler(positions),
        company=Sampler(company),
        battalion=Sampler(battalion),
        regiment=Sampler(regiment),
        division=Sampler(division),
        province_weights=province_weights,
    )


# ---------------------------------------------------------------------------------------------------- martyrs
@dataclass(slots=True)
class Martyr:
    surname: str
    middle: str
    given: str
    sex: str
    alias: str
    birth: int
    enlist: tuple[int, int]  # (year, month)
    unit: tuple[int, int, int, int]  # company, battalion, regiment, division
    mailbox: int  # KB code
    rank: str
    position: str
    death: tuple[int, int, int]  # (year, month, day)
    place_of_death: str
    burial: str
    home: Commune

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.surname, self.middle, self.given) if p)


@dataclass(slots=True)
class BattleGroup:
    """What the members of a battle group share: killed the same day, at the same place, in the same battalion
    (and company, for some), all from one home district."""

    death: tuple[int, int, int]
    unit: tuple[int, int, int, int]
    company_shared: bool
    district: list[Commune]  # the home district's communes
    place_of_death: str


class World:
    def __init__(self, ref: Reference, communes: list[Commune], rng: random.Random, noise: dict):
        self.ref, self.rng, self.noise = ref, rng, noise
        by_province: dict[str, list[Commune]] = {}
        by_district: dict[tuple[str, str], list[Commune]] = {}
        for c in communes:
            by_province.setdefault(c.province_short, []).append(c)
            by_district.setdefault((c.province_short, c.district), []).append(c)
        self.communes_by_province = by_province
        self.communes_by_district = by_district
        weights = Counter({p: ref.province_weights.get(p, 0) for p in by_province})
        weights = Counter({p: w for p, w in weights.items() if w})
        self.province = Sampler(weights)
        self.recent: list[Martyr] = []  # reservoir for namesakes from the same commune
        self.samplers = {}
        self.group_slots: dict[
            int, list[BattleGroup]
        ] = {}  # martyr index -> battle groups waiting for a member

    def pick(self, table_key: tuple, table: dict):
        s = self.samplers.get(table_key)
        if s is None:
            s = self.samplers[table_key] = Sampler(table)
        return s(self.rng)

    def martyr(self, index: int, total: int) -> Martyr:
        """The index-th of total martyrs. Battle groups: a martyr may open one, whose other members are drawn at
        random later indices (the registry has no order), or be such a member."""
        rng, ref, g = self.rng, self.ref, self.noise["battle_groups"]
        sex = "Nữ" if rng.random() < ref.female_share else "Nam"
        surname, middle, given = ref.surnames(rng), ref.middles[sex](rng), ref.givens[sex](rng)
        province = self.province(rng)
        home = rng.choice(self.communes_by_province[province])
        if self.recent and rng.random() < self.noise["namesake_share"]:
            other = rng.choice(self.recent)
            surname, middle, given, sex, home = (
                other.surname,
                other.middle,
                other.given,
                other.sex,
                other.home,
            )
        alias = f"{rng.choice(ALIAS_ORDINALS)} {given}" if rng.random() < ref.alias_share.get(sex, 0) else ""
        death_year = ref.death_years(rng)
        death = (death_year, rng.randint(1, 12), rng.randint(1, 28))
        unit = (ref.company(rng), ref.battalion(rng), ref.regiment(rng), ref.division(rng))
        place = ref.places_of_death(rng)
        burial = ref.burial_by_place[place](rng)
        waiting = self.group_slots.pop(index, None)
        group, opened, size = None, False, 1
        if waiting:
            group = waiting.pop()
            if waiting:  # two groups drew the same index: the other one waits for the next martyr
                self.group_slots.setdefault(min(index + 1, total - 1), []).extend(waiting)
            home = rng.choice(group.district)
            death, place = group.death, group.place_of_death
            unit = (unit[0] if not group.company_shared else group.unit[0], *group.unit[1:])
            burial = ref.burial_by_place[place](rng)
        elif (
            index + 1 < total
            and rng.random() < g["start" if 1965 <= death_year <= 1975 else "start_other_years"]
        ):
            opened, size = True, self.pick(("group_size",), g["size"])
            group = BattleGroup(
                death,
                unit,
                rng.random() < g["company_shared"],
                self.communes_by_district[(home.province_short, home.district)],
                place,
            )
        death_year = death[0]
        birth = death_year - ref.age_at_death(rng)
        enlist_year = min(max(death_year - rng.randint(0, 5), birth + 17), death_year)
        enlist = (enlist_year, rng.randint(1, death[1] if enlist_year >= death_year else 12))
        if opened:
            for _ in range(size - 1):
                self.group_slots.setdefault(rng.randint(index + 1, total - 1), []).append(group)
        m = Martyr(
            surname,
            middle,
            given,
            sex,
            alias,
            birth,
            enlist,
            unit,
            rng.randint(10000, 99999),
            ref.ranks(rng),
            ref.positions(rng),
            death,
            place,
            burial,
            home,
        )
        if len(self.recent) < 5000:
            self.recent.append(m)
        else:
            self.recent[rng.randrange(5000)] = m
        return m

    # -------------------------------------------------------------------------------- field renderings
    def home_place(self, m: Martyr, form: str) -> str:
        c = m.home
        if form == "full_2024":
            return f"{c.ward}, {c.district}, {c.province}"
        if form == "at_time":
            if c.province_short in CITIES_WITHOUT_PREFIX:
                return f"{c.ward}, {c.district}, {c.province_short}"
            return f"{c.ward}, {c.district}, tỉnh {historical_province(c.province_short, m.enlist[0])}"
        if form == "short3":
            return f"{c.ward_short}, {c.district_short}, {c.province_short}"
        if form == "district":
            return f"{c.district_short}, {c.province_short}"
        if form == "province":
            return c.province_short
        if form == "ward_2025":
            return f"{c.ward_2025}, {c.province_2025}"
        return ""

    def unit(self, m: Martyr, form: str) -> str:
        c, d, e, f = m.unit
        match form:
            case "c d e f":
                return f"c{c} d{d} e{e} f{f}"
            case "C, D, E, F":
                return f"C{c}, D{d}, E{e}, F{f}"
            case "cde":
                return f"c{c}d{d}e{e}"
            case "dai doi":
                return f"Đại đội {c}, Tiểu đoàn {d}, Trung đoàn {e}, Sư đoàn {f}"
            case "E F":
                return f"E{e} F{f}"
            case "trung doan":
                return f"Trung đoàn {e}"
            case "KB":
                return f"KB {m.mailbox}"
        return ""

    def typo(self, s: str) -> str:
        rng = self.rng
        if len(s) < 3:
            return s
        kind = self.pick(("typo",), self.noise["query"]["typo_kinds"])
        if kind == "space":
            spaces = [i for i, ch in enumerate(s) if ch == " "]
            if spaces:
                i = rng.choice(spaces)
                j = i + rng.choice((-1, 1))
                if 0 <= j < len(s):
                    a, b = min(i, j), max(i, j)
                    return s[:a] + s[b] + s[a] + s[b + 1 :]
            kind = "swap"
        letters = [i for i, ch in enumerate(s) if ch != " "]
        i = rng.choice(letters)
        if kind == "delete":
            return s[:i] + s[i + 1 :]
        if kind == "insert":
            return s[:i] + rng.choice(TYPO_INSERT_LETTERS) + s[i:]
        if i + 1 < len(s) and s[i + 1] != " ":
            return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
        if i > 0 and s[i - 1] != " ":
            return s[: i - 1] + s[i] + s[i - 1] + s[i + 1 :]
        return s[:i] + s[i + 1 :]

    # -------------------------------------------------------------------------------- rows
    def registry_row(self, m: Martyr, record_id: str, second_source: bool, later: bool = False) -> list[str]:
        """One listing of m. second_source: m is listed twice, by two sources, each noisier than a lone listing;
        later: this is the second of the two, the one whose birth year or date of death may disagree."""
        rng, n = self.rng, self.noise["second" if second_source else "clean"]
        name, alias = m.name, m.alias
        birth = str(m.birth)
        enlist = f"{m.enlist[1]:02d}/{m.enlist[0]}"
        rank = RANK_ABBREV[m.rank] if rng.random() < self.noise["clean"]["rank_abbrev"] else m.rank
        position, burial = m.position, m.burial
        dy, dm, dd = m.death
        death = f"{dd:02d}/{dm:02d}/{dy}"
        if second_source:
            if rng.random() < n["name_noisy"]:
                name = self.noisy_registry_name(m)
            if alias and rng.random() > n["alias_kept"]:
                alias = ""
            if later and rng.random() < n["birth_shift"]:
                birth = str(m.birth + rng.choice((-1, 1)))
            if rng.random() < n["rank_missing"]:
                rank = ""
            if rng.random() < n["position_missing"]:
                position = ""
            u = rng.random() if later else 1.0
            if u < n["death_day_shift"]:
                dd = dd + 1 if dd == 1 or rng.random() < 0.5 else dd - 1
            elif u < n["death_day_shift"] + n["death_month_shift"]:
                dm = dm + 1 if dm == 1 or (dm < 12 and rng.random() < 0.5) else dm - 1
            death = f"{dd:02d}/{dm:02d}/{dy}"
            u = rng.random()
            if u < n["death_missing"]:
                death = ""
            elif u < n["death_missing"] + n["death_year_only"]:
                death = str(dy)
        elif rng.random() < n["death_year_only"]:
            death = str(dy)
        if rng.random() < n["burial_missing"]:
            burial = ""
        if rng.random() < n["birth_missing"]:
            birth = ""
        if rng.random() < n["enlist_missing"]:
            enlist = ""
        place = ("Mặt trận " if rng.random() < n["front_prefix"] else "") + m.place_of_death
        home = self.home_place(m, self.pick(("home", second_source), n["home"]))
        unit = self.unit(m, self.pick(("unit", second_source), n["unit"]))
        return [
            record_id,
            name,
            alias,
            m.sex,
            birth,
            home,
            enlist,
            unit,
            rank,
            position,
            death,
            place,
            burial,
        ]

    def noisy_registry_name(self, m: Martyr) -> str:
        chosen = self.pick(("name_kinds",), self.noise["second"]["name_kinds"]).split("+")
        name = m.name
        if "drop_middle" in chosen and m.middle:
            name = f"{m.surname} {m.given}"
        if "tone" in chosen:
            name = swap_tone_style(name)
        if "typo" in chosen:
            name = self.typo(name)
        if "upper_fold" in chosen:
            name = fold(name).upper()
        return name

    def query_row(self, m: Martyr, query_id: str) -> list[str]:
        rng, n = self.rng, self.noise["query"]
        if m.alias and rng.random() < n["alias_if_any"]:
            name = m.alias
        elif m.middle and rng.random() < n["drop_middle"]:
            name = f"{m.surname} {m.given}"
        else:
            name = m.name
        if rng.random() < n["tone"]:
            name = swap_tone_style(name)
        if rng.random() < n["typo"]:
            name = self.typo(name)
        if n["telex"] and rng.random() < n["telex"]:
            words = name.split(" ")
            i = rng.randrange(len(words))
            words[i] = telex_leftover(words[i], vni=rng.random() < 0.3)
            name = " ".join(words)
        folded = rng.random() < n["fold"]
        if folded:
            name = fold(name)
        if rng.random() < n["upper"]:
            name = name.upper()
        birth = (
            ""
            if rng.random() < n["birth_missing"]
            else str(m.birth + self.pick(("qbirth",), n["birth_offset"]) * rng.choice((-1, 1)))
        )
        home = self.home_place(m, self.pick(("qhome",), n["home"]))
        unit = self.unit(m, self.pick(("qunit",), n["unit"]))
        dy, dm, dd = m.death
        death = {"": "", "full": f"{dd:02d}/{dm:02d}/{dy}", "year": str(dy), "month": f"{dm:02d}/{dy}"}[
            self.pick(("qdeath",), n["death"])
        ]
        place = "" if rng.random() < n["place_of_death_missing"] else m.place_of_death
        if folded:
            home, place = fold(home), fold(place)
        return [query_id, name, "", "", birth, home, "", unit, "", "", death, place, ""]


# ---------------------------------------------------------------------------------------------------- generation
def generate(size: int, n_queries: int, seed: int, out: Path, ref_dir: Path, noise: dict) -> dict:
    rng = random.Random(seed)
    communes = load_communes()
    ref = load_reference(ref_dir, communes)
    world = World(ref, communes, rng, noise)
    n_martyrs = round(size / (1 + noise["duplicate_share"]))
    n_dups = size - n_martyrs
    if n_dups > n_martyrs:
        raise SystemExit("--size too small")
    n_absent = round(n_queries * noise["absent_query_share"])
    n_present = min(n_queries - n_absent, n_martyrs)
    total = (
        n_martyrs + n_absent
    )  # absent martyrs are drawn in the same world (battle groups included), then held out
    absent = set(rng.sample(range(total), n_absent))
    listed = [i for i in range(total) if i not in absent]
    duplicated = set(rng.sample(listed, n_dups))
    queried = set(rng.sample(listed, n_present))
    del listed
    ids = (f"LS{x}" for x in rng.sample(range(1_000_000, 10_000_000), size))
    pending: dict[
        int, list[tuple[str, Martyr, int]]
    ] = {}  # martyr index -> second listings to write after it
    truth_dups, truth_queries = [], []
    targets: dict[int, tuple[Martyr, list[str]]] = {}
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "registry.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(total):
            m = world.martyr(i, total)
            if i in absent:
                targets[i] = (m, [])
            else:
                rid = next(ids)
                second = i in duplicated
                w.writerow(world.registry_row(m, rid, second_source=second))
                if second:  # the other source's listing lands at a random later place in the file
                    pending.setdefault(rng.randint(i, total - 1), []).append((rid, m, i))
                if i in queried:
                    targets[i] = (m, [rid])
            for first_id, dm, j in pending.pop(i, ()):
                rid2 = next(ids)
                w.writerow(world.registry_row(dm, rid2, second_source=True, later=True))
                truth_dups.append((first_id, rid2))
                if j in targets:
                    targets[j][1].append(rid2)
    with open(out / "truth_duplicates.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["record_a", "record_b"])
        w.writerows(truth_dups)
    targets = [targets[i] for i in sorted(targets)]
    rng.shuffle(targets)
    with (
        open(out / "queries.csv", "w", encoding="utf-8", newline="") as fq,
        open(out / "truth_queries.csv", "w", encoding="utf-8", newline="") as ft,
    ):
        wq, wt = csv.writer(fq, lineterminator="\n"), csv.writer(ft, lineterminator="\n")
        wq.writerow(HEADER)
        wt.writerow(["query", "records"])
        for k, (m, recs) in enumerate(targets):
            qid = f"Q{k:06d}"
            wq.writerow(world.query_row(m, qid))
            wt.writerow([qid, ";".join(recs)])
            truth_queries.append(recs)
    return {
        "rows": size,
        "martyrs": n_martyrs,
        "duplicate_pairs": len(truth_dups),
        "queries": len(targets),
        "absent_queries": sum(1 for t in truth_queries if not t),
    }


# ---------------------------------------------------------------------------------------------------- comparison
def summarise(d: Path) -> dict:
    rows = read_csv(d / "registry.csv")
    queries = read_csv(d / "queries.csv")
    truth = read_csv(d / "truth_queries.csv")
    dups = len(read_csv(d / "truth_duplicates.csv"))
    n = len(rows)
    names = Counter(r["Họ và tên"] for r in rows)
    surnames = Counter(r["Họ và tên"].split()[0] for r in rows if r["Họ và tên"])
    folded_names = Counter(fold(r["Họ và tên"]).lower() for r in rows)
    home_forms = Counter()
    for r in rows:
        parts = r["Quê quán"].split(", ")
        home_forms[f"{len(parts)} parts" + (" tỉnh" if parts[-1].startswith("tỉnh ") else "")] += 1
    return {
        "rows": n,
        "duplicate pairs / rows": dups / n,
        "absent-query share": sum(1 for t in truth if not t["records"]) / len(truth),
        "queries with 2 true records": sum(1 for t in truth if ";" in t["records"]) / len(truth),
        "empty": {c: sum(1 for r in rows if not r[c]) / n for c in HEADER[1:]},
        "query empty": {c: sum(1 for q in queries if not q[c]) / len(queries) for c in HEADER[1:]},
        "query names without diacritics": sum(1 for q in queries if fold(q["Họ và tên"]) == q["Họ và tên"])
        / len(queries),
        "query names in capitals": sum(1 for q in queries if q["Họ và tên"].isupper()) / len(queries),
        "surname share": {k: v / n for k, v in surnames.most_common(12)},
        "top names": names.most_common(10),
        "rows sharing a folded full name with another row": sum(v for v in folded_names.values() if v > 1)
        / n,
        "distinct full names / rows": len(names) / n,
        "female share": sum(1 for r in rows if r["Giới tính"] == "Nữ") / n,
        "home place forms": {k: v / n for k, v in home_forms.most_common()},
    }


def print_comparison(generated: dict, reference: dict) -> None:
    def fmt(x):
        return f"{x:.3f}" if isinstance(x, float) else str(x)

    print(f"\n{'statistic':52s} {'generated':>14s} {'linkage-dev':>14s}")
    for key in generated:
        g, r = generated[key], reference[key]
        if key == "top names":
            print("top 10 names (generated | linkage-dev):")
            for (gn, gc), (rn, rc) in zip(g, r, strict=False):
                print(f"   {gn:28s} {gc / generated['rows']:.4f} | {rn:28s} {rc / reference['rows']:.4f}")
        elif isinstance(g, dict):
            print(f"{key}:")
            keys = list(r)[:8] if key == "surname share" else list(dict.fromkeys(list(g) + list(r)))
            for k in keys:
                print(f"   {k:49s} {fmt(g.get(k, 0.0)):>14s} {fmt(r.get(k, 0.0)):>14s}")
        else:
            print(f"{key:52s} {fmt(g):>14s} {fmt(r):>14s}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, required=True, help="registry rows (martyrs listed twice included)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument(
        "--reference",
        type=Path,
        default=DEFAULT_REFERENCE,
        help="linkage-dev directory the distributions are read from (read only)",
    )
    p.add_argument(
        "--telex-rate",
        type=float,
        default=NOISE["query"]["telex"],
        help="share of queries with Telex/VNI leftovers in the name (linkage-dev: 0)",
    )
    p.add_argument("--compare", action="store_true", help="print summary statistics next to the reference's")
    a = p.parse_args(argv)
    noise = copy.deepcopy(NOISE)
    noise["query"]["telex"] = a.telex_rate
    t0 = time.perf_counter()
    counts = generate(a.size, a.queries, a.seed, a.out, a.reference, noise)
    elapsed = time.perf_counter() - t0
    cmd = f"uv run python bench/make_registry.py --size {a.size} --seed {a.seed} --out {a.out}"
    if a.queries != 2000:
        cmd += f" --queries {a.queries}"
    if a.telex_rate:
        cmd += f" --telex-rate {a.telex_rate}"
    print(
        f"wrote {a.out}/registry.csv ({counts['rows']:,} rows: {counts['martyrs']:,} martyrs, "
        f"{counts['duplicate_pairs']:,} listed twice), truth_duplicates.csv ({counts['duplicate_pairs']:,} pairs), "
        f"queries.csv + truth_queries.csv ({counts['queries']:,} queries, {counts['absent_queries']:,} absent) "
        f"in {elapsed:.1f} s"
    )
    print(f"command: {cmd}")
    if a.compare:
        print_comparison(summarise(a.out), summarise(a.reference))
    return 0


if __name__ == "__main__":
    sys.exit(main())
