"""Ranks (cấp bậc), full or abbreviated, → an ordinal on the People's Army scale.

Abbreviations used in martyr lists: B2 binh nhì, B1 binh nhất, H1 hạ sĩ, H2 trung sĩ, H3 thượng sĩ, CU chuẩn úy,
U1 thiếu úy, U2 trung úy, U3 thượng úy, U4 đại úy, T1 thiếu tá … T4 đại tá, and generals. Ranks are weak
evidence: martyrs were often promoted posthumously (truy thăng), so one step apart is not a conflict.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .normalize import fold

__all__ = ["RANK_NAMES", "parse_rank"]

# ordinal → (abbreviation, Vietnamese name)
RANK_NAMES: dict[int, tuple[str, str]] = {
    1: ("B2", "Binh nhì"),
    2: ("B1", "Binh nhất"),
    3: ("H1", "Hạ sĩ"),
    4: ("H2", "Trung sĩ"),
    5: ("H3", "Thượng sĩ"),
    6: ("CU", "Chuẩn úy"),
    7: ("U1", "Thiếu úy"),
    8: ("U2", "Trung úy"),
    9: ("U3", "Thượng úy"),
    10: ("U4", "Đại úy"),
    11: ("T1", "Thiếu tá"),
    12: ("T2", "Trung tá"),
    13: ("T3", "Thượng tá"),
    14: ("T4", "Đại tá"),
    15: ("G1", "Thiếu tướng"),
    16: ("G2", "Trung tướng"),
    17: ("G3", "Thượng tướng"),
    18: ("G4", "Đại tướng"),
}

_FULL = {
    "binh nhi": 1,
    "binh nhat": 2,
    "ha si": 3,
    "trung si": 4,
    "thuong si": 5,
    "chuan uy": 6,
    "thieu uy": 7,
    "trung uy": 8,
    "thuong uy": 9,
    "dai uy": 10,
    "thieu ta": 11,
    "trung ta": 12,
    "thuong ta": 13,
    "dai ta": 14,
    "thieu tuong": 15,
    "trung tuong": 16,
    "thuong tuong": 17,
    "dai tuong": 18,
}
_ABBR = {
    "b2": 1,
    "b1": 2,
    "h1": 3,
    "h2": 4,
    "h3": 5,
    "cu": 6,
    "c u": 6,
    "u0": 6,
    "u1": 7,
    "u2": 8,
    "u3": 9,
    "u4": 10,
    "t1": 11,
    "t2": 12,
    "t3": 13,
    "t4": 14,
    "g1": 15,
    "g2": 16,
    "g3": 17,
    "g4": 18,
    # written abbreviations seen in lists: "Th.úy", "Tr.úy", "Đ.úy", "Tr.sĩ", "H.sĩ", "Th.sĩ", "B.nhì"
    "th uy": 7,
    "tr uy": 8,
    "d uy": 10,
    "dai u": 10,
    "h si": 3,
    "tr si": 4,
    "th si": 5,
    "b nhi": 1,
    "b nhat": 2,
}
_COMPACT = re.compile(r"^([bhutg])\s*([1-4])$")


@lru_cache(maxsize=10_000)
def parse_rank(text: str) -> int:
    """Rank ordinal (1 = binh nhì … 18 = đại tướng), 0 if absent or not recognised."""
    if not text:
        return 0
    s = fold(text)
    if not s:
        return 0
    if s in _FULL:
        return _FULL[s]
    if s in _ABBR:
        return _ABBR[s]
    m = _COMPACT.match(s)
    if m:
        return _ABBR.get(m.group(1) + m.group(2), 0)
    for name, ordinal in _FULL.items():  # "cấp bậc: Trung sĩ", "Trung sĩ (truy thăng)"
        if re.search(rf"\b{name}\b", s):
            return ordinal
    return 0
