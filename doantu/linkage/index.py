"""Candidate stores: where blocking keys live.

``CandidateStore`` is the protocol a deployment implements — for the web system, a database table
``(key text, record_id)`` with an index on ``key`` (shared by all worker processes, incremental, persistent):

* ``add(record_id, keys)`` / ``remove(record_id)`` — keep postings current when a record is created, edited
  (remove then add) or deleted;
* ``lookup(keys, max_postings)`` — ids filed under each key, leaving out keys with more than ``max_postings`` ids
  (``SELECT key, record_id FROM keys WHERE key = ANY(%s) AND key NOT IN (SELECT key FROM key_counts WHERE n > %s)``,
  or one query with a window count);
* ``blocks(kinds, max_size)`` — for deduplication, the id lists of keys of the given kinds holding 2..max_size
  ids (``GROUP BY key HAVING count(*) BETWEEN 2 AND %s``).

``MemoryIndex`` is the in-process implementation used by the CLI and benchmarks: keys are hashed to 64 bits
(kind in the top byte; see ``key_hash``), postings are a CSR pair of numpy arrays (sorted key hashes + row numbers), so a
million-record index costs ~10 bytes per posting and a lookup is a binary search. Records added after the bulk
build go to a small delta map that lookups merge in, so adding or editing a record is immediate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = [
    "CandidateStore",
    "DictStore",
    "MemoryIndex",
    "PairSpec",
    "key_hash",
    "stable_key_hash",
    "unpack_pairs",
]


class CandidateStore(Protocol):
    def add(self, record_id: str, keys: Sequence[str]) -> None: ...

    def remove(self, record_id: str) -> None: ...

    def lookup(self, keys: Sequence[str], max_postings: int) -> Mapping[str, Sequence[str]]: ...

    def blocks(self, kinds: Sequence[str], max_size: int) -> Iterable[Sequence[str]]: ...


class DictStore:
    """A reference ``CandidateStore`` in plain dicts — the behaviour a database store must reproduce."""

    def __init__(self) -> None:
        self.postings: dict[str, set[str]] = {}
        self.keys_of: dict[str, list[str]] = {}

    def add(self, record_id: str, keys: Sequence[str]) -> None:
        self.remove(record_id)
        self.keys_of[record_id] = list(keys)
        for k in keys:
            self.postings.setdefault(k, set()).add(record_id)

    def remove(self, record_id: str) -> None:
        for k in self.keys_of.pop(record_id, []):
            s = self.postings.get(k)
            if s is not None:
                s.discard(record_id)
                if not s:
                    del self.postings[k]

    def lookup(self, keys: Sequence[str], max_postings: int) -> dict[str, list[str]]:
        out = {}
        for k in keys:
            s = self.postings.get(k)
            if s and len(s) <= max_postings:
                out[k] = sorted(s)
        return out

    def blocks(self, kinds: Sequence[str], max_size: int) -> Iterable[list[str]]:
        prefixes = tuple(f"{k}:" for k in kinds)
        for k, s in self.postings.items():
            if k.startswith(prefixes) and 2 <= len(s) <= max_size:
                yield sorted(s)


# Fixed codes for the kinds of ``keys.py`` (so each kind is one contiguous range of sorted hashes); any other
# kind gets a code from its hash, above the fixed ones.
_KIND_CODES: dict[str, int] = {k: i for i, k in enumerate("nydpusaxwv", start=1)}


def kind_codes() -> dict[str, int]:
    """Top-byte codes of the built-in (one-letter) key kinds."""
    return dict(_KIND_CODES)


def _kind_code(kind: str) -> int:
    code = _KIND_CODES.get(kind)
    if code is None:
        code = 16 + int.from_bytes(hashlib.blake2b(kind.encode(), digest_size=1).digest()) % 100
        _KIND_CODES[kind] = code
    return code


_LOW56 = (1 << 56) - 1


@dataclass(frozen=True)
class PairSpec:
    """How to turn one key kind's blocks into candidate pairs (see ``MemoryIndex.block_pairs``)."""

    kind: str
    refine: np.ndarray | None = None  # per-row value splitting blocks further (e.g. surname group)
    order: np.ndarray | None = None  # per-row value sorting big blocks for the sliding window
    cap: int = 100  # blocks up to this size give all their pairs
    window: int = 0  # bigger blocks: each row paired with this many sorted neighbours (0: skip them)


def unpack_pairs(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return packed >> 32, packed & 0xFFFFFFFF


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique`` for big integer arrays: sorts in place (numpy 2's hash-based unique is ~10× slower here)."""
    a.sort()
    if len(a) < 2:
        return a
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _pack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    return (np.minimum(a, b) << 32) | np.maximum(a, b)


def key_hash(key: str) -> int:
    """64-bit hash of a key with the key's kind in the top byte (so each kind is one contiguous range).

    Uses Python's string hash: fast, but seeded per interpreter, so a ``MemoryIndex`` is only valid inside the
    process that built it and its forked children (which is how it is used). Persistent stores keep the key
    strings themselves; ``stable_key_hash`` is there for anyone who needs a hash that survives a restart.
    """
    return (_kind_code(key[: key.index(":")]) << 56) | (hash(key) & _LOW56)


def stable_key_hash(key: str) -> int:
    """Like ``key_hash`` but identical in every process and run (blake2b; ~5× slower)."""
    h = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") & _LOW56
    return (_kind_code(key[: key.index(":")]) << 56) | h


class MemoryIndex:
    """In-memory CSR postings over row numbers of a ``FeatureTable``."""

    def __init__(self) -> None:
        self._keys = np.zeros(0, dtype=np.int64)  # sorted unique key hashes
        self._offsets = np.zeros(1, dtype=np.int64)
        self._rows = np.zeros(0, dtype=np.int32)
        self._bulk_h: list[np.ndarray] = []
        self._bulk_r: list[np.ndarray] = []
        self._delta: dict[int, list[int]] = {}

    # -- building ------------------------------------------------------------------------------------------------

    def add_bulk(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        """Queue many postings (call ``build`` once at the end)."""
        self._bulk_h.append(np.asarray(hashes, dtype=np.int64))
        self._bulk_r.append(np.asarray(rows, dtype=np.int32))

    def build(self) -> None:
        """Merge queued postings (and the delta) into the CSR arrays."""
        hs = [*self._bulk_h]
        rs = [*self._bulk_r]
        if self._delta:
            dh = np.fromiter((h for h, rows in self._delta.items() for _ in rows), dtype=np.int64)
            dr = np.fromiter((r for rows in self._delta.values() for r in rows), dtype=np.int32)
            hs.append(dh)
            rs.append(dr)
            self._delta = {}
        if len(self._rows):
            counts = np.diff(self._offsets)
            hs.append(np.repeat(self._keys, counts))
            rs.append(self._rows)
        self._bulk_h, self._bulk_r = [], []
        if not hs:
            return
        h = np.concatenate(hs)
        r = np.concatenate(rs)
        if not len(h):  # nothing was ever added (an empty registry): stay empty
            return
        order = np.lexsort((r, h))
        h, r = h[order], r[order]
        keep = np.ones(len(h), dtype=bool)
        keep[1:] = (h[1:] != h[:-1]) | (r[1:] != r[:-1])
        h, r = h[keep], r[keep]
        starts = np.flatnonzero(np.concatenate(([True], h[1:] != h[:-1])))
        self._keys = h[starts]
        self._offsets = np.append(starts, len(h)).astype(np.int64)
        self._rows = r.astype(np.int32)

    def add(self, row: int, hashes: Iterable[int]) -> None:
        """Add one record's postings immediately (merged into lookups; compacted by the next ``build``)."""
        for h in hashes:
            self._delta.setdefault(int(h), []).append(row)

    # -- reading -------------------------------------------------------------------------------------------------

    def lookup(self, hashes: Sequence[int], max_postings: int) -> list[np.ndarray | None]:
        """Rows filed under each hash (None for a key over ``max_postings`` or absent)."""
        if not len(hashes):
            return []
        q = np.asarray(hashes, dtype=np.int64)
        pos = np.searchsorted(self._keys, q)
        out: list[np.ndarray | None] = []
        nk = len(self._keys)
        for i, h in enumerate(q):
            p = pos[i]
            rows = None
            if p < nk and self._keys[p] == h:
                rows = self._rows[self._offsets[p] : self._offsets[p + 1]]
            extra = self._delta.get(int(h))
            if extra:
                rows = (
                    np.concatenate([rows, np.array(extra, np.int32)])
                    if rows is not None
                    else np.array(extra, np.int32)
                )
            if rows is not None and len(rows) > max_postings:
                rows = None
            out.append(rows)
        return out

    def block_sizes(self) -> np.ndarray:
        return np.diff(self._offsets)

    def kind_slice(self, kind: str) -> tuple[int, int]:
        """Range of unique-key positions holding keys of one kind."""
        code = _kind_code(kind)
        lo = np.searchsorted(self._keys, np.int64(code) << 56)
        hi = np.searchsorted(self._keys, np.int64(code + 1) << 56)
        return int(lo), int(hi)

    def pairs(self, kinds: Sequence[str], max_size: int) -> tuple[np.ndarray, np.ndarray]:
        """All row pairs (a < b) sharing a key of the given kinds whose block has 2..max_size rows (unique)."""
        return unpack_pairs(self.block_pairs([PairSpec(k, cap=max_size, window=0) for k in kinds]))

    def block_pairs(self, specs: Sequence[PairSpec]) -> np.ndarray:
        """Candidate pairs for deduplication, bounded even where a key is shared by thousands of records.

        Per spec: the key's posting list, optionally split further by a per-row value (``refine``, e.g. the
        surname group: "Hùng, born 1950" becomes "Nguyễn Hùng, born 1950"); blocks of up to ``cap`` rows give
        all their pairs; larger blocks are sorted by a per-row value (``order``, e.g. the date of death) and
        each row is paired with its next ``window`` neighbours only (sorted neighbourhood), so a block of n rows
        costs n × window pairs instead of n²/2.

        Returns the pairs packed as ``a << 32 | b`` (a < b), sorted and unique (``unpack_pairs`` splits them):
        8 bytes a pair, the least memory for the tens of millions a national registry produces.
        """
        if self._delta:
            self.build()
        sizes = np.diff(self._offsets)
        out: list[np.ndarray] = []
        for sp in specs:
            lo, hi = self.kind_slice(sp.kind)
            if hi <= lo:
                continue
            rows = self._rows[self._offsets[lo] : self._offsets[hi]].astype(np.int64)
            group = np.repeat(np.arange(hi - lo, dtype=np.int64), sizes[lo:hi])
            if sp.refine is not None:
                ref = sp.refine[rows].astype(np.int64)
                group = group * (int(ref.max(initial=0)) + 2) + (ref + 1)
            order = sp.order[rows] if sp.order is not None else np.zeros(len(rows), np.int64)
            perm = np.lexsort((order, group))
            rows, group = rows[perm], group[perm]
            starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
            gsize = np.diff(np.append(starts, len(group)))
            small = (gsize >= 2) & (gsize <= sp.cap)
            for s in np.unique(gsize[small]):
                sel = starts[(gsize == s) & small]
                block = rows[sel[:, None] + np.arange(s)[None, :]]
                ia, ib = np.triu_indices(int(s), k=1)
                out.append(_pack(block[:, ia].ravel(), block[:, ib].ravel()))
            if sp.window > 0:
                big = np.repeat(gsize > sp.cap, gsize)
                for o in range(1, sp.window + 1):
                    m = big[:-o] & (group[:-o] == group[o:])
                    if not m.any():
                        break
                    out.append(_pack(rows[:-o][m], rows[o:][m]))
        if not out:
            return np.zeros(0, np.int64)
        packed = np.concatenate(out)
        del out
        return sorted_unique(packed)

    def nbytes(self) -> int:
        return self._keys.nbytes + self._offsets.nbytes + self._rows.nbytes

    def __len__(self) -> int:
        return len(self._rows)
