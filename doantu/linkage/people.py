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
name field names several people, ``split_people(tip_query_record(named))`` gives the query per person (not wired
into ``registry.services.tip_martyr_candidates`` yet: its result is one candidate list per ``TipMartyr``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from .normalize import nfc
from .records import Record

__all__ = ["interleave", "search_people", "split_names", "split_people"]

# naming rule: names never contain these; "và"/"cùng"/"với" (and, with) join people in a sentence. Without
# diacritics "va" is "và" (no Vietnamese name word is spelt "va"); "voi"/"cung" are left alone unaccented because
# Cung is a name word.
_SEPARATORS = re.compile(r"\s*(?:[,;/&+\n]|\s-\s|\b(?:và|va|VA|cùng|với)\b)\s*", re.IGNORECASE)
# at most this many people in one text: more is a list, not an account (the tip form names at most 5 too)
MAX_PEOPLE = 5


def split_names(text: str) -> list[str]:
    """The names a text gives, in order. A text is split only when at least two of its pieces look like full
    names (two words or more); otherwise it is one name ("Nguyễn Văn A - liệt sĩ" stays one)."""
    if not text or not text.strip():
        return []
    pieces = [p.strip(" .()") for p in _SEPARATORS.split(nfc(text))]
    pieces = [p for p in pieces if any(ch.isalpha() for ch in p)]
    full = [p for p in pieces if len(p.split()) >= 2]
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
