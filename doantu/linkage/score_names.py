"""Name comparison of the scorer: surname, middle and given name by their shares, then the whole-name routes
(spaceless, alias) when they beat the parts. A mixin of ``scoring.Scorer`` (its ``w`` weights, ``_counts``)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from . import constants as C
from .frequency import middle_class
from .names import abbreviated_surname, abbreviated_words, is_known_surname
from .scoring_base import (
    NAME_COUNT_CAP_LEVEL,
    Weights,
    _accent_conflicts,
    _Counts,
    _fresh,
    _fuzzy,
    _log2,
    _lost_marks,
    _osa,
)

# Distinct pairs of middle names remembered: the middle names of a registry are a few hundred (a judgement from
# the Vietnamese naming pattern: Văn, Thị, Đình, Hữu, …), so a process meets a few tens of thousands of pairs.
ABBREVIATED_PAIRS_MAX = 50_000


@lru_cache(maxsize=ABBREVIATED_PAIRS_MAX)
def _abbreviates_either(x: str, y: str) -> bool:
    """Does one of two middle names (folded) abbreviate the other word by word (``names.abbreviated_words``)?
    Remembered per pair: a search asks it of hundreds of candidates sharing a few middle names."""
    return abbreviated_words(x, y) or abbreviated_words(y, x)


class NameScoring:
    """Fills ``lv``/``wt`` for "surname", "middle", "given" and "name"."""

    w: Weights
    _counts: _Counts
    _class_cache: dict

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
        idx = np.flatnonzero(s_acc)
        s_lv[idx[_lost_marks(lex.v["surc"], scA[idx], scB[idx])]] = 8  # Luơng / Lương: marks lost (OCR)
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

        # A surname that is not one: abbreviated ("Ng. Văn Xuân", "N.V. Hùng") — it agrees with the surnames it
        # may stand for, weighed by their published share, never more than the whole surname equal would —, or a
        # birth-order word of a name by which a man was called ("anh Tám Quang", "Ba Giang"): nothing to compare.
        idx = np.flatnonzero((s_lv == 3) | (s_lv == 4))  # "V." is one letter from Võ, but no typo of it
        if len(idx):
            called = col("alias_like", na)[idx] != col("alias_like", nb)[idx]
            s_lv[idx[called]], s_w[idx[called]] = 7, 0.0
            idx = idx[~called]
            # per distinct pair of spellings (pairs repeat a lot)
            key = (sA[idx].astype(np.int64) << 32) | sB[idx].astype(np.int64)
            uk, inv = np.unique(key, return_inverse=True)
            voc = lex.v["sur"].array()
            share = np.array(
                [
                    abbreviated_surname(x, y) or abbreviated_surname(y, x)
                    for x, y in zip(voc[uk >> 32], voc[uk & 0xFFFFFFFF], strict=True)
                ],
                dtype=np.float64,
            )[inv]
            k = idx[share > 0]
            s_lv[k] = 6
            s_w[k] = np.clip(_log2(W.m_sur_equal / share[share > 0]), 0.0, np.maximum(w_s_cap[k], 0.0))

        # --- given
        g_lv = np.zeros(P, np.int8)
        g_w = np.zeros(P, np.float64)
        g_ok = has & (vA >= 0) & (vB >= 0)
        u_g = (cnt_giv[vB] + 0.5) / (N + 1)
        u_g_all = u_g
        if C.GIVEN_BY_MIDDLE_CLASS:
            u_g = self._given_class_share(lex, freq, mA, mB, vB, g_ok, u_g)
        w_g_fold = _log2(W.m_giv_folded / u_g)
        w_g_cap = np.minimum(w_g_fold, _log2(W.m_giv_folded / ((cnt_giv[vA] + 0.5) / (N + 1))))
        feq = g_ok & (vA == vB)
        both_marked = mkA & mkB
        exact = feq & both_marked & (cA == cB)
        accent = feq & both_marked & (cA != cB)
        idx = np.flatnonzero(accent)
        accent[idx] = _accent_conflicts(lex.v["givc"], cA[idx], cB[idx])
        folded = feq & ~exact & ~accent
        u_gc = (cnt_givc[cB] + 0.5) / (tot_canon + 1) * (u_g / u_g_all)  # within the class, as u_g is
        g_lv[exact], g_w[exact] = 1, _log2(W.m_giv_exact / u_gc[exact])
        g_lv[folded], g_w[folded] = 2, w_g_fold[folded]
        g_lv[accent], g_w[accent] = 3, _log2(W.m_giv_accent / u_g[accent])
        idx = np.flatnonzero(accent)
        g_lv[idx[_lost_marks(lex.v["givc"], cA[idx], cB[idx])]] = 8  # Cuờng / Cường: marks lost (OCR)
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
            # initials of the middle name ("N.V. Hùng": V for Văn) agree as a part of it
            voc = lex.v["mid"].array()
            part |= np.fromiter(
                (_abbreviates_either(x, y) for x, y in zip(voc[mA[rest]], voc[mB[rest]], strict=True)),
                bool,
                len(rest),
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
        sp_eq = np.flatnonzero(has & (pA == pB) & (pA >= 0) & ~np.isin(g_lv, (3, 8)) & ~np.isin(s_lv, (5, 8)))
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
        self._alias_route(qt, qi, rt, ri, freq, pA, pB, token_w, n_lv, n_w, s_lv == 7)

        use_name = n_lv > 0
        # The name never weighs more than the registry's own count of the record's whole name says
        # (constants.NAME_COUNT_CAP): a name listed c times is carried, as far as N records can tell, by c in N
        # martyrs, however rare its parts multiply out to; namesakes outside the registry share it too. Taken
        # back as a negative "name" item (level "count_cap"), the parts' items kept as they are.
        if C.NAME_COUNT_CAP:
            self._count_cap(lex, freq, pB, n_lv, n_w, token_w)
        capped = n_lv == NAME_COUNT_CAP_LEVEL
        use_name &= ~capped
        # when a whole-name route wins, it replaces the parts (their levels are kept for the explanation)
        lv["surname"], wt["surname"] = s_lv, np.where(use_name, 0.0, s_w)
        lv["middle"], wt["middle"] = m_lv, np.where(use_name, 0.0, m_w)
        lv["given"], wt["given"] = g_lv, np.where(use_name, 0.0, g_w)
        lv["name"], wt["name"] = n_lv, np.where(use_name | capped, n_w, 0.0)

    def _count_cap(self, lex, freq, pB, n_lv, n_w, token_w) -> None:
        """Bring the name's weight down to what the registry's count of the record's whole name allows. Where
        the parts are scored (no whole-name route): level ``count_cap``, and in ``n_w`` the negative weight
        that takes the parts' sum down to the cap. A spaceless route (one side's parts garbled) is capped in
        place. Alias routes are left alone: an alias agreeing is another kind of evidence."""
        N = max(freq.total, 1)
        parts = n_lv == 0
        idx = np.flatnonzero((pB >= 0) & (parts | np.isin(n_lv, (1, 2))))
        if not len(idx):
            return
        # per distinct record name, looked up in the counts (not an array over the whole-name vocabulary, which
        # holds every name of the registry and would be rebuilt after each record added)
        uk, inv = np.unique(pB[idx], return_inverse=True)
        voc = lex.v["sp"].strings
        counts = np.fromiter((freq.count("fullname", voc[x]) for x in uk.tolist()), np.float64, len(uk))[inv]
        W = self.w
        # the m of a name whose every part agrees (given name compared folded, as the whole-name count is):
        # the cap replaces the parts' u by the count's share, never their m
        cap = _log2(W.m_sur_equal * W.m_mid_equal * W.m_giv_folded / ((counts + 0.5) / (N + 1)))
        have = np.where(parts[idx], token_w[idx], n_w[idx])
        over = have > cap
        k, cap, have = idx[over], cap[over], have[over]
        on_parts = parts[k]
        n_w[k] = np.where(on_parts, cap - have, cap)
        n_lv[k[on_parts]] = NAME_COUNT_CAP_LEVEL

    def _given_class_share(self, lex, freq, mA, mB, vB, g_ok, u_g: np.ndarray) -> np.ndarray:
        """u of a given name agreement where both names give a middle name of one class (Thị or not): the given
        name's share among the registry's records of that class (constants.GIVEN_BY_MIDDLE_CLASS)."""
        cache = _fresh(self._class_cache, lex, freq)
        idx = np.flatnonzero(g_ok & (mA >= 0) & (mB >= 0))
        if not len(idx) or freq.kind_total("middle_class") != freq.kind_total("given"):
            # counts without the classes (a table not rebuilt since they were added, partly filled by later
            # edits) would make every given name look common within a class of a few records: overall share
            return u_g
        mid_voc, giv_voc = lex.v["mid"].strings, lex.v["giv"].strings
        out = u_g.copy()
        for k, a, b, g in zip(
            idx.tolist(), mA[idx].tolist(), mB[idx].tolist(), vB[idx].tolist(), strict=True
        ):
            ca, cb = cache.get(("m", a)), cache.get(("m", b))
            if ca is None:
                ca = cache[("m", a)] = middle_class(mid_voc[a])
            if cb is None:
                cb = cache[("m", b)] = middle_class(mid_voc[b])
            if ca != cb:
                continue
            hit = cache.get((cb, g))
            if hit is None:
                total = freq.count("middle_class", cb)
                hit = cache[(cb, g)] = (freq.count("given_class", f"{cb}:{giv_voc[g]}") + 0.5) / (total + 1)
            out[k] = hit
        return out

    def _alias_route(self, qt, qi, rt, ri, freq, pA, pB, token_w, n_lv, n_w, called) -> None:
        """``called``: pairs where one side is a name a man was called by (birth order + given name), whose parts
        compare only the given name: an alias equal to it is the stronger evidence whatever the parts weigh."""
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
            if w > max(token_w[k], n_w[k]) or (called[k] and w > n_w[k]):
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
