"""Inbox search that ignores how people type: diacritics (đ → d), case, old/new tone placement, Telex/VNI leftovers
and small typos, with the same results on SQLite and PostgreSQL.

Design:

* Each tip carries ``search_text``: the linkage engine's ``fold`` (ASCII, lower case, ``hòa``/``hoà``/``HÒA`` →
  ``hoa``, ``Nguyeenx`` → ``nguyen``) of the fields every viewer of the tip may read (``basic``: the martyr's
  name, alias, home place and unit, the account, the receipt code). Never the reporter's identity, and not the
  place description (``location`` class): a search over it would let a viewer who may not read it probe it.
  ``Tip.save`` keeps it current, so every service that writes a tip writes it in the same transaction.
* A query is folded the same way and split into words; every word must occur (AND) as a substring. Plain
  ``LIKE '%word%'`` on an ASCII column: identical on both databases; on PostgreSQL a GIN trigram index
  (``pg_trgm``, migration 0004) serves it.
* Typos: if a search finds nothing, it runs again with each word matching itself or any of its spellings one
  edit away that is a well-formed Vietnamese syllable (the linkage engine's syllable grammar): every edit
  (delete, swap, replace, insert) for a word that is not a syllable (``hoagn``, ``thj``), only the same-length
  ones (swap, replace) for one that is (``hao`` for ``hoa``). Computed in Python from the query alone, so both databases give the same answer.
"""

from __future__ import annotations

import string

from django.db.models import Q

from doantu.linkage.normalize import _SYLLABLE, fold

SEARCH_FIELDS = (
    "account",
    "receipt_code",
)
# The same for each martyr the tip names (tips.models.TipMartyr).
MARTYR_SEARCH_FIELDS = ("name", "alias", "home_place", "unit")
MAX_WORDS = 8
_LETTERS = string.ascii_lowercase


def search_text_of(values: dict, extra: list | tuple = ()) -> str:
    """The folded search column for a tip's field values (``receipt_code`` also without its dash) and
    ``extra`` texts (its named martyrs' ``MARTYR_SEARCH_FIELDS``)."""
    parts = [str(v or "") for v in extra] + [str(values.get(name) or "") for name in SEARCH_FIELDS]
    code = str(values.get("receipt_code") or "")
    parts.append(code.replace("-", ""))
    return " ".join(w for w in (fold(p) for p in parts) if w)


def query_words(q: str) -> list[str]:
    """The folded words of a query (at most ``MAX_WORDS``), duplicates dropped, order kept."""
    out: list[str] = []
    for w in fold(q or "").split():
        if w not in out:
            out.append(w)
    return out[:MAX_WORDS]


def is_syllable(word: str) -> bool:
    return bool(_SYLLABLE.match(word))


def corrections(word: str) -> list[str]:
    """Well-formed Vietnamese syllables one edit away from ``word`` (``word`` itself first if well formed).

    A malformed word gets every edit (delete, swap, replace, insert); a well-formed one (``hao`` typed for
    ``hoa``) only the same-length ones (swap, replace): a shorter spelling is a substring of too much."""
    if not word.isalpha() or len(word) < 3:
        return [word]
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    if not is_syllable(word):
        edits |= {a + b[1:] for a, b in splits if b}
        edits |= {a + c + b for a, b in splits for c in _LETTERS}
    # two-letter spellings are substrings of too much to be useful alternatives
    found = sorted(e for e in edits if len(e) >= 3 and e != word and is_syllable(e))
    return ([word] if is_syllable(word) else []) + found


def word_filter(field: str, spellings: list[str]) -> Q:
    cond = Q()
    for s in spellings:
        cond |= Q(**{f"{field}__contains": s})
    return cond


def match(words: list[str], *, field: str = "search_text") -> Q:
    """Every word a substring of the search column (AND)."""
    cond = Q()
    for w in words:
        cond &= Q(**{f"{field}__contains": w})
    return cond


def fuzzy_match(words: list[str], *, field: str = "search_text") -> Q | None:
    """Every word, or one of its one-edit spellings, a substring; None when there is nothing to correct."""
    cond = Q()
    changed = False
    for w in words:
        spellings = list(dict.fromkeys([w, *corrections(w)]))
        changed = changed or len(spellings) > 1
        cond &= word_filter(field, spellings)
    return cond if changed else None
