#!/usr/bin/env python3
"""Server time of the registry search page and of a tip's candidates, on PostgreSQL, with a large registry and
explanations on (staff always see them).

    uv run python bench/make_registry.py --size 1000000 --seed 1 --out var/bench/rs-1m/ --queries 500
    uv run python bench/registry_search.py build --data var/bench/rs-1m --db regsearch_1m
    uv run python bench/registry_search.py measure --data var/bench/rs-1m --db regsearch_1m [--n 200] \
        [--warmup 20] [--profile out.prof] [--queries-per-request]
    uv run python bench/registry_search.py drop --db regsearch_1m

    # the same requests with main's code (``git archive main | tar -x -C /tmp/main``), their results compared
    uv run python bench/registry_search.py measure --data D --db DB --code /tmp/main --results main.json
    uv run python bench/registry_search.py measure --data D --db DB --results branch.json
    uv run python bench/registry_search.py compare main.json branch.json

``build`` makes the database (``--db``, on ``--server``, default postgres://postgres@127.0.0.1:5432), migrates
it, loads the seed, and writes the registry **directly**, not through the web import: the martyrs by COPY, with
the import's derived fields (years, resolved home place), and the engine's keys (``MatchKey``) and value counts
(``FrequencyCount``) computed by the same functions ``registry.matching.index_martyrs`` uses (``prepare``,
``record_keys``, ``frequency_items``) in forked workers; the lookup indexes are made after the rows are in. The
result is the state a web import leaves (minus the version history, which search never reads). It then makes
tips naming one, two and three martyrs (``tip_submit``, the public intake service), taken from the queries.

``measure`` runs the real views in this process through Django's test client, as a provincial campaign officer
(``DEBUG`` off, the project's cache): ``GET /staff/registry/?full_name=…`` (top 20, with reasons) for the
queries, and ``GET /staff/registry/tips/<pk>/candidates/`` as the tip page's htmx request does (each named
martyr's candidates and graves, with reasons). Server time = the test client's request, view + templates +
middleware, without the network. The first ``--warmup`` requests of each kind are not timed (they load the
frequency counts into the process, which happens once per process and again after an import). The same
requests are then timed ``--passes`` times: pass 1 meets candidates new to the process (names, places and
units parsed for the first time), pass 2 the same again (what a worker that has served a while sees). Prints
p50, p95, max per kind and pass, the CPU time of this process (steadier than wall time on a loaded machine;
PostgreSQL's own time is not in it), SQL statements per request, and the load average (2 cores shared with
other work: compare within one run — run the code before and after side by side, at the same time).

``--code DIR`` runs another checkout's ``doantu`` (its views, services and engine) with this script, on the same
database (its schema must be that code's: ``manage.py migrate registry 0006`` before main's code, then ``migrate``
again), and the same ``DOANTU_DATA_DIR`` (the tips' personal fields are encrypted with a key kept there).
``--results FILE`` writes, for each request once (untimed, after the timed passes), what the page showed:
for a search each record's id, score, decision and reasons; for a tip each person's records and graves alike.
``compare A B`` says how many requests gave identical results in both files and prints the first differences.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIP_MARK = "bench-regsearch"  # in the account of the tips this script makes


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


CODE = REPO  # the checkout whose ``doantu`` is measured (``--code``)


def setup(server: str, db: str) -> None:
    os.environ["DATABASE_URL"] = f"{server.rstrip('/')}/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
    sys.path.insert(0, str(CODE))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log
    settings.STAFF_2FA = (
        "off"  # the bench user has no authenticator; the check itself costs one query or none
    )


def admin(server: str):
    import psycopg

    return psycopg.connect(
        f"{server.rstrip('/')}/postgres".replace("postgres://", "postgresql://"), autocommit=True
    )


# ------------------------------------------------------------------------------------------ build


def _prepare_chunk(chunk):
    """(martyr rows, key rows, frequency counts) for a chunk of (pk, Record) — in a worker process."""
    from doantu.linkage.dates import parse_date
    from doantu.linkage.frequency import frequency_items
    from doantu.linkage.keys import record_keys
    from doantu.linkage.records import prepare
    from doantu.registry.matching import MARTYR, resolved_home

    rows, keys, freq = [], [], Counter()
    for pk, r in chunk:
        birth, death = parse_date(r.birth), parse_date(r.death_date)
        home = resolved_home(r.home_place)
        rows.append((pk, r, birth.year if birth else None, death.year if death else None, home))
        f = prepare(r)
        keys.extend((MARTYR, pk, k[:150]) for k in dict.fromkeys(record_keys(f)))
        for item in frequency_items(f):
            freq[item] += 1
    return rows, keys, freq


def build(args) -> None:
    with admin(args.server) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.db,)).fetchone()
        if exists:
            sys.exit(
                f"database {args.db} exists: drop it first (bench/registry_search.py drop --db {args.db})"
            )
        conn.execute(f'CREATE DATABASE "{args.db}"')
    setup(args.server, args.db)
    import multiprocessing

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from doantu.linkage.csvio import read_records
    from doantu.org.seed import load_seed
    from doantu.registry.matching import _TOTAL, HOME_FIELDS, MARTYR_FIELDS
    from doantu.registry.models import FrequencyCount, Martyr, MatchKey

    t0 = time.time()
    call_command("migrate", verbosity=0)
    load_seed()
    from doantu.registry import access

    owner = access.province_of(bench_user())
    print(f"migrated and seeded in {time.time() - t0:.0f} s; records owned by {owner}", flush=True)

    q = connection.ops.quote_name
    mk = q(MatchKey._meta.db_table)
    with connection.schema_editor() as editor:  # the model's indexes are made once the rows are in
        for index in MatchKey._meta.indexes:
            editor.remove_index(MatchKey, index)

    fields = [f for f in Martyr._meta.concrete_fields]
    now = timezone.now()
    derived = {"birth_year", "death_year", *HOME_FIELDS}
    from_record = set(MARTYR_FIELDS)  # the engine's columns, one list (registry.matching)

    def martyr_row(pk, r, birth_year, death_year, home):
        out = []
        for f in fields:
            if f.attname == "id":
                v = pk
            elif f.attname == "owner_id":
                v = owner.pk
            elif f.attname == "external_id":
                v = r.id
            elif f.attname in derived:  # before the record's fields: home_codes is one of both
                v = {
                    "birth_year": birth_year,
                    "death_year": death_year,
                    **dict(zip(HOME_FIELDS, home, strict=True)),
                }[f.attname]
            elif f.attname in from_record:
                v = getattr(r, f.attname)[: f.max_length] if f.max_length else getattr(r, f.attname)
            elif f.attname in ("created_at", "updated_at"):
                v = now
            else:
                v = f.get_default()
            out.append(v)
        return out

    names = ", ".join(q(f.column) for f in fields)
    records = ((i + 1, r) for i, r in enumerate(read_records(args.data / "registry.csv")))
    chunks = iter(lambda: list(itertools.islice(records, 10_000)), [])
    freq: Counter = Counter()
    n = 0
    t = time.time()
    ctx = multiprocessing.get_context("fork")
    connection.close()  # no connection crosses the fork
    with ctx.Pool(args.workers) as pool:
        for rows, keys, counts in pool.imap(_prepare_chunk, chunks):
            with connection.cursor() as c:
                with c.cursor.copy(f"COPY {q(Martyr._meta.db_table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(martyr_row(*row))
                with c.cursor.copy(f"COPY {mk} (kind, record_id, key) FROM STDIN") as copy:
                    for row in keys:
                        copy.write_row(row)
            freq.update(counts)
            n += len(rows)
            if n % 100_000 == 0:
                print(f"  {n:,} records, {time.time() - t:.0f} s", flush=True)
    freq[_TOTAL] = n
    with connection.cursor() as c:
        with c.cursor.copy(
            f"COPY {q(FrequencyCount._meta.db_table)} (kind, value, count) FROM STDIN"
        ) as copy:
            for (kind, value), count in freq.items():
                copy.write_row((kind, value[:150], count))
        c.execute(f"SELECT setval(pg_get_serial_sequence('{Martyr._meta.db_table}', 'id'), %s)", [n])
        print(f"loaded {n:,} records in {time.time() - t:.0f} s; making the indexes", flush=True)
    with connection.schema_editor() as editor:
        for index in MatchKey._meta.indexes:
            editor.add_index(MatchKey, index)
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")  # index-only scans need the visibility map, as autovacuum leaves it
        c.execute(f"SELECT count(*) FROM {mk}")
        keys = c.fetchone()[0]
    print(
        f"built: {n:,} martyrs, {keys:,} keys, {len(freq):,} counted values, {time.time() - t0:.0f} s",
        flush=True,
    )
    make_tips(args)


def bench_user():
    from doantu.org.models import OrgUnit, Role, UnitKind, User

    user = User.objects.filter(username="bench-regsearch").first()
    if user is None:
        ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
        unit = OrgUnit.objects.get(parent=ward, code="vhxh")
        user = User.objects.create_user(
            username="bench-regsearch",
            password="x" * 20,
            full_name="Cán bộ bench",
            unit=unit,
            role=Role.CAMPAIGN,
        )
    return user


def make_tips(args) -> list[int]:
    """Tips naming 1, 2 and 3 martyrs in turn, each martyr one of the queries; made once, then reused."""
    from doantu.linkage.csvio import read_records
    from doantu.tips.models import Source, Tip
    from doantu.tips.services import Submission, tip_submit

    existing = list(
        Tip.objects.filter(account__contains=TIP_MARK).order_by("pk").values_list("pk", flat=True)
    )
    if existing:
        return existing
    source = Source.objects.get(code="dx")
    queries = [r for r in read_records(args.data / "queries.csv") if r.full_name]
    out, i = [], 0
    for size in itertools.cycle((1, 2, 3)):
        if i + size > len(queries) or len(out) >= args.tips:
            break
        martyrs = [
            {
                "name": r.full_name,
                "birth_year": r.birth[-4:] if r.birth[-4:].isdigit() else "",
                "home_place": r.home_place[:200],
                "unit": r.unit[:200],
                "death_date": r.death_date[:40],
                "death_place": r.death_place[:200],
            }
            for r in queries[i : i + size]
        ]
        i += size
        tip, _ = tip_submit(
            source=source,
            submission=Submission(
                kinds=["witness"],
                account=f"Tôi biết về {len(martyrs)} liệt sĩ ({TIP_MARK}).",
                consent_processing=True,
                reporter_name="Lê Văn Bình",
                reporter_phone="0987654321",
                consent_contact=True,
                privacy="agencies",
                martyrs=martyrs,
            ),
            files=[],
            submission_key=f"{TIP_MARK}-{len(out)}",
        )
        out.append(tip.pk)
    print(f"made {len(out)} tips naming 1-3 martyrs", flush=True)
    return out


# ------------------------------------------------------------------------------------------ measure


def measure(args) -> None:
    setup(args.server, args.db)
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from doantu.linkage.csvio import read_records
    from doantu.registry.models import Martyr

    setup_test_environment()  # the test client's host name is allowed; nothing else changes for the views
    import doantu

    print(f"command: uv run python bench/registry_search.py {' '.join(sys.argv[1:])}")
    print(f"code measured: {Path(doantu.__file__).parent}")
    print(
        f"database {args.db}: {Martyr.objects.count():,} martyrs; load average {os.getloadavg()[0]:.1f} "
        "(2 cores shared with other work)",
        flush=True,
    )
    user = bench_user()
    tips = make_tips(args)
    client = Client()
    client.force_login(user)
    queries = [r for r in read_records(args.data / "queries.csv") if r.full_name]

    def search_url(r):
        params = {
            "full_name": r.full_name,
            "birth": r.birth[:20],
            "home_place": r.home_place,
            "unit": r.unit,
            "death_date": r.death_date,
            "death_place": r.death_place,
        }
        return "/staff/registry/?" + urlencode({k: v for k, v in params.items() if v})

    kinds = {
        "search page": ([search_url(r) for r in queries], {}),
        "tip candidates": (
            [f"/staff/registry/tips/{pk}/candidates/" for pk in tips],
            {"HTTP_HX_REQUEST": "true"},
        ),
    }
    if args.only:
        kinds = {k: v for k, v in kinds.items() if k == args.only}
    profile = cProfile.Profile() if args.profile else None
    summary = []
    results: dict[str, dict] = {label: {} for label in kinds}
    for label, (urls, headers) in kinds.items():
        if not urls:
            continue
        warm = urls[: args.warmup]
        timed = list(itertools.islice(itertools.cycle(urls[args.warmup :] or urls), args.n))
        first = None
        for url in warm:
            t1 = time.perf_counter()
            resp = client.get(url, **headers)
            first = first if first is not None else time.perf_counter() - t1
            assert resp.status_code == 200, (url, resp.status_code)
        statements = []
        for k, url in enumerate(timed[: args.count_queries]):  # untimed: the SQL of a few requests
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(url, **headers)
            assert resp.status_code == 200, (url, resp.status_code)
            statements.append(len(ctx.captured_queries))
            if k == 0 and args.show_sql:
                for qd in ctx.captured_queries:
                    print(f"    {qd['time']}s {qd['sql'][:300]}")
        for rnd in range(1, args.passes + 1):
            times, cpus = [], []
            for url in timed:
                if profile:
                    profile.enable()
                t1, c1 = time.perf_counter(), time.process_time()
                resp = client.get(url, **headers)
                times.append(time.perf_counter() - t1)
                cpus.append(time.process_time() - c1)
                if profile:
                    profile.disable()
                assert resp.status_code == 200, (url, resp.status_code)
            ms = [x * 1000 for x in times]
            cpu = [x * 1000 for x in cpus]
            line = (
                f"{label:<15} pass {rnd} n={len(ms)}  p50 {pct(ms, 50):6.1f} ms  p95 {pct(ms, 95):6.1f} ms  "
                f"max {max(ms):6.1f} ms  (goal p95 ≤ 100 ms); CPU of this process p50 {pct(cpu, 50):.1f} ms  "
                f"p95 {pct(cpu, 95):.1f} ms;  SQL statements/request {min(statements)}-{max(statements)}"
                f"  [first request {first * 1000 if first else 0:.0f} ms; load {os.getloadavg()[0]:.1f}]"
            )
            print(line, flush=True)
            summary.append(line)
        # each request once more, untimed, after the timed passes (before them, pass 1 would meet no candidate
        # new to the process): what the page showed
        if args.results is not None:
            for url in dict.fromkeys(urls):
                resp = client.get(url, **headers)
                assert resp.status_code == 200, (url, resp.status_code)
                results[label][url] = shown(resp.context)
    if args.results is not None:
        args.results.write_text(json.dumps({"code": str(CODE), "results": results}, ensure_ascii=False))
        print(f"results of {sum(map(len, results.values()))} requests written to {args.results}")
    if profile:
        profile.dump_stats(args.profile)
        s = io.StringIO()
        pstats.Stats(profile, stream=s).sort_stats("cumulative").print_stats(45)
        print(s.getvalue())


def _rows(rows, key: str) -> list:
    return [
        [row[key].pk, row["score"], row["decision"], row["probability"], [r["text"] for r in row["reasons"]]]
        for row in rows or []
    ]


def shown(context) -> list:
    """The results a response's template was given: a search's records, or each of a tip's people's records
    and graves (id, score, decision, probability, reasons)."""
    if "named_blocks" in context:
        return [
            [b["anchor"], b["person"].name, _rows(b["candidates"], "martyr"), _rows(b["graves"], "grave")]
            for b in context["named_blocks"]
        ]
    return _rows(context["results"], "martyr")


def compare(args) -> None:
    a, b = (json.loads(Path(f).read_text()) for f in args.files)
    print(f"A: {args.files[0]} (code {a['code']})\nB: {args.files[1]} (code {b['code']})")
    same = total = 0
    for label in a["results"]:
        ra, rb = a["results"][label], b["results"].get(label, {})
        both = [u for u in ra if u in rb]
        equal = [u for u in both if ra[u] == rb[u]]
        print(f"{label}: {len(equal)}/{len(both)} requests identical ({len(ra)} in A, {len(rb)} in B)")
        for u in [u for u in both if ra[u] != rb[u]][:3]:
            print(
                f"  differs: {u}\n    A {json.dumps(ra[u], ensure_ascii=False)[:400]}\n"
                f"    B {json.dumps(rb[u], ensure_ascii=False)[:400]}"
            )
        same, total = same + len(equal), total + max(len(ra), len(rb))
    print(f"all: {same}/{total} identical")
    sys.exit(0 if same == total else 1)


def drop(args) -> None:
    with admin(args.server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    print(f"dropped {args.db}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["build", "measure", "drop", "compare"])
    ap.add_argument("files", nargs="*", help="compare: two --results files")
    ap.add_argument("--db", default="regsearch_1m")
    ap.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--data", type=Path, default=REPO / "var/bench/rs-1m")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--tips", type=int, default=120, help="tips to make (build), naming 1, 2, 3 martyrs in turn"
    )
    ap.add_argument("--n", type=int, default=200, help="timed requests of each kind")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument(
        "--passes",
        type=int,
        default=2,
        help="times the same requests are timed: pass 1 meets records new to the process, pass 2 again",
    )
    ap.add_argument("--count-queries", type=int, default=5, help="requests (untimed) whose SQL is counted")
    ap.add_argument("--show-sql", action="store_true")
    ap.add_argument("--profile", type=Path)
    ap.add_argument(
        "--only", choices=["search page", "tip candidates"], help="measure: one kind of request only"
    )
    ap.add_argument("--results", type=Path, help="measure: write what each request showed (JSON)")
    ap.add_argument("--code", type=Path, help="measure another checkout's doantu (e.g. main's)")
    args = ap.parse_args()
    if args.code is not None:
        global CODE
        CODE = args.code.resolve()
    if args.step == "compare" and len(args.files) != 2:
        ap.error("compare takes two --results files")
    {"build": build, "measure": measure, "drop": drop, "compare": compare}[args.step](args)


if __name__ == "__main__":
    main()
