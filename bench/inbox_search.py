"""Inbox search at scale: fill a PostgreSQL database with N tips (1,000,000 by default) with realistic Vietnamese names,
places and units (sampled from the linkage dev registry, as bench/make_registry.py does), then time the inbox as the
page runs it (``selectors.inbox`` + the first page of 25 + the count) for a campaign user whose ward holds them all.

    uv run python bench/inbox_search.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    uv run python bench/inbox_search.py --tips 100000 --repeat 10      # smaller, quicker

A database ``bench_inbox_<pid>`` is created on that server and dropped at the end (``--keep`` keeps it and prints
its name). Rows go in with COPY, the search column computed by the same code as ``Tip.save``; the trigram index
(migration tips 0004) is dropped before the load and rebuilt after it, as a bulk load would. Prints p50/p95 per
query kind; the goal is p95 <= 200 ms. Then times the whole inbox page (``GET /staff/tips/?q=…``: the filters'
choices, the per-status counts, the overdue notice, the page and its count, rendering) the same way.

    uv run python bench/inbox_search.py --tips 1000000 --database bench_inbox_1m   # keep it, and next time
    uv run python bench/inbox_search.py --database bench_inbox_1m                  # reuse it as it is
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

ACCOUNTS = [
    "Gia đình tôi còn giữ giấy báo tử của {name}, quê {home}.",
    "Tôi là đồng đội của {name}, cùng đơn vị {unit}; chúng tôi chôn cất anh ở cạnh suối.",
    "Bố tôi kể {name} hy sinh năm {year}, mộ ở gần một cây đa lớn.",
    "Nhà tôi còn lá thư {name} gửi về từ mặt trận.",
    "Tôi biết một ngôi mộ ở đồi thông sau trường cũ.",
]


def load_people(limit: int | None = None) -> list[dict[str, str]]:
    from make_registry import DEFAULT_REFERENCE

    with open(DEFAULT_REFERENCE / "registry.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        {
            "name": r["Họ và tên"],
            "alias": r["Bí danh"],
            "home": r["Quê quán"],
            "unit": r["Đơn vị"],
            "year": (r["Ngày hy sinh"] or "1972")[-4:],
        }
        for r in rows[:limit]
    ]


def fill(n: int, *, ward, source, groups, seed: int) -> list[dict]:
    """N tips in SQL, each naming one martyr (``TipMartyr``): the distinct (martyr, account) pairs go in with COPY,
    their search text computed by the same code as ``Tip.save``; ``generate_series`` then draws N tips from them
    with unique receipt codes, and their named martyrs follow by the pair each tip was drawn from."""
    from django.db import connection

    from doantu.tips.models import Tip, TipMartyr
    from doantu.tips.search import MARTYR_SEARCH_FIELDS, search_text_of

    people = load_people()
    template = Tip(ward=ward, source=source, kinds=["martyr"], account="x", consent_processing=True)
    fields = [f for f in Tip._meta.concrete_fields if f.name != "id"]
    base = {f.attname: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for index in BULK_DROPPED_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {index}")
        cursor.execute(
            "CREATE TEMP TABLE bench_people (id int, name text, alias text, home_place text,"
            " unit text, account text, search_text text)"
        )
        with cursor.cursor.copy("COPY bench_people FROM STDIN") as copy:
            i = 0
            for p in people:
                for template_text in ACCOUNTS:
                    martyr = {
                        "name": p["name"],
                        "alias": p["alias"],
                        "home_place": p["home"],
                        "unit": p["unit"],
                    }
                    account = template_text.format(**p)
                    text = search_text_of(
                        {"account": account}, extra=[martyr[f] for f in MARTYR_SEARCH_FIELDS]
                    )
                    copy.write_row([i, *martyr.values(), account, text])
                    i += 1
        pick = f"abs(hashint8(g + {seed}) %% {i})"
        varying = {
            "receipt_code": "c.code",
            # the draw g, to find the tip's pair again for its named martyr
            "submission_key": "'bench-' || g",
            "account": "p.account",
            # search_text_of: the martyr's fields and the account folded, then the receipt code folded
            # ("abcd 1234") and without its dash
            "search_text": "p.search_text || ' ' || lower(replace(c.code, '-', ' ')) || ' '"
            " || lower(replace(c.code, '-', ''))",
            "created_at": "now() - (hashint8(g * 7) %% (3 * 365 * 86400)) * interval '1 second'",
            "updated_at": "now()",
            "dna_offer": "(hashint8(g * 3) %% 10 = 0)",
            "status": "(ARRAY['new','under_review','forwarded','answered','verified','closed'])"
            "[1 + abs(hashint8(g * 5) %% 6)]",
            "residential_group_id": f"(ARRAY{groups})[1 + abs(hashint8(g * 11) %% {len(groups)})]",
        }
        columns, exprs, params = [], [], []
        for f in fields:
            columns.append(connection.ops.quote_name(f.column))
            if f.attname in varying:
                exprs.append(varying[f.attname])
            else:
                exprs.append("%s")
                params.append(base[f.attname])
        cursor.execute(
            f"INSERT INTO tips_tip ({', '.join(columns)}) SELECT {', '.join(exprs)} "
            f"FROM generate_series(1, {int(n)}) AS g "
            # g * an odd constant mod 2^32 is a bijection: 8 hex digits, unique, scattered
            f"CROSS JOIN LATERAL (SELECT upper(substr(h, 1, 4) || '-' || substr(h, 5, 4)) AS code FROM "
            f"(SELECT lpad(to_hex((g::bigint * 2654435761 + {seed}) %% 4294967296), 8, '0') AS h) AS x) AS c "
            f"JOIN bench_people AS p ON p.id = {pick}",
            params,
        )
        martyr = TipMartyr._meta.db_table
        cursor.execute(
            f"INSERT INTO {martyr} (tip_id, position, name, alias, birth_year, home_place, unit, death_date,"
            " death_place, burial_place) "
            "SELECT t.id, 1, p.name, p.alias, '', p.home_place, p.unit, '', '', '' FROM tips_tip AS t "
            "CROSS JOIN LATERAL (SELECT substr(t.submission_key, 7)::bigint AS g) AS d "
            f"JOIN bench_people AS p ON p.id = {pick.replace('g +', 'd.g +')} "
            "WHERE t.submission_key LIKE 'bench-%%'",
            [],
        )
        loaded = time.perf_counter()
        for statement in BULK_INDEXES:
            cursor.execute(statement)
        indexed = time.perf_counter()
        # what autovacuum does to a table that has settled: statistics, and the visibility map that lets the
        # per-status counts read the (ward, status, created_at) index alone
        cursor.execute("VACUUM ANALYZE tips_tip")
        cursor.execute(f"VACUUM ANALYZE {martyr}")
    print(f"loaded {n} tips in {loaded - start:.0f} s, search indexes {indexed - loaded:.0f} s", flush=True)
    return sample_of(n)


# The search indexes (migrations tips 0004 and 0012), dropped before the load and rebuilt after it, as a bulk load
# would.
BULK_DROPPED_INDEXES = ["tip_search_trgm_idx"]
BULK_INDEXES = [
    "CREATE INDEX IF NOT EXISTS tip_search_trgm_idx ON tips_tip USING gin (search_text gin_trgm_ops)",
]


def sample_of(n: int) -> list[dict]:
    """Ten tips spread over the table, with their first named martyr's name and their search text."""
    from doantu.tips.models import Tip, TipMartyr
    from doantu.tips.search import MARTYR_SEARCH_FIELDS, SEARCH_FIELDS, search_text_of

    rows = list(
        Tip.objects.order_by("pk")
        .filter(pk__in=[1 + k * (n // 10) for k in range(10)])
        .values("pk", *SEARCH_FIELDS, "search_text")
    )
    named = {m.tip_id: m for m in TipMartyr.objects.filter(tip__in=[r["pk"] for r in rows])}
    for row in rows:  # the SQL above wrote what Tip.save would have
        m = named[row["pk"]]
        row["martyr_name"] = m.name
        assert row["search_text"] == search_text_of(
            row, extra=[getattr(m, f) for f in MARTYR_SEARCH_FIELDS]
        ), row
    return rows


def p95_of(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]


def typo(word: str) -> str:
    """The last letter replaced by a neighbour on the keyboard (``thụ`` -> ``thj``)."""
    from doantu.linkage.normalize import fold

    w = fold(word)
    return w[:-1] + {"u": "j", "a": "s", "o": "p", "i": "o", "h": "j", "n": "m", "g": "h"}.get(w[-1], "x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--tips", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--no-page", action="store_true", help="time the search only, not the whole page")
    parser.add_argument(
        "--database",
        help="use (and keep) this database: created and filled if it does not exist, reused as it is if it"
        " already holds the bench's tips (to time a change without loading 1,000,000 tips again)",
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-inbox-"))
        os.environ.update(
            DOANTU_ENV="dev",
            DEBUG="false",
            DOANTU_DATA_DIR=data_dir,
            DJANGO_SETTINGS_MODULE="doantu.settings",
            STAFF_2FA="off",
        )
        from doantu.throwaway import postgres_database

        reuse = False
        if args.database:
            import psycopg

            url = args.database_url.rsplit("/", 1)[0] + f"/{args.database}"
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
                ).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{args.database}"')
            reuse = bool(exists)
            print(f"database {'reused' if reuse else 'created and kept'}: {url}")
        elif args.keep:
            url = args.database_url.rsplit("/", 1)[0] + f"/bench_inbox_{os.getpid()}"
            import psycopg

            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE bench_inbox_{os.getpid()}")
            print(f"database kept: {url}")
        else:
            url = stack.enter_context(postgres_database(args.database_url, "bench_inbox"))
        os.environ["DATABASE_URL"] = url
        import django

        django.setup()
        from django.core.management import call_command
        from django.core.paginator import Paginator
        from django.db import connection

        from doantu.org.models import OrgUnit, Role, UnitKind, User
        from doantu.org.seed import load_seed
        from doantu.tips import selectors
        from doantu.tips.models import Source

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            trigram = cursor.fetchone() is not None
        print(f"pg_trgm extension: {'yes' if trigram else 'NO (no trigram index)'}")
        load_seed()
        ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
        source = Source.objects.get(code="dx")
        groups = list(
            OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP).values_list("pk", flat=True)
        )
        user, _ = User.objects.get_or_create(
            username="bench-vhxh",
            defaults=dict(
                password=uuid.uuid4().hex,
                full_name="Cán bộ",
                role=Role.CAMPAIGN,
                unit=OrgUnit.objects.get(parent=ward, code="vhxh"),
            ),
        )
        from doantu.tips.models import Tip

        held = Tip.objects.count() if reuse else 0
        if reuse and held:
            print(f"{held} tips already there: not loaded again", flush=True)
            args.tips = held
            n = held
            sample = sample_of(n)
        else:
            sample = fill(args.tips, ward=ward, source=source, groups=groups, seed=args.seed)

        from doantu.linkage.normalize import fold

        target = sample[len(sample) // 2]
        name = target["martyr_name"]
        given = name.split()[-1]
        queries = {
            "full name, diacritics": name,
            "full name, no diacritics": fold(name),
            "full name, upper case": name.upper(),
            "one word (given name)": given,
            "typo in the given name": " ".join([*name.split()[:-1], typo(given)]),
            "receipt code": target["receipt_code"],
            "receipt code, no dash": target["receipt_code"].replace("-", "").lower(),
            "surname + given, no diacritics": fold(f"{name.split()[0]} {given}"),
        }

        paginator = getattr(selectors, "CappedPaginator", Paginator)  # the inbox page's own paginator

        def run(q: str) -> tuple[float, str]:
            start = time.perf_counter()
            page = paginator(selectors.inbox(user, q=q), 25).get_page(1)
            rows = list(page.object_list)
            count = page.paginator.count
            assert rows or not count
            capped = "> " if getattr(page.paginator, "capped", False) else ""
            return (time.perf_counter() - start) * 1000, f"{capped}{count}"

        from django.test import Client
        from django.urls import reverse

        client = Client()
        client.force_login(user)

        def run_page(q: str) -> tuple[float, str]:
            """The whole inbox page as served (filters' choices, status counts, the page, its count, rendering)."""
            start = time.perf_counter()
            response = client.get(reverse("staff:inbox"), {"q": q})
            ms = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, response.status_code
            shown = re.search(r'id="result-count">(Hơn [\d.]+|\d+)', response.content.decode())
            return ms, shown.group(1).replace("Hơn ", "> ") if shown else "?"

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

        def queued() -> float:
            """Milliseconds this process and its PostgreSQL backend have spent so far runnable but waiting for a
            CPU (Linux schedstat, second field): on a machine shared with other work, a query's wall time minus
            this is what it takes when it has the CPUs it asks for (the same server, the same disk cache)."""
            total = 0
            for path in ("/proc/thread-self/schedstat", f"/proc/{backend}/schedstat"):
                try:
                    with open(path) as fh:
                        total += int(fh.read().split()[1])
                except (OSError, IndexError, ValueError):
                    return float("nan")  # another machine (server not local) or no schedstat: not shown
            return total / 1e6

        def table(title: str, runner) -> float:
            print(f"\n{title}, campaign user, {args.tips} tips in the ward, {args.repeat} runs per query")
            print(
                f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)"
            )
            print(
                f"{'query kind':34} {'query':36} {'found':>8} {'p50 ms':>8} {'p95 ms':>8}"
                f" {'p50 ran':>8} {'p95 ran':>8}"
            )
            every, every_ran = [], []
            found = {kind: runner(q)[1] for kind, q in queries.items()}  # warm every query first
            times = {kind: [] for kind in queries}
            ran = {kind: [] for kind in queries}
            # round robin, starting each round one kind further, so that a burst of other work on the machine
            # (or whatever the first query of a round pays for) falls on every kind alike
            kinds = list(queries.items())
            for r in range(args.repeat):
                for kind, q in kinds[r % len(kinds) :] + kinds[: r % len(kinds)]:
                    before = queued()
                    ms, found[kind] = runner(q)
                    times[kind].append(ms)
                    ran[kind].append(ms - (queued() - before))
            for kind, q in queries.items():
                count = found[kind]
                every += times[kind]
                every_ran += ran[kind]
                print(
                    f"{kind:34} {q[:36]:36} {count:>8} {statistics.median(times[kind]):>8.1f}"
                    f" {p95_of(times[kind]):>8.1f} {statistics.median(ran[kind]):>8.1f} {p95_of(ran[kind]):>8.1f}",
                    flush=True,
                )
            print(
                f"{'all queries':80} {statistics.median(every):>8.1f} {p95_of(every):>8.1f}"
                f" {statistics.median(every_ran):>8.1f} {p95_of(every_ran):>8.1f}"
            )
            print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            print("(p50/p95 ms: wall time; 'ran': wall time minus the time waiting for a CPU, see queued())")
            return p95_of(every)

        p95 = table("inbox search (selector + first page + count)", run)
        print(f"goal p95 <= 200 ms: {'met' if p95 <= 200 else 'NOT met'}")
        if not args.no_page:
            table("the inbox page as served (GET /staff/tips/?q=…)", run_page)
        print("command: uv run python " + " ".join(sys.argv))


if __name__ == "__main__":
    main()
