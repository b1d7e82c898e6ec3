"""Military unit notations → a comparable structure.

The same unit is written ``c3 d1 e141 f312``, ``C3, D1, E141, F312``, ``c3d1e141``, or spelled out
``Đại đội 3, Tiểu đoàn 1, Trung đoàn 141, Sư đoàn 312``; often only part of it (``E165 F2``, ``Trung đoàn 40``).
Letters follow the army's convention: a tiểu đội (squad), b trung đội (platoon), c đại đội (company),
d tiểu đoàn (battalion), e trung đoàn (regiment), f sư đoàn (division). Units were also known by a mailbox code
(``KB 12345``, ``hòm thư 12345``, ``HT 12345``), which says nothing comparable about the c/d/e/f numbers.

Two units are compared only on the levels both give: ``E165 F2`` agrees with ``c9 d7 e165 f2``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .normalize import fold_plain

__all__ = ["LEVELS", "UNIT_KEY_LEVELS", "Unit", "parse_unit", "unit_keys"]

LEVELS = ("a", "b", "c", "d", "e", "f")  # squad … division

_SPELLED_LEVEL = {
    "tieu doi": " a",
    "trung doi": " b",
    "dai doi": " c",
    "tieu doan": " d",
    "trung doan": " e",
    "lu doan": " e",  # a brigade (lữ đoàn) sits where a regiment would
    "lu": " e",
    "su doan": " f",
}
# one pass over the text for every level's words (no two of them can overlap), the longer "lu doan" before "lu"
_SPELLED = re.compile(r"\b(" + "|".join(sorted(_SPELLED_LEVEL, key=len, reverse=True)) + r")\b")
_MAILBOX = re.compile(r"\b(?:kb|hom thu|hop thu|ht)\s*(?:so\s*)?(\d{2,6})\b")
_PART = re.compile(r"(?<![a-z])([a-f])\s*(?:so\s*)?(\d{1,4})(?!\d)")


class Unit(NamedTuple):
    """Parsed unit: numbers by level (0 = not given) and the mailbox code ('' = none). A named tuple, not a frozen
    dataclass: a search makes one for each new unit text among its candidates (nearly every candidate's, as
    lists write them), and a tuple is made and hashed in C (the frozen dataclass cost ~4 µs a unit, measured)."""

    a: int = 0
    b: int = 0
    c: int = 0
    d: int = 0
    e: int = 0
    f: int = 0
    kb: str = ""

    @property
    def empty(self) -> bool:
        return not (self.kb or self.a or self.b or self.c or self.d or self.e or self.f)

    def notation(self) -> str:
        """Short form for explanations: ``c3 d1 e141 f312`` or ``KB 12345``."""
        parts = [f"{lv}{getattr(self, lv)}" for lv in LEVELS if getattr(self, lv)]
        if self.kb:
            parts.append(f"KB {self.kb}")
        return " ".join(parts)


_EMPTY = Unit()


_FAST = re.compile(r"^[\sA-Fa-f0-9,;.\-/]*$")  # only letter-number codes: c3 d1 e141, C3, D1, c3d1e141


@lru_cache(maxsize=200_000)
def parse_unit(text: str) -> Unit:
    """Parse any of the notations above; unknown text gives an empty unit rather than an error."""
    if not text or not text.strip():
        return _EMPTY
    if _FAST.match(text):  # the common compact notations: no folding or spelled-out words to handle
        found: dict[str, int] = {}
        for lv, num in _PART.findall(text.lower()):
            if lv not in found:
                found[lv] = int(num)
        g = found.get
        return Unit(g("a", 0), g("b", 0), g("c", 0), g("d", 0), g("e", 0), g("f", 0))
    s = fold_plain(text)
    kb = ""
    m = _MAILBOX.search(s)
    if m:
        kb = m.group(1).lstrip("0") or "0"
        s = s[: m.start()] + " " + s[m.end() :]
    s = _SPELLED.sub(lambda m: _SPELLED_LEVEL[m.group(1)], s)
    found = {}
    for lv, num in _PART.findall(s):
        found.setdefault(lv, int(num))  # the first mention wins (later ones are usually a parent unit's)
    return Unit(kb=kb, **found)


# agreement levels of the scorer (scoring_base.UNIT) whose share can be counted: the key a record's unit is counted
# under at each one, so that "how many records carry this unit" is known when two units agree at that level
UNIT_KEY_LEVELS = {1: "kb", 2: "company", 3: "battalion", 4: "regiment", 5: "division"}


def unit_keys(u: Unit) -> dict[int, str]:
    """The unit as counted at each agreement level it can reach: mailbox ``k12345``, company ``c3.1.141`` (with
    its battalion and regiment as written, 0 when not), battalion ``d1.141``, regiment ``e141``, division ``f312``.
    A company or battalion is only identified together with its parent units (every regiment has a c1 and a d1)."""
    keys: dict[int, str] = {}
    if u.kb:
        keys[1] = f"k{u.kb}"
    if u.c and (u.d or u.e):
        keys[2] = f"c{u.c}.{u.d}.{u.e}"
    if u.d and u.e:
        keys[3] = f"d{u.d}.{u.e}"
    if u.e:
        keys[4] = f"e{u.e}"
    if u.f:
        keys[5] = f"f{u.f}"
    return keys
