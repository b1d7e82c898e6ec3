"""Several people named in one text: one query each, sharing the other details.

A witness writes "Nguyễn Văn A, Trần Văn B và Lê C" — comrades who fell in one battle: the unit, the place and
the date are theirs together, the names are three people. Matching the whole text as one name finds none of them
well (the surname is "Nguyễn", the given name "C"), so the text is split into one query per person first.

* ``split_names(text)``  → the names in a text (one element when it names one person);
* ``split_people(record)`` → one ``Record`` per named person, with the record's other fields;
* ``search_people(engine, record, top)`` → ``[(person record, candidates)]``, each searched on its own (any
  engine with ``search(record, top=, explain=)``: ``MemoryEngine`` or the database-backed ``Engine``);
* ``interleave(results, top)`` → one ranked list for a caller that wants one (the CLI, the benchmarks): each
  person's best first, then each one's second, … so every named person is in the first ranks.

The tips app keeps each named martyr apart already (``TipMartyr``, one form block per martyr); when one block's
name field names several people, ``registry.services.tip_person_candidates`` searches each of them on its own
(``split_people(tip_query_record(named))``), and the tip's candidates page and ``GET /api/tips/{id}/candidates``
show one block per person.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from .names import _yi, is_known_surname
from .normalize import fold, nfc
from .records import Record

__all__ = ["interleave", "search_people", "split_names", "split_people"]

# naming rule: names never contain these; "và"/"cùng"/"với" (and, with) join people in a sentence. Without
# diacritics "va" is "và" (no Vietnamese name word is spelt "va"); "voi"/"cung" are left alone unaccented because
# Cung is a name word.
_SEPARATORS = re.compile(r"\s*(?:[,;/&+\n]|\s-\s|\b(?:và|va|VA|cùng|với)\b)\s*", re.IGNORECASE)
# at most this many people in one text: more is a list, not an account (the tip form names at most 5 too)
MAX_PEOPLE = 5


# naming rule: what lists and witnesses write before a name ("liệt sĩ Nguyễn Văn A", "đ/c Trần B"), with or
# without diacritics; a title, not part of the name.
_TITLES = re.compile(r"^(?:li[ệe]t\s+s[ĩỹiy]|ls|đồng\s+chí|dong\s+chi)\b\.?\s*", re.IGNORECASE)
_COMRADE = re.compile(r"\b[đd]\s*/\s*c\b\.?", re.IGNORECASE)  # "đ/c": the slash is no separator here


# naming rule: words of a sentence about a person that no name contains ("hy sinh ở Cam Lộ", "quê Phú Thọ"), folded
_NOT_A_NAME_WORDS = frozenset({"ở", "tại", "quê"})  # as written: folded they are name words (Tài, Quế)
_NOT_A_NAME = re.compile(r"\b(?:hy sinh|que quan|don vi|nam sinh|nhap ngu)\b")


def _strip_title(piece: str) -> str:
    match = _TITLES.match(piece)
    return piece[match.end() :].strip() if match and match.end() < len(piece) else piece


def _is_full_name(piece: str) -> bool:
    """Two words or more, one of them a known surname (surnames are a closed set, ``names.SURNAMES``): "Trần
    Văn B" or "Văn Tâm Huỳnh" is a person, "liệt sĩ" or "hy sinh ở Cam Lộ" is not."""
    words = fold(piece).replace(".", " ").split()
    if _NOT_A_NAME.search(" ".join(words)) or _NOT_A_NAME_WORDS & set(nfc(piece).lower().split()):
        return False
    return len(words) >= 2 and any(is_known_surname(w) or is_known_surname(_yi(w)) for w in words)


def split_names(text: str) -> list[str]:
    """The names a text gives, in order. A text is split only when at least two of its pieces look like full
    names (two words or more, one a known surname); otherwise it is one name ("Nguyễn Văn A - liệt sĩ" stays
    one). A title before a name ("liệt sĩ", "đồng chí") is dropped from that person's name."""
    if not text or not text.strip():
        return []
    pieces = [_strip_title(p.strip(" .()")) for p in _SEPARATORS.split(_COMRADE.sub("đồng chí", nfc(text)))]
    full = [p for p in pieces if _is_full_name(p)]
    if len(full) < 2:
        return [text.strip()]
    return full[:MAX_PEOPLE]


def split_people(record: Record) -> list[Record]:
    """One query per person the record's name names; the other fields are shared. Aliases are split alike and
    kept by position when there are as many as names (else kept only for a single person)."""
    names = split_names(record.full_name)
    if len(names) <= 1:
        return [record]
    aliases = split_names(record.alias)
    out = []
    for i, name in enumerate(names, start=1):
        alias = aliases[i - 1] if len(aliases) == len(names) else ""
        out.append(dataclasses.replace(record, id=f"{record.id}#{i}", full_name=name, alias=alias))
    return out


def search_people(
    engine: Any, record: Record, top: int = 10, explain: bool = True
) -> list[tuple[Record, list]]:
    """``[(person's query, candidates)]`` for each person the record names (one pair for one person)."""
    return [(q, engine.search(q, top=top, explain=explain)) for q in split_people(record)]


def interleave(results: Sequence[tuple[Record, list]], top: int | None = None) -> list[tuple[int, int, Any]]:
    """One ranking of several people's candidates: ``(person number, rank within that person, candidate)``,
    round-robin over the people by rank, each record once (at its best place)."""
    out: list[tuple[int, int, Any]] = []
    seen: set[str] = set()
    depth = max((len(c) for _, c in results), default=0)
    for rank in range(depth):
        for person, (_, cands) in enumerate(results, start=1):
            if rank < len(cands) and cands[rank].record_id not in seen:
                seen.add(cands[rank].record_id)
                out.append((person, rank + 1, cands[rank]))
    return out[:top] if top else out
