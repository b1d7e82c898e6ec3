"""Columnar, compact storage of prepared records: what the vectorised scorer reads.

A million records as Python objects would take gigabytes; here each record is one row of small integer columns
(≈ 70 bytes), and everything that repeats — parsed names, resolved home places, units, places of death — is
stored once in a ``Lexicon`` and referenced by row number. Strings are interned per field in ``Vocab`` objects, so
"same value" is an integer comparison and only *different* values ever reach the fuzzy string metric.

A query is encoded as a one-row ``FeatureTable`` over the registry's lexicon, so query-vs-record and
record-vs-record comparisons run through the same code. Tables grow in place (capacity doubling), so adding a
record to a live in-memory engine costs microseconds, not a rebuild.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable, Sequence
from operator import attrgetter

import numpy as np

from .dates import parse_date
from .names import NameParts, parse_name
from .normalize import fold
from .places import HomePlace, coarse_place
from .ranks import parse_rank
from .records import RECORD_FIELDS, Features, Record, birth_of, home_of, parse_sex
from .units import Unit, parse_unit

__all__ = ["FeatureTable", "Lexicon", "RowMaker", "Vocab"]


class Vocab:
    """String interning: '' → -1, anything else → a dense id. Ids are stable for the life of the vocab."""

    __slots__ = ("_arr", "_filled", "index", "strings")

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.strings: list[str] = []
        self._arr = np.full(
            64, "", dtype=object
        )  # capacity-doubling mirror of ``strings``; last slot stays ''
        self._filled = 0

    def id(self, s: str) -> int:
        if not s:
            return -1
        i = self.index.get(s)
        if i is None:
            i = len(self.strings)
            self.index[s] = i
            self.strings.append(s)
        return i

    def __len__(self) -> int:
        return len(self.strings)

    def __getstate__(self) -> list[str]:
        return self.strings

    def __setstate__(self, strings: list[str]) -> None:
        self.strings = strings
        self.index = {x: i for i, x in enumerate(strings)}
        self._arr = np.full(64, "", dtype=object)
        self._filled = 0

    def remap_from(self, other: Vocab) -> np.ndarray:
        """Ids in this vocab of every string of ``other`` (adding the new ones); position -1 maps -1 to -1."""
        return np.array([self.id(x) for x in other.strings] + [-1], dtype=np.int32)

    def array(self) -> np.ndarray:
        """The strings as a numpy object array for fancy indexing; index -1 gives ''. Grows in place."""
        n = len(self.strings)
        if n >= len(self._arr) - 1:
            new = np.full(max(2 * len(self._arr), n + 64), "", dtype=object)
            new[: self._filled] = self._arr[: self._filled]
            self._arr = new
        if self._filled < n:
            self._arr[self._filled : n] = self.strings[self._filled : n]
            self._filled = n
        return self._arr


class Columns:
    """Named numpy columns that grow by appending rows; reads are zero-copy views of the filled part."""

    def __init__(self, spec: dict[str, tuple[str, int]], capacity: int = 1024) -> None:
        self.spec = spec
        self.n = 0
        self._cap = 0
        self._data: dict[str, np.ndarray] = {}
        self._pending: dict[str, array] = {k: array(_typecode(dt)) for k, (dt, _w) in spec.items()}
        self._buf_list = list(self._pending.values())
        self._npending = 0
        self._grow(capacity)

    def _grow(self, need: int) -> None:
        cap = max(need, int(self._cap * 1.5) + 16)
        for k, (dt, w) in self.spec.items():
            shape = (cap,) if w == 1 else (cap, w)
            fill = -1 if np.dtype(dt).kind == "i" else 0
            new = np.full(shape, fill, dtype=dt)
            if k in self._data:
                new[: self.n] = self._data[k][: self.n]
            self._data[k] = new
        self._cap = cap

    def append_values(self, values: tuple) -> int:
        """Queue one row of scalar columns given positionally, in ``spec`` order (the fast path)."""
        for buf, v in zip(self._buf_list, values, strict=True):
            buf.append(v)
        self._npending += 1
        return self.n + self._npending - 1

    def append(self, row: dict[str, int | Iterable[int]]) -> int:
        """Queue one row (flushed lazily); returns its row number."""
        for k, (_dt, w) in self.spec.items():
            v = row[k]
            buf = self._pending[k]
            if w == 1:
                buf.append(v)  # type: ignore[arg-type]
            else:
                vals = list(v)  # type: ignore[arg-type]
                buf.extend(vals[:w] + [-1] * (w - len(vals)))
        self._npending += 1
        return self.n + self._npending - 1

    def flush(self) -> None:
        if not self._npending:
            return
        m = self._npending
        if self.n + m > self._cap:
            self._grow(self.n + m)
        for k, (dt, w) in self.spec.items():
            buf = self._pending[k]
            a = np.frombuffer(buf, dtype=dt) if len(buf) else np.empty(0, dt)
            self._data[k][self.n : self.n + m] = a if w == 1 else a.reshape(m, w)
            del a  # release the buffer view before clearing the buffer in place (``_buf_list`` points at it)
            del buf[:]
        self.n += m
        self._npending = 0

    def __getitem__(self, k: str) -> np.ndarray:
        if self._npending:
            self.flush()
        return self._data[k][: self.n]

    def __getstate__(self) -> dict:
        self.flush()
        return {"spec": self.spec, "data": {k: a[: self.n].copy() for k, a in self._data.items()}}

    def __setstate__(self, st: dict) -> None:
        self.spec = st["spec"]
        self._data = st["data"]
        self.n = self._cap = len(next(iter(self._data.values()))) if self._data else 0
        self._pending = {k: array(_typecode(dt)) for k, (dt, _w) in self.spec.items()}
        self._buf_list = list(self._pending.values())
        self._npending = 0

    def extend(self, cols: dict[str, np.ndarray]) -> int:
        """Append many rows at once (arrays by column name); returns the first new row number."""
        self.flush()
        m = len(next(iter(cols.values())))
        first = self.n
        if self.n + m > self._cap:
            self._grow(self.n + m)
        for k in self.spec:
            self._data[k][self.n : self.n + m] = cols[k]
        self.n += m
        return first

    def __len__(self) -> int:
        return self.n + self._npending

    def set(self, k: str, row: int, value: int) -> None:
        self.flush()
        self._data[k][row] = value

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._data.values())


def _typecode(dt: str) -> str:
    return {"int8": "b", "int16": "h", "int32": "i", "int64": "q", "uint8": "B", "bool": "B"}[dt]


# Slot widths for code sets (larger sets are rare: ambiguous 2025 → 2024 expansions); an overflowing level is
# stored as unknown rather than truncated, so it can never produce a false conflict.
PLACE_SLOTS = {"p24": 3, "p25": 3, "d24": 3, "w24": 6, "w25": 4}
COARSE_SLOTS = 4


class Lexicon:
    """Everything that repeats across records, stored once: names, home places, units, coarse places."""

    def __init__(self) -> None:
        self.v = {
            k: Vocab()
            for k in (
                "sur",
                "surc",
                "surg",
                "mid",
                "midc",
                "giv",
                "givc",
                "sp",
                "pos",
                "coarse",
                *PLACE_SLOTS.keys(),
            )
        }
        self.names = Columns(
            {
                "sur": ("int32", 1),
                "surc": ("int32", 1),
                "surg": ("int32", 1),
                "mid": ("int32", 1),
                "midc": ("int32", 1),
                "giv": ("int32", 1),
                "givc": ("int32", 1),
                "sp": ("int32", 1),
                "marked": ("int8", 1),
                "alias_like": ("int8", 1),
            }
        )
        self.name_objs: list[NameParts] = []
        self._name_row: dict[Hashable, int] = {}
        self.places = Columns({k: ("int32", w) for k, w in PLACE_SLOTS.items()})
        self.place_objs: list[HomePlace] = []
        self._place_row: dict[Hashable, int] = {}
        self.units = Columns({k: ("int32", 1) for k in ("a", "b", "c", "d", "e", "f", "kb")})
        self.unit_objs: list[Unit] = []
        self._unit_row: dict[Hashable, int] = {}
        self.coarse = Columns({"s": ("int32", COARSE_SLOTS)})
        self.coarse_objs: list[frozenset[str]] = []
        self._coarse_row: dict[Hashable, int] = {}

    # Each ``*_row`` returns the lexicon row of a value, adding it the first time. -1 = empty value.

    def name_row(self, n: NameParts) -> int:
        if n.empty:
            return -1
        r = self._name_row.get(n)
        if r is None:
            v = self.v
            r = self.names.append_values(
                (
                    v["sur"].id(n.surname),
                    v["surc"].id(n.surname_canon),
                    v["surg"].id(n.surname_group),
                    v["mid"].id(n.middle),
                    v["midc"].id(n.middle_canon),
                    v["giv"].id(n.given),
                    v["givc"].id(n.given_canon),
                    v["sp"].id(n.spaceless),
                    int(n.marked),
                    int(n.alias_like),
                )
            )
            self._name_row[n] = r
            self.name_objs.append(n)
        return r

    def place_row(self, h: HomePlace) -> int:
        if h.empty:
            return -1
        r = self._place_row.get(h)
        if r is None:
            sets = {
                "p24": h.province_2024,
                "p25": h.province_2025,
                "d24": h.district_2024,
                "w24": h.ward_2024,
                "w25": h.ward_2025,
            }
            row = {}
            for k, codes in sets.items():
                voc = self.v[k]
                row[k] = [voc.id(c) for c in sorted(codes)] if len(codes) <= PLACE_SLOTS[k] else []
            r = self.places.append(row)
            self._place_row[h] = r
            self.place_objs.append(h)
        return r

    def unit_row(self, u: Unit) -> int:
        if u.empty:
            return -1
        r = self._unit_row.get(u)
        if r is None:
            kb = int(u.kb) if u.kb.isdigit() else (hash(u.kb) & 0x3FFFFFFF if u.kb else 0)
            r = self.units.append_values((u.a, u.b, u.c, u.d, u.e, u.f, kb))
            self._unit_row[u] = r
            self.unit_objs.append(u)
        return r

    def coarse_row(self, s: frozenset[str]) -> int:
        if not s:
            return -1
        r = self._coarse_row.get(s)
        if r is None:
            voc = self.v["coarse"]
            r = self.coarse.append({"s": [voc.id(x) for x in sorted(s)][:COARSE_SLOTS]})
            self._coarse_row[s] = r
            self.coarse_objs.append(s)
        return r

    def nbytes(self) -> int:
        return self.names.nbytes() + self.places.nbytes() + self.units.nbytes() + self.coarse.nbytes()

    def merge(self, other: Lexicon) -> dict[str, np.ndarray | int]:
        """Append another lexicon's rows (re-interning its strings); returns what row numbers map to."""
        remap = {k: self.v[k].remap_from(other.v[k]) for k in self.v}

        def slots(cols: Columns, spec_vocab: dict[str, str]) -> dict[str, np.ndarray]:
            out = {}
            for c in cols.spec:
                a = cols[c]
                out[c] = remap[spec_vocab[c]][a] if c in spec_vocab else a
            return out

        name_vocab = {
            "sur": "sur",
            "surc": "surc",
            "surg": "surg",
            "mid": "mid",
            "midc": "midc",
            "giv": "giv",
            "givc": "givc",
            "sp": "sp",
        }
        off_name = self.names.extend(slots(other.names, name_vocab)) if len(other.names) else len(self.names)
        for n, r in other._name_row.items():
            self._name_row.setdefault(n, r + off_name)
        self.name_objs.extend(other.name_objs)
        off_place = (
            self.places.extend(slots(other.places, {k: k for k in PLACE_SLOTS}))
            if len(other.places)
            else len(self.places)
        )
        for h, r in other._place_row.items():
            self._place_row.setdefault(h, r + off_place)
        self.place_objs.extend(other.place_objs)
        off_unit = (
            self.units.extend({c: other.units[c] for c in self.units.spec})
            if len(other.units)
            else len(self.units)
        )
        for u, r in other._unit_row.items():
            self._unit_row.setdefault(u, r + off_unit)
        self.unit_objs.extend(other.unit_objs)
        off_coarse = (
            self.coarse.extend(slots(other.coarse, {"s": "coarse"}))
            if len(other.coarse)
            else len(self.coarse)
        )
        for c, r in other._coarse_row.items():
            self._coarse_row.setdefault(c, r + off_coarse)
        self.coarse_objs.extend(other.coarse_objs)
        return {
            "name": off_name,
            "place": off_place,
            "unit": off_unit,
            "coarse": off_coarse,
            "pos": remap["pos"],
        }


RECORD_COLUMNS: dict[str, tuple[str, int]] = {
    "name": ("int32", 1),
    "alias": ("int32", 1),
    "sex": ("int8", 1),
    "by": ("int16", 1),
    "bm": ("int8", 1),
    "bd": ("int8", 1),
    "home": ("int32", 1),
    "ey": ("int16", 1),
    "em": ("int8", 1),
    "unit": ("int32", 1),
    "rank": ("int8", 1),
    "pos": ("int32", 1),
    "dy": ("int16", 1),
    "dm": ("int8", 1),
    "dd": ("int8", 1),
    "dplace": ("int32", 1),
    "burial": ("int32", 1),
}


class _Parts(dict):
    """Each text's part of a row, made by ``make`` the first time the text is asked for."""

    __slots__ = ("make",)

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


class RowMaker:
    """Rows exactly as ``FeatureTable(lexicon).values_of(prepare(record))`` makes them. A record met before (the
    same texts) gets its row back; a record never met is made field by field, each field's part of a row kept by
    the field's text, so one whose texts were met in other records (names, places, units and dates repeat across
    a registry) costs a dozen dictionary lookups, not a parse and an interning of every field. Parts are interned
    into ``lexicon`` in the order ``values_of`` interns them, so both give the same numbers. Rows and parts live
    as long as the maker: ``clear`` bounds them."""

    def __init__(self, lexicon: Lexicon) -> None:
        lex = self.lex = lexicon
        self._rows: dict[tuple[str, ...], tuple] = {}
        pos = lex.v["pos"]
        self._name = _Parts(lambda t: lex.name_row(parse_name(t)))
        self._sex = _Parts(parse_sex)
        self._birth = _Parts(lambda bd: _date_part(birth_of(bd[0], parse_date(bd[1]))))
        self._home = _Parts(lambda ct: lex.place_row(home_of(*ct)))
        self._enlisted = _Parts(lambda t: _date_part(parse_date(t))[:2])
        self._unit = _Parts(lambda t: lex.unit_row(parse_unit(t)))
        self._rank = _Parts(parse_rank)
        self._pos = _Parts(lambda t: pos.id(fold(t)))
        self._death = _Parts(lambda t: _date_part(parse_date(t)))
        self._coarse = _Parts(lambda t: lex.coarse_row(coarse_place(t)))

    def __len__(self) -> int:
        """Records kept. Every text a field's parts keep came with one of them (parts are made only for a record
        ``row`` keeps, and ``clear`` empties both), so no field keeps more texts than this."""
        return len(self._rows)

    def clear(self) -> None:
        for kept in vars(self).values():
            if isinstance(kept, dict):
                kept.clear()

    def row(self, r: Record) -> tuple:
        """``values_of(prepare(r))``."""
        texts = _texts_of(r)  # a record met again: ~1 µs, where its parts are ~4 µs
        row = self._rows.get(texts)
        if row is None:
            row = self._rows[texts] = self._made(r)
        return row

    def _made(self, r: Record) -> tuple:
        """The row of a record not met before, of its fields' parts (left to right: ``values_of``'s interning
        order)."""
        name, death = self._name, r.death_date
        return (
            name[r.full_name],
            name[r.alias],
            self._sex[r.sex],
            *self._birth[r.birth, death],
            self._home[r.home_codes, r.home_place],
            *self._enlisted[r.enlistment],
            self._unit[r.unit],
            self._rank[r.rank],
            self._pos[r.position],
            *self._death[death],
            self._coarse[r.death_place],
            self._coarse[r.burial_place],
        )


_texts_of = attrgetter(*RECORD_FIELDS[1:])  # a record's texts, its id aside (its row does not depend on it)


def _date_part(d) -> tuple[int, int, int]:
    return d.year, d.month, d.day


class FeatureTable:
    """Prepared records as rows of integer columns over a (possibly shared) ``Lexicon``."""

    def __init__(self, lexicon: Lexicon | None = None, capacity: int = 1024) -> None:
        self.lex = lexicon if lexicon is not None else Lexicon()
        self.cols = Columns(RECORD_COLUMNS, capacity)
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.alive = np.zeros(0, dtype=bool)
        self._alive_pending: list[bool] = []

    def __len__(self) -> int:
        return len(self.ids)

    def append(self, f: Features) -> int:
        """Add a prepared record; returns its row. An id already present is superseded (old row retired)."""
        return self.append_row(f.id, self.values_of(f))

    def values_of(self, f: Features) -> tuple:
        """A prepared record's row (its columns' values, in ``RECORD_COLUMNS`` order), its names, places and
        units interned into this table's lexicon: the same for the same record while the lexicon lives, so a
        caller sharing the lexicon may keep it and ``append_row`` it again."""
        lex = self.lex
        b, e, d = f.birth, f.enlistment, f.death
        return (
            lex.name_row(f.name),
            lex.name_row(f.alias),
            f.sex,
            b.year,
            b.month,
            b.day,
            lex.place_row(f.home),
            e.year,
            e.month,
            lex.unit_row(f.unit),
            f.rank,
            lex.v["pos"].id(f.position),
            d.year,
            d.month,
            d.day,
            lex.coarse_row(f.death_place),
            lex.coarse_row(f.burial_place),
        )

    def append_row(self, rid: str, values: tuple) -> int:
        """Add a record's row as ``values_of`` made it (over this table's lexicon); returns its row. An id already
        present is superseded (old row retired)."""
        old = self.row_of.get(rid)
        if old is not None:
            self.retire(old)
        row = self.cols.append_values(values)
        self.ids.append(rid)
        self.row_of[rid] = row
        self._alive_pending.append(True)
        return row

    def extend_rows(self, ids: Sequence[str], values: Sequence[tuple]) -> None:
        """``append_row`` of each (id, row) in turn, rows as ``values_of`` made them; new distinct ids (a fetch
        by primary key) are put in as whole columns at once, a few hundred rows' worth of per-value appends
        saved."""
        if len(set(ids)) != len(ids) or any(i in self.row_of for i in ids):
            for rid, row in zip(ids, values, strict=True):
                self.append_row(rid, row)
            return
        if not ids:
            return
        block = np.array(values, dtype=np.int64).reshape(len(ids), len(RECORD_COLUMNS))
        first = self.cols.extend({k: block[:, j] for j, k in enumerate(RECORD_COLUMNS)})
        self.ids.extend(ids)
        self.row_of.update(zip(ids, range(first, first + len(ids)), strict=True))
        self._alive_pending.extend([True] * len(ids))

    def _flush_alive(self) -> None:
        if self._alive_pending:
            self.alive = np.concatenate([self.alive, np.array(self._alive_pending, dtype=bool)])
            self._alive_pending = []

    def retire(self, row: int) -> None:
        """Mark a row as deleted (rows are never reused, so row numbers held elsewhere stay valid)."""
        self._flush_alive()
        self.alive[row] = False
        rid = self.ids[row]
        if self.row_of.get(rid) == row:
            del self.row_of[rid]

    def live(self) -> np.ndarray:
        self._flush_alive()
        return self.alive

    def __getitem__(self, col: str) -> np.ndarray:
        return self.cols[col]

    def nbytes(self) -> int:
        return self.cols.nbytes() + self.alive.nbytes

    def __getstate__(self) -> dict:
        self._flush_alive()
        return {"lex": self.lex, "cols": self.cols, "ids": self.ids, "alive": self.alive}

    def __setstate__(self, st: dict) -> None:
        self.lex, self.cols, self.ids, self.alive = st["lex"], st["cols"], st["ids"], st["alive"]
        self._alive_pending = []
        self.row_of = {rid: i for i, rid in enumerate(self.ids) if self.alive[i]}

    def merge(self, other: FeatureTable) -> int:
        """Append all rows of a table built elsewhere (e.g. by a worker process); returns the row offset.

        Ids already present here are superseded by the incoming rows, as with ``append``.
        """
        off = self.lex.merge(other.lex)
        oc = other.cols
        cols: dict[str, np.ndarray] = {}
        for c in self.cols.spec:
            a = oc[c]
            if c in ("name", "alias"):
                a = np.where(a >= 0, a + off["name"], -1)
            elif c == "home":
                a = np.where(a >= 0, a + off["place"], -1)
            elif c == "unit":
                a = np.where(a >= 0, a + off["unit"], -1)
            elif c in ("dplace", "burial"):
                a = np.where(a >= 0, a + off["coarse"], -1)
            elif c == "pos":
                a = off["pos"][a]
            cols[c] = a
        for rid in other.ids:
            old = self.row_of.get(rid)
            if old is not None:
                self.retire(old)
        self._flush_alive()
        first = self.cols.extend(cols)
        self.ids.extend(other.ids)
        for i, rid in enumerate(other.ids):
            self.row_of[rid] = first + i
        self.alive = np.concatenate([self.alive, other.live()])
        return first
