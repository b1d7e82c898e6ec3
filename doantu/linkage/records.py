"""The registry record as written (``Record``) and its prepared, comparable form (``Features``).

``Record`` carries the official-form fields as plain strings, exactly as a list or a public query gives them;
every field may be empty. ``prepare(record)`` parses each field once (names, partial dates, units, ranks, places)
into ``Features``, which is what blocking keys and the scorer work on. Parsing is cached per distinct field value,
because registries repeat values heavily (names, home places, units).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .dates import PartialDate, birth_from_age, parse_date
from .names import NameParts, parse_name
from .normalize import fold
from .places import HomePlace, coarse_place, home_from_codes, resolve_home
from .ranks import parse_rank
from .units import Unit, parse_unit

__all__ = ["RECORD_FIELDS", "Features", "Record", "birth_of", "home_of", "parse_sex", "prepare"]


@dataclass(slots=True)
class Record:
    """One martyr record (or one query) as text. ``id`` is the registry id (``Mã``) or the query id."""

    id: str
    full_name: str = ""
    alias: str = ""
    sex: str = ""
    birth: str = ""
    home_place: str = ""
    enlistment: str = ""
    unit: str = ""
    rank: str = ""
    position: str = ""
    death_date: str = ""
    death_place: str = ""
    burial_place: str = ""
    # ``home_place`` already resolved, when whoever keeps the record stored it (``places.home_codes``: the
    # registry does); "" or codes of another resolver version: ``prepare`` resolves the text
    home_codes: str = ""


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))

MALE, FEMALE = 1, 2


def parse_sex(text: str) -> int:
    """0 unknown, 1 nam (male), 2 nữ (female)."""
    s = fold(text)
    if s in {"nam", "m", "male", "trai"}:
        return MALE
    if s in {"nu", "f", "female", "gai"}:
        return FEMALE
    return 0


@dataclass(
    slots=True
)  # not frozen: a frozen dataclass's __init__ costs ~2x, and a million are made per build
class Features:
    """A record parsed for comparison. Empty parts are falsy/empty, never None. Treat as read-only."""

    id: str
    name: NameParts
    alias: NameParts
    sex: int
    birth: PartialDate
    home: HomePlace
    home_text: str
    enlistment: PartialDate
    unit: Unit
    rank: int
    position: str
    death: PartialDate
    death_place: frozenset[str]
    burial_place: frozenset[str]


def birth_of(birth: str, death: PartialDate) -> PartialDate:
    """The date of birth a record gives: its text read as a date, or a birth given as an age at death ("hy sinh
    năm 34 tuổi") as the death year minus the age."""
    return parse_date(birth) or birth_from_age(birth, death)


def home_of(codes: str, text: str) -> HomePlace:
    """A record's home place: its stored codes (``places.home_codes``) when this resolver version made them, else
    its text resolved."""
    return (codes and home_from_codes(codes, text)) or resolve_home(text)


def prepare(record: Record) -> Features:
    """Parse every field of a record. Never raises on malformed text: what cannot be read is treated as missing.
    (``table.RowMaker`` makes a table's row from the same functions, field by field.)"""
    death = parse_date(record.death_date)
    return Features(
        id=record.id,
        name=parse_name(record.full_name),
        alias=parse_name(record.alias),
        sex=parse_sex(record.sex),
        birth=birth_of(record.birth, death),
        home=home_of(record.home_codes, record.home_place),
        home_text=record.home_place.strip(),
        enlistment=parse_date(record.enlistment),
        unit=parse_unit(record.unit),
        rank=parse_rank(record.rank),
        position=fold(record.position),
        death=death,
        death_place=coarse_place(record.death_place),
        burial_place=coarse_place(record.burial_place),
    )
