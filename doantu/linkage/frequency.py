"""Value frequencies: what makes the scorer frequency-aware.

A shared given name is strong evidence when the name is rare (``Kheang``) and weak when it is common (``Hùng``);
a shared surname Nguyễn (≈ 38%) is barely evidence at all. The Fellegi–Sunter *u*-probability of an agreement
on value ``v`` is taken as ``count(v) / total``.

``FrequencyModel`` is a set of plain counters, keyed ``(kind, value)``:

====================  ===========================================================
``surname``           surname group, folded (Hoàng and Huỳnh count together)
``given``             given name, folded
``given_canon``       given name with diacritics (only from names written with them)
``middle``            middle name(s), folded, joined by a space
``alias``             alias, folded, spaces removed
``fullname``          whole name, folded, spaces removed
``birth_year``        year of birth
``death_year``        year of death
``province``          2024 province code of the home place (each code of an ambiguous one)
``rank``, ``position``
``unit``              the unit as counted at each agreement level (``units.unit_keys``: ``k12345``, ``c3.1.141``,
                      ``d1.141``, ``e141``, ``f312``): how many records a unit agreement leaves possible
``middle_class``      ``t`` (a middle name with Thị) or ``o`` (Văn, any other, or none)
``given_class``       ``t:lan`` / ``o:lan``: given name, folded, within its middle-name class
====================  ===========================================================

It is incremental (``add``/``remove`` per record, in microseconds) and serialisable (``to_counts``/``from_counts``),
so a database-backed deployment can keep the counts in a table (``frequency_items(features)`` says which counters
a record contributes to: maintain them on insert/update/delete) and load them into each worker, or implement
``count``/``neighbour_count``/``total`` on top of SQL. The given-name vocabulary is small (thousands of values even
at national scale), so holding it in memory per worker costs little.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping

from rapidfuzz.distance import OSA

from .records import Features
from .units import unit_keys

__all__ = ["FrequencyModel", "frequency_items", "middle_class"]

KINDS = (
    "surname",
    "given",
    "given_canon",
    "middle",
    "alias",
    "fullname",
    "birth_year",
    "death_year",
    "province",
    "rank",
    "position",
    "unit",
    "middle_class",
    "given_class",
)
# kinds for which typo neighbourhoods are asked for (fuzzy agreement weights)
_NEIGHBOUR_KINDS = ("surname", "given", "middle")


def middle_class(middle: str) -> str:
    """``t`` when the (folded) middle name holds Thị, else ``o``. Naming rule: Thị marks a woman's name, so a given
    name is counted apart among Thị names and among the others (Lan, Hoa are women's names; Hùng, Dũng men's)."""
    return "t" if "thi" in middle.split() else "o"


def frequency_items(f: Features) -> list[tuple[str, str]]:
    """The ``(kind, value)`` counters one record adds 1 to."""
    items: list[tuple[str, str]] = []
    n = f.name
    if n.surname_group:
        items.append(("surname", n.surname_group))
    if n.given:
        items.append(("given", n.given))
        if n.marked:
            items.append(("given_canon", n.given_canon))
        cls = middle_class(n.middle)
        items.append(("middle_class", cls))
        items.append(("given_class", f"{cls}:{n.given}"))
    if n.middle:
        items.append(("middle", n.middle))
    if n.spaceless:
        items.append(("fullname", n.spaceless))
    if f.alias.spaceless:
        items.append(("alias", f.alias.spaceless))
    if f.birth:
        items.append(("birth_year", str(f.birth.year)))
    if f.death:
        items.append(("death_year", str(f.death.year)))
    for p in f.home.province_2024:
        items.append(("province", p))
    if f.rank:
        items.append(("rank", str(f.rank)))
    if f.position:
        items.append(("position", f.position))
    for key in unit_keys(f.unit).values():
        items.append(("unit", key))
    return items


def _deletions(value: str) -> set[str]:
    return {value[:i] + value[i + 1 :] for i in range(len(value))}


class FrequencyModel:
    """Counters per (kind, value) plus the number of records, with typo-neighbourhood sums."""

    def __init__(self) -> None:
        self.total = 0
        self.counts: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
        self._kind_totals: Counter[str] = Counter()
        self.version = 0  # bumped on every change: caches keyed on it stay valid until the data moves
        self._del_index: dict[str, dict[str, set[str]]] = {k: {} for k in _NEIGHBOUR_KINDS}
        self._built: set[str] = set()  # kinds whose deletion index exists (built on first fuzzy lookup)
        self._nb_cache: dict[tuple[str, str], int] = {}
        # The prior (1 in N) is over the records searched; by default the ones counted here. A registry whose
        # own counts say little (graves: a cemetery list of a few hundred headstones) borrows the name
        # frequencies of a larger population (the martyrs) and keeps its own N: see ``with_prior``.
        self.prior_size: int | None = None
        self.prior_noun = "hồ sơ"

    def prior_n(self) -> int:
        """N of the prior odds 1/N that a given record is the person sought."""
        return max(self.total if self.prior_size is None else self.prior_size, 1)

    def with_prior(self, size: int, noun: str) -> FrequencyModel:
        """The same value frequencies (shared, not copied) with the prior over ``size`` records of another kind
        (``noun``: how the explanation names them)."""
        other = copy.copy(self)
        other.prior_size, other.prior_noun = int(size), noun
        return other

    # -- maintenance ---------------------------------------------------------------------------------------------

    def add(self, f: Features) -> None:
        self._apply(frequency_items(f), +1)
        self.total += 1

    def remove(self, f: Features) -> None:
        self._apply(frequency_items(f), -1)
        self.total -= 1

    def add_items(self, items: Iterable[tuple[str, str]], records: int = 1) -> None:
        """Bulk form of ``add`` for callers that already have the items (e.g. a database aggregate)."""
        self._apply(items, +1)
        self.total += records

    def _apply(self, items: Iterable[tuple[str, str]], sign: int) -> None:
        counts, totals = self.counts, self._kind_totals
        for kind, value in items:
            c = counts[kind]
            before = c.get(value, 0)
            after = before + sign
            totals[kind] += sign
            if after > 0:
                c[value] = after
            elif before:
                del c[value]
            if (before == 0 or after <= 0) and kind in self._del_index:
                self._reindex(kind, value, present=after > 0)
        self.version += 1

    def _reindex(self, kind: str, value: str, present: bool) -> None:
        self._nb_cache.clear()
        if kind not in self._built:
            return  # built lazily, with this value included, on the next fuzzy lookup
        idx = self._del_index[kind]
        for d in _deletions(value) | {value}:
            bucket = idx.setdefault(d, set())
            if present:
                bucket.add(value)
            else:
                bucket.discard(value)
                if not bucket:
                    del idx[d]

    def merge(self, other: FrequencyModel) -> None:
        """Add another model's counts (e.g. built by a worker process over part of the registry)."""
        for kind, c in other.counts.items():
            self.counts[kind].update(c)
        self._kind_totals.update(other._kind_totals)
        self.total += other.total
        self._built.clear()
        for idx in self._del_index.values():
            idx.clear()
        self._nb_cache.clear()
        self.version += 1

    # -- serialisation -------------------------------------------------------------------------------------------

    def to_counts(self) -> dict[str, object]:
        return {"total": self.total, "counts": {k: dict(v) for k, v in self.counts.items()}}

    @classmethod
    def from_counts(cls, total: int, counts: Mapping[str, Mapping[str, int]]) -> FrequencyModel:
        m = cls()
        m.total = int(total)
        for kind, values in counts.items():
            if kind in m.counts:
                m.counts[kind].update({v: int(c) for v, c in values.items() if int(c) > 0})
                m._kind_totals[kind] = sum(m.counts[kind].values())
        m.version += 1
        return m

    # -- queries -------------------------------------------------------------------------------------------------

    def kind_total(self, kind: str) -> int:
        """Sum of the counts of one kind (e.g. how many names were written with diacritics)."""
        return self._kind_totals[kind]

    def count(self, kind: str, value: str) -> int:
        return self.counts[kind].get(value, 0)

    def share(self, kind: str, value: str, floor: float = 0.0) -> float:
        """count/total with +0.5 smoothing, never below ``floor``."""
        return max((self.counts[kind].get(value, 0) + 0.5) / (self.total + 1), floor)

    def _ensure_index(self, kind: str) -> dict[str, set[str]]:
        idx = self._del_index[kind]
        if kind not in self._built:
            self._built.add(kind)
            for value in self.counts[kind]:
                for d in _deletions(value) | {value}:
                    idx.setdefault(d, set()).add(value)
        return idx

    def neighbours(self, kind: str, value: str) -> list[str]:
        """Values of this kind at optimal-string-alignment distance exactly 1 from ``value``."""
        idx = self._ensure_index(kind)
        cands: set[str] = set()
        for d in _deletions(value) | {value}:
            cands |= idx.get(d, set())
        cands.discard(value)
        return [c for c in cands if OSA.distance(value, c, score_cutoff=1) == 1]

    def neighbour_count(self, kind: str, value: str) -> int:
        """Records whose value is one typo away from ``value``: the u-probability of a fuzzy agreement."""
        key = (kind, value)
        hit = self._nb_cache.get(key)
        if hit is None:
            c = self.counts[kind]
            hit = sum(c[v] for v in self.neighbours(kind, value))
            self._nb_cache[key] = hit
        return hit
