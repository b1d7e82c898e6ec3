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

Parts: ``scoring_base`` (fields, levels, default weights, ``Evidence``, ``Comparison``, shared helpers),
``score_names`` (the name: surname, middle, given, whole-name routes), ``score_fields`` (dates, home, unit, weak
fields, the comrades' correction), ``explain`` (the Vietnamese evidence); ``Scorer`` here puts them together.
"""

from __future__ import annotations

import math

import numpy as np

from .explain import explain_pair
from .frequency import FrequencyModel
from .score_fields import FieldScoring
from .score_names import NameScoring
from .scoring_base import (
    FIELDS,
    LEVEL_NAMES,
    Comparison,
    Evidence,
    Weights,
    _Counts,
)
from .table import FeatureTable

__all__ = ["FIELDS", "LEVEL_NAMES", "Comparison", "Evidence", "Scorer", "Weights", "explain_pair"]


class Scorer(NameScoring, FieldScoring):
    """Vectorised comparator. One instance per engine (it caches frequency arrays)."""

    def __init__(self, weights: Weights | None = None) -> None:
        self.w = weights or Weights()
        self._counts = _Counts()
        self._year_cache: dict[tuple[str, int], np.ndarray] = {}
        self._unit_cap_cache: dict[object, object] = {}
        self._class_cache: dict[object, object] = {}

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
        self._unit(qt, qi, rt, ri, freq, lv, wt)
        self._weak(qt, qi, rt, ri, freq, lv, wt)
        self._context(lv, wt)
        total = np.zeros(len(qi), dtype=np.float64)
        for f in FIELDS:
            total += wt[f]
        total -= math.log2(n_total)
        return Comparison(qi, ri, total, lv, wt)

    # -- explanation ---------------------------------------------------------------------------------------------

    def explain(
        self, cmp: Comparison, k: int, qt: FeatureTable, rt: FeatureTable, freq: FrequencyModel
    ) -> list[Evidence]:
        """Evidence items for pair k, strongest first; fields with nothing to compare are left out."""
        return explain_pair(cmp, k, qt, rt, freq)
