"""Vietnamese personal names: parsing into surname / middle / given, and the equivalences the scorer needs.

A name is ``surname middle… given`` (``Nguyễn Văn Hùng``). What goes wrong in practice, and what is done here:

* no diacritics, capitals, keystrokes left in → handled by :mod:`normalize` (every part exists in a *folded*
  and a *canon* form);
* spaces lost or moved (``TRANTU``, ``Nguyễn BáH ùng``, ``LÊXUÂN DƯƠNG``) → mixed-case re-splitting and a
  surname-prefix splitter; the scorer also compares the *spaceless* form, so whatever cannot be repaired here
  still matches there;
* a middle name dropped (``Nguyễn Hà`` for ``Nguyễn Đình Hà``) → the middle is simply absent, not a conflict;
* an alias used as the name (``Hai Quang``, ``Út Tùng``: birth-order word + given name, a Southern custom)
  → flagged ``alias_like`` so the scorer also compares it with the record's alias;
* one surname written two ways (Hoàng/Huỳnh, Vũ/Võ: Northern/Southern readings of the same Hán character)
  → ``surname_group``, which also absorbs typos of known surnames ("Nguynễ" → Nguyễn, ``correct_surname``);
* y/i spelled either way in one-vowel syllables (Sỹ/Sĩ, Kỳ/Kì, Lý/Lí) → folded to i in name keys;
* the given name written first ("Văn Tâm Huỳnh", "Tam Huynh Van": foreign archives, forms from abroad) → each
  order of the words is weighed by published surname shares and naming rules (``reading_order``, values in
  :mod:`constants`) and the name is read surname first, so keys and scores see Huỳnh Văn Tâm either way;
* "anh Hai Hùng" (a word of address + birth order + given name) → read as the alias-shaped "Hai Hùng".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from . import constants as C
from .normalize import _SYLLABLE, canon_word, fold_chars, has_marks, nfc, repair_keystrokes

__all__ = [
    "BIRTH_ORDER",
    "SURNAMES",
    "abbreviated_surname",
    "abbreviated_words",
    "NameParts",
    "correct_surname",
    "is_known_surname",
    "parse_name",
    "reading_order",
    "surname_group",
]

# Folded surnames, most frequent first (≈ 99% of the population). Used to split run-together names and to
# recognise the surname; an unknown first word is still taken as the surname.
SURNAMES: tuple[str, ...] = tuple(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "dinh",
        "doan",
        "trinh",
        "truong",
        "lam",
        "mai",
        "cao",
        "luong",
        "chu",
        "ta",
        "la",
        "ha",
        "kieu",
        "tong",
        "quach",
        "thai",
        "van",
        "vuong",
        "dao",
        "lu",
        "luu",
        "nong",
        "be",
        "au",
        "ung",
        "khuc",
        "tao",
        "ton",
        "lo",
        "giap",
        "dam",
        "lai",
        "mac",
        "phung",
        "trieu",
        "khong",
        "nghiem",
        "thach",
        "kim",
        "chau",
        "han",
        "hua",
        "vi",
        "tang",
        "dau",
        "ma",
        "luc",
        "ninh",
        "quan",
        "banh",
        "tieu",
        "to",
        "lang",
        "sam",
        "khuat",
        "cu",
        "uong",
        "an",
        "am",
        "bach",
        "bien",
        "cai",
        "can",
        "cong",
        "dieu",
        "doan",
        "giang",
        "hau",
        "hong",
        "khau",
        "kha",
        "khoa",
        "khuong",
        "lieu",
        "long",
        "mau",
        "nhu",
        "nham",
        "ong",
        "phi",
        "phuong",
        "quang",
        "sai",
        "son",
        "tat",
        "thang",
        "thieu",
        "tu",
        "ung",
        "van",
        "vinh",
        "xa",
        "y",
        "yen",
        "diep",
        "duy",
        # ethnic-minority surnames, so that typo correction leaves them alone
        "ca",
        "mua",
        "sung",
        "thao",
        "vang",
        "lau",
        "hang",
        "ksor",
        "nie",
        "rcom",
        "siu",
        "kpa",
    ]
)
_SURNAME_SET = frozenset(SURNAMES)
_SURNAMES_LONGEST_FIRST = sorted(_SURNAME_SET, key=len, reverse=True)

# Northern/Southern readings of one Hán surname: 黃 Hoàng/Huỳnh, 武 Vũ/Võ.
_SURNAME_GROUPS = {"huynh": "hoang", "vo": "vu"}

# Birth-order words used in Southern aliases ("Hai Quang", "Út Tùng"). Folded.
BIRTH_ORDER = frozenset(["ca", "hai", "ba", "tu", "bon", "nam", "sau", "bay", "tam", "chin", "muoi", "ut"])

# Words of address put before the name a man was called by ("anh Hai Hùng", "chú Ba Tâm"). Folded.
ADDRESS_WORDS = frozenset(["anh", "chu", "bac", "ong", "cau", "em", "chi", "co", "di", "ba", "o"])
# An abbreviated word: letters followed by a dot ("Ng.", "N.V.", "V.").
_ABBREVIATION = re.compile(r"[^\W\d_]{1,3}\.")

# Common middle names, folded: used only to split a run-together remainder ("vanthai" → "van" "thai").
_MIDDLES = frozenset(
    [
        "van",
        "thi",
        "dinh",
        "duc",
        "huu",
        "xuan",
        "quang",
        "minh",
        "ngoc",
        "thanh",
        "cong",
        "the",
        "ba",
        "viet",
        "tien",
        "trong",
        "kim",
        "hong",
        "manh",
        "quoc",
        "anh",
    ]
)

MIDDLES = _MIDDLES

_YI = re.compile(r"^(ngh|ng|nh|ch|gh|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])y$")


def surname_group(folded: str) -> str:
    """Hoàng/Huỳnh → ``hoang``, Vũ/Võ → ``vu``; any other folded surname is its own group."""
    return _SURNAME_GROUPS.get(folded, folded)


@lru_cache(maxsize=20_000)
def correct_surname(folded: str) -> str:
    """A surname that is no known surname but one typo from one ("nguyne", "ngyen", "vtu", "bu") → that
    surname. ~100 surnames cover nearly everyone, so a typo is far likelier than a new surname; this is what
    lets keys and scoring see "Nguynễ Hữu Hiếu" as a Nguyễn. Known surnames and single letters stay as they
    are. Among several candidates: the fewest edits, then the same first letter (typos rarely hit it: "Bù" is
    Bùi rather than Vũ), then the most common."""
    if not folded or folded in _SURNAME_SET or len(folded) < 2:
        return folded
    limit = 2 if len(folded) >= 6 else 1
    best: tuple[int, int, int] | None = None
    best_s = folded
    for rank, s in enumerate(SURNAMES):  # most frequent first
        if abs(len(s) - len(folded)) > limit:
            continue
        d = OSA.distance(folded, s, score_cutoff=limit)
        if d > limit:
            continue
        key = (d, 0 if s[0] == folded[0] else 1, rank)
        if best is None or key < best:
            best, best_s = key, s
    return best_s


def is_known_surname(folded: str) -> bool:
    return folded in _SURNAME_SET


def _yi_canon(c: str) -> str:
    """The y→i rule of ``_yi`` on a canon word (tone digit kept): ``ly1`` → ``li1``."""
    base, tone = (c[:-1], c[-1]) if c[-1:].isdigit() else (c, "")
    return (base[:-1] + "i" + tone) if _YI.match(_fold_chars(base)) and base.endswith("y") else c


@lru_cache(maxsize=1)
def _shares() -> tuple[dict[str, float], dict[str, str], frozenset[str], frozenset[str]]:
    """Published surname shares by folded (y/i-normalised) spelling, their canon spellings, the known surnames
    y/i-normalised, and the folded surnames that are rarely given names."""
    folded = {_yi(_fold_chars(k)): v for k, v in C.SURNAME_SHARES.items()}
    canon = {_yi(_fold_chars(k)): _yi_canon(canon_word(k)) for k in C.SURNAME_SHARES}
    known = frozenset(_yi(s) for s in SURNAMES)
    rare_given = frozenset(_yi(_fold_chars(k)) for k in C.RARELY_GIVEN)
    return folded, canon, known, rare_given


def _initial(x: str) -> bool:
    """A word that is only an abbreviation: one letter, or consonants that are no syllable ("Ng", "Tr", "Ph")."""
    return len(x) == 1 or (len(x) <= 3 and not _valid_syllable(x))


@lru_cache(maxsize=10_000)
def abbreviated_surname(short: str, full: str) -> float:
    """When ``short`` (folded) is an abbreviation of the surname ``full`` ("n" or "ng" for Nguyễn, "tr" for
    Trần): the published share of the surnames it may stand for (``constants.SURNAME_SHARES``), the chance that
    an unrelated man's surname fits it too; otherwise 0. ``full`` must be a whole word that is no abbreviation."""
    if not short or not _initial(short) or _initial(full) or not full.startswith(short) or short == full:
        return 0.0
    shares, *_ = _shares()
    return max(sum(v for k, v in shares.items() if k.startswith(short)), C.OTHER_SURNAME_SHARE)


def abbreviated_words(short: str, full: str) -> bool:
    """``short`` (folded words) abbreviates ``full`` word by word: "v" / "van", "v d" / "van duc"."""
    a, b = short.split(), full.split()
    return (
        bool(a)
        and len(a) == len(b)
        and all(_initial(x) and y.startswith(x) and x != y for x, y in zip(a, b, strict=True))
    )


def _surname_prior(x: str, c: str, marked: bool) -> float:
    """How likely the word (folded ``x``, canon ``c``) is as a surname (``constants``: published shares). Written
    with diacritics, a word spelt otherwise than the surname (Ngọ, Quân) is not that surname (or a typo of it)."""
    shares, canon, known, _ = _shares()
    share = shares.get(x)
    if share is not None:
        return share if (not marked or canon[x] == c) else share * C.SURNAME_TYPO_RATE
    if x in known:
        marker = _markers().get(x)
        if marker is not None and (not marked or marker == c):
            return C.MIDDLE_MARKER_SURNAME_SHARE
        return C.OTHER_SURNAME_SHARE
    if len(x) == 1:  # an initial ("N. V. Hùng"): any surname starting with that letter
        return sum(v for k, v in shares.items() if k[0] == x) or C.OTHER_SURNAME_SHARE
    fixed = correct_surname(x)
    if fixed != x:
        share = shares.get(_yi(fixed), C.OTHER_SURNAME_SHARE)
        return share * C.SURNAME_TYPO_RATE / C.SURNAME_TYPO_VARIANTS
    return C.UNKNOWN_SURNAME_SHARE


def _middle_prior(x: str) -> float:
    return C.MIDDLE_COMMON if x in _MIDDLES else C.MIDDLE_OTHER


@lru_cache(maxsize=1)
def _markers() -> dict[str, str]:
    return {_fold_chars(m): canon_word(m) for m in C.MIDDLE_MARKERS}


def _given_prior(x: str, c: str, marked: bool) -> float:
    marker = _markers().get(x)
    if marker is not None and (not marked or marker == c):
        return C.GIVEN_MIDDLE_MARKER
    if not _valid_syllable(x):
        return C.GIVEN_NOT_A_SYLLABLE
    _, canon, _, rare_given = _shares()
    if x in rare_given and (not marked or canon[x] == c):
        return C.GIVEN_COMMON_SURNAME
    return C.GIVEN_DEFAULT


def _orders(n: int) -> list[tuple[int, ...]]:
    """Readings of an n-word name as (surname, middle…, given) positions: as written (surname middle… given),
    Western (middle… given surname), reversed (given middle… surname), given moved to the front (given surname
    middle…). For two words the last three are one: given surname."""
    first = tuple(range(n))
    western = (n - 1, *range(n - 2), n - 2)
    reversed_ = (n - 1, *range(1, n - 1), 0)
    given_front = (1, *range(2, n), 0)
    return list(dict.fromkeys([first, western, reversed_, given_front]))


@lru_cache(maxsize=100_000)
def reading_order(
    folded: tuple[str, ...], canon: tuple[str, ...] = (), marked: bool = False
) -> tuple[int, ...]:
    """The most likely order (surname, middle…, given) of a name's folded words, as positions in ``folded``.

    Surnames are a closed set with published shares, middle names a small set, and the given name is rarely a
    surname or Văn/Thị; each reading is weighed by those priors and by how often each order is written
    (``constants``). "Văn Tâm Huỳnh" → (2, 0, 1): Huỳnh Văn Tâm; "Lê Văn Khôi" stays as written. A two-word
    name whose first word is a birth-order word is an alias ("Hai Quang") and is never reordered. ``canon``
    (same length) and ``marked``: the words' canon forms, trusted when the name was typed with diacritics.
    """
    n = len(folded)
    canon = canon or folded
    first = tuple(range(n))
    if n < 2 or (n == 2 and _two_words_as_written(folded)):
        return first
    best, best_p = first, -1.0
    for order, p in reading_scores(folded, canon, marked):
        if p > best_p:
            best, best_p = order, p
    return best


def _two_words_as_written(folded: tuple[str, ...]) -> bool:
    """A two-word name read as written whatever the priors: an alias ("Hai Quang"); or its last word is no
    published common surname, or its first word is one or one typo from one ("Lyt Ngo": Lý mistyped, as
    correct_surname reads). Two words have no middle name to anchor a reading (``constants``)."""
    shares = _shares()[0]
    return folded[0] in BIRTH_ORDER or folded[1] not in shares or _yi(correct_surname(folded[0])) in shares


@lru_cache(maxsize=100_000)
def reading_scores(
    folded: tuple[str, ...], canon: tuple[str, ...] = (), marked: bool = False
) -> tuple[tuple[tuple[int, ...], float], ...]:
    """Each reading of ``_orders`` with its weight: how often that order is written × the priors of the words
    in their slots (surname, middle…, given). Not normalised."""
    n = len(folded)
    canon = canon or folded
    first = tuple(range(n))
    out = []
    for order in _orders(n):
        p = C.ORDER_PRIOR_AS_WRITTEN if order == first else C.ORDER_PRIOR_OTHER
        s, g = order[0], order[-1]
        p *= _surname_prior(folded[s], canon[s], marked) * _given_prior(folded[g], canon[g], marked)
        for i in order[1:-1]:
            p *= _middle_prior(folded[i])
        out.append((order, p))
    return tuple(out)


def _yi(folded: str) -> str:
    """Sỹ/Sĩ, Kỳ/Kì: a lone y after a consonant is spelled i either way."""
    return folded[:-1] + "i" if _YI.match(folded) else folded


def _fold_chars(token: str) -> str:
    # Length-preserving fold of one NFC token (letters map 1:1), so split positions carry over.
    return fold_chars(token.lower())


def _valid_syllable(folded: str) -> bool:
    return bool(_SYLLABLE.match(folded))


def _segment(folded: str) -> list[int] | None:
    """Cut points splitting a run-together folded string into valid syllables, fewest pieces first."""
    n = len(folded)
    best: list[list[int] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 7), end):
            prev = best[start]
            if prev is None or not _valid_syllable(folded[start:end]):
                continue
            cand = [*prev, start] if start else []
            cur = best[end]
            if cur is None or len(cand) < len(cur):  # fewest pieces; the first found (longest last) on ties
                best[end] = cand
    return best[n]


def _split_run_together(token: str) -> list[str]:
    """``TRANTU`` → ``TRAN TU``; ``NGUYỄNVĂN`` → ``NGUYỄN VĂN``. Only for tokens that are not one syllable."""
    folded = _fold_chars(token)
    if len(folded) < 5 or folded in _SURNAME_SET or _valid_syllable(folded) or not folded.isalpha():
        return [token]
    fixed = correct_surname(folded)
    if fixed != folded and OSA.distance(folded, fixed) == 1:
        return [token]  # a misspelt surname ("Ngouyễn", "Hoàngo"), not two words run together
    for s in _SURNAMES_LONGEST_FIRST:
        if len(s) >= 2 and folded.startswith(s):
            rest = folded[len(s) :]
            if len(rest) >= 2 and (_valid_syllable(rest) or _segment(rest)):
                pieces = [token[: len(s)]]
                rest_tok = token[len(s) :]
                if _valid_syllable(rest):
                    return [*pieces, rest_tok]
                cuts = _segment(rest) or []
                # prefer a cut that makes the first piece a common middle name
                for k in range(2, min(6, len(rest) - 1)):
                    if rest[:k] in _MIDDLES and _valid_syllable(rest[k:]):
                        cuts = [k]
                        break
                bounds = [0, *cuts, len(rest)]
                return pieces + [rest_tok[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    return [token]


def _repair_spacing(text: str) -> list[str]:
    """Re-split names whose spaces moved, using capitals as the real word starts (only for mixed case)."""
    # every word capitalised and no capital inside one: nothing moved (most names, read at once)
    if text.istitle():
        return text.split()
    letters = [c for c in text if c.isalpha()]
    mixed = any(c.isupper() for c in letters) and any(c.islower() for c in letters)
    if not mixed:
        return text.split()
    spaced = []
    prev = ""
    for c in text:
        if c.isupper() and prev.islower():
            spaced.append(" ")
        spaced.append(c)
        prev = c
    toks = "".join(spaced).split()
    out: list[str] = []
    for tok in toks:
        if out and tok[0].islower() and len(out[-1]) == 1 and out[-1].isupper():
            out[-1] += tok  # "H" + "ùng" → "Hùng"  (from "BáH ùng")
        elif len(tok) == 1 and tok.islower():
            # a letter cut from its word by a moved space ("Ca oLợi" = "Cao Lợi") or a stray key ("cBảy")
            if out and _valid_syllable(_fold_chars(out[-1] + tok)):
                out[-1] += tok
            continue
        else:
            out.append(tok)
    return out


@dataclass(frozen=True, slots=True)
class NameParts:
    """A parsed personal name. ``*_canon`` keep diacritics (tone as a digit); the rest are folded ASCII."""

    tokens: tuple[str, ...]  # folded, y/i-normalised
    tokens_canon: tuple[str, ...]
    surname: str
    surname_group: str
    middle: str  # folded middle names joined by a space, '' if none
    given: str
    surname_canon: str
    middle_canon: str
    given_canon: str
    spaceless: str  # folded, all tokens run together: survives lost or moved spaces
    marked: bool  # typed with diacritics (so canon forms are meaningful)
    alias_like: bool  # two words, the first a birth-order word: may be an alias ("Hai Quang")

    def __hash__(self) -> int:  # every field derives from the accented tokens; hashing them alone is cheap
        return hash(self.tokens_canon)

    @property
    def folded(self) -> str:
        return " ".join(self.tokens)

    @property
    def empty(self) -> bool:
        return not self.tokens


_EMPTY = NameParts((), (), "", "", "", "", "", "", "", "", False, False)


# A name beginning with this (invisible) character is read in the order written: ``other_readings`` gives each
# reading as the words rewritten surname first behind it, so that exactly that reading is searched.
AS_WRITTEN = "\u2060"


@dataclass(frozen=True, slots=True)
class _Words:
    """A name's words as written: the tokens (repaired), folded and canon forms, whether typed with diacritics,
    and whether their order may be judged (not abbreviated, no initials, no spaces repaired)."""

    toks: tuple[str, ...]
    folded: tuple[str, ...]
    canon: tuple[str, ...]
    marked: bool
    orderable: bool


_OCR_RN = re.compile(r"(?<=\w)rn", re.IGNORECASE)  # not at a word's start, where minority names write Rn-


def _repair_ocr(token: str) -> str:
    """ "rn" read by OCR for "m" ("Lârn" for Lâm): Vietnamese spelling never writes "rn", so a word that is no
    syllable with it and one with "m" instead is repaired. Other words (an ethnic minority's name) are kept."""
    if "rn" not in token[1:].lower():
        return token
    fixed = _OCR_RN.sub(lambda m: "M" if m.group(0) == "RN" else "m", token)
    if not _valid_syllable(_fold_chars(token)) and _valid_syllable(_fold_chars(fixed)):
        return fixed
    return token


@lru_cache(maxsize=100_000)
def _words(text: str) -> _Words | None:
    if not text or not text.strip():
        return None
    raw = nfc(text)
    abbreviated = bool(_ABBREVIATION.search(raw))
    raw = re.sub(r"[^\w\s]", " ", raw)  # hyphens, dots, apostrophes (H'Hen → H Hen is acceptable)
    raw = re.sub(r"\d+(?![^\W\d_])", " ", raw)  # stray numbers, but keep VNI keystroke digits inside words
    spaced = _repair_spacing(raw)
    toks = [_repair_ocr(repair_keystrokes(t)) for t in spaced]
    if toks:
        toks = _split_run_together(toks[0]) + toks[1:]
    # words whose spaces had to be repaired ("Mai oVăn", "TRANTU") are read in the order written: a moved letter
    # makes a word look like another one, and word order is only judged on words written as words
    repaired = spaced != raw.split() or len(toks) != len(spaced)
    if len(toks) >= 3 and _fold_chars(toks[0]) in ADDRESS_WORDS and _fold_chars(toks[1]) in BIRTH_ORDER:
        toks = toks[
            1:
        ]  # "anh Hai Hùng": the way he was called (birth order + given name), not a surname "Anh"
    kept: list[str] = []
    folded: list[str] = []
    canon: list[str] = []
    for t in toks:
        f = _fold_chars(t)
        if not f.isalnum():
            f = "".join(ch for ch in f if ch.isalnum())
        if not f:
            continue
        c = canon_word(t)
        if not c.isalnum():
            c = "".join(ch for ch in c if ch.isalnum())
        f2 = _yi(f)
        if f2 != f:  # keep canon consistent with the y→i rule: sỹ → sĩ
            base, tone = (c[:-1], c[-1]) if c[-1:].isdigit() else (c, "")
            c = base[:-1] + "i" + tone if base.endswith("y") else c
        kept.append(t)
        folded.append(f2)
        canon.append(c)
    if not folded:
        return None
    orderable = not abbreviated and not repaired and not any(_initial(f) for f in folded)
    return _Words(tuple(kept), tuple(folded), tuple(canon), has_marks("".join(toks)), orderable)


@lru_cache(maxsize=100_000)
def other_readings(text: str) -> tuple[tuple[str, float], ...]:
    """Other plausible readings of a name than the one ``parse_name`` takes: ``(the name's words rewritten
    surname first, how many bits less likely that reading is)``, most likely first, only those within
    ``constants.READING_MAX_BITS`` and at most ``READING_MAX - 1``. "Định Thế Nguyễn" is Nguyễn Thế Định or
    Nguyễn Định Thế: the priors barely tell which of Thế and Định is the given name, so both are searched."""
    w = _words(text)
    if w is None or not w.orderable or len(w.folded) < 2:
        return ()
    if len(w.folded) == 2 and _two_words_as_written(w.folded):
        return ()  # an alias ("Hai Quang"), or read as written by the two-word rule of ``reading_order``
    chosen = reading_order(w.folded, w.canon, w.marked)
    scores = reading_scores(w.folded, w.canon, w.marked)
    p_chosen = dict(scores)[chosen]
    out = []
    for order, p in sorted(scores, key=lambda op: -op[1]):
        if order == chosen or p <= 0 or p > p_chosen:
            continue
        bits = math.log2(p_chosen / p)
        if bits <= C.READING_MAX_BITS:
            out.append((AS_WRITTEN + " ".join(w.toks[i] for i in order), round(bits, 3)))
    return tuple(out[: C.READING_MAX - 1])


@lru_cache(maxsize=300_000)
def parse_name(text: str) -> NameParts:
    """Parse a full name as written anywhere (registry, public form, alias column)."""
    w = _words(text)
    if w is None:
        return _EMPTY
    folded, canon, marked = list(w.folded), list(w.canon), w.marked
    spaceless = "".join(folded)  # as written: the spaceless route is for moved spaces, not for word order
    order = reading_order(tuple(folded), tuple(canon), marked)
    if order != tuple(range(len(folded))) and w.orderable and not text.startswith(AS_WRITTEN):
        # written given name first: read it surname first
        folded = [folded[i] for i in order]
        canon = [canon[i] for i in order]
    if len(folded) == 1:
        # one word: a given name (or an alias-less nickname); no surname
        return NameParts(
            tuple(folded), tuple(canon), "", "", "", folded[0], "", "", canon[0], folded[0], marked, False
        )
    sur, giv = folded[0], folded[-1]
    return NameParts(
        tokens=tuple(folded),
        tokens_canon=tuple(canon),
        surname=sur,
        surname_group=surname_group(correct_surname(sur)),
        middle=" ".join(folded[1:-1]),
        given=giv,
        surname_canon=canon[0],
        middle_canon=" ".join(canon[1:-1]),
        given_canon=canon[-1],
        spaceless=spaceless,
        marked=marked,
        alias_like=len(folded) == 2 and sur in BIRTH_ORDER,
    )
