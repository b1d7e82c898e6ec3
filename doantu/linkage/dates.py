"""Partial dates: what martyr lists give is a day, a month or only a year.

``PartialDate`` keeps the precision so the scorer compares two dates at the finest precision both have:
``1972`` agrees with ``12/08/1972`` as far as a year can. Accepted forms: ``dd/mm/yyyy``, ``d/m/yy`` (two-digit
years are 19yy: the wars this data covers are 1945–1989), ``mm/yyyy``, ``yyyy``, ``yyyy-mm-dd``, separators
``/ - .``, and spelled out ``ngày 12 tháng 8 năm 1972`` / ``tháng 8/1972`` / ``năm 1972``. Impossible values
(month 13, 31/02) degrade to the coarser part that is valid instead of being dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .normalize import fold_plain

__all__ = ["PartialDate", "age_in_years", "birth_from_age", "parse_date"]

NONE, YEAR, MONTH, DAY = 0, 1, 2, 3


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    year: int = 0
    month: int = 0
    day: int = 0

    @property
    def precision(self) -> int:
        """0 none, 1 year, 2 month, 3 day."""
        if not self.year:
            return NONE
        if not self.month:
            return YEAR
        return MONTH if not self.day else DAY

    def __bool__(self) -> bool:
        return bool(self.year)

    def __str__(self) -> str:
        if self.day:
            return f"{self.day:02d}/{self.month:02d}/{self.year}"
        if self.month:
            return f"{self.month:02d}/{self.year}"
        return str(self.year) if self.year else ""


_EMPTY = PartialDate()
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?$")
_DMY = re.compile(r"^(?:(\d{1,2})[-/.])?(\d{1,2})[-/.](\d{2}|\d{4})$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_SPELLED = re.compile(r"(?:ngay\s*(\d{1,2}))?\s*(?:thang\s*(\d{1,2}))?\s*(?:nam|/|-)?\s*(\d{4})")


def _year(y: str) -> int:
    v = int(y)
    return 1900 + v if v < 100 else v


def _make(y: int, m: int = 0, d: int = 0) -> PartialDate:
    if not 1800 <= y <= 2100:
        return _EMPTY
    if not 1 <= m <= 12:
        return PartialDate(y)
    if d:
        try:
            date(y, m, d)
        except ValueError:
            return PartialDate(y, m)
    return PartialDate(y, m, d)


@lru_cache(maxsize=100_000)
def parse_date(text: str) -> PartialDate:
    """Parse a (partial) date; returns an empty PartialDate (falsy) when there is no year."""
    if not text or not text.strip():
        return _EMPTY
    s = text.strip()
    m = _ISO.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    m = _DMY.match(s)
    if m:
        d, mo, y = m.groups()
        return _make(_year(y), int(mo), int(d or 0))
    if s.isdigit() and len(s) == 4:
        return _make(int(s))
    f = fold_plain(s)
    m = _SPELLED.search(f)
    if m and (m.group(1) or m.group(2)):
        return _make(int(m.group(3)), int(m.group(2) or 0), int(m.group(1) or 0))
    m = _YEAR.search(f)  # "khoảng 1950", "1950?", "năm 1950"
    return _make(int(m.group(1))) if m else _EMPTY


# "hy sinh năm 34 tuổi", "34 tuổi", "tuổi 34", "hưởng dương 34 tuổi": an age (at death) where a birth year belongs.
_AGE = re.compile(r"(?<!\d)(\d{1,2})\s*tuoi\b|\btuoi\s*(\d{1,2})(?!\d)")


@lru_cache(maxsize=10_000)
def age_in_years(text: str) -> int:
    """The age a text gives ("hy sinh năm 34 tuổi" → 34), 0 if none. Only for texts with no year in them."""
    if not text:
        return 0
    f = fold_plain(text)
    if _YEAR.search(f):
        return 0
    m = _AGE.search(f)
    if not m:
        return 0
    age = int(m.group(1) or m.group(2))
    return age if 10 <= age <= 90 else 0


def birth_from_age(birth_text: str, death: PartialDate) -> PartialDate:
    """A birth year from an age at death: the death year minus the age (one year either way, as the birthday
    may not have come yet that year: the scorer grades a year off as near, not a conflict)."""
    age = age_in_years(birth_text)
    if not age or not death:
        return _EMPTY
    return _make(death.year - age)
