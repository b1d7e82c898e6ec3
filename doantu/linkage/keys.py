"""Blocking keys: which records are worth scoring for a query, and which pairs for deduplication.

Stable public API (a database-backed store persists these strings):

* ``record_keys(features) -> list[str]`` — keys under which a registry record is filed;
* ``query_keys(features) -> list[tuple[str, float]]`` — keys to look up for a query, each with a weight used to
  rank candidates before scoring (more, and more specific, shared keys → scored first);
* ``DEDUPE_KINDS`` — key kinds whose blocks are paired up for deduplication.

A key is ``kind:value``. Every kind includes the (folded) given name or the whole name, because a key such as
"born 1950" or "Nguyễn" alone would be shared by a large part of the registry. Combining the given name with a
second field keeps postings short even at national scale:

====  ==========================================  ============================================================
kind  value                                       catches
====  ==========================================  ============================================================
n     surname group | given                       name-only queries, dropped middle names
y     given | birth year (query: ±3 years)        typo'd or aliased surname; approximate birth years
d     given | death year (query: ±1)              idem, when the death is known
p     given | 2025 province of the home place     idem, home place in any era (the gazetteer maps it)
u     given | regiment, or given | KB code        idem, the unit
n*    (query only) surname group | each given     a typo in the given name: the query also looks up the
      name of the registry one typo away          registry's given names one edit away ("Phng" → Phong,
                                                  Phùng), found in the frequency model's typo index
s     whole name, folded, no spaces               lost or moved spaces ("TRANTU", "Nguye nHuu Phuong")
a     alias, folded, no spaces                    an alias typed as the name ("Hai Quang")
x     surname group | full date of death          a given name too garbled for the keys above ("Trần ú")
w     surname group | 2024 commune code           idem
v     surname group | company.battalion.regiment  idem
====  ==========================================  ============================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from . import constants as C
from .records import Features

__all__ = ["DEDUPE_KINDS", "key_kind", "query_keys", "record_keys"]

# Kinds paired for deduplication: two listings of one martyr almost always share the given name and one of
# birth year, death year, province or regiment — or the whole name / alias verbatim.
DEDUPE_KINDS = ("y", "d", "p", "u", "s", "a", "x", "w", "v")

# Pre-ranking weights of query keys (candidates are ordered by the sum over the keys they share): constants.
_W = C.KEY_WEIGHTS


def key_kind(key: str) -> str:
    return key.split(":", 1)[0]


def _givens(f: Features) -> list[str]:
    """Given names to key on: the name's, plus the alias's when it differs (aliases are order word + given)."""
    out = []
    if f.name.given:
        out.append(f.name.given)
    if f.alias.given and f.alias.given not in out:
        out.append(f.alias.given)
    return out


def record_keys(f: Features) -> list[str]:
    """Keys a registry record is filed under (deduplicated, deterministic order)."""
    keys: list[str] = []
    n = f.name
    sg = n.surname_group
    for g in _givens(f):
        if sg:
            keys.append(f"n:{sg}|{g}")
        if f.birth:
            keys.append(f"y:{g}|{f.birth.year}")
        if f.death:
            keys.append(f"d:{g}|{f.death.year}")
        for p in sorted(f.home.province_2025):
            keys.append(f"p:{g}|{p}")
        if f.unit.e:
            keys.append(f"u:{g}|e{f.unit.e}")
        if f.unit.kb:
            keys.append(f"u:{g}|kb{f.unit.kb}")
    if n.spaceless:
        keys.append(f"s:{n.spaceless}")
    if f.alias.spaceless:
        keys.append(f"a:{f.alias.spaceless}")
    keys.extend(_context_keys(f))
    return list(dict.fromkeys(keys))


def _context_keys(f: Features, max_wards: int = 2) -> list[str]:
    """Surname + a precise non-name field: found even when the given name is garbled."""
    sg = f.name.surname_group
    if not sg:
        return []
    out = []
    if f.death.day:
        out.append(f"x:{sg}|{f.death}")
    if 0 < len(f.home.ward_2024) <= max_wards:
        out.extend(f"w:{sg}|{w}" for w in sorted(f.home.ward_2024))
    u = f.unit
    if u.c and u.d and u.e:
        out.append(f"v:{sg}|{u.c}.{u.d}.{u.e}")
    return out


def query_keys(
    f: Features, neighbours: Callable[[str], Iterable[str]] | None = None
) -> list[tuple[str, float]]:
    """Keys to look up for a query, with pre-ranking weights (deduplicated, keeping the largest weight).

    ``neighbours(given)`` returns registry given names one typo away (``FrequencyModel.neighbours``-style);
    without it, typos in the given name are only caught through the other fields.
    """
    out: dict[str, float] = {}

    def put(key: str, w: float) -> None:
        if out.get(key, 0.0) < w:
            out[key] = w

    n = f.name
    sg = n.surname_group
    for g in _givens(f):
        if sg:
            put(f"n:{sg}|{g}", _W["n"])
        if f.birth:
            y = f.birth.year
            put(f"y:{g}|{y}", _W["y"])
            for dy in (1, 2, 3):
                wk = _W["y1"] if dy == 1 else _W["y2"]
                put(f"y:{g}|{y - dy}", wk)
                put(f"y:{g}|{y + dy}", wk)
        if f.death:
            y = f.death.year
            put(f"d:{g}|{y}", _W["d"])
            put(f"d:{g}|{y - 1}", _W["d1"])
            put(f"d:{g}|{y + 1}", _W["d1"])
        for p in sorted(f.home.province_2025):
            put(f"p:{g}|{p}", _W["p"])
        if f.unit.e:
            put(f"u:{g}|e{f.unit.e}", _W["u"])
        if f.unit.kb:
            put(f"u:{g}|kb{f.unit.kb}", _W["u"])
    if n.given and sg and neighbours is not None:
        for v in neighbours(n.given):
            put(f"n:{sg}|{v}", _W["t"])
    for sp in {n.spaceless, f.alias.spaceless} - {""}:
        put(f"s:{sp}", _W["s"])
        put(f"a:{sp}", _W["a"])
    # a query in the 2025 form names a new commune made of several old ones: look them all up
    for k in _context_keys(f, max_wards=6):
        put(k, _W[key_kind(k)])
    return list(out.items())
