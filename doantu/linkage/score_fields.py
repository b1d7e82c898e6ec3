"""Comparison of everything but the name: dates, home place, unit, the weak fields and the comrades'
correction. A mixin of ``scoring.Scorer`` (its ``w`` weights, ``_year_cache``)."""

from __future__ import annotations

import math

import numpy as np

from . import constants as C
from .frequency import FrequencyModel
from .scoring_base import (
    UNIT,
    Weights,
    _fresh,
    _log2,
    _overlap,
)
from .units import unit_keys


class FieldScoring:
    """Fills ``lv``/``wt`` for every field but the name's."""

    w: Weights
    _year_cache: dict
    _unit_cap_cache: dict

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
        far = ok & (dy >= C.BIRTH_FAR_YEARS)
        idx = np.flatnonzero(far)
        far[idx] = ~_year_slip(yA[idx], yB[idx])
        conds.append((far, 7, np.full(len(qi), math.log2(W.m_birth_far / C.U_BIRTH_FAR))))
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

    def _unit(self, qt, qi, rt, ri, freq, lv, wt) -> None:
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
        w = table[lvl]
        # an agreement weighs no more than the share of records carrying that unit makes it (constants.M_UNIT)
        agree = np.flatnonzero((lvl >= 1) & (lvl <= 5))
        if len(agree):
            w[agree] = np.minimum(w[agree], self._unit_caps(lex, freq, b[agree], lvl[agree]))
        u_lv[ok], u_w[ok] = lvl, w

    def _unit_caps(self, lex, freq: FrequencyModel, rows: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """log2(M_UNIT / u) per (record unit row, agreement level), u smoothed towards the fixed weight's share."""
        cache = _fresh(self._unit_cap_cache, lex, freq)
        n = max(freq.total, 0)
        prior = C.UNIT_PRIOR_RECORDS
        out = np.empty(len(rows))
        for i, (r, level) in enumerate(zip(rows.tolist(), levels.tolist(), strict=True)):
            hit = cache.get((r, level))
            if hit is None:
                key = unit_keys(lex.unit_objs[r]).get(level)
                fixed = self.w.w_unit[UNIT[level]]
                if key is None:
                    hit = fixed
                else:
                    u0 = C.M_UNIT / 2.0**fixed
                    u = (freq.count("unit", key) + prior * u0) / (n + prior)
                    hit = math.log2(C.M_UNIT / u)
                cache[(r, level)] = hit
            out[i] = hit
        return out

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


def _ordinal(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970 (vectorised); only meaningful where y, m, d are all given."""
    months = (np.maximum(y, 1800) - 1970) * 12 + np.maximum(m, 1) - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return days + np.maximum(d, 1) - 1


def _year_slip(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise: are two different years one written slip apart — one digit wrong (a typo, or a digit misread on a
    scanned list: 1935 / 1945, 1968 / 1963) or two neighbouring digits swapped (1962 / 1926)?"""
    da = np.stack([(a // 10**i) % 10 for i in range(3, -1, -1)], axis=1)
    db = np.stack([(b // 10**i) % 10 for i in range(3, -1, -1)], axis=1)
    diff = da != db
    one = diff.sum(axis=1) == 1
    swap = np.zeros(len(a), dtype=bool)
    for i in range(3):
        rest = np.delete(diff, [i, i + 1], axis=1).any(axis=1)
        swap |= (da[:, i] == db[:, i + 1]) & (da[:, i + 1] == db[:, i]) & diff[:, i] & ~rest
    return one | swap
