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
* Typos: only if the exact search finds nothing, and only for the words that find nothing on their own (a word
  found somewhere is a word, not a typo: ``tran van`` next to a mistyped ``thj`` stay as typed). Each such word
  is replaced by its spellings one edit away that are well-formed Vietnamese syllables (the linkage engine's
  syllable grammar): every edit (delete, swap, replace, insert) for a word that is not a syllable (``hoagn``,
  ``thj``), only the same-length ones (swap, replace) for one that is (``hao`` for ``hoa``). Computed in Python
  from the query and the two databases' identical ``LIKE``, so both give the same answer. Narrow on purpose: an
  OR of a dozen spellings for every word of a three-word query was the 26 s search at 1,000,000 tips; of the
  spellings that go with the rest of the query, only those of the nearest kind of slip are searched.
* A receipt code (``C549-BE7A``, ``c549be7a``) is looked up by the unique index first.
"""

from __future__ import annotations

import re
import string

from django.db.models import Q, QuerySet

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
    """Any of ``spellings`` a substring of ``field``. Several as one regular expression ``(a|b|c)``, not an OR
    of LIKEs: PostgreSQL's trigram index then serves it in the same index scan as the other words (an OR makes
    the planner repeat every other word's scan once per spelling); SQLite runs Python's ``re``, same answer on
    these plain ASCII words."""
    if len(spellings) == 1:
        return Q(**{f"{field}__contains": spellings[0]})
    return Q(**{f"{field}__regex": "(" + "|".join(re.escape(s) for s in spellings) + ")"})


def match(words: list[str], *, field: str = "search_text") -> Q:
    """Every word a substring of the search column (AND)."""
    cond = Q()
    for w in words:
        cond &= Q(**{f"{field}__contains": w})
    return cond


# At most this many spellings of one mistyped word are searched (the nearest on the keyboard first): enough for a
# letter hit next to the right one, few enough that the query stays one index scan (bench/inbox_search.py).
MAX_SPELLINGS = 6
MAX_TYPO_WORDS = 3  # a query with more unknown words than this is not a typo of a known one

# Neighbouring keys on a QWERTY keyboard (phones and computers in Vietnam type Vietnamese on it, Telex/VNI).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEAR = {
    c: {
        _ROWS[r2][c2]
        for r2 in range(max(r - 1, 0), min(r + 2, 3))
        for c2 in range(i - 1, i + 2)
        if 0 <= c2 < len(_ROWS[r2]) and _ROWS[r2][c2] != c
    }
    for r, row in enumerate(_ROWS)
    for i, c in enumerate(row)
}


def _distance(word: str, spelling: str) -> int:
    """How unlikely ``spelling`` is as what was meant by the typed ``word`` (one edit apart): two swapped letters
    first (0), a neighbouring key (1), a doubled or dropped letter (2), anything else last (3)."""
    if len(word) == len(spelling):
        diff = [i for i, (a, b) in enumerate(zip(word, spelling, strict=True)) if a != b]
        if len(diff) == 2:  # two letters swapped
            return 0
        if len(diff) == 1:
            return 1 if spelling[diff[0]] in _NEAR.get(word[diff[0]], ()) else 3
        return 3
    longer, shorter = (word, spelling) if len(word) > len(spelling) else (spelling, word)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            doubled = (i > 0 and longer[i - 1] == longer[i]) or (
                i + 1 < len(longer) and longer[i + 1] == longer[i]
            )
            return 2 if doubled else 3
    return 3


def typo_match(qs: QuerySet, words: list[str], *, field: str = "search_text") -> Q | None:
    """The fallback when no row of ``qs`` has every word: each word that occurs nowhere in ``qs`` is replaced by
    its one-edit spellings that are well-formed syllables *and* occur in ``qs`` together with the words kept as
    typed (each tried with an EXISTS probe, which the trigram index answers at once for a spelling that is not
    there), nearest on the keyboard first, at most ``MAX_SPELLINGS``, and only those of the nearest kind of slip
    (``_distance``) that finds something: ``thonh`` is ``thong`` or ``thinh`` (a neighbouring key), not also
    ``thanh`` (a key further away), which would bring in every Thanh as well (bench/inbox_search.py). None when
    there is nothing to correct (every word occurs somewhere) or nothing a correction finds."""
    known = [w for w in words if qs.filter(**{f"{field}__contains": w}).exists()]
    unknown = [w for w in words if w not in known]
    if not unknown or len(unknown) > MAX_TYPO_WORDS:
        return None
    cond = match(known, field=field)
    for w in unknown:
        candidates = sorted((s for s in corrections(w) if s != w), key=lambda s: (_distance(w, s), s))
        spellings, nearest = [], None
        for s in candidates:  # nearest first; only the nearest kind of slip that finds something, a few of it
            if nearest is not None and _distance(w, s) > nearest:
                break
            if qs.filter(cond, **{f"{field}__contains": s}).exists():
                spellings.append(s)
                nearest = _distance(w, s)
                if len(spellings) == MAX_SPELLINGS:
                    break
        if not spellings:
            return None  # a word no tip has and nothing near it that goes with the rest: nothing can match
        cond &= word_filter(field, spellings)
    return cond


def receipt_code_of(q: str) -> str | None:
    """``q`` as a receipt code (``C549-BE7A``; also typed without the dash, in lower case or with a space)."""
    raw = q.strip().upper().replace(" ", "").replace("-", "")
    if len(raw) == 8 and raw.isalnum() and raw.isascii():
        return f"{raw[:4]}-{raw[4:]}"
    return None


def apply(qs: QuerySet, q: str, words: list[str] | None = None) -> QuerySet:
    """``qs`` narrowed to what ``q`` finds: a receipt code by its unique index; else every word a substring
    of the search column; only if that finds nothing, the typo fallback (``typo_match``)."""
    words = query_words(q) if words is None else words
    if not words:
        return qs
    if (code := receipt_code_of(q)) and (by_code := qs.filter(receipt_code=code)).exists():
        return by_code
    found = qs.filter(match(words))
    if found.exists():
        return found
    fuzzy = typo_match(qs, words)
    return qs.filter(fuzzy) if fuzzy is not None else found
