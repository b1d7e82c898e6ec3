"""Explainable, frequency-aware pair scoring (Fellegi–Sunter log-likelihood weights).

For every field a pair of records (or a query and a record) lands on one *agreement level* — exact, equal without
diacritics, one typo apart, alias, missing, conflict… — and each level carries a weight ``log2(m / u)`` in bits:
``m`` is how often true matches show that level, ``u`` how often two unrelated people do. ``u`` comes from value
frequencies wherever the value matters (a shared rare given name weighs ~15 bits, a shared "Nguyễn" ~1.4 bits),
and from simple structure elsewhere (a commune is ~1/150 of a province). ``m`` values are set by judgement of how
lists and the public make mistakes (see ``Weights``); none were fitted to the truth files.

The total score is the sum of field weights minus ``log2(N)`` (N = records in the registry): the prior odds that
one given record is the person sought. So ``score > 0`` reads "more likely this person than not", and scores stay
comparable between a 20,000-row and a 1,000,000-row registry.

Everything is vectorised over arrays of pairs (numpy + rapidfuzz ``cpdist``), so scoring 300 candidates for one
query and 10 million pairs for deduplication run through the same code. ``explain`` turns one pair's levels into
``Evidence(field, level, weight, text_vi)`` items, e.g. ``("birth", "near1", 1.2, "Năm sinh lệch 1 năm")``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import constants as C
from .frequency import FrequencyModel
from .gazetteer import province_2025_of_2024, province_name_2024, province_name_2025
from .names import is_known_surname
from .ranks import RANK_NAMES
from .table import FeatureTable, Lexicon

__all__ = ["Comparison", "Evidence", "Scorer", "Weights"]

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
SUR = {1: "equal", 2: "group", 3: "fuzzy", 4: "conflict", 5: "accent"}
GIV = {1: "exact", 2: "folded", 3: "accent", 4: "fuzzy", 5: "fuzzy2", 6: "conflict", 7: "other_common_name"}
MID = {1: "equal", 2: "partial", 3: "fuzzy", 4: "conflict"}
NAME = {1: "spaceless", 2: "spaceless_fuzzy", 3: "alias", 4: "alias_fuzzy"}
BIRTH = {1: "day", 2: "year", 3: "near1", 4: "near2", 5: "near3", 6: "conflict"}
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

    def name_agrees(self) -> np.ndarray:
        """Pairs whose names agree well enough to be proposed as the same person without a human look:
        given name equal (with or without diacritics) or one typo apart, surname not different — or the whole
        name / an alias agreeing. Other fields agreeing cannot make up for a different name: comrades from one
        village share everything else."""
        g = self.levels["given"]
        s = self.levels["surname"]
        whole = self.levels["name"] > 0
        return whole | (np.isin(g, (1, 2, 4)) & ~np.isin(s, (4, 5)))


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


def _accent_conflict_one(a: str, b: str) -> bool:
    """Do two accented spellings of one folded word really differ (Hùng/Hưng), or is one just less marked?

    A word typed with a tone mark was typed with diacritics, so its vowel marks are trusted; a word without a
    tone may simply have had it left off (Nguyên for Nguyễn), and a word with no marks at all says nothing.
    """
    if a == b:
        return False
    ta = a[-1] if a[-1:].isdigit() else ""
    tb = b[-1] if b[-1:].isdigit() else ""
    ba, bb = a[: len(a) - len(ta)], b[: len(b) - len(tb)]
    if ba == bb:
        return bool(ta and tb)
    plain_a = ba.isascii() and not ta
    plain_b = bb.isascii() and not tb
    return not (plain_a or plain_b)


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


class Scorer:
    """Vectorised comparator. One instance per engine (it caches frequency arrays)."""

    def __init__(self, weights: Weights | None = None) -> None:
        self.w = weights or Weights()
        self._counts = _Counts()
        self._year_cache: dict[tuple[str, int], np.ndarray] = {}

    # ------------------------------------------------------------------------------------------------------------

    def compare(
        self,
        qt: FeatureTable,
        qi: np.ndarray,
        rt: FeatureTable,
        ri: np.ndarray,
        freq: FrequencyModel,
    ) -> Comparison:
        """Score pairs (qt row qi[k], rt row ri[k]). Both tables must share one lexicon."""
        assert qt.lex is rt.lex, "tables must share a lexicon"
        qi = np.asarray(qi, dtype=np.int64)
        ri = np.asarray(ri, dtype=np.int64)
        lv: dict[str, np.ndarray] = {}
        wt: dict[str, np.ndarray] = {}
        n_total = freq.prior_n()
        self._names(qt, qi, rt, ri, freq, lv, wt)
        self._dates(qt, qi, rt, ri, freq, lv, wt)
        self._home(qt, qi, rt, ri, freq, lv, wt)
        self._unit(qt, qi, rt, ri, lv, wt)
        self._weak(qt, qi, rt, ri, freq, lv, wt)
        self._context(lv, wt)
        total = np.zeros(len(qi), dtype=np.float64)
        for f in FIELDS:
            total += wt[f]
        total -= math.log2(n_total)
        return Comparison(qi, ri, total, lv, wt)

    # -- names ---------------------------------------------------------------------------------------------------

    def _names(self, qt, qi, rt, ri, freq, lv, wt) -> None:
        W = self.w
        lex = qt.lex
        P = len(qi)
        N = max(freq.total, 1)
        na = qt["name"][qi]
        nb = rt["name"][ri]
        has = (na >= 0) & (nb >= 0)
        names = lex.names

        def col(c: str, idx: np.ndarray) -> np.ndarray:
            arr = names[c]
            return np.where(idx >= 0, arr[np.maximum(idx, 0)], -1)

        sA, sB = col("sur", na), col("sur", nb)
        scA, scB = col("surc", na), col("surc", nb)
        gA, gB = col("surg", na), col("surg", nb)
        mA, mB = col("mid", na), col("mid", nb)
        vA, vB = col("giv", na), col("giv", nb)
        cA, cB = col("givc", na), col("givc", nb)
        pA, pB = col("sp", na), col("sp", nb)
        mkA, mkB = col("marked", na) > 0, col("marked", nb) > 0

        cnt_surg = self._counts.get(freq, lex, "surg", "surname")
        cnt_giv = self._counts.get(freq, lex, "giv", "given")
        cnt_givc = self._counts.get(freq, lex, "givc", "given_canon")
        cnt_mid = self._counts.get(freq, lex, "mid", "middle")
        tot_canon = max(freq.kind_total("given_canon"), 1)

        # --- surname
        s_lv = np.zeros(P, np.int8)
        s_w = np.zeros(P, np.float64)
        s_ok = has & (gA >= 0) & (gB >= 0)
        u_s = (cnt_surg[gB] + 0.5) / (N + 1)
        w_s_eq = _log2(W.m_sur_equal / u_s)
        # a typo can never weigh more than the plainer of the two spellings would if equal (a garbled side has
        # a "rare" value only because it is garbled)
        w_s_cap = np.minimum(w_s_eq, _log2(W.m_sur_equal / ((cnt_surg[gA] + 0.5) / (N + 1))))
        eq = s_ok & (sA == sB)
        s_acc = eq & mkA & mkB & (scA != scB)  # Đoàn ≠ Doãn: equal only without diacritics
        idx = np.flatnonzero(s_acc)
        s_acc[idx] = _accent_conflicts(lex.v["surc"], scA[idx], scB[idx])
        eq &= ~s_acc
        same_group = s_ok & ~eq & ~s_acc & (gA == gB)
        s_lv[eq], s_w[eq] = 1, w_s_eq[eq]
        s_lv[s_acc], s_w[s_acc] = 5, _log2(W.m_sur_fuzzy / u_s[s_acc])
        # same group: two real spellings of one surname (Hoàng/Huỳnh) — or a typo the group absorbed
        idx = np.flatnonzero(same_group)
        if len(idx):
            voc = lex.v["sur"].array()
            real = np.array(
                [
                    is_known_surname(x) and is_known_surname(y)
                    for x, y in zip(voc[sA[idx]], voc[sB[idx]], strict=True)
                ],
                dtype=bool,
            )
            grp = idx[real]
            s_lv[grp], s_w[grp] = 2, w_s_eq[grp] - C.W_SUR_GROUP_PENALTY
            typo = idx[~real]
            s_lv[typo], s_w[typo] = (
                3,
                np.maximum(np.minimum(w_s_cap[typo] - C.W_SUR_GROUP_PENALTY, C.W_SUR_TYPO_CAP), 0.0),
            )
        rest = np.flatnonzero(s_ok & ~eq & ~same_group & ~s_acc)
        if len(rest):
            d, lens, nbc, _ = _fuzzy(lex.v["sur"], sA[rest], sB[rest], freq, "surname")
            ca, cb = cnt_surg[gA[rest]], cnt_surg[gB[rest]]
            rare_side = np.minimum(ca, cb) * C.TYPO_RARITY_RATIO < np.maximum(
                ca, cb
            )  # one spelling is a typo of the other
            fz = ((d == 1) & ((lens >= C.TYPO1_MIN_LEN_SURNAME) | rare_side)) | (
                (d == 2) & (lens >= C.TYPO2_MIN_LEN)
            )
            w_fz = np.clip(
                _log2(W.m_sur_fuzzy / np.maximum(nbc / N, C.NEIGHBOUR_FLOOR_SUR)),
                0.0,
                np.maximum(w_s_cap[rest] - C.W_SUR_GROUP_PENALTY, 0.0),
            )
            s_lv[rest] = np.where(fz, 3, 4)
            s_w[rest] = np.where(
                fz, w_fz, _log2(W.m_sur_conflict / np.maximum(1 - u_s[rest], C.CONFLICT_U_FLOOR))
            )

        # --- given
        g_lv = np.zeros(P, np.int8)
        g_w = np.zeros(P, np.float64)
        g_ok = has & (vA >= 0) & (vB >= 0)
        u_g = (cnt_giv[vB] + 0.5) / (N + 1)
        w_g_fold = _log2(W.m_giv_folded / u_g)
        w_g_cap = np.minimum(w_g_fold, _log2(W.m_giv_folded / ((cnt_giv[vA] + 0.5) / (N + 1))))
        feq = g_ok & (vA == vB)
        both_marked = mkA & mkB
        exact = feq & both_marked & (cA == cB)
        accent = feq & both_marked & (cA != cB)
        idx = np.flatnonzero(accent)
        accent[idx] = _accent_conflicts(lex.v["givc"], cA[idx], cB[idx])
        folded = feq & ~exact & ~accent
        u_gc = (cnt_givc[cB] + 0.5) / (tot_canon + 1)
        g_lv[exact], g_w[exact] = 1, _log2(W.m_giv_exact / u_gc[exact])
        g_lv[folded], g_w[folded] = 2, w_g_fold[folded]
        g_lv[accent], g_w[accent] = 3, _log2(W.m_giv_accent / u_g[accent])
        rest = np.flatnonzero(g_ok & ~feq)
        if len(rest):
            d, lens, nbc, _ = _fuzzy(lex.v["giv"], vA[rest], vB[rest], freq, "given")
            fz1 = (d == 1) & (lens >= C.TYPO1_MIN_LEN)
            fz2 = (d == 2) & (lens >= C.TYPO2_MIN_LEN)
            # One letter apart is a typo only if one spelling is much rarer than the other ("Phng" for Phong);
            # two common names a letter apart (Tạo / Tân) are two different names.
            ca, cb = cnt_giv[vA[rest]], cnt_giv[vB[rest]]
            both_common = np.minimum(ca, cb) * C.TYPO_RARITY_RATIO >= np.maximum(ca, cb) + C.TYPO_MIN_COUNT
            w_conf = _log2(W.m_giv_conflict / np.maximum(1 - u_g[rest], C.CONFLICT_U_FLOOR))
            w_fz = np.clip(
                _log2(W.m_giv_fuzzy / np.maximum(nbc / N, 1.0 / N)),
                0.0,
                np.maximum(w_g_cap[rest] - C.GIV_FUZZY_MARGIN, 0.0),
            )
            g_lv[rest] = np.where(fz1 & both_common, 7, np.where(fz1, 4, np.where(fz2, 5, 6)))
            g_w[rest] = np.where(
                fz1 & both_common,
                C.OTHER_COMMON_NAME_FACTOR * w_conf,
                np.where(fz1, w_fz, np.where(fz2, W.w_giv_fuzzy2, w_conf)),
            )

        # --- middle
        m_lv = np.zeros(P, np.int8)
        m_w = np.zeros(P, np.float64)
        m_ok = has & (mA >= 0) & (mB >= 0)
        u_m = (cnt_mid[mB] + 0.5) / (N + 1)
        w_m_eq = _log2(W.m_mid_equal / u_m)
        w_m_cap = np.minimum(w_m_eq, _log2(W.m_mid_equal / ((cnt_mid[mA] + 0.5) / (N + 1))))
        eq = m_ok & (mA == mB)
        m_lv[eq], m_w[eq] = 1, w_m_eq[eq]
        rest = np.flatnonzero(m_ok & ~eq)
        if len(rest):
            d, lens, nbc, part = _fuzzy(lex.v["mid"], mA[rest], mB[rest], freq, "middle", partial=True)
            fz = ((d == 1) & (lens >= C.TYPO1_MIN_LEN)) | ((d == 2) & (lens >= C.TYPO2_MIN_LEN))
            w_fz = np.clip(
                _log2(W.m_mid_fuzzy / np.maximum(nbc / N, C.NEIGHBOUR_FLOOR_MID)),
                0.0,
                np.maximum(w_m_cap[rest] - C.W_SUR_GROUP_PENALTY, 0.0),
            )
            m_lv[rest] = np.where(part, 2, np.where(fz, 3, 4))
            m_w[rest] = np.where(
                part,
                W.w_mid_partial,
                np.where(fz, w_fz, _log2(W.m_mid_conflict / np.maximum(1 - u_m[rest], C.CONFLICT_U_FLOOR))),
            )

        # --- whole-name routes: spaceless (lost/moved spaces) and alias
        token_w = s_w + m_w + g_w
        n_lv = np.zeros(P, np.int8)
        n_w = np.zeros(P, np.float64)
        # whole name equal letter for letter once spaces are ignored ("TRANTU", "Nguye nHuu Phuong"): weighed by
        # how many records carry exactly that name, not by the parts (one side's parts are garbled)
        sp_eq = np.flatnonzero(has & (pA == pB) & (pA >= 0) & (g_lv != 3) & (s_lv != 5))
        if len(sp_eq):
            voc = lex.v["sp"].array()
            u_sp = np.array([(freq.count("fullname", x) + 0.5) / (N + 1) for x in voc[pA[sp_eq]]])
            # ... but never as rarer than its parts make it: a registry is a sample of the people who fell, and a
            # name it lists once ("Nguyễn Đông") is carried outside it about as often as a Nguyễn × a Đông
            # (× the middle name) are; namesakes who are not in the registry are the false matches to fear.
            # Only the registry side's parts, where it has them (one side may be garbled).
            k = sp_eq[(gB[sp_eq] >= 0) & (vB[sp_eq] >= 0)]
            if len(k):
                u_parts = u_s[k] * u_g[k] * np.where(mB[k] >= 0, u_m[k], 1.0)
                pos = np.searchsorted(sp_eq, k)
                u_sp[pos] = np.maximum(u_sp[pos], u_parts)
            val = _log2(W.m_fullname / u_sp)
            upd = val > token_w[sp_eq]
            n_lv[sp_eq[upd]], n_w[sp_eq[upd]] = 1, val[upd]
        # spaceless one typo apart, only where the parts disagree (tokens broken *and* a typo): valued as the
        # plainer side's surname and middle agreeing and its given name one typo away
        cand = np.flatnonzero(
            has & (pA != pB) & (pA >= 0) & (pB >= 0) & (np.isin(g_lv, (0, 5, 6)) | (s_lv == 4))
        )
        if len(cand):
            d, lens, _, _ = _fuzzy(lex.v["sp"], pA[cand], pB[cand], None, "")
            ok = (d == 1) & (lens >= C.SPACELESS_TYPO_MIN_LEN)
            if ok.any():
                k = cand[ok]
                _, _, nbc, _ = _fuzzy(lex.v["giv"], vB[k], vB[k], freq, "given")
                w_fz = np.clip(
                    _log2(W.m_giv_fuzzy / np.maximum(nbc / N, 1.0 / N)),
                    0.0,
                    np.maximum(w_g_cap[k] - C.GIV_FUZZY_MARGIN, 0.0),
                )
                val = np.where(gB[k] >= 0, w_s_cap[k], 0.0) + np.where(mB[k] >= 0, w_m_cap[k], 0.0) + w_fz
                upd = val > np.maximum(token_w[k], n_w[k])
                n_lv[k[upd]], n_w[k[upd]] = 2, val[upd]
        self._alias_route(qt, qi, rt, ri, freq, pA, pB, token_w, n_lv, n_w)

        use_name = n_lv > 0
        # when a whole-name route wins, it replaces the parts (their levels are kept for the explanation)
        lv["surname"], wt["surname"] = s_lv, np.where(use_name, 0.0, s_w)
        lv["middle"], wt["middle"] = m_lv, np.where(use_name, 0.0, m_w)
        lv["given"], wt["given"] = g_lv, np.where(use_name, 0.0, g_w)
        lv["name"], wt["name"] = n_lv, np.where(use_name, n_w, 0.0)

    def _alias_route(self, qt, qi, rt, ri, freq, pA, pB, token_w, n_lv, n_w) -> None:
        W = self.w
        lex = qt.lex
        N = max(freq.total, 1)
        aa = qt["alias"][qi]
        ab = rt["alias"][ri]
        if (ab < 0).all() and (aa < 0).all():
            return
        spcol = lex.names["sp"]
        alA = np.where(aa >= 0, spcol[np.maximum(aa, 0)], -1)
        alB = np.where(ab >= 0, spcol[np.maximum(ab, 0)], -1)
        voc = lex.v["sp"].array()
        # which alias string agrees: name~alias, alias~name, alias~alias
        eq1 = (pA >= 0) & (pA == alB)
        eq2 = (alA >= 0) & (alA == pB)
        eq3 = (alA >= 0) & (alA == alB)
        hit = np.flatnonzero(eq1 | eq2 | eq3)
        for k in hit:
            val = voc[alB[k]] if (eq1[k] or eq3[k]) else voc[alA[k]]
            u = (freq.count("alias", val) + 0.5) / (N + 1)
            w = min(math.log2(W.m_alias / u), W.alias_max)
            if w > max(token_w[k], n_w[k]):
                n_lv[k], n_w[k] = 3, w
        # a typo in an alias typed as the name ("Haia Quang"): only for alias-shaped names
        nmA = qt["name"][qi]
        likeA = np.zeros(len(qi), dtype=bool)
        ok = nmA >= 0
        likeA[ok] = lex.names["alias_like"][nmA[ok]] > 0
        cand = np.flatnonzero((alB >= 0) & ~(eq1 | eq2 | eq3) & (pA >= 0))
        if len(cand):
            a, b = voc[pA[cand]], voc[alB[cand]]
            d = _osa(a, b)
            lens = np.minimum(np.fromiter(map(len, a), int, len(a)), np.fromiter(map(len, b), int, len(b)))
            for j in np.flatnonzero((d == 1) & (lens >= C.ALIAS_FUZZY_MIN_LEN)):
                k = cand[j]
                u = (freq.count("alias", b[j]) + 0.5) / (N + 1)
                w = max(min(math.log2(W.m_alias / u), W.alias_max) - C.ALIAS_FUZZY_PENALTY, 0.0)
                if not likeA[k]:
                    w = max(w - C.ALIAS_NOT_ALIAS_SHAPED_PENALTY, 0.0)
                if w > max(token_w[k], n_w[k]):
                    n_lv[k], n_w[k] = 4, w

    # -- dates ---------------------------------------------------------------------------------------------------

    def _year_share(self, freq: FrequencyModel, kind: str, years: np.ndarray) -> np.ndarray:
        key = (kind, id(freq), freq.version)
        arr = self._year_cache.get(key)
        if arr is None:
            arr = np.zeros(2200, dtype=np.float64)
            c = freq.counts[kind]
            tot = max(sum(c.values()), 1)
            for y, n in c.items():
                if y.isdigit() and int(y) < 2200:
                    arr[int(y)] = n
            arr = (arr + 0.5) / (tot + 1)
            self._year_cache = {k: v for k, v in self._year_cache.items() if k[0] != kind}
            self._year_cache[key] = arr
        return arr[np.clip(years, 0, 2199)]

    def _dates(self, qt, qi, rt, ri, freq, lv, wt) -> None:
        W = self.w
        # birth: years mostly; approximate years are common, so 1–3 years off are graded, not conflicts
        yA, yB = qt["by"][qi].astype(np.int32), rt["by"][ri].astype(np.int32)
        mA, mB = qt["bm"][qi].astype(np.int32), rt["bm"][ri].astype(np.int32)
        dA, dB = qt["bd"][qi].astype(np.int32), rt["bd"][ri].astype(np.int32)
        ok = (yA > 0) & (yB > 0)
        u = self._year_share(freq, "birth_year", yB)
        dy = np.abs(yA - yB)
        b_lv = np.zeros(len(qi), np.int8)
        b_w = np.zeros(len(qi), np.float64)
        day = ok & (dy == 0) & (dA > 0) & (dB > 0) & (mA == mB) & (dA == dB)
        conds = [
            (day, 1, _log2(W.m_birth_year / (u / 365))),
            (ok & (dy == 0) & ~day, 2, _log2(W.m_birth_year / u)),
            (ok & (dy == 1), 3, _log2(W.m_birth_near[0] / (2 * u))),
            (ok & (dy == 2), 4, _log2(W.m_birth_near[1] / (2 * u))),
            (ok & (dy == 3), 5, _log2(W.m_birth_near[2] / (2 * u))),
            (ok & (dy > 3), 6, np.full(len(qi), math.log2(W.m_birth_conflict / C.U_BIRTH_CONFLICT))),
        ]
        for c, code, w in conds:
            b_lv[c], b_w[c] = code, w[c]
        lv["birth"], wt["birth"] = b_lv, b_w

        # death: compared at the finest precision both give
        yA, yB = qt["dy"][qi].astype(np.int32), rt["dy"][ri].astype(np.int32)
        mA, mB = qt["dm"][qi].astype(np.int32), rt["dm"][ri].astype(np.int32)
        dA, dB = qt["dd"][qi].astype(np.int32), rt["dd"][ri].astype(np.int32)
        ok = (yA > 0) & (yB > 0)
        u = self._year_share(freq, "death_year", yB)
        precA = np.where(yA > 0, np.where(mA > 0, np.where(dA > 0, 3, 2), 1), 0)
        precB = np.where(yB > 0, np.where(mB > 0, np.where(dB > 0, 3, 2), 1), 0)
        cp = np.minimum(precA, precB)
        dy = np.abs(yA - yB)
        mdiff = np.abs((yA * 12 + mA) - (yB * 12 + mB))
        ddiff = np.abs(_ordinal(yA, mA, dA) - _ordinal(yB, mB, dB))
        d_lv = np.zeros(len(qi), np.int8)
        d_w = np.zeros(len(qi), np.float64)
        day_eq = ok & (cp == 3) & (ddiff == 0)
        day_near = ok & (cp == 3) & ~day_eq & ((ddiff <= C.DEATH_DAY_NEAR) | ((dA == dB) & (mdiff == 1)))
        month_eq = ok & (cp == 2) & (mdiff == 0)
        month_near = ok & (cp >= 2) & ~day_eq & ~day_near & (mdiff == 1)
        year_eq = ok & (cp == 1) & (dy == 0)
        year_inexact = ok & (cp >= 2) & (dy == 0) & ~day_eq & ~day_near & ~month_eq & ~month_near
        year_near = ok & (dy == 1) & ~day_near & ~month_near
        conflict = ok & ~(day_eq | day_near | month_eq | month_near | year_eq | year_inexact | year_near)
        conds = [
            (day_eq, 1, _log2(W.m_death_day / (u / 365))),
            (day_near, 2, _log2(W.m_death_day_near / (u * C.DEATH_DAY_NEAR_WINDOW / C.DAYS_PER_YEAR))),
            (month_eq, 3, _log2(W.m_death_month / (u / 12))),
            (month_near, 4, _log2(W.m_death_month_near / (u * 2 / 12))),
            (year_eq, 5, _log2(W.m_death_year / u)),
            (year_inexact, 6, _log2(W.m_death_year_inexact / u)),
            (year_near, 7, _log2(W.m_death_year_near / (2 * u))),
            (conflict, 8, np.full(len(qi), math.log2(W.m_death_conflict / C.U_DEATH_CONFLICT))),
        ]
        for c, code, w in conds:
            d_lv[c], d_w[c] = code, w[c]
        lv["death_date"], wt["death_date"] = d_lv, d_w

        # enlistment (weak: whole cohorts enlisted together)
        yA, yB = qt["ey"][qi].astype(np.int32), rt["ey"][ri].astype(np.int32)
        mA, mB = qt["em"][qi].astype(np.int32), rt["em"][ri].astype(np.int32)
        ok = (yA > 0) & (yB > 0)
        e_lv = np.zeros(len(qi), np.int8)
        month = ok & (yA == yB) & (mA > 0) & (mA == mB)
        year = ok & (yA == yB) & ~month
        near = ok & (np.abs(yA - yB) == 1)
        conf = ok & (np.abs(yA - yB) > 1)
        e_lv[month], e_lv[year], e_lv[near], e_lv[conf] = 1, 2, 3, 4
        table = np.array([0.0, *W.w_enlist])
        lv["enlistment"], wt["enlistment"] = e_lv, table[e_lv]

    # -- home place ----------------------------------------------------------------------------------------------

    def _home(self, qt, qi, rt, ri, freq, lv, wt) -> None:
        W = self.w
        lex = qt.lex
        P = len(qi)
        ha, hb = qt["home"][qi], rt["home"][ri]
        h_lv = np.zeros(P, np.int8)
        h_w = np.zeros(P, np.float64)
        ok = np.flatnonzero((ha >= 0) & (hb >= 0))
        lv["home"], wt["home"] = h_lv, h_w
        if not len(ok):
            return
        pl = lex.places
        a, b = ha[ok], hb[ok]
        sets = {}
        for k in ("p24", "p25", "d24", "w24", "w25"):
            A, B = pl[k][a], pl[k][b]
            comparable = (A[:, 0] >= 0) & (B[:, 0] >= 0)
            sets[k] = (comparable, comparable & _overlap(A, B))
        # u of a province agreement: share of records from the record's (B's) provinces
        cnt = self._counts.get(freq, lex, "p24", "province")
        N = max(freq.total, 1)
        B24 = pl["p24"][b]
        u_p = np.clip(
            (np.where(B24 >= 0, cnt[B24], 0.0).sum(axis=1) + 0.5) / (N + 1), C.U_PROVINCE_FLOOR, 1.0
        )
        u_p25 = np.minimum(u_p * C.PROVINCE_2025_SPREAD, 1.0)
        w24c, w24o = sets["w24"]
        w25c, w25o = sets["w25"]
        d24c, d24o = sets["d24"]
        p24c, p24o = sets["p24"]
        p25c, p25o = sets["p25"]
        lvl = np.zeros(len(ok), np.int8)
        wgt = np.zeros(len(ok), np.float64)

        def put(mask, code, w):
            nonlocal lvl, wgt
            m = mask & (lvl == 0)
            lvl[m] = code
            wgt[m] = w[m] if isinstance(w, np.ndarray) else w

        put(w24o, 1, _log2(W.m_home / (u_p / W.wards_per_province)))
        put(~w24c & w25o, 2, _log2(W.m_home / (u_p25 / W.wards2025_per_province)))
        put(w24c & w25o, 3, _log2(W.m_home_finer_diff / (u_p25 / W.wards2025_per_province)))
        put(d24o & ~w24c, 4, _log2(W.m_home / (u_p / W.districts_per_province)))
        put(d24o & w24c, 5, _log2(W.m_home_finer_diff / (u_p / W.districts_per_province)))
        finer_diff = (w24c & ~w24o) | (w25c & ~w25o) | (d24c & ~d24o)
        put(p24o & ~finer_diff, 6, _log2(C.M_HOME_PROVINCE / u_p))
        put(p24o, 7, _log2(W.m_home_finer_diff / u_p))
        put(p25o & ~finer_diff, 8, _log2(W.m_home_2025 / u_p25))
        # both give communes of different 2024 provinces that merged in 2025: still different places (level 9)
        put((p24c | p25c), 9, np.full(len(ok), math.log2(W.m_home_conflict / C.U_HOME_CONFLICT)))
        h_lv[ok], h_w[ok] = lvl, wgt

    # -- unit ----------------------------------------------------------------------------------------------------

    def _unit(self, qt, qi, rt, ri, lv, wt) -> None:
        lex = qt.lex
        P = len(qi)
        ua, ub = qt["unit"][qi], rt["unit"][ri]
        u_lv = np.zeros(P, np.int8)
        u_w = np.zeros(P, np.float64)
        lv["unit"], wt["unit"] = u_lv, u_w
        ok = np.flatnonzero((ua >= 0) & (ub >= 0))
        if not len(ok):
            return
        U = lex.units
        a, b = ua[ok], ub[ok]
        eq, ne = {}, {}
        for k in ("c", "d", "e", "f", "kb"):
            A, B = U[k][a], U[k][b]
            both = (A > 0) & (B > 0)
            eq[k], ne[k] = both & (A == B), both & (A != B)
        lvl = np.zeros(len(ok), np.int8)
        hi_conf = ne["e"] | ne["f"]
        lo_conf = ne["c"] | ne["d"]
        lvl[eq["kb"]] = 1
        lvl[ne["kb"] & (lvl == 0) & ~(eq["e"] | eq["f"])] = 7
        clean = (lvl == 0) & ~hi_conf & ~lo_conf
        lvl[clean & eq["c"] & (eq["d"] | eq["e"])] = 2
        lvl[clean & (lvl == 0) & eq["d"] & eq["e"]] = 3
        lvl[clean & (lvl == 0) & eq["e"]] = 4
        lvl[clean & (lvl == 0) & eq["f"]] = 5
        lvl[(lvl == 0) & ~hi_conf & lo_conf & eq["e"]] = 6
        lvl[(lvl == 0) & ~ne["e"] & lo_conf & eq["f"]] = 8
        lvl[(lvl == 0) & (hi_conf | lo_conf)] = 9
        table = np.zeros(10)
        for code, name in UNIT.items():
            table[code] = self.w.w_unit[name]
        u_lv[ok], u_w[ok] = lvl, table[lvl]

    # -- weak and coarse fields ----------------------------------------------------------------------------------

    def _weak(self, qt, qi, rt, ri, freq, lv, wt) -> None:
        W = self.w
        lex = qt.lex
        P = len(qi)
        coarse_slots = lex.coarse["s"]

        def coarse(col_a: str, col_b: str):
            a, b = qt[col_a][qi], rt[col_b][ri]
            ok = (a >= 0) & (b >= 0)
            o = np.zeros(P, bool)
            idx = np.flatnonzero(ok)
            if len(idx):
                o[idx] = _overlap(coarse_slots[a[idx]], coarse_slots[b[idx]])
            return ok, o

        ok, eq = coarse("dplace", "dplace")
        okb, eqb = coarse("dplace", "burial")
        p_lv = np.zeros(P, np.int8)
        p_lv[ok & eq] = 1
        p_lv[(p_lv == 0) & okb & eqb] = 2
        p_lv[(p_lv == 0) & ok & ~eq] = 3
        lv["death_place"], wt["death_place"] = p_lv, np.array([0.0, *W.w_death_place])[p_lv]

        ok, eq = coarse("burial", "burial")
        bl = np.zeros(P, np.int8)
        bl[ok & eq], bl[ok & ~eq] = 1, 3
        lv["burial"], wt["burial"] = bl, np.array([0.0, W.w_burial[0], 0.0, W.w_burial[1]])[bl]

        ra, rb = qt["rank"][qi].astype(np.int32), rt["rank"][ri].astype(np.int32)
        ok = (ra > 0) & (rb > 0)
        r_lv = np.zeros(P, np.int8)
        r_lv[ok & (ra == rb)] = 1
        r_lv[ok & (np.abs(ra - rb) == 1)] = 2
        r_lv[ok & (np.abs(ra - rb) > 1)] = 3
        N = max(freq.total, 1)
        r_w = np.zeros(P)
        eqi = np.flatnonzero(r_lv == 1)
        if len(eqi):
            u = np.array([(freq.count("rank", str(x)) + 0.5) / (N + 1) for x in rb[eqi]])
            r_w[eqi] = np.clip(_log2(C.M_RANK_POS / u), 0.0, W.w_rank_max)
        r_w[r_lv == 3] = W.w_rank_conflict
        lv["rank"], wt["rank"] = r_lv, r_w

        pa, pb = qt["pos"][qi], rt["pos"][ri]
        ok = (pa >= 0) & (pb >= 0)
        p_lv = np.zeros(P, np.int8)
        p_lv[ok & (pa == pb)], p_lv[ok & (pa != pb)] = 1, 2
        p_w = np.zeros(P)
        eqi = np.flatnonzero(p_lv == 1)
        if len(eqi):
            voc = lex.v["pos"].array()
            u = np.array([(freq.count("position", voc[x]) + 0.5) / (N + 1) for x in pb[eqi]])
            p_w[eqi] = np.clip(_log2(C.M_RANK_POS / u), 0.0, W.w_pos_max)
        p_w[p_lv == 2] = W.w_pos_conflict
        lv["position"], wt["position"] = p_lv, p_w

        sa, sb = qt["sex"][qi], rt["sex"][ri]
        ok = (sa > 0) & (sb > 0)
        s_lv = np.zeros(P, np.int8)
        s_lv[ok & (sa == sb)], s_lv[ok & (sa != sb)] = 1, 2
        lv["sex"], wt["sex"] = s_lv, np.where(s_lv == 2, W.w_sex_conflict, 0.0)

    def _context(self, lv, wt) -> None:
        unit_strong = np.isin(lv["unit"], (1, 2, 3, 4))
        death_close = np.isin(lv["death_date"], (1, 2, 3))
        home_agree = np.isin(lv["home"], (1, 2, 3, 4, 5, 6, 7, 8))
        a = unit_strong & death_close
        b = unit_strong & home_agree
        c_lv = (a.astype(np.int8) + 2 * b.astype(np.int8)).astype(np.int8)
        lv["context"] = c_lv
        shared = sum(
            np.maximum(wt[f], 0.0) for f in ("home", "birth", "enlistment", "death_place", "burial", "rank")
        )
        wt["context"] = np.where(
            a, self.w.w_comrades_death - (1.0 - self.w.comrades_keep) * shared, 0.0
        ) + np.where(b & ~a, self.w.w_comrades_region, 0.0)

    # -- explanation ---------------------------------------------------------------------------------------------

    def explain(
        self, cmp: Comparison, k: int, qt: FeatureTable, rt: FeatureTable, freq: FrequencyModel
    ) -> list[Evidence]:
        """Evidence items for pair k, strongest first; fields with nothing to compare are left out."""
        return explain_pair(cmp, k, qt, rt, freq)


def _ordinal(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970 (vectorised); only meaningful where y, m, d are all given."""
    months = (np.maximum(y, 1800) - 1970) * 12 + np.maximum(m, 1) - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return days + np.maximum(d, 1) - 1


# ---------------------------------------------------------------------------------------------------------------------
# Vietnamese explanations
# ---------------------------------------------------------------------------------------------------------------------


def _name_obj(t: FeatureTable, row: int, col: str = "name"):
    i = int(t[col][row])
    return t.lex.name_objs[i] if i >= 0 else None


def _title(canon_or_fold: str) -> str:
    from .normalize import TONE_DIGIT

    out = []
    marks = {v: k for k, v in TONE_DIGIT.items()}
    for w in canon_or_fold.split():
        tone = marks.get(w[-1]) if w[-1:].isdigit() else None
        base = w[:-1] if tone else w
        if tone:
            from .normalize import _place_tone

            base = _place_tone(list(base), w[-1])
        out.append(base[:1].upper() + base[1:])
    return " ".join(out)


def _disp_name(n) -> str:
    if n is None:
        return ""
    return _title(" ".join(n.tokens_canon)) if n.marked else _title(n.folded)


def _pct(count: int, total: int) -> str:
    if total <= 0:
        return ""
    share = count / total
    if share >= 0.01:
        return f"{share:.0%} hồ sơ"
    return f"{count}/{total:,} hồ sơ".replace(",", ".")


def _date_str(y: int, m: int, d: int) -> str:
    if d:
        return f"{d:02d}/{m:02d}/{y}"
    if m:
        return f"{m:02d}/{y}"
    return str(y)


def _province_names(codes: frozenset[str]) -> str:
    return " + ".join(sorted(province_name_2025(c) for c in codes))


def _where(pa, pb) -> str:
    """Short place note for a home-place item: the record's province as written, and today's if different
    ("Bắc Thái (1965–1996) → Thái Nguyên + Bắc Kạn", "Nam Định → Ninh Bình (2025)")."""
    if len(pb.province_2024) > 1 or (pb.explanation and "(19" in pb.explanation):
        parts = pb.explanation.split(". ")
        hist = next((x for x in parts[1:] if "→" in x), "")
        if hist and len(hist) < 90:
            return f" ({hist.rstrip('.')})"
    common24 = (pa.province_2024 & pb.province_2024) or pb.province_2024
    old = " + ".join(sorted(province_name_2024(c) for c in common24))
    new = _province_names(frozenset(province_2025_of_2024(c) for c in common24))
    if not old:
        return ""
    return f" ({old})" if old == new else f" ({old} → {new} (2025))"


def explain_pair(
    cmp: Comparison, k: int, qt: FeatureTable, rt: FeatureTable, freq: FrequencyModel
) -> list[Evidence]:
    qa, rb = int(cmp.qi[k]), int(cmp.ri[k])
    out: list[Evidence] = []
    lex = qt.lex

    def add(fieldname: str, text: str) -> None:
        code = int(cmp.levels[fieldname][k])
        w = float(cmp.weights[fieldname][k])
        out.append(Evidence(fieldname, LEVEL_NAMES[fieldname].get(code, "missing"), round(w, 2), text))

    na, nb = _name_obj(qt, qa), _name_obj(rt, rb)
    n_code = int(cmp.levels["name"][k])
    if n_code:
        al = _name_obj(rt, rb, "alias")
        texts = {
            1: f"Họ tên trùng khi bỏ qua dấu cách ({_disp_name(na)} = {_disp_name(nb)})",
            2: f"Họ tên gần giống, lệch một ký tự ({_disp_name(na)} ~ {_disp_name(nb)})",
            3: f"Tên gọi trùng bí danh ({_disp_name(al) or _disp_name(na)})",
            4: f"Tên gọi gần giống bí danh ({_disp_name(na)} ~ {_disp_name(al)})",
        }
        add("name", texts[n_code])
    elif na is not None and nb is not None:
        s = int(cmp.levels["surname"][k])
        if s:
            sa, sb = (
                _title(na.surname_canon if na.marked else na.surname),
                _title(nb.surname_canon if nb.marked else nb.surname),
            )
            add(
                "surname",
                {
                    1: f"Họ trùng: {sb}",
                    2: f"Họ {sa}/{sb} là một họ",
                    3: f"Họ gần giống ({sa} ~ {sb})",
                    4: f"Họ khác ({sa} ≠ {sb})",
                    5: f"Họ khác dấu ({sa} ≠ {sb})",
                }[s],
            )
        g = int(cmp.levels["given"][k])
        if g:
            ga = _title(na.given_canon if na.marked else na.given)
            gb = _title(nb.given_canon if nb.marked else nb.given)
            texts = {
                1: f"Tên trùng: {gb}",
                2: f"Tên trùng khi bỏ dấu: {gb}",
                3: f"Tên khác dấu ({ga} ≠ {gb})",
                4: f"Tên gần giống ({ga} ~ {gb})",
                5: f"Tên hơi giống ({ga} ~ {gb})",
                6: f"Tên khác ({ga} ≠ {gb})",
                7: f"Hai tên phổ biến khác nhau ({ga} ≠ {gb})",
            }
            text = texts[g]
            if g in (1, 2) and freq.total:
                text += f" ({_pct(freq.count('given', nb.given), freq.total)})"
            add("given", text)
        m = int(cmp.levels["middle"][k])
        if m:
            ma = _title(na.middle_canon if na.marked else na.middle)
            mb = _title(nb.middle_canon if nb.marked else nb.middle)
            add(
                "middle",
                {
                    1: f"Tên đệm trùng: {mb}",
                    2: f"Tên đệm trùng một phần ({ma} / {mb})",
                    3: f"Tên đệm gần giống ({ma} ~ {mb})",
                    4: f"Tên đệm khác ({ma} ≠ {mb})",
                }[m],
            )
        elif na.middle == "" and nb.middle:
            out.append(Evidence("middle", "missing", 0.0, "Thiếu tên đệm"))
    b = int(cmp.levels["birth"][k])
    if b:
        ya, yb = int(qt["by"][qa]), int(rt["by"][rb])
        add(
            "birth",
            {
                1: f"Ngày sinh trùng ({_date_str(yb, int(rt['bm'][rb]), int(rt['bd'][rb]))})",
                2: f"Năm sinh trùng ({yb})",
                3: f"Năm sinh lệch 1 năm ({ya}/{yb})",
                4: f"Năm sinh lệch 2 năm ({ya}/{yb})",
                5: f"Năm sinh lệch 3 năm ({ya}/{yb})",
                6: f"Năm sinh khác ({ya}/{yb})",
            }[b],
        )
    h = int(cmp.levels["home"][k])
    if h:
        pb = lex.place_objs[int(rt["home"][rb])]
        pa = lex.place_objs[int(qt["home"][qa])]
        where = _where(pa, pb) if h != 9 else ""
        add(
            "home",
            {
                1: f"Quê quán cùng xã{where}",
                2: f"Quê quán cùng xã/phường (2025){where}",
                3: f"Quê quán khác xã cũ nhưng cùng xã/phường 2025{where}",
                4: f"Quê quán cùng huyện{where}",
                5: f"Quê quán cùng huyện, khác xã{where}",
                6: f"Quê quán cùng tỉnh{where}",
                7: f"Quê quán cùng tỉnh, khác huyện{where}",
                8: f"Quê quán cùng tỉnh theo địa giới 2025{where}",
                9: "Quê quán khác tỉnh",
            }[h],
        )
    u = int(cmp.levels["unit"][k])
    if u:
        ua = lex.unit_objs[int(qt["unit"][qa])].notation()
        ub = lex.unit_objs[int(rt["unit"][rb])].notation()
        add(
            "unit",
            {
                1: f"Cùng hòm thư ({ub})",
                2: f"Cùng đơn vị đến đại đội ({ub})",
                3: f"Cùng đơn vị đến tiểu đoàn ({ub})",
                4: f"Cùng trung đoàn ({ub})",
                5: f"Cùng sư đoàn ({ub})",
                6: f"Cùng trung đoàn, khác đại đội/tiểu đoàn ({ua} / {ub})",
                7: f"Hòm thư khác ({ua} / {ub})",
                8: f"Cùng sư đoàn, khác đơn vị cấp dưới ({ua} / {ub})",
                9: f"Đơn vị khác ({ua} / {ub})",
            }[u],
        )
    d = int(cmp.levels["death_date"][k])
    if d:
        da = _date_str(int(qt["dy"][qa]), int(qt["dm"][qa]), int(qt["dd"][qa]))
        db = _date_str(int(rt["dy"][rb]), int(rt["dm"][rb]), int(rt["dd"][rb]))
        add(
            "death_date",
            {
                1: f"Cùng ngày hy sinh ({db})",
                2: f"Ngày hy sinh lệch vài ngày ({da} / {db})",
                3: f"Cùng tháng hy sinh ({db})",
                4: f"Tháng hy sinh lệch 1 tháng ({da} / {db})",
                5: f"Cùng năm hy sinh ({db})",
                6: f"Cùng năm nhưng khác tháng hy sinh ({da} / {db})",
                7: f"Năm hy sinh lệch 1 năm ({da} / {db})",
                8: f"Thời gian hy sinh khác ({da} / {db})",
            }[d],
        )
    p = int(cmp.levels["death_place"][k])
    if p:
        add(
            "death_place",
            {1: "Cùng nơi hy sinh", 2: "Nơi hy sinh khớp nơi an táng", 3: "Nơi hy sinh khác"}[p],
        )
    bl = int(cmp.levels["burial"][k])
    if bl:
        add("burial", {1: "Cùng nơi an táng", 3: "Nơi an táng khác"}[bl])
    e = int(cmp.levels["enlistment"][k])
    if e:
        add(
            "enlistment",
            {
                1: "Cùng tháng nhập ngũ",
                2: "Cùng năm nhập ngũ",
                3: "Năm nhập ngũ lệch 1 năm",
                4: "Năm nhập ngũ khác",
            }[e],
        )
    r = int(cmp.levels["rank"][k])
    if r:
        ra, rb_ = (
            RANK_NAMES.get(int(qt["rank"][qa]), ("", ""))[1],
            RANK_NAMES.get(int(rt["rank"][rb]), ("", ""))[1],
        )
        add(
            "rank",
            {
                1: f"Cùng cấp bậc ({rb_})",
                2: f"Cấp bậc liền kề ({ra} / {rb_})",
                3: f"Cấp bậc khác ({ra} / {rb_})",
            }[r],
        )
    po = int(cmp.levels["position"][k])
    if po:
        add("position", {1: "Cùng chức vụ", 2: "Chức vụ khác"}[po])
    s = int(cmp.levels["sex"][k])
    if s == 2:
        add("sex", "Giới tính khác")
    c = int(cmp.levels["context"][k])
    if c:
        add(
            "context",
            {
                1: "Đồng đội cùng đơn vị, cùng ngày hy sinh: các trường khác ít phân biệt, giảm trọng số",
                2: "Đơn vị tuyển quân theo vùng: giảm trọng số trùng quê",
                3: "Đồng đội cùng đơn vị, cùng ngày hy sinh: các trường khác ít phân biệt, giảm trọng số",
            }[c],
        )
    out.sort(key=lambda ev: -abs(ev.weight))
    # the items above sum, with this one, to the score
    n = freq.prior_n()
    out.append(
        Evidence(
            "prior",
            "registry_size",
            round(-math.log2(n), 2),
            f"Sổ có {n:,} {freq.prior_noun}: khả năng ban đầu 1/{n:,}".replace(",", "."),
        )
    )
    return out
