"""Places: home places (quê quán) through the gazetteer, and coarse places of death and burial.

Home places are resolved by :mod:`doantu.linkage.gazetteer` (``resolve(text)`` → code sets for the 2024 and
2025 provinces, 2024 districts, 2024 and 2025 wards), which knows every era's names. Until that module is
importable this file falls back to a province-level resolver of its own (63 provinces of 2024, their 2025 merger
into 34, and the 1965–1997 merged provinces), with district and ward *names* standing in for codes. The two
never mix within one process: ``resolve_home`` picks one at import time.

Places of death and burial are fronts, countries and cemeteries ("Mặt trận Tây Ninh", "Campuchia",
"NTLS quốc gia Trường Sơn"): they are reduced to a set of 2025 provinces (or a country) and compared coarsely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .normalize import fold

__all__ = ["HomePlace", "coarse_place", "gazetteer_available", "province_2025_name", "resolve_home"]

# 2024 province (folded) → 2025 province (folded). The 1/7/2025 merger: 63 → 34.
_P2025: dict[str, str] = {}
for _new, _olds in {
    "ha noi": ["ha noi"],
    "hue": ["thua thien hue"],
    "lai chau": ["lai chau"],
    "dien bien": ["dien bien"],
    "son la": ["son la"],
    "lang son": ["lang son"],
    "quang ninh": ["quang ninh"],
    "thanh hoa": ["thanh hoa"],
    "nghe an": ["nghe an"],
    "ha tinh": ["ha tinh"],
    "cao bang": ["cao bang"],
    "tuyen quang": ["tuyen quang", "ha giang"],
    "lao cai": ["lao cai", "yen bai"],
    "thai nguyen": ["thai nguyen", "bac kan"],
    "phu tho": ["phu tho", "vinh phuc", "hoa binh"],
    "bac ninh": ["bac ninh", "bac giang"],
    "hung yen": ["hung yen", "thai binh"],
    "hai phong": ["hai phong", "hai duong"],
    "ninh binh": ["ninh binh", "ha nam", "nam dinh"],
    "quang tri": ["quang tri", "quang binh"],
    "da nang": ["da nang", "quang nam"],
    "quang ngai": ["quang ngai", "kon tum"],
    "gia lai": ["gia lai", "binh dinh"],
    "khanh hoa": ["khanh hoa", "ninh thuan"],
    "lam dong": ["lam dong", "dak nong", "binh thuan"],
    "dak lak": ["dak lak", "phu yen"],
    "ho chi minh": ["ho chi minh", "binh duong", "ba ria vung tau"],
    "dong nai": ["dong nai", "binh phuoc"],
    "tay ninh": ["tay ninh", "long an"],
    "can tho": ["can tho", "soc trang", "hau giang"],
    "vinh long": ["vinh long", "ben tre", "tra vinh"],
    "dong thap": ["dong thap", "tien giang"],
    "ca mau": ["ca mau", "bac lieu"],
    "an giang": ["an giang", "kien giang"],
}.items():
    for _old in _olds:
        _P2025[_old] = _new

# Merged provinces of 1962–1997 and other former names → 2024 provinces.
_HISTORICAL: dict[str, tuple[str, ...]] = {
    "bac thai": ("thai nguyen", "bac kan"),
    "vinh phu": ("vinh phuc", "phu tho"),
    "ha bac": ("bac ninh", "bac giang"),
    "hai hung": ("hai duong", "hung yen"),
    "nam ha": ("nam dinh", "ha nam"),
    "ha nam ninh": ("nam dinh", "ha nam", "ninh binh"),
    "nghe tinh": ("nghe an", "ha tinh"),
    "binh tri thien": ("quang binh", "quang tri", "thua thien hue"),
    "quang nam da nang": ("quang nam", "da nang"),
    "nghia binh": ("quang ngai", "binh dinh"),
    "phu khanh": ("phu yen", "khanh hoa"),
    "thuan hai": ("ninh thuan", "binh thuan"),
    "gia lai kon tum": ("gia lai", "kon tum"),
    "song be": ("binh duong", "binh phuoc"),
    "cuu long": ("vinh long", "tra vinh"),
    "minh hai": ("ca mau", "bac lieu"),
    "ha tuyen": ("ha giang", "tuyen quang"),
    "hoang lien son": ("lao cai", "yen bai"),
    "cao lang": ("cao bang", "lang son"),
    "ha son binh": ("ha noi", "hoa binh"),
    "ha tay": ("ha noi",),
    "ha dong": ("ha noi",),
    "son tay": ("ha noi",),
    "vinh linh": ("quang tri",),
    "thua thien": ("thua thien hue",),
    "hue": ("thua thien hue",),
    "sai gon": ("ho chi minh",),
    "gia dinh": ("ho chi minh",),
    "sai gon gia dinh": ("ho chi minh",),
    "tp hcm": ("ho chi minh",),
    "hcm": ("ho chi minh",),
    "dac lac": ("dak lak",),
    "dak lac": ("dak lak",),
    "daklak": ("dak lak",),
    "dac nong": ("dak nong",),
    "kontum": ("kon tum",),
    "vung tau": ("ba ria vung tau",),
    "ba ria": ("ba ria vung tau",),
    "kien an": ("hai phong",),
    "hong quang": ("quang ninh",),
    "hai ninh": ("quang ninh",),
}
_PROVINCES_2024 = tuple(_P2025)
# Countries, folded; "lao" must not be the start of "Lào Cai".
_FOREIGN = {
    "campuchia": "campuchia",
    "cam pu chia": "campuchia",
    "lao(?! cai)": "lao",
    "trung quoc": "trung quoc",
}

# Well-known martyrs' cemeteries named after a place that is not a province.
_CEMETERIES = {
    "truong son": ("quang tri",),
    "duong 9": ("quang tri",),
    "hai lang": ("quang tri",),
    "gio linh": ("quang tri",),
    "thanh co": ("quang tri",),
    "vi xuyen": ("ha giang",),
    "tan bien": ("tay ninh",),
    "hang duong": ("ba ria vung tau",),
    "dien bien phu": ("dien bien",),
    "a1": ("dien bien",),
}

_NAME_TO_2024: dict[str, tuple[str, ...]] = {p: (p,) for p in _PROVINCES_2024}
_NAME_TO_2024.update(_HISTORICAL)
_NAME_TO_2024["ba ria vung tau"] = ("ba ria vung tau",)
_NAMES_LONGEST_FIRST = sorted(_NAME_TO_2024, key=len, reverse=True)
_NAME_RE = re.compile(r"\b(" + "|".join(re.escape(n) for n in _NAMES_LONGEST_FIRST) + r")\b")

_ADMIN_PREFIX = re.compile(
    r"^(?:tinh|thanh pho|tp|huyen|quan|thi xa|tx|xa|phuong|thi tran|tt|dac khu|khu|q|h|p|x)\s+"
)
_WARD_PREFIX = ("xa ", "phuong ", "thi tran ", "tt ", "p ", "x ")
_DISTRICT_PREFIX = ("huyen ", "quan ", "thi xa ", "tx ", "thanh pho ", "tp ", "q ", "h ")


def province_2025_name(p2024: str) -> str:
    return _P2025.get(p2024, p2024)


@dataclass(frozen=True, slots=True)
class HomePlace:
    """A resolved home place: the gazetteer's code sets (or the fallback's name keys) and an explanation."""

    province_2024: frozenset[str] = frozenset()
    province_2025: frozenset[str] = frozenset()
    district_2024: frozenset[str] = frozenset()
    ward_2024: frozenset[str] = frozenset()
    ward_2025: frozenset[str] = frozenset()
    level: str = "none"
    explanation: str = ""

    @property
    def empty(self) -> bool:
        return not (self.province_2024 or self.province_2025)


_EMPTY = HomePlace()


def _strip_prefix(part: str) -> str:
    return _ADMIN_PREFIX.sub("", part).strip()


@lru_cache(maxsize=200_000)
def _fallback_resolve(text: str) -> HomePlace:
    parts = [fold(p) for p in re.split(r"[,;]", text)]
    parts = [p for p in parts if p]
    if not parts:
        return _EMPTY
    prov: tuple[str, ...] = ()
    prov_idx = -1
    for i in range(len(parts) - 1, -1, -1):
        name = _strip_prefix(parts[i])
        if name in _NAME_TO_2024:
            prov, prov_idx = _NAME_TO_2024[name], i
            break
    if not prov:
        m = _NAME_RE.search(" ".join(parts))
        if not m:
            return _EMPTY
        prov = _NAME_TO_2024[m.group(1)]
    p2025 = frozenset(_P2025.get(p, p) for p in prov)
    region = "+".join(sorted(p2025))
    lower = parts[:prov_idx] if prov_idx >= 0 else []
    ward = district = ""
    for p in lower:
        name = _strip_prefix(p)
        if p.startswith(_WARD_PREFIX) and not ward:
            ward = name
        elif p.startswith(_DISTRICT_PREFIX) and not district:
            district = name
    bare = [p for p in lower if _strip_prefix(p) == p]
    if len(lower) >= 2 and not ward and not district and len(bare) >= 2:
        ward, district = _strip_prefix(bare[0]), _strip_prefix(bare[1])
    elif len(lower) == 1 and not ward and not district:
        district = _strip_prefix(lower[0])  # "Lý Sơn, Quảng Ngãi": a district more often than a commune
    wards = frozenset({f"{region}|{ward}"}) if ward else frozenset()
    districts = frozenset({f"{region}|{district}"}) if district else frozenset()
    level = "ward" if ward else "district" if district else "province"
    return HomePlace(
        province_2024=frozenset(prov),
        province_2025=p2025,
        district_2024=districts,
        ward_2024=wards,
        ward_2025=frozenset(),
        level=level,
        explanation=" + ".join(sorted(prov)),
    )


try:  # the gazetteer is built by another module; use it whenever it is importable
    from .gazetteer import resolve as _gazetteer_resolve  # type: ignore[import-not-found]

    _HAVE_GAZETTEER = True
except ImportError:  # pragma: no cover - depends on the checkout
    _gazetteer_resolve = None
    _HAVE_GAZETTEER = False


def gazetteer_available() -> bool:
    return _HAVE_GAZETTEER


@lru_cache(maxsize=300_000)
def resolve_home(text: str) -> HomePlace:
    """Resolve a home place written in any era; empty ``HomePlace`` if nothing is recognised."""
    if not text or not text.strip():
        return _EMPTY
    if _gazetteer_resolve is None:
        return _fallback_resolve(text)
    r = _gazetteer_resolve(text)
    if r is None:
        return _EMPTY
    try:
        explanation = r.explain()
    except Exception:  # an explanation is a nicety; never let it break matching
        explanation = ""
    return HomePlace(
        province_2024=frozenset(r.province_2024),
        province_2025=frozenset(r.province_2025),
        district_2024=frozenset(r.district_2024),
        ward_2024=frozenset(r.ward_2024),
        ward_2025=frozenset(r.ward_2025),
        level=r.level,
        explanation=explanation,
    )


@lru_cache(maxsize=50_000)
def coarse_place(text: str) -> frozenset[str]:
    """Place of death or burial → 2025 provinces and/or a country; empty if unknown.

    "Mặt trận Tây Ninh" and "Tây Ninh" agree; "NTLS Việt - Lào (Nghệ An)" is Nghệ An *and* Laos.
    """
    if not text:
        return frozenset()
    s = fold(text)
    out: set[str] = set()
    for m in _NAME_RE.finditer(s):
        out.update(_P2025.get(p, p) for p in _NAME_TO_2024[m.group(1)])
    for key, provs in _CEMETERIES.items():
        if re.search(rf"\b{re.escape(key)}\b", s):
            out.update(_P2025.get(p, p) for p in provs)
    for key, country in _FOREIGN.items():
        if re.search(rf"\b{key}\b", s):
            out.add(country)
    return frozenset(out)
