"""The vocabulary of pair scoring: the fields, their agreement levels, the weights' defaults, ``Evidence`` and
``Comparison``, and the small vectorised helpers the field comparators share (``scoring`` puts them together)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import constants as C
from .frequency import FrequencyModel
from .table import Lexicon

FIELDS = (
    "surname",
    "middle",
    "given",
    "name",  # whole-name routes (spaceless, alias) when they beat the parts
    "birth",
    "home",
    "unit",
    "death_date",
    "death_place",
    "burial",
    "enlistment",
    "rank",
    "position",
    "sex",
    "context",  # correction for fields that agree together among comrades (not independent evidence)
)

# Level codes per field (0 is always "missing": nothing to compare, weight 0).
MISSING = 0
SUR = {
    1: "equal",
    2: "group",
    3: "fuzzy",
    4: "conflict",
    5: "accent",
    6: "abbreviated",
    7: "birth_order",
    8: "marks_lost",
}
GIV = {
    1: "exact",
    2: "folded",
    3: "accent",
    4: "fuzzy",
    5: "fuzzy2",
    6: "conflict",
    7: "other_common_name",
    8: "marks_lost",
}
MID = {1: "equal", 2: "partial", 3: "fuzzy", 4: "conflict"}
NAME = {1: "spaceless", 2: "spaceless_fuzzy", 3: "alias", 4: "alias_fuzzy", 5: "count_cap"}
# whole-name routes that agree; 5 ("count_cap") only takes weight back from the parts (see score_names)
NAME_AGREES = (1, 2, 3, 4)
NAME_COUNT_CAP_LEVEL = 5
BIRTH = {1: "day", 2: "year", 3: "near1", 4: "near2", 5: "near3", 6: "conflict", 7: "far"}
HOME = {
    1: "ward",
    2: "ward2025",
    3: "ward2025_only",
    4: "district",
    5: "district_ward_diff",
    6: "province",
    7: "province_district_diff",
    8: "province2025",
    9: "conflict",
}
UNIT = {
    1: "kb",
    2: "company",
    3: "battalion",
    4: "regiment",
    5: "division",
    6: "regiment_lower_diff",
    7: "kb_diff",
    8: "division_lower_diff",
    9: "conflict",
}
DEATH = {
    1: "day",
    2: "day_near",
    3: "month",
    4: "month_near",
    5: "year",
    6: "year_inexact",
    7: "year_near",
    8: "conflict",
}
PLACE = {1: "equal", 2: "via_burial", 3: "conflict"}
ENLIST = {1: "month", 2: "year", 3: "near", 4: "conflict"}
RANK = {1: "equal", 2: "adjacent", 3: "conflict"}
POS = {1: "equal", 2: "conflict"}
SEX = {1: "equal", 2: "conflict"}
CONTEXT = {1: "same_unit_same_death", 2: "same_unit_same_region", 3: "same_unit_death_region"}
LEVEL_NAMES: dict[str, dict[int, str]] = {
    "surname": SUR,
    "middle": MID,
    "given": GIV,
    "name": NAME,
    "birth": BIRTH,
    "home": HOME,
    "unit": UNIT,
    "death_date": DEATH,
    "death_place": PLACE,
    "burial": PLACE,
    "enlistment": ENLIST,
    "rank": RANK,
    "position": POS,
    "sex": SEX,
    "context": CONTEXT,
}


@dataclass(frozen=True)
class Weights:
    """m-probabilities (how often a true match shows the level) and fixed weights. Defaults and where each value
    comes from: :mod:`doantu.linkage.constants`."""

    # names
    m_sur_equal: float = C.M_SUR_EQUAL
    m_sur_fuzzy: float = C.M_SUR_FUZZY
    m_sur_conflict: float = C.M_SUR_CONFLICT
    m_giv_exact: float = C.M_GIV_EXACT
    m_giv_folded: float = C.M_GIV_FOLDED
    m_giv_accent: float = C.M_GIV_ACCENT
    m_giv_fuzzy: float = C.M_GIV_FUZZY
    m_giv_conflict: float = C.M_GIV_CONFLICT
    w_giv_fuzzy2: float = C.W_GIV_FUZZY2
    m_mid_equal: float = C.M_MID_EQUAL
    w_mid_partial: float = C.W_MID_PARTIAL
    m_mid_fuzzy: float = C.M_MID_FUZZY
    m_mid_conflict: float = C.M_MID_CONFLICT
    m_fullname: float = C.M_FULLNAME
    m_alias: float = C.M_ALIAS
    alias_max: float = C.ALIAS_MAX
    # dates
    m_birth_year: float = C.M_BIRTH_YEAR
    m_birth_near: tuple[float, float, float] = C.M_BIRTH_NEAR
    m_birth_conflict: float = C.M_BIRTH_CONFLICT
    m_birth_far: float = C.M_BIRTH_FAR
    m_death_day: float = C.M_DEATH_DAY
    m_death_day_near: float = C.M_DEATH_DAY_NEAR
    m_death_month: float = C.M_DEATH_MONTH
    m_death_month_near: float = C.M_DEATH_MONTH_NEAR
    m_death_year: float = C.M_DEATH_YEAR
    m_death_year_inexact: float = C.M_DEATH_YEAR_INEXACT
    m_death_year_near: float = C.M_DEATH_YEAR_NEAR
    m_death_conflict: float = C.M_DEATH_CONFLICT
    # home place
    m_home: float = C.M_HOME
    m_home_finer_diff: float = C.M_HOME_FINER_DIFF
    m_home_2025: float = C.M_HOME_2025
    m_home_conflict: float = C.M_HOME_CONFLICT
    wards_per_province: float = C.WARDS_PER_PROVINCE
    wards2025_per_province: float = C.WARDS2025_PER_PROVINCE
    districts_per_province: float = C.DISTRICTS_PER_PROVINCE
    # unit (finest level agreeing, none conflicting)
    w_unit: dict[str, float] = field(default_factory=lambda: dict(C.W_UNIT))
    # coarse and weak fields
    w_death_place: tuple[float, float, float] = C.W_DEATH_PLACE  # equal, via burial, conflict
    w_burial: tuple[float, float] = C.W_BURIAL
    w_enlist: tuple[float, float, float, float] = C.W_ENLIST
    w_rank_max: float = C.W_RANK_MAX
    w_rank_conflict: float = C.W_RANK_CONFLICT
    w_pos_max: float = C.W_POS_MAX
    w_pos_conflict: float = C.W_POS_CONFLICT
    w_sex_conflict: float = C.W_SEX_CONFLICT
    # comrades are not independent evidence (see constants)
    w_comrades_death: float = C.W_COMRADES_DEATH
    w_comrades_region: float = C.W_COMRADES_REGION
    comrades_keep: float = C.COMRADES_KEEP


@dataclass(frozen=True, slots=True)
class Evidence:
    """One explained piece of evidence: field, level name, weight in bits, short Vietnamese reason."""

    field: str
    level: str
    weight: float
    text_vi: str


@dataclass
class Comparison:
    """Scores of aligned pairs ``(qt[qi[k]], rt[ri[k]])``: total and, per field, level code and weight."""

    qi: np.ndarray
    ri: np.ndarray
    total: np.ndarray
    levels: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.total)

    def part(self, start: int, stop: int) -> Comparison:
        """The pairs ``start`` to ``stop`` (views, not copies)."""
        cut = slice(start, stop)
        return Comparison(
            self.qi[cut],
            self.ri[cut],
            self.total[cut],
            {f: a[cut] for f, a in self.levels.items()},
            {f: a[cut] for f, a in self.weights.items()},
        )

    def name_agrees(self) -> np.ndarray:
        """Pairs whose names agree well enough to be proposed as the same person without a human look:
        given name equal (with or without diacritics) or one typo apart, surname not different — or the whole
        name / an alias agreeing. Other fields agreeing cannot make up for a different name: comrades from one
        village share everything else."""
        g = self.levels["given"]
        s = self.levels["surname"]
        whole = np.isin(self.levels["name"], NAME_AGREES)
        return whole | (np.isin(g, (1, 2, 4, 8)) & ~np.isin(s, (4, 5)))


def _log2(x: np.ndarray | float) -> np.ndarray:
    return np.log2(np.maximum(x, 1e-12))


def _overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise: do slot rows a[k] and b[k] (−1 = empty slot) share a code?"""
    out = np.zeros(len(a), dtype=bool)
    for i in range(a.shape[1]):
        ai = a[:, i]
        valid = ai >= 0
        if not valid.any():
            continue
        for j in range(b.shape[1]):
            out |= valid & (ai == b[:, j])
    return out


def _osa(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """OSA edit distance (typo = insert, delete, substitute or swap two neighbours) of aligned string arrays."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.int32)
    return process.cpdist(list(a), list(b), scorer=OSA.distance, dtype=np.int32, workers=1)


def _fuzzy(
    voc, a: np.ndarray, b: np.ndarray, freq: FrequencyModel | None, kind: str, partial: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edit distance, shorter length, neighbour count of a's value, and (optionally) word-subset flag.

    Computed once per distinct (a, b) value pair — pairs repeat a lot — and spread back to all pairs.
    """
    key = (a.astype(np.int64) << 32) | b.astype(np.int64)
    uk, inv = np.unique(key, return_inverse=True)
    strings = voc.array()
    sa = strings[uk >> 32]
    sb = strings[uk & 0xFFFFFFFF]
    d = _osa(sa, sb)
    lens = np.minimum(
        np.fromiter(map(len, sa), np.int32, len(sa)), np.fromiter(map(len, sb), np.int32, len(sb))
    )
    if freq is not None:
        nb = np.fromiter((freq.neighbour_count(kind, x) for x in sa), np.float64, len(sa))
    else:
        nb = np.zeros(len(sa))
    part = np.zeros(len(sa), dtype=bool)
    if partial:
        for i, (x, y) in enumerate(zip(sa, sb, strict=True)):
            wx, wy = set(x.split()), set(y.split())
            part[i] = wx <= wy or wy <= wx
    return d[inv], lens[inv], nb[inv], part[inv]


def _base_tone(c: str) -> tuple[str, str]:
    """A canon spelling (``cương2``) as its letters and its tone digit (``cương``, ``2``; no digit: ``""``)."""
    return (c[:-1], c[-1]) if c[-1:].isdigit() else (c, "")


def _accent_conflict_one(a: str, b: str) -> bool:
    """Do two accented spellings of one folded word really differ (Hùng/Hưng), or is one just less marked?

    A word typed with a tone mark was typed with diacritics, so its vowel marks are trusted; a word without a
    tone may simply have had it left off (Nguyên for Nguyễn), and a word with no marks at all says nothing.
    """
    if a == b:
        return False
    ba, ta = _base_tone(a)
    bb, tb = _base_tone(b)
    if ba == bb:
        return bool(ta and tb)
    plain_a = ba.isascii() and not ta
    plain_b = bb.isascii() and not tb
    return not (plain_a or plain_b)


def lost_marks_one(a: str, b: str) -> bool:
    """Of two canon spellings that differ by their marks, has one only *lost* marks the other has, adding none
    (Cuờng for Cường, Luơng for Lương)? What a scanned list read by OCR does: a horn, a hat or a breve is lost, a
    tone lost or kept. Two different names can look so too (Lục / Lực), so this is a level of its own, weighed as
    an accent difference: it lets the pair be proposed as one man when the rest decides, never scores it as equal.
    Names that really differ each carry a mark the other lacks (Hùng / Hưng) and are not this."""
    ba, ta = _base_tone(a)
    bb, tb = _base_tone(b)
    return a != b and (_marks_lost(ba, ta, bb, tb) or _marks_lost(bb, tb, ba, ta))


def _plain(ch: str) -> str:
    return "d" if ch in "đĐ" else unicodedata.normalize("NFD", ch)[0]


def _marks_lost(ba: str, ta: str, bb: str, tb: str) -> bool:
    """Is the canon spelling (base ``ba``, tone ``ta``) ``bb``/``tb`` with some of its marks lost and none added?"""
    if len(ba) != len(bb) or (ta and ta != tb):
        return False
    return all(x == y or x == _plain(y) for x, y in zip(ba, bb, strict=True))


def _lost_marks(voc, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise ``lost_marks_one`` of one-word canon strings."""
    strings = voc.array()
    return np.fromiter(
        (lost_marks_one(x, y) for x, y in zip(strings[a], strings[b], strict=True)), bool, len(a)
    )


def _accent_conflicts(voc, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise ``_accent_conflict_one`` over multi-word canon strings (per distinct pair)."""
    if not len(a):
        return np.zeros(0, dtype=bool)
    key = (a.astype(np.int64) << 32) | b.astype(np.int64)
    uk, inv = np.unique(key, return_inverse=True)
    strings = voc.array()
    out = np.array(
        [
            any(
                _accent_conflict_one(x, y)
                for x, y in zip(strings[k >> 32].split(), strings[k & 0xFFFFFFFF].split(), strict=False)
            )
            for k in uk.tolist()
        ],
        dtype=bool,
    )
    return out[inv]


def _fresh(cache: dict, lex, freq: FrequencyModel) -> dict:
    """``cache`` (values keyed by lexicon rows, computed from counts), emptied first when the lexicon, the
    frequency model or the model's version is not the one it was filled for."""
    state = cache.get("state")
    if state is None or state[0] is not lex or state[1] is not freq or state[2] != freq.version:
        cache.clear()
        cache["state"] = (lex, freq, freq.version)
    return cache


class _Counts:
    """Frequency counts aligned with lexicon vocab ids, refreshed when the model changes and extended (not
    rebuilt) when the vocab grows — queries add new strings all the time."""

    def __init__(self) -> None:
        # one entry per (vocab name, kind): the vocab object and model it was computed for, and the array
        self._cache: dict[tuple[str, str], tuple[object, object, int, np.ndarray]] = {}

    def get(self, freq: FrequencyModel, lex: Lexicon, vocab: str, kind: str) -> np.ndarray:
        voc = lex.v[vocab]
        key = (vocab, kind)
        hit = self._cache.get(key)
        n = len(voc)
        counts = freq.counts[kind]
        if hit is not None and hit[0] is voc and hit[1] is freq and hit[2] == freq.version:
            arr = hit[3]
            have = len(arr) - 1
            if have == n:
                return arr
            extra = np.fromiter(
                (counts.get(x, 0) for x in voc.strings[have:n]), dtype=np.float64, count=n - have
            )
            arr = np.concatenate([arr[:-1], extra, [0.0]])
        else:
            arr = np.fromiter((counts.get(x, 0) for x in voc.strings), dtype=np.float64, count=n)
            arr = np.append(arr, 0.0)  # id -1
        self._cache[key] = (voc, freq, freq.version, arr)
        return arr
