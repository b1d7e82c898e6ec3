"""Places: home places (quê quán) through the gazetteer, and coarse places of death and burial.

Home places are resolved by :mod:`doantu.linkage.gazetteer` (``resolve(text)`` → code sets for the 2024 and
2025 provinces, 2024 districts, 2024 and 2025 wards), which knows every era's names.

Places of death and burial are fronts, countries and cemeteries ("Mặt trận Tây Ninh", "Campuchia",
"NTLS huyện Cam Lộ"): they are reduced, through the same gazetteer, to a set of 2025 province codes (or a
country) and compared coarsely.
"""

from __future__ import annotations

import ast
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from . import gazetteer, normalize, place_lookup, place_resolution
from .gazetteer import resolve as _gazetteer_resolve
from .normalize import fold

__all__ = ["HomePlace", "coarse_place", "explanation_of", "home_codes", "home_from_codes", "resolve_home"]

# Countries, folded; "lao" must not be the start of "Lào Cai".
_FOREIGN = {
    "campuchia": "campuchia",
    "cam pu chia": "campuchia",
    "lao(?! cai)": "lao",
    "trung quoc": "trung quoc",
}

# public: the best-known martyrs' cemeteries named after no administrative unit (Nghĩa trang liệt sĩ quốc gia
# Trường Sơn, Gio Linh, Quảng Trị; NTLS quốc gia Đường 9, Đông Hà, Quảng Trị; Hàng Dương, Côn Đảo, Bà Rịa – Vũng
# Tàu; NTLS đồi A1, Điện Biên Phủ) — every other cemetery is named after its commune, district or province and is
# resolved through the gazetteer.
_NATIONAL_CEMETERIES = {
    "truong son": "Quảng Trị",
    "duong 9": "Quảng Trị",
    "hang duong": "Bà Rịa - Vũng Tàu",
    "a1": "Điện Biên",
}
# Words that name the kind of place, not the place: cemetery, front, battlefield, memorial ("NTLS huyện Cam Lộ",
# "Mặt trận Tây Ninh", "Thành cổ Quảng Trị"); removed before the rest is read as a place.
_PLACE_KIND = re.compile(
    r"\b(?:ntls|nghia trang(?: liet si)?|liet si|quoc gia|mat tran|chien truong|thanh co|tuong dai|"
    r"khu di tich|di tich)\b"
)
_PIECES = re.compile(r"[(),;/]|\s-\s|\s–\s")


class HomePlace(NamedTuple):
    """A resolved home place: the gazetteer's code sets and an explanation. A named tuple (made and hashed in C):
    a search makes one for each new home-place text among its candidates (``home_from_codes``)."""

    province_2024: frozenset[str] = frozenset()
    province_2025: frozenset[str] = frozenset()
    district_2024: frozenset[str] = frozenset()
    ward_2024: frozenset[str] = frozenset()
    ward_2025: frozenset[str] = frozenset()
    level: str = "none"
    explanation: str = ""
    # the text it was read from, kept by a place made from stored codes (``home_from_codes``): its explanation
    # is worked out only when asked for (``explanation_of``), for the few candidates shown
    text: str = ""

    @property
    def empty(self) -> bool:
        return not (self.province_2024 or self.province_2025)


_EMPTY = HomePlace()


@lru_cache(maxsize=300_000)
def resolve_home(text: str) -> HomePlace:
    """Resolve a home place written in any era; empty ``HomePlace`` if nothing is recognised."""
    if not text or not text.strip():
        return _EMPTY
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


# -- a resolved home place kept with its record ----------------------------------------------------------------------
#
# Resolving a home place is most of what preparing a record costs (68-104 us of ~150 us, timed at 1,000,000
# records: issue 13), and a search meets hundreds of records it has not prepared before. A registry that resolves
# each record's home place when it writes it (it shows the explanation anyway) keeps the codes too, and hands them
# back with the record (``Record.home_codes``): the search then reads them instead of resolving again, and works
# out the explanation only for the candidates it shows (``explanation_of``).
# The codes are stamped with the resolver's version: a digest of the modules and data that decide what a text
# resolves to, and of ``_CODES_FORMAT``. Of the modules, their code as Python reads it (the syntax tree without
# docstrings), so an edited comment, docstring or layout does not make every stored code stale; a new Python
# whose syntax tree reads differently does (as its Unicode tables may change what a text folds to). Codes of
# another version are not used (the text is resolved afresh), so stored codes do not disagree with what
# ``resolve_home`` gives today; they only stop saving time until they are written again (after ``migrate``, or
# ``manage.py refresh_home_places`` for a large registry).
_RESOLVER_PARTS = (gazetteer, place_lookup, place_resolution, normalize)
_CODES_FORMAT = b"1"  # change it with ``resolve_home`` or the layout of ``home_codes`` (this module)


def _code_of(path: Path) -> bytes:
    """A module's syntax tree without its docstrings, as text: what it does, not how it is written down."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree).encode()


def _resolver_version() -> str:
    digest = hashlib.blake2b(_CODES_FORMAT, digest_size=6)
    for module in _RESOLVER_PARTS:
        path = Path(module.__file__)
        digest.update(path.name.encode() + b"\0" + _code_of(path))
    for path in (gazetteer._UNITS_FILE, gazetteer._HISTORICAL_FILE):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


RESOLVER_VERSION = _resolver_version()
_SETS = ("province_2024", "province_2025", "district_2024", "ward_2024", "ward_2025")
assert HomePlace._fields[:6] == (*_SETS, "level")  # ``_decoded`` gives them positionally


def home_codes(place: HomePlace) -> str:
    """``place`` as one line of text to keep with its record ("" for a place not resolved: nothing to save)."""
    if place.level == "none":
        return ""
    return "|".join((RESOLVER_VERSION, place.level, *(",".join(sorted(getattr(place, s))) for s in _SETS)))


@lru_cache(maxsize=50_000)
def home_from_codes(codes: str, text: str) -> HomePlace | None:
    """The ``HomePlace`` kept as ``codes`` (``home_codes``) for the home place written ``text``; None when there are
    none, or when they were made by another version of the resolver. Its explanation is not kept with the codes
    (reading it back with every candidate cost more than the codes saved): ``explanation_of`` works it out."""
    if not codes.startswith(RESOLVER_VERSION + "|"):
        return None
    sets = _decoded(codes)
    return None if sets is None else HomePlace(*sets, explanation="", text=text)


@lru_cache(maxsize=50_000)
def _decoded(codes: str) -> tuple | None:
    """``home_codes``'s code sets and level (``HomePlace``'s first fields, in order), or None if malformed: one
    decoding for every way of writing the same place."""
    parts = codes.split("|")
    if len(parts) != 2 + len(_SETS):
        return None
    return (*(frozenset(p.split(",")) if p else frozenset() for p in parts[2:]), parts[1])


def explanation_of(place: HomePlace) -> str:
    """What ``resolve_home`` says of the place's text, for staff."""
    if place.explanation or not place.text:
        return place.explanation
    return resolve_home(place.text).explanation


@lru_cache(maxsize=50_000)
def coarse_place(text: str) -> frozenset[str]:
    """Place of death or burial → 2025 province codes and/or a country; empty if unknown.

    Read through the gazetteer: each piece of the text (split on commas, brackets, dashes), once the words for the
    kind of place are removed, is resolved like a home place, and kept when it names a province or a district
    (a commune name alone is too ambiguous across the country). "Mặt trận Tây Ninh" and "Tây Ninh" agree;
    "NTLS huyện Cam Lộ" is Quảng Trị; "NTLS Việt - Lào (Nghệ An)" is Nghệ An *and* Laos.
    """
    if not text:
        return frozenset()
    s = fold(text)
    out: set[str] = set()
    for key, country in _FOREIGN.items():
        if re.search(rf"\b{key}\b", s):
            out.add(country)
    for key, province in _NATIONAL_CEMETERIES.items():
        if re.search(rf"\b{re.escape(key)}\b", s):
            out.update(_province_codes(province))
    for piece in {s, *_PIECES.split(s)}:
        rest = " ".join(_PLACE_KIND.sub(" ", piece).split())
        if rest:
            out.update(_province_codes(rest))
    return frozenset(out)


@lru_cache(maxsize=50_000)
def _province_codes(text: str) -> frozenset[str]:
    r = _gazetteer_resolve(text)
    if r is None or r.level not in ("province", "district"):
        return frozenset()
    return frozenset(r.province_2025)
