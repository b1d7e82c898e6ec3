"""The linkage engine inside the running system, with its state in the database.

- Blocking keys live in ``MatchKey`` (one indexed table shared by every web and worker process), written in the
  same transaction as the record: the index is current the moment a record is saved, survives restarts, and no
  process holds a private copy of it.
- Value frequencies (and the registry's size) live in ``FrequencyCount``, maintained the same way. Each process
  keeps a small in-memory copy (the given-name vocabulary is thousands of values even nationally) and reloads
  it when the version in the shared cache changes; it looks at the version at most every ``FREQ_CHECK``
  seconds. Every write bumps the version when it commits, to a fresh random token (a counter restarting after
  the key was evicted could come back to a value a process already holds, and that process would never reload).
- A search is two SQL queries (keys → ids, ids → records) plus scoring in Python.
"""

import json
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Lookup

from doantu.linkage import places as linkage_places
from doantu.linkage.engine import Candidate, Engine
from doantu.linkage.frequency import FrequencyModel, frequency_items
from doantu.linkage.keys import record_keys
from doantu.linkage.places import home_codes, resolve_home
from doantu.linkage.records import Features, Record, prepare
from doantu.linkage.scoring import Scorer
from doantu.linkage.table import FeatureTable, Lexicon, RowMaker

from .models import FrequencyCount, Grave, Martyr, MatchKey

logger = logging.getLogger(__name__)

MARTYR, GRAVE = "m", "g"
FREQ_CHECK = 2.0  # seconds between two looks at the shared version (a look is one cache read)
FREQ_TTL = 60.0  # the grave count's lifetime in the shared cache (also cleared when graves are written)
_TOTAL = ("_total", "_")  # the record count is kept as one more counter


# The martyr's columns the engine reads: exactly the Record's fields, in its order (``martyr_record``).
MARTYR_FIELDS = (
    "full_name",
    "alias",
    "sex",
    "birth",
    "home_place",
    "enlistment",
    "unit",
    "rank",
    "position",
    "death_date",
    "death_place",
    "burial_place",
    "home_codes",
)


def martyr_record(m: Martyr) -> Record:
    return Record(
        id=str(m.pk),
        full_name=m.full_name,
        alias=m.alias,
        sex=m.sex,
        birth=m.birth,
        home_place=m.home_place,
        enlistment=m.enlistment,
        unit=m.unit,
        rank=m.rank,
        position=m.position,
        death_date=m.death_date,
        death_place=m.death_place,
        burial_place=m.burial_place,
        home_codes=m.home_codes,
    )


def martyr_record_of(values: dict) -> Record:
    """``martyr_record`` of a record not built yet: its field values (missing ones are empty, as stored)."""
    return Record("", *(values.get(k) or "" for k in MARTYR_FIELDS))


def grave_record_of(values: dict) -> Record:
    """``grave_record`` of a grave not built yet."""
    get = values.get
    return Record(
        "",
        full_name=get("headstone_name") or "",
        home_place=get("home_place_hint") or "",
        unit=get("unit_hint") or "",
        death_date=get("death_year_hint") or "",
        burial_place=get("cemetery") or "",
    )


# Record field -> the grave's column (``grave_record``)
_GRAVE_FIELDS = {
    "full_name": "headstone_name",
    "home_place": "home_place_hint",
    "unit": "unit_hint",
    "death_date": "death_year_hint",
    "burial_place": "cemetery",
}


def grave_record(g: Grave) -> Record:
    return Record(
        id=str(g.pk),
        full_name=g.headstone_name,
        home_place=g.home_place_hint,
        unit=g.unit_hint,
        death_date=g.death_year_hint,
        burial_place=g.cemetery,
    )


_EXPLANATION_MAX = Martyr._meta.get_field("home_resolved").max_length


@lru_cache(maxsize=50_000)
def resolved_home(text: str) -> tuple[str, str, str]:
    """(explanation for staff, first 2025 province code, the place's codes) of a home place as written: what a
    martyr keeps in ``home_resolved``, ``home_province_2025`` and ``home_codes`` (``places.home_codes``: a search
    reads them back rather than resolve the text again). Cached: a large list names the same communes over and
    over (about 10,000 communes for a million rows)."""
    place = resolve_home(text)
    if place.level == "none":
        return "", "", ""
    # the explanation is shown as kept (cut to its column, where a longer one used to fail the write); a search
    # works out its own from the text (``places.explanation_of``)
    return place.explanation[:_EXPLANATION_MAX], min(place.province_2025, default=""), home_codes(place)


# ------------------------------------------------------------------------------------------ the store


class DbStore:
    """``CandidateStore`` over ``MatchKey``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def add(self, record_id: str, keys: Sequence[str]) -> None:
        self.remove(record_id)
        _insert_keys([(self.kind, int(record_id), k[:150]) for k in dict.fromkeys(keys)])

    def remove(self, record_id: str) -> None:
        _delete_keys(self.kind, [int(record_id)])

    def lookup(self, keys: Sequence[str], max_postings: int) -> dict[str, list[str]]:
        keys = list(dict.fromkeys(k[:150] for k in keys))
        if not keys:
            return {}
        rows = MatchKey.objects.filter(kind=self.kind, key__in=keys)
        sizes = dict(rows.values("key").annotate(n=Count("id")).values_list("key", "n"))
        wanted = [k for k, n in sizes.items() if n <= max_postings]  # a key shared by thousands says nothing
        out: dict[str, list[str]] = {}
        for key, rid in rows.filter(key__in=wanted).values_list("key", "record_id"):
            out.setdefault(key, []).append(str(rid))
        return out

    def ranked(self, weighted: Sequence[tuple[str, float]], max_postings: int, limit: int) -> list[str]:
        """The ``limit`` record ids with the highest sum of the weights of their keys among ``weighted`` (keys
        filed under more than ``max_postings`` records left out, as ``lookup`` does), best first — summed in
        the database in one statement, so the postings (thousands at a national scale) never cross to Python."""
        weights = _weights(weighted)
        if not weights:
            return []
        if connection.vendor == "postgresql":
            return self._ranked_arrays(weights, max_postings, limit)
        q = connection.ops.quote_name
        table, kind, key, rid = q(MatchKey._meta.db_table), q("kind"), q("key"), q("record_id")
        keys = list(weights)
        marks = ", ".join(["%s"] * len(keys))
        case = " ".join(f"WHEN {key} = %s THEN %s" for _ in keys)
        # The keys small enough are found first, on their own (PostgreSQL: an ARRAY(...) sub-plan, run once):
        # as a join the planner cannot know how few survive the HAVING and scans the whole table (5 s at a
        # million records instead of 0.1 s).
        allowed = f"SELECT {key} FROM {table} WHERE {kind} = %s AND {key} IN ({marks}) GROUP BY {key} HAVING COUNT(*) <= %s"
        wanted = f"= ANY(ARRAY({allowed}))" if connection.vendor == "postgresql" else f"IN ({allowed})"
        sql = (
            f"SELECT {rid}, SUM(CASE {case} ELSE 0.0 END) AS pre FROM {table} "
            f"WHERE {kind} = %s AND {key} {wanted} "
            f"GROUP BY {rid} ORDER BY pre DESC, {rid} LIMIT %s"
        )
        params = [x for k in keys for x in (k, weights[k])] + [
            self.kind,
            self.kind,
            *keys,
            max_postings,
            limit,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [str(r) for r, _pre in cursor.fetchall()]

    def _ranked_arrays(self, weights: dict[str, float], max_postings: int, limit: int) -> list[str]:
        """``ranked`` on PostgreSQL, in one statement that reads each key's postings once, from the index alone:
        the keys and their weights as two array parameters; for each key (a ``LATERAL`` index range) at most
        ``max_postings`` + 1 record ids gathered in an array, and the key dropped when that is more than
        ``max_postings`` — where counting every posting of every key first (a ``GROUP BY … HAVING COUNT(*)``
        sub-plan) read each kept posting twice and the shared keys' thousands in full. The weights are summed as
        integers, scaled by a power of ten (``_scaled``): exact, as the ``numeric`` sums before, so ties fall as
        before, and cheaper to add up. Measured at 1,000,000 records, 150 queries, the same ids in the same order
        as the previous statement (a join to the keys given as ``numeric`` weights, behind the ``COUNT`` sub-plan):
        22.4 → 12.6 ms a statement on average, p95 52.5 → 29.4 ms (integer sums alone: 17.2 ms)."""
        q = connection.ops.quote_name
        table, kind, key, rid = q(MatchKey._meta.db_table), q("kind"), q("key"), q("record_id")
        keys = list(weights)
        scaled = _scaled([weights[k] for k in keys])
        sql = (
            "SELECT p.rid, SUM(w.weight) AS pre "
            f"FROM unnest(%s::text[], %s::{'numeric' if scaled is None else 'integer'}[]) AS w(key, weight) "
            "CROSS JOIN LATERAL (SELECT array_agg(m.r) AS ids FROM "
            f"(SELECT {rid} AS r FROM {table} WHERE {kind} = %s AND {key} = w.key LIMIT %s) m) a "
            "CROSS JOIN LATERAL unnest(a.ids) AS p(rid) "
            "WHERE cardinality(a.ids) <= %s "
            "GROUP BY p.rid ORDER BY pre DESC, p.rid LIMIT %s"
        )
        # else the floats as written, as literals would be
        exact = scaled if scaled is not None else [Decimal(repr(weights[k])) for k in keys]
        params = [keys, exact, self.kind, max_postings + 1, max_postings, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [str(r) for r, _pre in cursor.fetchall()]

    def ranked_many(
        self, weighted_lists: Sequence[Sequence[tuple[str, float]]], max_postings: int, limit: int
    ) -> list[list[str]]:
        """``ranked`` of each list of weighted keys (the people a tip names, their names' other readings): the
        same ids in the same order as a call each, on PostgreSQL in one statement (``_ranked_groups``)."""
        groups = [_weights(weighted) for weighted in weighted_lists]
        if connection.vendor != "postgresql" or sum(1 for g in groups if g) < 2:
            return [self.ranked(list(g.items()), max_postings, limit) for g in groups]
        return self._ranked_groups(groups, max_postings, limit)

    def _ranked_groups(
        self, groups: list[dict[str, float]], max_postings: int, limit: int
    ) -> list[list[str]]:
        """``_ranked_arrays`` for several groups of weighted keys in one statement: the keys, weights and group
        numbers as three arrays; per group (a ``LATERAL`` subquery over its own keys) the postings summed, capped
        and ordered exactly as ``_ranked_arrays`` does, its first ``limit`` numbered in that order. The weights
        of all groups are scaled by one power of ten (``_scaled``): a common factor, so each group's sums order
        as its own scaled sums do, ties included."""
        q = connection.ops.quote_name
        table, kind, key, rid = q(MatchKey._meta.db_table), q("kind"), q("key"), q("record_id")
        numbers = [n for n, g in enumerate(groups) if g]
        rows = [(n, k, w) for n in numbers for k, w in groups[n].items()]
        scaled = _scaled([w for _n, _k, w in rows])
        exact = scaled if scaled is not None else [Decimal(repr(w)) for _n, _k, w in rows]
        sql = (
            "SELECT g.n, t.rid FROM unnest(%s::integer[]) AS g(n) CROSS JOIN LATERAL ("
            "SELECT s.rid, row_number() OVER (ORDER BY s.pre DESC, s.rid) AS place FROM ("
            "SELECT p.rid, SUM(w.weight) AS pre "
            f"FROM unnest(%s::integer[], %s::text[], %s::{'numeric' if scaled is None else 'integer'}[]) "
            "AS w(n, key, weight) "
            "CROSS JOIN LATERAL (SELECT array_agg(m.r) AS ids FROM "
            f"(SELECT {rid} AS r FROM {table} WHERE {kind} = %s AND {key} = w.key LIMIT %s) m) a "
            "CROSS JOIN LATERAL unnest(a.ids) AS p(rid) "
            "WHERE w.n = g.n AND cardinality(a.ids) <= %s "
            "GROUP BY p.rid ORDER BY pre DESC, p.rid LIMIT %s) s) t "
            "ORDER BY g.n, t.place"
        )
        params = [
            numbers,
            [n for n, _k, _w in rows],
            [k for _n, k, _w in rows],
            exact,
            self.kind,
            max_postings + 1,
            max_postings,
            limit,
        ]
        out: list[list[str]] = [[] for _ in groups]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for n, r in cursor.fetchall():
                out[n].append(str(r))
        return out

    def blocks(self, kinds: Sequence[str], max_size: int) -> Iterable[list[str]]:
        """Groups of record ids sharing a key of one of ``kinds`` (2 to ``max_size`` ids), streamed in key order;
        one indexed range scan per kind."""
        for kind in kinds:
            rows = (
                MatchKey.objects.filter(kind=self.kind, key__startswith=f"{kind}:")
                .order_by("key", "record_id")
                .values_list("key", "record_id")
            )
            current: str | None = None
            block: list[str] = []
            for key, rid in rows.iterator(chunk_size=20000):
                if key != current:
                    if 2 <= len(block) <= max_size:
                        yield block
                    current, block = key, []
                block.append(str(rid))
            if 2 <= len(block) <= max_size:
                yield block


def _weights(weighted: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Weighted keys as ``ranked`` sums them: keys cut to the stored length, the last weight of a key counting
    (as in ``Engine.search``)."""
    weights: dict[str, float] = {}
    for key, w in weighted:
        weights[key[:150]] = float(w)
    return weights


# The largest weight summed as an integer: a key's weight scaled must fit PostgreSQL's ``integer`` (whose SUM is a
# ``bigint``, which ~30 keys a query cannot overflow); beyond it the weights are summed as ``numeric``.
_INT_MAX = 2**31 - 1  # PostgreSQL's integer range


def _scaled(weights: Sequence[float]) -> list[int] | None:
    """``weights`` (floats, as written: ``repr``) times the smallest power of ten that makes every one a whole
    number, as integers — their sums are then exact and order as the weights' exact sums do, ties included —
    or None if one does not fit an ``integer`` (the key weights are tenths: ``constants.KEY_WEIGHTS``)."""
    exact = [Decimal(repr(float(w))) for w in weights]
    if not all(d.is_finite() for d in exact):
        return None
    places = max((-d.as_tuple().exponent for d in exact), default=0)
    scale = Decimal(10) ** max(places, 0)
    out = [int(d * scale) for d in exact]
    if any(abs(v) > _INT_MAX for v in out):
        return None
    return out


class _AnyOf(Lookup):
    """``pk__any_of=ids``: ``pk = ANY(%s)`` with the ids as one array parameter (PostgreSQL). A search fetches up
    to ``Decisions.max_candidates`` records by id: as ``IN (%s, …)`` each id is one more parameter for Django
    to prepare and psycopg to bind, and one more literal for PostgreSQL to parse (measured at 100,000 records:
    8.6 against 5.7 ms wall, 3.8 against 2.1 ms CPU a fetch of 400)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, [int(i) for i in self.rhs]]


Martyr._meta.pk.register_lookup(_AnyOf)
Grave._meta.pk.register_lookup(_AnyOf)


def _by_ids(queryset, ids: Sequence[str]):
    """``queryset`` narrowed to ``ids`` (one array parameter on PostgreSQL, ``IN`` elsewhere)."""
    if connection.vendor == "postgresql":
        return queryset.filter(pk__any_of=ids)
    return queryset.filter(pk__in=[int(i) for i in ids])


def _fixed_order(queryset) -> bool:
    """Does ``queryset`` list its rows in one fixed order, whatever ids it is narrowed to: ordered (by its own
    ``order_by`` or the model's ``ordering``), the primary key last so no two rows tie? Then the records of a
    subset of ids come in the order they have in the fetch of a larger set (``Engine._fetch_each``)."""
    queryset = queryset.all()  # a manager as well (a scope may be the whole table: ``Martyr.objects``)
    query = queryset.query
    order = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    if query.extra_order_by or not order or not all(isinstance(o, str) for o in order):
        return False
    return order[-1].lstrip("-") in ("pk", "id", queryset.model._meta.pk.name)


class MartyrSource:
    """Martyrs' records, from ``within`` (a queryset: the records a user may read) or all of them."""

    def __init__(self, within=None) -> None:
        self.within = Martyr.objects.all() if within is None else within
        self.fixed_order = _fixed_order(self.within)

    def fetch(self, ids: Sequence[str]) -> list[Record]:
        """Only the columns the engine reads (a whole row is ~30 columns and a model instance each; a search
        fetches up to ``Decisions.max_candidates`` records)."""
        rows = _by_ids(self.within, ids).filter(merged_into=None).values_list("pk", *MARTYR_FIELDS)
        return [Record(str(pk), *values) for pk, *values in rows]


class GraveSource:
    def __init__(self, within=None) -> None:
        self.within = Grave.objects.all() if within is None else within
        self.fixed_order = _fixed_order(self.within)

    def fetch(self, ids: Sequence[str]) -> list[Record]:
        rows = _by_ids(self.within, ids).values_list("pk", *_GRAVE_FIELDS.values())
        return [Record(str(pk), **dict(zip(_GRAVE_FIELDS, values, strict=True))) for pk, *values in rows]


# ------------------------------------------------------------------------------------------ frequencies

_VERSION_KEY = "registry:frequency-version"
_lock = threading.Lock()
_loaded: dict[str, object] = {"model": None, "version": None, "checked": 0.0}


def _bump_version() -> str:
    token = uuid.uuid4().hex
    cache.set(_VERSION_KEY, token, timeout=None)
    return token


def frequency_model() -> FrequencyModel:
    """This process's copy of the counts: the shared version is looked at, at most every FREQ_CHECK seconds,
    and the copy reloaded when it changed (a missing version, evicted or cleared, is replaced by a new one, so
    every process reloads once)."""
    now = time.monotonic()
    with _lock:
        model = _loaded["model"]
        if model is not None and now - _loaded["checked"] < FREQ_CHECK:  # type: ignore[operator]
            return model  # type: ignore[return-value]
        version = cache.get(_VERSION_KEY)
        if version is None:
            version = _bump_version()
        _loaded["checked"] = now
        if model is None or version != _loaded["version"]:
            counts: dict[str, dict[str, int]] = {}
            total = 0
            for kind, value, n in FrequencyCount.objects.values_list("kind", "value", "count").iterator(
                chunk_size=20000
            ):
                if (kind, value) == _TOTAL:
                    total = n
                else:
                    counts.setdefault(kind, {})[value] = n
            model = FrequencyModel.from_counts(total, counts)
            _loaded.update(model=model, version=version)
        return model  # type: ignore[return-value]


def registry_version() -> str:
    """A token that changes whenever a martyr's indexed state changes (created, edited, merged, imported):
    the version of the counts (``frequency_model``), as this process last saw it (at most FREQ_CHECK seconds
    old). For caches of figures derived from the registry."""
    frequency_model()
    return str(_loaded["version"])


def forget_frequency_cache() -> None:
    with _lock:
        _loaded.update(model=None, version=None, checked=0.0)


# (kind, value, n) rows sent to PostgreSQL as three JSON arrays of one length, read back side by side. psycopg dumps
# a Python list as an array parameter element by element in Python: about 100 ms for a chunk's 20,000 counters
# (measured on this machine, against 28 ms for the whole statement with JSON, which ``json.dumps`` writes in C);
# JSON also carries any character a value may hold.
_JSON_COLUMNS = (
    "ROWS FROM (json_array_elements_text(%s::json), json_array_elements_text(%s::json), "
    "json_array_elements_text(%s::json)) AS d(kind, value, n)"
)


def _json_columns(rows: list[tuple[str, str, int]]) -> list[str]:
    return [json.dumps(list(column), ensure_ascii=False) for column in zip(*rows, strict=True)]


def _apply_counts(delta: Counter) -> None:
    """Add ``delta`` ((kind, value) -> ±n) to the table. Additions are one upsert statement (INSERT … ON CONFLICT
    DO UPDATE, in SQLite and PostgreSQL alike): no look-up first. Removals (records changed or merged) update the
    rows that exist, and delete those whose count fell to zero."""
    delta = Counter({(k, v[:150]): n for (k, v), n in delta.items() if n})
    if not delta:
        return
    q = connection.ops.quote_name
    table = q(FrequencyCount._meta.db_table)
    added = [(k, v, n) for (k, v), n in delta.items() if n > 0]
    postgres = connection.vendor == "postgresql"
    if added and postgres:  # one statement, whatever the number of values
        sql = (
            f"INSERT INTO {table} ({q('kind')}, {q('value')}, {q('count')}) "
            f"SELECT d.kind, d.value, d.n::integer FROM {_JSON_COLUMNS} "
            f"ON CONFLICT ({q('kind')}, {q('value')}) DO UPDATE SET {q('count')} = {table}.{q('count')} + excluded.{q('count')}"
        )
        added.sort()  # in the unique index's order: its pages are visited one after another
        with connection.cursor() as cursor:
            cursor.execute(sql, _json_columns(added))
    elif added:
        sql = (
            f"INSERT INTO {table} ({q('kind')}, {q('value')}, {q('count')}) VALUES (%s, %s, %s) "
            f"ON CONFLICT ({q('kind')}, {q('value')}) DO UPDATE SET {q('count')} = {table}.{q('count')} + excluded.{q('count')}"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, added)
    delta = Counter({k: n for k, n in delta.items() if n < 0})
    transaction.on_commit(_bump_version)
    if not delta:
        return
    if postgres:  # the rows that exist, updated in one statement, and those fallen to zero deleted in another
        columns = _json_columns(sorted((k, v, n) for (k, v), n in delta.items()))
        sql = (
            f"UPDATE {table} SET {q('count')} = {table}.{q('count')} + d.n::integer FROM {_JSON_COLUMNS} "
            f"WHERE {table}.{q('kind')} = d.kind AND {table}.{q('value')} = d.value"
        )
        gone = (
            f"DELETE FROM {table} USING {_JSON_COLUMNS} "
            f"WHERE {table}.{q('kind')} = d.kind AND {table}.{q('value')} = d.value AND {table}.{q('count')} <= 0"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, columns)
            cursor.execute(gone, columns)
        return
    existing = set()
    keys = list(delta)
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        kinds = {k for k, _ in chunk}
        values = {v for _, v in chunk}
        for row in FrequencyCount.objects.filter(kind__in=kinds, value__in=values).values_list(
            "kind", "value"
        ):
            if row in delta:
                existing.add(row)
    if existing:  # one statement for all of them (an UPDATE per value made large imports crawl)
        q = connection.ops.quote_name
        table = q(FrequencyCount._meta.db_table)
        sql = f"UPDATE {table} SET {q('count')} = {q('count')} + %s WHERE {q('kind')} = %s AND {q('value')} = %s"
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(delta[(k, v)], k, v) for k, v in existing])
        # a value no record carries any more leaves the table (a registry's units and given names by class come and
        # go; rows at zero would only grow the table every process loads)
        rows = list(existing)
        for i in range(0, len(rows), 500):
            chunk = rows[i : i + 500]
            FrequencyCount.objects.filter(
                kind__in={k for k, _ in chunk}, value__in={v for _, v in chunk}, count__lte=0
            ).delete()


def _items(record: Record) -> list[tuple[str, str]]:
    return frequency_items(prepare(record))


# ------------------------------------------------------------------------------------------ maintenance


# ids per DELETE of keys: below SQLite's limit of bound variables (32,766 since 3.32; 999 before)
_DELETE_IDS = 900


def _delete_keys(kind: str, ids: list[int]) -> None:
    """Delete the keys of records ``ids`` of ``kind`` by one statement per 900 records, not through the ORM's
    ``delete()``: with a receiver of ``post_delete`` for MatchKey (the cached figures follow every write to the
    registry's models), that loads every key and sends a signal for each, and each renewed the figures' cache
    generation (a cache write, a query on the database cache): about 17,000 cache writes for 2,000 changed
    records, most of a re-import's time (issue 14, fifth round). No figure counts keys; the records' own writes
    (a save, or an import's final ``indicators.forget()``) still send the figures."""
    q = connection.ops.quote_name
    sql = f"DELETE FROM {q(MatchKey._meta.db_table)} WHERE {q('kind')} = %s AND {q('record_id')} IN "
    with connection.cursor() as cursor:
        for i in range(0, len(ids), _DELETE_IDS):
            part = ids[i : i + _DELETE_IDS]
            cursor.execute(sql + "(" + ", ".join(["%s"] * len(part)) + ")", [kind, *part])


def _insert_keys(rows: list[tuple[str, int, str]]) -> None:
    """Insert (kind, record_id, key) rows. An import writes about a dozen keys per record, and building a model
    instance for each costs more than the insert itself."""
    insert_rows(MatchKey._meta.db_table, ["kind", "record_id", "key"], rows)


def insert_rows(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert plain tuples of ``columns`` into ``table``: one COPY stream on PostgreSQL, executemany elsewhere
    (10,000 rows a call). For bulk writes whose values are already as the database takes them."""
    if not rows:
        return
    q = connection.ops.quote_name
    names = ", ".join(q(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {q(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {q(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        for i in range(0, len(rows), 10000):
            cursor.executemany(sql, rows[i : i + 10000])


def index_martyrs(new: Iterable[Martyr], old: Iterable[Record] = ()) -> None:
    """Bring keys and counts up to date for martyrs created or changed (``old``: their previous state).
    Call inside the transaction that saves them. Merged-away records are unindexed."""
    delta: Counter = Counter()
    for record in old:
        for item in _items(record):
            delta[item] -= 1
        delta[_TOTAL] -= 1
    new = list(new)
    ids = [m.pk for m in new]
    _delete_keys(MARTYR, ids)
    rows = []
    for m in new:
        if m.merged_into_id is not None:
            continue
        f = prepare(martyr_record(m))
        rows.extend((MARTYR, m.pk, k[:150]) for k in dict.fromkeys(record_keys(f)))
        for item in frequency_items(f):
            delta[item] += 1
        delta[_TOTAL] += 1
    _insert_keys(rows)
    _apply_counts(delta)


def linkage_terms(kind: str, f: Features) -> tuple[list[str], list[tuple[str, str]]]:
    """What a new record of ``kind`` adds to the index: its keys (as stored) and its frequency counters. A pure
    function of the record, so an import works it out while reading the file, in its reader process."""
    keys = list(dict.fromkeys(k[:150] for k in record_keys(f)))
    return keys, (frequency_items(f) if kind == MARTYR else [])


def new_terms(
    kind: str, records: Iterable[tuple[int, list[str], list[tuple[str, str]]]]
) -> tuple[list[tuple[str, int, str]], Counter]:
    """Keys and counts of records just inserted, ``(id, keys, counters)`` from ``linkage_terms`` (worked out
    while their rows were read): the key rows, in the lookup index's order, and the counts to add, for
    ``write_new_terms``. No database: an import works it out while the previous chunk is being written.
    Nothing is removed first, since a new id has no keys."""
    rows = []
    delta: Counter = Counter()
    total = 0
    for pk, keys, items in records:
        rows.extend((kind, pk, k) for k in keys)
        delta.update(items)
        total += 1
    if kind == MARTYR:
        delta[_TOTAL] += total
    rows.sort(key=lambda row: row[2])  # in the lookup index's order: its pages are written one after another
    return rows, delta


def write_new_terms(kind: str, rows: list[tuple[str, int, str]], delta: Counter) -> None:
    """Write ``new_terms``'s result (inside the transaction that inserts the records)."""
    if kind == GRAVE:
        transaction.on_commit(lambda: cache.delete(_GRAVE_COUNT_KEY))
    _insert_keys(rows)
    _apply_counts(delta)


def index_graves(graves: Iterable[Grave]) -> None:
    graves = list(graves)
    transaction.on_commit(lambda: cache.delete(_GRAVE_COUNT_KEY))  # the grave prior counts them
    _delete_keys(GRAVE, [g.pk for g in graves])
    rows = []
    for g in graves:
        f = prepare(grave_record(g))
        rows.extend((GRAVE, g.pk, k[:150]) for k in dict.fromkeys(record_keys(f)))
    _insert_keys(rows)


# ------------------------------------------------------------------------------------------ bulk loads

# A load of at least this many new records into a key table that holds fewer (``bulk_key_load``) builds the
# search index once at its end. Below it the index is kept, and searches stay fast throughout: a judgement from
# bench/import_registry.py on PostgreSQL (2026-12-01, under load): at 200,000 rows the index still fits the
# server's cache and the saving was small (COPY of the keys 13.1 s with the index against 9.9 s + 2.4 s to build
# it); at 1,000,000 rows it was 109 s against 46 s + 13 s, and the server's CPU 105 against 71 s.
BULK_LOAD_MIN_RECORDS = 100_000
# PostgreSQL's memory for sorting that index at the end of a bulk load, this session only. At 1,000,000
# records the index holds about 8.6 million (kind, key, record_id) entries of ~40 bytes, ~350 MB: the server's
# default (64 MB) sorts them in passes through temporary files. A server setting of its own, not this process's
# memory; the build is short and one import runs it at a time.
BULK_LOAD_SORT_MEMORY = "512MB"


def _cover_index():
    return next(i for i in MatchKey._meta.indexes if i.name == "matchkey_cover_idx")


def _index_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, MatchKey._meta.db_table)
    return name in found


def _create_index_sql() -> str:
    """The DDL Django's migrations use to make the keys' search index, as text: run on the connection as any
    statement, inside a transaction or not, on every database."""
    return str(_cover_index().create_sql(MatchKey, connection.schema_editor(collect_sql=True)))


def _build_key_index() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{BULK_LOAD_SORT_MEMORY}'")
        cursor.execute(_create_index_sql())
        if connection.vendor == "postgresql":  # the planner's figures for the table just loaded
            cursor.execute(f"ANALYZE {connection.ops.quote_name(MatchKey._meta.db_table)}")


def ensure_key_index() -> bool:
    """Make the search index of the keys if a bulk load was cut off before it could build it again (a killed
    process). Returns whether it had to."""
    if _index_exists(_cover_index().name):
        return False
    logger.warning("registry: the key index was missing (a bulk load cut off): building it")
    _build_key_index()
    return True


def keyed_records() -> int:
    """How many records the key table indexes now (martyrs not merged away, and graves)."""
    return Martyr.objects.filter(merged_into=None).count() + Grave.objects.count()


@contextmanager
def bulk_key_load(new_records: int) -> Iterator[bool]:
    """Around a load of about ``new_records`` records (an import, after its dry run counted them): when they are
    at least ``BULK_LOAD_MIN_RECORDS`` and at least as many as the key table indexes already, the keys' search
    index (``matchkey_cover_idx``) is dropped for the load and built again, sorted, once it ends — also when it
    fails. Yields whether it did.

    Inserting millions of keys into that B-tree one by one, in the keys' random order, was most of the
    database's work in a first import (issue 14: the COPY of 8.6 million keys took 136 s of statement time at
    1,000,000 rows, the server's CPU about 240 s); PostgreSQL's manual recommends exactly this for bulk
    loads ("Populating a Database": remove indexes, create them after; the build sorts, then writes the tree
    in order). While the index is away, searches still work, by reading the key table through (slower): a
    registry being loaded for the first time is not yet searched for real, and a registry already larger
    than the load keeps its index. The record-id index stays (a fresh load appends to it in order, and
    re-imports delete by it). A process killed during the load leaves no index: the next import, or
    ``migrate``, makes it again (``ensure_key_index``)."""
    index = _cover_index()
    defer = new_records >= BULK_LOAD_MIN_RECORDS and new_records >= keyed_records()
    if not defer:
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(index.name)}")
    try:
        yield True
    finally:
        if not _index_exists(index.name):  # another load may have built it meanwhile
            _build_key_index()


# what ``resolved_home`` gives, in its order
HOME_FIELDS = ("home_resolved", "home_province_2025", "home_codes")


def refresh_homes(martyrs: Sequence, write) -> int:
    """Work out again the home-place fields of ``martyrs`` (``resolved_home``) and ``write`` the changed ones, in
    chunks (``write(changed, fields)``: a model's ``bulk_update``): after the resolver changed, or for records
    written before a field existed. Returns how many changed."""
    changed = []
    for m in martyrs:
        now = resolved_home(m.home_place)
        if now != tuple(getattr(m, f) for f in HOME_FIELDS):
            for f, v in zip(HOME_FIELDS, now, strict=True):
                setattr(m, f, v)
            changed.append(m)
    if changed:
        write(changed, HOME_FIELDS, batch_size=1000)
    return len(changed)


def refresh_all_homes(model=Martyr, chunk: int = 5000, only_stale: bool = False) -> int:
    """``refresh_homes`` of every martyr with a home place (``only_stale``: of those whose codes are stale),
    ``chunk`` at a time, each chunk its own transaction (it can run while the system serves: a record without
    codes is only resolved again when searched). ``model``: a migration's historical model. Returns how many
    changed. Measured at 1,000,000 records on PostgreSQL: ~8 minutes, nearly all of it PostgreSQL rewriting
    each row with its indexes."""
    rows = _homes(model, only_stale).only("pk", "home_place", *HOME_FIELDS).order_by("pk")
    changed, last = 0, 0
    while batch := list(rows.filter(pk__gt=last)[:chunk]):
        with transaction.atomic():
            changed += refresh_homes(batch, model.objects.bulk_update)
        last = batch[-1].pk
    return changed


def stale_homes(model=Martyr):
    """Martyrs whose home place's codes were made by another version of the resolver (``places.RESOLVER_VERSION``
    changes with the gazetteer's modules and data): a search resolves their text again, as if they had none."""
    return model.objects.exclude(home_codes="").exclude(
        home_codes__startswith=f"{linkage_places.RESOLVER_VERSION}|"
    )


def _homes(model, only_stale: bool):
    """The martyrs whose home-place fields ``refresh_all_homes`` works out again."""
    return stale_homes(model) if only_stale else model.objects.exclude(home_place="")


# Up to this many records, ``migrate`` writes the codes itself (``refresh_homes_when_few``: migration 0009 for the
# records already there, every later ``migrate`` for stale ones); above, it says to run
# ``manage.py refresh_home_places``, which works while the system serves.
HOMES_REFRESHED_BY_MIGRATE = 100_000  # judgement: under a minute at the measured ~470 µs a record


def refresh_homes_when_few(model=Martyr, only_stale: bool = True, out=print) -> int:
    """During ``migrate``: ``refresh_all_homes`` when at most ``HOMES_REFRESHED_BY_MIGRATE`` records need it (of
    every martyr with a home place, or ``only_stale``: those whose codes are stale, after a new version changed
    the resolver), else a word to run the command. Returns how many were written."""
    need = _homes(model, only_stale).count()
    if not need:
        return 0
    if need > HOMES_REFRESHED_BY_MIGRATE:
        out(
            f"\n  Sổ liệt sĩ lớn: {need:,} hồ sơ chưa có mã địa danh quê quán của phiên bản này. Chạy "
            "`manage.py refresh_home_places` để lưu (tìm kiếm nhanh hơn; kết quả không đổi)."
        )
        return 0
    return refresh_all_homes(model, only_stale=only_stale)


def rebuild_index() -> dict[str, int]:
    """Recompute every key and count from the records (after an engine upgrade changes the keys)."""
    with bulk_key_load(keyed_records()), transaction.atomic():
        # plain DELETE statements, as ``_delete_keys``: the ORM's delete() would load every key and count and send
        # a post_delete for each (the cached figures listen to the registry's models): millions at 1,000,000 records
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in (MatchKey, FrequencyCount):
                cursor.execute(f"DELETE FROM {q(model._meta.db_table)}")
        martyrs = Martyr.objects.filter(merged_into=None)
        batch: list[Martyr] = []
        for m in martyrs.iterator(chunk_size=5000):
            batch.append(m)
            if len(batch) == 5000:
                refresh_homes(batch, Martyr.objects.bulk_update)
                index_martyrs(batch)
                batch = []
        refresh_homes(batch, Martyr.objects.bulk_update)
        index_martyrs(batch)
        index_graves(Grave.objects.all())
    forget_frequency_cache()
    return {"martyrs": martyrs.count(), "keys": MatchKey.objects.count()}


# ------------------------------------------------------------------------------------------ search


# One lexicon and one scorer per process, shared by every search (web requests, the worker), built afresh when
# the counts' version changes (a record written anywhere), or when the lexicon has grown past LEXICON_MAX_NAMES.
# Before, each search made its own: every candidate's name, home place and unit was interned again and every
# count array the scorer reads (given-name shares, province shares, years) recomputed, request after request,
# for the same records. Searches in one process take turns (``_shared_lock``): the lexicon and the scorer's
# caches grow while a search runs, and a process serves one request at a time anyway (sync workers).
LEXICON_MAX_NAMES = 200_000  # judgement: distinct names a process keeps interned (~100 MB at most), ~1,000 searches' candidates
# The rows of the records searches met, and the parts of rows their texts made (each field's text → its columns
# over the shared lexicon: ``RowMaker``), kept with the lexicon: a record met again, or one whose name, places,
# unit and dates were met in other records, is neither parsed nor interned again (at 1,000,000 records most of a
# tip's ~700 candidates a person are records the process never met, with names and places it did). Emptied when
# it holds more than ROWS_MAX records (no field keeps more texts than that), and with the lexicon.
ROWS_MAX = 100_000  # judgement: ~1 KB a record (its 13 texts, its row, its parts), ≤ ~100 MB like the lexicon
_shared_lock = threading.RLock()
_shared: dict = {"model": None, "lexicon": None, "scorers": {}, "priors": {}, "rows": None}


def _shared_scoring(model: FrequencyModel, kind: str) -> tuple[Lexicon, Scorer]:
    """This process's lexicon, and its scorer for records of ``kind``, for ``model`` (the counts as this process
    holds them); a scorer per kind, since its count arrays are kept per model and the graves' model differs by
    its prior. Call with ``_shared_lock`` held."""
    lexicon = _shared["lexicon"]
    if _shared["model"] is not model or lexicon is None or len(lexicon.name_objs) > LEXICON_MAX_NAMES:
        lexicon = Lexicon()
        _shared.update(model=model, lexicon=lexicon, scorers={}, priors={}, rows=RowMaker(lexicon))
    scorer = _shared["scorers"].get(kind)
    if scorer is None:
        scorer = _shared["scorers"][kind] = Scorer()
    return _shared["lexicon"], scorer


def _grave_model(model: FrequencyModel, graves: int) -> FrequencyModel:
    """``model`` with the prior over ``graves`` graves: one object while neither changes (the scorer's count
    arrays are kept for the model object they were computed for)."""
    with _shared_lock:
        _shared_scoring(model, GRAVE)
        priors = _shared["priors"]
        if graves not in priors:
            priors.clear()
            priors[graves] = model.with_prior(graves, "mộ")
        return priors[graves]


class SharedEngine(Engine):
    """``Engine`` whose tables intern into the process's shared lexicon and whose scorer (with its count arrays)
    is the process's: what a search computes about a record's name, place or unit serves the next one. Its
    searches hold ``_shared_lock``."""

    def __init__(self, store: DbStore, source, freq: FrequencyModel, shared_model: FrequencyModel) -> None:
        self._shared_model = shared_model  # the lexicon follows the counts' version, not a grave prior
        super().__init__(store, source, freq)

    _lexicon: Lexicon | None = None

    def _table_of(self, records: Iterable[Record]) -> tuple[FeatureTable, list[str]]:
        """``Engine._table_of`` over the shared lexicon during a search, each record's row made by the shared
        ``RowMaker`` (the same row, from the parts of texts met before) and put in the table at once
        (``FeatureTable.extend_rows``). Outside a search (deduplication, no shared lexicon) as
        ``Engine._table_of``."""
        if self._lexicon is None:
            return super()._table_of(records)
        rt = FeatureTable(self._lexicon)
        maker = _shared["rows"]
        if len(maker) > ROWS_MAX:
            maker.clear()
        row = maker.row
        got, values = [], []
        for r in records:
            values.append(row(r))
            got.append(r.id)
        rt.extend_rows(got, values)
        return rt, got

    def search_many(
        self, queries: Sequence[Record], top: int = 10, explain: bool = True, exclude: str | None = None
    ):
        with _shared_lock:
            self._lexicon, self.scorer = _shared_scoring(self._shared_model, self.store.kind)
            try:
                return super().search_many(queries, top=top, explain=explain, exclude=exclude)
            finally:
                self._lexicon = None


def martyr_engine(within=None) -> Engine:
    """The engine over the martyrs' records; ``within``: only these records are fetched and scored (a user's
    scope), so records outside it are never candidates, rather than filtered out of a short list after."""
    model = frequency_model()
    return SharedEngine(DbStore(MARTYR), MartyrSource(within), model, model)


_GRAVE_COUNT_KEY = "registry:grave-count"


def grave_engine(within=None) -> Engine:
    """Graves are scored with the martyrs' name frequencies (the same population, counted on far more records
    than a few cemetery lists) and a prior over the graves themselves."""
    model = frequency_model()
    return SharedEngine(DbStore(GRAVE), GraveSource(within), _grave_model(model, grave_count()), model)


def grave_count() -> int:
    """How many graves are listed (cached; cleared when graves are written)."""
    return cache.get_or_set(_GRAVE_COUNT_KEY, Grave.objects.count, timeout=FREQ_TTL)


def search_martyrs(query: Record, top: int = 10, exclude: str | None = None, within=None) -> list[Candidate]:
    return martyr_engine(within).search(query, top=top, explain=True, exclude=exclude)


def search_martyrs_each(queries: Sequence[Record], top: int = 10, within=None) -> list[list[Candidate]]:
    """``search_martyrs`` of each query (the people a tip names), their pre-rankings one statement and their
    candidates one fetch (``Engine.search_many``)."""
    return martyr_engine(within).search_many(queries, top=top, explain=True)


def search_graves(query: Record, top: int = 5, within=None) -> list[Candidate]:
    return grave_engine(within).search(query, top=top, explain=True)


def search_graves_each(queries: Sequence[Record], top: int = 5, within=None) -> list[list[Candidate]]:
    """``search_graves`` of each query, as ``search_martyrs_each``."""
    return grave_engine(within).search_many(queries, top=top, explain=True)
