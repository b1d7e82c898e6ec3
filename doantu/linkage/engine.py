"""Search and deduplication over a registry.

Two engines share the scorer and the decision rules:

``MemoryEngine`` — everything in this process (columnar table + CSR key index): the CLI and the benchmarks.
    ``MemoryEngine.from_records(records)``; ``add(record)`` / ``remove(record_id)`` keep it current in microseconds.

``Engine(store, source, freq)`` — for a deployment that keeps its state elsewhere:
    ``store``  a ``CandidateStore`` (blocking keys, e.g. a database table shared by all web workers),
    ``source`` a ``RecordSource`` (``fetch(ids) -> Iterable[Record]``, e.g. one SQL query by primary key),
    ``freq``   a ``FrequencyModel`` (counts loaded from a table, updated with the records).
    A search is one ``store.lookup`` plus one ``source.fetch``: two SQL queries.

Both expose ``search(query, top=10) -> list[Candidate]`` and ``dedupe() -> DedupeResult``.

Decisions
---------
A candidate's score is the log2 posterior odds that it is the person sought (see :mod:`scoring`). Candidates that
are themselves duplicates of one another (the same martyr listed twice) are grouped into one *entity*; the
probability of the best entity is ``2^s / (1 + Σ_entities 2^s')`` — the "1" being "none of them". So a strong
candidate with an equally strong namesake next to it gets ~50% and is **not** a ``match``; a lone strong
candidate is. ``match`` needs that probability ≥ ``Decisions.match_probability``; ``possible`` needs a score ≥
``possible_score``. Pairs in deduplication are ``match`` above ``dup_match_score`` unless a record has competing
partners that are not duplicates of each other (namesakes), and ``possible`` above ``dup_possible_score``.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import attrgetter
from typing import Protocol

import numpy as np

from . import constants as C
from .frequency import FrequencyModel
from .index import CandidateStore, MemoryIndex, PairSpec, key_hash, kind_codes, unpack_pairs
from .keys import DEDUPE_KINDS, query_keys, record_keys
from .names import AS_WRITTEN, other_readings
from .records import RECORD_FIELDS, Features, Record, prepare
from .scoring import Comparison, Evidence, Scorer
from .table import FeatureTable

__all__ = ["Candidate", "Decisions", "DedupeResult", "Engine", "MemoryEngine", "RecordSource"]


@dataclass(frozen=True)
class Decisions:
    """Thresholds; defaults and where each comes from in :mod:`doantu.linkage.constants`."""

    match_probability: float = C.MATCH_PROBABILITY
    possible_score: float = C.POSSIBLE_SCORE
    dup_match_score: float = C.DUP_MATCH_SCORE
    dup_possible_score: float = C.DUP_POSSIBLE_SCORE
    dup_ambiguity_margin: float = C.DUP_AMBIGUITY_MARGIN
    max_candidates: int = C.MAX_CANDIDATES
    max_postings: int = C.MAX_POSTINGS
    dedupe_block_max: int = C.DEDUPE_BLOCK_MAX  # blocks up to this size are paired exhaustively ...
    dedupe_window: int = C.DEDUPE_WINDOW  # ... bigger ones by a sliding window of this width over date order
    group_top: int = C.GROUP_TOP  # how many leading candidates are checked for being duplicates of each other


@dataclass
class Candidate:
    record_id: str
    score: float
    decision: str  # 'match' | 'possible' | ''
    probability: float
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class DedupeResult:
    pairs: list[tuple[str, str, float, str]]  # (record_a, record_b, score, decision), best first
    clusters: list[list[str]]  # records linked by 'match' pairs, 2+ per cluster


class RecordSource(Protocol):
    def fetch(self, ids: Sequence[str]) -> Iterable[Record]: ...


@lru_cache(maxsize=1_000_000)
def _hash(key: str) -> int:
    return key_hash(key)


def _entity_probabilities(
    scores: np.ndarray, same: Callable[[np.ndarray, np.ndarray], np.ndarray], d: Decisions
) -> tuple[np.ndarray, np.ndarray]:
    """Group leading candidates that are duplicates of each other; return (entity id, entity probability).

    Only candidates that could matter are grouped: the first ``group_top`` within 15 bits of the best (2^-15 of
    its probability mass cannot change a decision).
    """
    n = len(scores)
    ent = np.arange(n)
    if n > 1:
        lead = int(np.sum(scores[: d.group_top] >= scores[0] - C.GROUP_WITHIN_BITS))
        if lead > 1:
            ii, jj = np.triu_indices(lead, k=1)
            linked = same(ii, jj)
            for i, j, ok in zip(ii.tolist(), jj.tolist(), linked.tolist(), strict=True):
                if ok and ent[j] == j and ent[i] == i:
                    ent[j] = i
    best: dict[int, float] = {}
    for i in range(n):
        e = int(ent[i])
        best[e] = max(best.get(e, -1e9), float(scores[i]))
    m = max(best.values()) if best else 0.0
    # softmax with a "none of them" option of log-odds 0, computed stably
    denom = math.exp2(-m) + sum(math.exp2(s - m) for s in best.values())
    prob = np.array([math.exp2(best[int(ent[i])] - m) / denom for i in range(n)])
    return ent, prob


def _decide(
    scores: np.ndarray, ent: np.ndarray, prob: np.ndarray, name_ok: np.ndarray, d: Decisions
) -> list[str]:
    out = []
    top_ent = int(ent[0]) if len(ent) else -1
    for i in range(len(scores)):
        if int(ent[i]) == top_ent and prob[i] >= d.match_probability and name_ok[i]:
            out.append("match")
        elif scores[i] >= d.possible_score:
            out.append("possible")
        else:
            out.append("")
    return out


@dataclass(frozen=True)
class Reading:
    """Another reading of the query's name (``names.other_readings``): the query with its name rewritten in that
    order, and how many bits less likely the reading is than the one the query is read by."""

    features: Features
    name: str
    bits: float

    def evidence(self) -> Evidence:
        shown = self.name.removeprefix(AS_WRITTEN)
        return Evidence(
            "name",
            "order",
            -self.bits,
            f"Họ tên đọc theo thứ tự khác: {shown} (ít khả năng hơn cách đọc đầu, trừ {self.bits:.1f})",
        )


def other_readings_of(query: Record, f: Features) -> list[Reading]:
    """The query's name under its other plausible readings, each one that parses differently from ``f`` and
    from the others (``constants.READING_MAX_BITS``, ``READING_MAX``)."""
    out: list[Reading] = []
    seen = {f.name.tokens}
    for name, bits in other_readings(query.full_name):
        g = prepare(replace(query, full_name=name))
        if g.name.tokens not in seen:
            seen.add(g.name.tokens)
            out.append(Reading(g, name, bits))
    return out


def _pairs(first: int, nq: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``_rank`` scores: each of the ``nq`` query rows from ``first`` (a query, then its name's other
    readings) against every row of ``rows``, reading by reading."""
    return np.repeat(np.arange(first, first + nq, dtype=np.int64), len(rows)), np.tile(rows, nq)


class _Base:
    scorer: Scorer
    decisions: Decisions
    freq: FrequencyModel

    def _neighbours(self, given: str) -> list[str]:
        # registry given names one typo away; very short names have too many neighbours to be useful
        return self.freq.neighbours("given", given) if len(given) >= 3 else []

    def _rank(
        self,
        qt: FeatureTable,
        rt: FeatureTable,
        rows: np.ndarray,
        ids: Callable[[int], str],
        top: int,
        explain: bool,
        exclude: str | None = None,
        readings: Sequence[Reading] = (),
        first: int = 0,
        cmp: Comparison | None = None,
    ) -> list[Candidate]:
        """Score ``rows`` of ``rt`` against the query (row ``first`` of ``qt``; with ``readings``, the rows after
        it are the name's other readings: each record keeps its best score over the readings, a reading's score
        lowered by its bits), group listings of one person, decide, explain. ``cmp``: those pairs compared
        already (``_pairs``, ``Engine.search_many``)."""
        if not len(rows):
            return []
        n, nq = len(rows), 1 + len(readings)
        if cmp is None:
            qi, ri = _pairs(first, nq, rows)
            cmp = self.scorer.compare(qt, qi, rt, ri, self.freq)
        total = cmp.total
        if nq > 1:
            penalty = np.repeat(np.array([0.0, *(r.bits for r in readings)]), n)
            total = (total - penalty).reshape(nq, n)
            pair = total.argmax(axis=0) * n + np.arange(n)  # the pair (reading, row) each row is scored by
            total = total.reshape(-1)[pair]
        else:
            pair = np.arange(n)
        order = np.argsort(-total, kind="stable")
        if exclude is not None:
            order = np.array([k for k in order if ids(int(rows[k])) != exclude], dtype=np.int64)
        keep = order[: max(top, self.decisions.group_top)]
        scores = total[keep]
        lead = rows[keep]
        keep = pair[keep]  # from here on, indices of pairs in ``cmp``

        def same(i: np.ndarray, j: np.ndarray) -> np.ndarray:
            c = self.scorer.compare(rt, lead[i], rt, lead[j], self.freq)
            return (c.total >= self.decisions.dup_match_score) & c.name_agrees()

        ent, prob = _entity_probabilities(scores, same, self.decisions)
        dec = _decide(scores, ent, prob, cmp.name_agrees()[keep], self.decisions)
        out = []
        for pos in range(min(top, len(keep))):
            k = int(keep[pos])
            ev = self.scorer.explain(cmp, k, qt, rt, self.freq) if explain else []
            reading = int(cmp.qi[k]) - first
            if explain and reading:
                ev.append(readings[reading - 1].evidence())
            out.append(
                Candidate(ids(int(lead[pos])), round(float(scores[pos]), 3), dec[pos], float(prob[pos]), ev)
            )
        return out


class MemoryEngine(_Base):
    """In-process engine: columnar table + CSR index. Build with ``from_records``; keep current with add/remove."""

    def __init__(self, scorer: Scorer | None = None, decisions: Decisions | None = None) -> None:
        self.scorer = scorer or Scorer()
        self.decisions = decisions or Decisions()
        self.table = FeatureTable()
        self.index = MemoryIndex()
        self.freq = FrequencyModel()
        self._features_of_row: dict[int, Features] | None = (
            None  # only kept for rows added live (for removal)
        )

    # -- building and maintenance --------------------------------------------------------------------------------

    @classmethod
    def from_records(
        cls,
        records: Iterable[Record],
        scorer: Scorer | None = None,
        decisions: Decisions | None = None,
        workers: int = 1,
        chunk: int = 20_000,
    ) -> MemoryEngine:
        """Build from records (any iterable: streamed in chunks).

        With ``workers > 1`` chunks are prepared in forked worker processes — parsing names, resolving places
        and computing keys is where the time goes — and merged here in order, so the result is identical to a
        one-process build.
        """
        eng = cls(scorer, decisions)
        chunks = _chunks(records, chunk)
        if workers > 1 and can_fork():
            with _fork_pool(workers) as pool:
                for part in pool.imap(_build_chunk, chunks):
                    eng._merge_part(part)
        else:
            for c in chunks:
                eng._merge_part(_build_chunk(c))
        eng.index.build()
        eng.table.cols.flush()
        eng.table.live()
        return eng

    @classmethod
    def from_csv(
        cls,
        path: str,
        scorer: Scorer | None = None,
        decisions: Decisions | None = None,
        workers: int = 1,
        parts_per_worker: int = 3,
    ) -> MemoryEngine:
        """Build from a CSV file; with ``workers > 1`` each worker reads and prepares its own byte range of the
        file (nothing but the finished parts crosses between processes), merged here in file order."""
        from .csvio import inspect_csv, read_records, split_ranges

        if workers <= 1 or str(path) == "-" or not can_fork():
            return cls.from_records(read_records(path), scorer, decisions)
        layout = inspect_csv(path)
        ranges = split_ranges(layout, workers * parts_per_worker)
        eng = cls(scorer, decisions)
        with _fork_pool(workers) as pool:
            for part in pool.imap(_build_range, [(layout, *r) for r in ranges]):
                eng._merge_part(part)
        eng.index.build()
        eng.table.cols.flush()
        eng.table.live()
        return eng

    def _merge_part(self, part: tuple[FeatureTable, FrequencyModel, np.ndarray, np.ndarray]) -> None:
        table, freq, hashes, rows = part
        offset = self.table.merge(table)
        self.freq.merge(freq)
        self.index.add_bulk(hashes, rows.astype(np.int64) + offset)

    def add(self, record: Record) -> None:
        """Add or replace (same id) one record; visible to the next search immediately."""
        f = prepare(record)
        old = self.table.row_of.get(f.id)
        if old is not None:
            self._retire_row(old)
        row = self.table.append(f)
        self.freq.add(f)
        self.index.add(row, (_hash(k) for k in record_keys(f)))
        if self._features_of_row is None:
            self._features_of_row = {}
        self._features_of_row[row] = f

    def remove(self, record_id: str) -> None:
        row = self.table.row_of.get(record_id)
        if row is not None:
            self._retire_row(row)

    def _retire_row(self, row: int) -> None:
        f = (self._features_of_row or {}).pop(row, None)
        if f is None:
            f = self._features_from_row(row)
        self.freq.remove(f)
        self.table.retire(row)

    def _features_from_row(self, row: int) -> Features:
        """Rebuild the frequency-relevant parts of a bulk-loaded row (bulk rows keep no Python objects)."""
        from .dates import PartialDate
        from .names import parse_name
        from .places import HomePlace
        from .units import Unit

        t, lex = self.table, self.table.lex
        ni, ai, hi = int(t["name"][row]), int(t["alias"][row]), int(t["home"][row])
        pos, ui = int(t["pos"][row]), int(t["unit"][row])
        return Features(
            id=t.ids[row],
            name=lex.name_objs[ni] if ni >= 0 else parse_name(""),
            alias=lex.name_objs[ai] if ai >= 0 else parse_name(""),
            sex=int(t["sex"][row]),
            birth=PartialDate(int(t["by"][row])),
            home=lex.place_objs[hi] if hi >= 0 else HomePlace(),
            home_text="",
            enlistment=PartialDate(),
            unit=lex.unit_objs[ui] if ui >= 0 else Unit(),
            rank=int(t["rank"][row]),
            position=lex.v["pos"].strings[pos] if pos >= 0 else "",
            death=PartialDate(int(t["dy"][row])),
            death_place=frozenset(),
            burial_place=frozenset(),
        )

    def __len__(self) -> int:
        return int(self.table.live().sum())

    # -- search --------------------------------------------------------------------------------------------------

    def candidates(self, f: Features) -> np.ndarray:
        """Rows worth scoring for a query, best pre-ranked first (at most ``max_candidates``)."""
        qk = query_keys(f, self._neighbours)
        if not qk:
            return np.zeros(0, np.int64)
        post = self.index.lookup([_hash(k) for k, _ in qk], self.decisions.max_postings)
        parts, wts = [], []
        for (_, w), rows in zip(qk, post, strict=True):
            if rows is not None and len(rows):
                parts.append(rows)
                wts.append(np.full(len(rows), w))
        if not parts:
            return np.zeros(0, np.int64)
        rows = np.concatenate(parts)
        w = np.concatenate(wts)
        uniq, inv = np.unique(rows, return_inverse=True)
        pre = np.bincount(inv, weights=w)
        alive = self.table.live()[uniq]
        uniq, pre = uniq[alive], pre[alive]
        m = self.decisions.max_candidates
        if len(uniq) > m:
            sel = np.argpartition(-pre, m)[:m]
            uniq, pre = uniq[sel], pre[sel]
        return uniq[np.argsort(-pre, kind="stable")].astype(np.int64)

    def search(
        self, query: Record, top: int = 10, explain: bool = True, exclude: str | None = None
    ) -> list[Candidate]:
        """Top candidates for a query. ``exclude``: a record id to leave out (the query's own registry row)."""
        f = prepare(query)
        readings = other_readings_of(query, f)
        qt = FeatureTable(self.table.lex, capacity=1 + len(readings))
        qt.append(f)
        rows = self.candidates(f)
        if readings:
            parts = [rows]
            for r in readings:
                qt.append(r.features)
                parts.append(self.candidates(r.features))
            rows = np.concatenate(parts)
            rows = rows[np.sort(np.unique(rows, return_index=True)[1])]  # each row once, first place kept
        return self._rank(
            qt,
            self.table,
            rows,
            lambda r: self.table.ids[r],
            top,
            explain,
            exclude=exclude,
            readings=readings,
        )

    # -- deduplication -------------------------------------------------------------------------------------------

    def candidate_pairs(self) -> np.ndarray:
        """Row pairs worth scoring for deduplication (see ``dedupe_specs``), packed ``a << 32 | b``."""
        return self.index.block_pairs(dedupe_specs(self.table, self.decisions))

    def score_pairs(
        self, a: np.ndarray, b: np.ndarray, chunk: int = 200_000
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores and name-agreement flags of row pairs, computed in chunks to bound memory."""
        out = np.empty(len(a), dtype=np.float32)
        ok = np.empty(len(a), dtype=bool)
        for s in range(0, len(a), chunk):
            c = self.scorer.compare(self.table, a[s : s + chunk], self.table, b[s : s + chunk], self.freq)
            out[s : s + chunk] = c.total
            ok[s : s + chunk] = c.name_agrees()
        return out, ok

    def dedupe(self, workers: int = 1, chunk: int = 200_000) -> DedupeResult:
        packed = self.candidate_pairs()
        a, b, scores, name_ok = _parallel_scores(
            self, packed, workers, chunk, self.decisions.dup_possible_score
        )
        del packed
        return _dedupe_decisions(
            a, b, scores, name_ok, lambda r: self.table.ids[r], self.decisions, self._pair_score_rows
        )

    def score_packed(
        self, packed: np.ndarray, min_score: float, chunk: int = 200_000
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Score packed pairs chunk by chunk, keeping only live pairs scoring ``min_score`` or more."""
        alive = self.table.live()
        keep_a, keep_b, keep_s, keep_ok = [], [], [], []
        for s in range(0, len(packed), chunk):
            a, b = unpack_pairs(packed[s : s + chunk])
            live = alive[a] & alive[b]
            a, b = a[live], b[live]
            sc, ok = self.score_pairs(a, b, chunk)
            k = sc >= min_score
            keep_a.append(a[k])
            keep_b.append(b[k])
            keep_s.append(sc[k])
            keep_ok.append(ok[k])
        if not keep_a:
            e = np.zeros(0, np.int64)
            return e, e, np.zeros(0, np.float32), np.zeros(0, bool)
        return np.concatenate(keep_a), np.concatenate(keep_b), np.concatenate(keep_s), np.concatenate(keep_ok)

    def _pair_score_rows(self, x: int, y: int) -> float:
        c = self.scorer.compare(self.table, np.array([x]), self.table, np.array([y]), self.freq)
        return float(c.total[0])

    def explain_pair(self, id_a: str, id_b: str) -> tuple[float, list[Evidence]]:
        ra, rb = self.table.row_of[id_a], self.table.row_of[id_b]
        c = self.scorer.compare(self.table, np.array([ra]), self.table, np.array([rb]), self.freq)
        return float(c.total[0]), self.scorer.explain(c, 0, self.table, self.table, self.freq)

    def stats(self) -> dict[str, int]:
        return {
            "records": len(self),
            "postings": len(self.index),
            "index_bytes": self.index.nbytes(),
            "table_bytes": self.table.nbytes() + self.table.lex.nbytes(),
        }


def dedupe_specs(table: FeatureTable, d: Decisions) -> list[PairSpec]:
    """Blocking for deduplication. Two listings of one martyr share the surname (after typo correction) and
    given name plus one of birth year, death year, province or regiment — or the surname plus the exact date of
    death, the commune or the company (a typo in the given name). Given-name keys are split by surname group
    here, and blocks too big to pair exhaustively are walked in date order with a sliding window."""
    names = table.lex.names
    nrow = table["name"]
    surg = np.where(nrow >= 0, names["surg"][np.maximum(nrow, 0)], -1)
    death = (
        table["dy"].astype(np.int64) * 400 + table["dm"].astype(np.int64) * 32 + table["dd"].astype(np.int64)
    )
    birth = table["by"].astype(np.int64)
    cap, win = d.dedupe_block_max, d.dedupe_window
    return [
        PairSpec("y", refine=surg, order=death, cap=cap, window=win),
        PairSpec("d", refine=surg, order=birth, cap=cap, window=win),
        PairSpec("p", refine=surg, order=death, cap=cap, window=win),
        PairSpec("u", refine=surg, order=death, cap=cap, window=win),
        PairSpec("s", order=death, cap=cap // 2, window=win // 2),
        PairSpec("a", order=death, cap=cap // 2, window=win // 2),
        PairSpec("x", order=birth, cap=cap, window=win),
        PairSpec("w", order=death, cap=cap, window=win),
        PairSpec("v", order=death, cap=cap, window=win),
    ]


# -- parallel build -------------------------------------------------------------------------------------------------


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    buf: list[Record] = []
    for r in records:
        buf.append(r)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def _build_range(task) -> tuple[FeatureTable, FrequencyModel, np.ndarray, np.ndarray]:
    from .csvio import read_range

    layout, start, end, first_row = task
    return _build_chunk(read_range(layout, start, end, first_row))


def _build_chunk(records: Iterable[Record]) -> tuple[FeatureTable, FrequencyModel, np.ndarray, np.ndarray]:
    """Prepare a chunk into its own small table, counts and postings (run in a worker, merged by the parent)."""
    records = list(records)
    table = FeatureTable(capacity=len(records))
    freq = FrequencyModel()
    hashes: list[int] = []
    counts: list[int] = []
    codes = kind_codes()
    low = (1 << 56) - 1
    for rec in records:
        f = prepare(rec)
        table.append(f)
        freq.add(f)
        ks = record_keys(f)
        # key_hash inlined (kinds are one letter): this loop runs ~13 million times for a national registry
        hashes.extend([(codes[k[0]] << 56) | (hash(k) & low) for k in ks])
        counts.append(len(ks))
    rows = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    return table, freq, np.array(hashes, dtype=np.int64), rows


def default_signals() -> None:
    """In a pool worker: the default action for SIGTERM/SIGINT, whatever handlers the parent had installed (a
    task worker's graceful shutdown, say); otherwise the pool's terminate() cannot end an idle worker."""
    import signal

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)


def _fork_pool(workers: int):
    import multiprocessing as mp

    return mp.get_context("fork").Pool(workers, initializer=default_signals)


def can_fork() -> bool:
    """Whether worker processes may be forked from here. Forking a process that runs other threads can leave
    the child waiting forever on a lock one of those threads held (seen once under pytest); such a caller
    (a web or task worker with threads) gets the one-process path, whose result is identical."""
    return hasattr(os, "fork") and threading.active_count() == 1


# -- parallel pair scoring (fork: workers share the built engine copy-on-write) -------------------------------------

_WORKER_ENGINE: MemoryEngine | None = None
_WORKER_PAIRS: np.ndarray | None = None
_WORKER_MIN: float = 0.0


def _score_slice(bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    assert _WORKER_ENGINE is not None and _WORKER_PAIRS is not None
    s, e = bounds
    return _WORKER_ENGINE.score_packed(_WORKER_PAIRS[s:e], _WORKER_MIN)


def _parallel_scores(
    eng: MemoryEngine, packed: np.ndarray, workers: int, chunk: int, min_score: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Score packed pairs, in forked workers when it pays; only pairs scoring ``min_score`` or more come back."""
    if workers <= 1 or len(packed) < 4 * chunk or not can_fork():
        return eng.score_packed(packed, min_score, chunk)

    global _WORKER_ENGINE, _WORKER_PAIRS, _WORKER_MIN
    _WORKER_ENGINE, _WORKER_PAIRS, _WORKER_MIN = eng, packed, min_score
    # warm lazily built caches (frequency arrays, typo index) once, before forking, so workers share them
    eng.score_packed(packed[:1000], min_score)
    bounds = [(s, min(s + chunk, len(packed))) for s in range(0, len(packed), chunk)]
    try:
        with _fork_pool(workers) as pool:
            parts = pool.map(_score_slice, bounds, chunksize=4)
    finally:
        _WORKER_ENGINE, _WORKER_PAIRS = None, None
    if not parts:
        e = np.zeros(0, np.int64)
        return e, e, np.zeros(0, np.float32), np.zeros(0, bool)
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(4))  # type: ignore[return-value]


def _dedupe_decisions(
    a: np.ndarray,
    b: np.ndarray,
    scores: np.ndarray,
    name_ok: np.ndarray,
    ids: Callable[[int], str],
    d: Decisions,
    pair_score: Callable[[int, int], float],
) -> DedupeResult:
    """Turn scored pairs into decisions and clusters.

    A pair above ``dup_match_score`` is downgraded to ``possible`` when one of its records has another partner
    scoring within ``dup_ambiguity_margin`` that is *not* a duplicate of the first partner: two namesakes
    competing for one record is exactly the case a person must look at.
    """
    order = np.argsort(-scores, kind="stable")
    a, b, scores, name_ok = a[order], b[order], scores[order], name_ok[order]
    partners: dict[int, list[tuple[int, float]]] = {}
    for x, y, s in zip(a.tolist(), b.tolist(), scores.tolist(), strict=True):
        if s >= d.dup_match_score - d.dup_ambiguity_margin:
            partners.setdefault(x, []).append((y, s))
            partners.setdefault(y, []).append((x, s))
    cache: dict[tuple[int, int], float] = {}

    def linked(x: int, y: int) -> bool:
        key = (min(x, y), max(x, y))
        if key not in cache:
            cache[key] = pair_score(*key)
        return cache[key] >= d.dup_match_score

    def ambiguous(x: int, y: int, s: float) -> bool:
        for z, sz in partners.get(x, []):
            if z != y and sz >= s - d.dup_ambiguity_margin and not linked(y, z):
                return True
        return False

    out: list[tuple[str, str, float, str]] = []
    parent: dict[int, int] = {}  # union-find over records joined by 'match' pairs

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y, s, nok in zip(a.tolist(), b.tolist(), scores.tolist(), name_ok.tolist(), strict=True):
        if s >= d.dup_match_score and nok and not (ambiguous(x, y, s) or ambiguous(y, x, s)):
            dec = "match"
            parent.setdefault(x, x)
            parent.setdefault(y, y)
            rx, ry = find(x), find(y)
            if rx != ry:
                parent[rx] = ry
        elif s >= d.dup_possible_score:
            dec = "possible"
        else:
            continue
        ia, ib = ids(x), ids(y)
        if ia > ib:
            ia, ib = ib, ia
        out.append((ia, ib, round(float(s), 3), dec))
    groups: dict[int, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(ids(x))
    clusters = sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0])
    return DedupeResult(out, clusters)


# -- the generic engine over external state ------------------------------------------------------------------------


@lru_cache(maxsize=20_000)
def _prepare_values(values: tuple[str, ...]) -> Features:
    return prepare(Record(*values))


def _prepared(record: Record) -> Features:
    """``prepare`` with a per-process memory of the records seen lately, keyed by every field (id included),
    so an edited record is prepared afresh: the same candidates come back page after page (a tip's page, then
    its link decision; a search refined). 20,000 records is 50 searches' worth (an estimate: ~1 KB each). Callers
    must not change the ``Features`` returned (they are shared), which no part of the engine does."""
    return _prepare_values(_record_values(record))


_record_values = attrgetter(*RECORD_FIELDS)  # a record's fields as a tuple, in ``Record``'s order


class Engine(_Base):
    """Search/dedupe over a ``CandidateStore`` + ``RecordSource`` + ``FrequencyModel`` kept elsewhere."""

    def __init__(
        self,
        store: CandidateStore,
        source: RecordSource,
        freq: FrequencyModel,
        scorer: Scorer | None = None,
        decisions: Decisions | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.freq = freq
        self.scorer = scorer or Scorer()
        self.decisions = decisions or Decisions()

    # maintenance: call on create / update / delete of a record
    def add(self, record: Record) -> Features:
        f = prepare(record)
        self.store.add(record.id, record_keys(f))
        self.freq.add(f)
        return f

    def remove(self, record: Record) -> None:
        self.store.remove(record.id)
        self.freq.remove(prepare(record))

    def _records_table(self, ids: Sequence[str]) -> tuple[FeatureTable, list[str]]:
        """The records ``ids`` fetched, prepared and put in a table over a new lexicon, with the ids found (a
        subclass may keep a lexicon and the rows it made over it)."""
        return self._table_of(self.source.fetch(list(ids)))

    def _table_of(self, records: Iterable[Record]) -> tuple[FeatureTable, list[str]]:
        """Records as fetched, prepared and put in a table over a new lexicon, in their order, with their ids."""
        rt = FeatureTable()
        got = [_prepared(r) for r in records]
        for f in got:
            rt.append(f)
        return rt, [f.id for f in got]

    def _fetch_each(self, wanted: Sequence[Sequence[str]]) -> list[list[Record]]:
        """Each list of ids fetched, in the order ``source.fetch`` gives for that list alone. A source whose
        order is one fixed order of its records, whatever ids are asked (``fixed_order``), is read once for all
        the lists, each list's records taken from that in its order: the same records in the same order as its
        own fetch (the order breaks score ties: ``_rank`` sorts stably)."""
        if len(wanted) > 1 and getattr(self.source, "fixed_order", False):
            union = list(dict.fromkeys(i for ids in wanted for i in ids))
            fetched = list(self.source.fetch(union)) if union else []
            return [[r for r in fetched if r.id in ids] for ids in map(set, wanted)]
        return [list(self.source.fetch(list(ids))) if ids else [] for ids in wanted]

    def _pre_ranked(self, f: Features) -> list[str]:
        """The ids worth scoring for a query's features, best pre-ranked first (at most ``max_candidates``)."""
        qk = query_keys(f, self._neighbours)
        ranked = getattr(self.store, "ranked", None)  # a store that can pre-rank itself (in SQL) does
        if ranked is not None:
            return list(ranked(qk, self.decisions.max_postings, self.decisions.max_candidates))
        post = self.store.lookup([k for k, _ in qk], self.decisions.max_postings)
        weight = dict(qk)
        pre: dict[str, float] = {}
        for k, ids in post.items():
            for i in ids:
                pre[i] = pre.get(i, 0.0) + weight.get(k, 0.0)
        return sorted(pre, key=lambda i: -pre[i])[: self.decisions.max_candidates]

    def _pre_ranked_each(self, fs: Sequence[Features]) -> list[list[str]]:
        """``_pre_ranked`` of each of ``fs``; by one call of the store when it can pre-rank several queries at
        once (``ranked_many``: one SQL statement), with the same ids in the same order as one call each."""
        many = getattr(self.store, "ranked_many", None)
        if many is None or len(fs) < 2:
            return [self._pre_ranked(f) for f in fs]
        d = self.decisions
        return [
            list(x)
            for x in many([query_keys(f, self._neighbours) for f in fs], d.max_postings, d.max_candidates)
        ]

    def search(
        self, query: Record, top: int = 10, explain: bool = True, exclude: str | None = None
    ) -> list[Candidate]:
        return self.search_many([query], top=top, explain=explain, exclude=exclude)[0]

    def search_many(
        self, queries: Sequence[Record], top: int = 10, explain: bool = True, exclude: str | None = None
    ) -> list[list[Candidate]]:
        """``search`` of each query (the people a tip names): what each finds is what its own ``search`` finds,
        but the pre-rankings of all the queries (and of their names' other readings) are one call of the store,
        their candidates one fetch (``_pre_ranked_each``, ``_fetch_each``) and one table, and their pairs one
        comparison."""
        plans = []
        for query in queries:
            f = prepare(query)
            plans.append((f, other_readings_of(query, f)))
        ranked = iter(self._pre_ranked_each([g for f, rs in plans for g in (f, *(r.features for r in rs))]))
        wanted = []
        for _f, readings in plans:
            best = [i for _ in range(1 + len(readings)) for i in next(ranked)]
            wanted.append(list(dict.fromkeys(best)))  # each id once, first place kept
        fetched = self._fetch_each(wanted)
        union: dict[str, Record] = {}
        for records in fetched:
            for r in records:
                union.setdefault(r.id, r)  # a record two queries find is one row of the table
        if not union:
            return [[] for _ in queries]
        # one table of every query's candidates, one of the queries (each followed by its readings), and every
        # query's pairs compared in one call (its cost is much per call, little per pair; each pair's score is
        # its own), then each query ranked on its own part of the comparison
        rt, ids = self._table_of(union.values())
        row_of = {rid: k for k, rid in enumerate(ids)}
        qt = FeatureTable(rt.lex)
        parts = []
        for (f, readings), records in zip(plans, fetched, strict=True):
            first = len(qt)
            for g in (f, *(r.features for r in readings)):
                qt.append(g)
            rows = np.array([row_of[r.id] for r in records], dtype=np.int64)
            parts.append((first, readings, rows, _pairs(first, 1 + len(readings), rows)))
        qi = np.concatenate([p[3][0] for p in parts])
        ri = np.concatenate([p[3][1] for p in parts])
        cmp = self.scorer.compare(qt, qi, rt, ri, self.freq)
        out = []
        start = 0
        for first, readings, rows, (pq, _pr) in parts:
            stop = start + len(pq)
            out.append(
                self._rank(
                    qt,
                    rt,
                    rows,
                    lambda r: ids[r],
                    top,
                    explain,
                    exclude=exclude,
                    readings=readings,
                    first=first,
                    cmp=cmp.part(start, stop),
                )
            )
            start = stop
        return out

    def dedupe(self, max_block: int = 2000) -> DedupeResult:
        """Deduplicate everything in the store: blocks of each dedupe kind (up to ``max_block`` ids, one
        ``store.blocks`` call per kind), split and windowed exactly as ``MemoryEngine`` does, then scored."""
        blocks: list[tuple[str, list[str]]] = []
        for kind in DEDUPE_KINDS:
            blocks.extend((kind, list(b)) for b in self.store.blocks([kind], max_block))
        if not blocks:  # an empty (or tiny) registry has nothing to pair
            return DedupeResult(pairs=[], clusters=[])
        ids_all = sorted({x for _k, b in blocks for x in b})
        rt, ids = self._records_table(ids_all)
        row = {rid: k for k, rid in enumerate(ids)}
        idx = MemoryIndex()
        codes = kind_codes()
        hashes: list[int] = []
        rows: list[int] = []
        for n, (kind, b) in enumerate(blocks):
            members = [row[x] for x in b if x in row]
            hashes.extend([(codes[kind] << 56) | n] * len(members))
            rows.extend(members)
        idx.add_bulk(np.array(hashes, np.int64), np.array(rows, np.int32))
        idx.build()
        a, b = unpack_pairs(idx.block_pairs(dedupe_specs(rt, self.decisions)))
        scores = np.empty(len(a), dtype=np.float32)
        name_ok = np.empty(len(a), dtype=bool)
        for s in range(0, len(a), 200_000):
            c = self.scorer.compare(rt, a[s : s + 200_000], rt, b[s : s + 200_000], self.freq)
            scores[s : s + 200_000] = c.total
            name_ok[s : s + 200_000] = c.name_agrees()
        keep = scores >= self.decisions.dup_possible_score

        def pair_score(x: int, y: int) -> float:
            return float(self.scorer.compare(rt, np.array([x]), rt, np.array([y]), self.freq).total[0])

        return _dedupe_decisions(
            a[keep], b[keep], scores[keep], name_ok[keep], lambda r: ids[r], self.decisions, pair_score
        )


def iter_search(
    engine: MemoryEngine | Engine, queries: Iterable[Record], top: int = 10, explain: bool = False
) -> Iterator[tuple[Record, list[Candidate]]]:
    for q in queries:
        yield q, engine.search(q, top=top, explain=explain)
