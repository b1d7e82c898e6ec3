"""Dashboard, monthly report and province view at scale (issue 12): N generated tips across W wards of the seeded
province, then the timings the issue sets (dashboard p95 ≤ 300 ms, monthly report DOCX + XLSX ≤ 10 s, province view
≤ 1 s at 1,000,000 tips over 100 wards).

    uv run python bench/reports_bench.py -n 100000 --wards 100 --database-url postgres://postgres@127.0.0.1:5432/postgres

With --database-url a database ``bench_reports_<pid>`` is created on that server and dropped at the end. With
--keep NAME the database NAME on that server is used instead and kept: created, migrated and filled on the first
run, only migrated on the next ones when it already holds the generated tips (generating a million takes minutes).

Each figure is timed in three states: after one new tip (inserted untimed before each run, as the public adds
them: only what a tip changes is recomputed), after ``indicators.forget()`` (everything recomputed) and warm (from
the cache). --dashboard-only times the dashboard's figures and page only; --period picks the period (default: this
month); --figures FILE writes the ward's and the province's figures for the period as JSON before anything is
timed, so two runs (two versions of the code on one database) can be compared for identical output. The tips the
bench inserts are deleted at the end."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--wards", type=int, default=100)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--province-runs", type=int, help="runs of the province view (default: --runs)")
    parser.add_argument("--database-url")
    parser.add_argument("--period", help="period key (2026-11, 2026-W45, 2026-Q4...; default: this month)")
    parser.add_argument(
        "--dashboard-only", action="store_true", help="time the dashboard (figures and page) only"
    )
    parser.add_argument("--figures", metavar="FILE", help="write the figures of the period as JSON to FILE")
    parser.add_argument(
        "--keep", metavar="NAME", help="use (and keep) database NAME on the --database-url server"
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        os.environ.update(
            DOANTU_ENV="dev",
            DEBUG="false",
            # a kept database keeps its data folder too: the field encryption key of its named tips lives there
            DOANTU_DATA_DIR=str(keep_dir(args.keep))
            if args.keep
            else stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-reports-")),
            DJANGO_SETTINGS_MODULE="doantu.settings",
        )
        os.environ.pop("DATABASE_URL", None)
        if args.database_url and args.keep:
            import psycopg

            from doantu.throwaway import with_database

            with psycopg.connect(with_database(args.database_url, "postgres"), autocommit=True) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.keep]).fetchone():
                    conn.execute(f'CREATE DATABASE "{args.keep}"')
            os.environ["DATABASE_URL"] = with_database(args.database_url, args.keep)
        elif args.database_url:
            from doantu.throwaway import postgres_database

            os.environ["DATABASE_URL"] = stack.enter_context(
                postgres_database(args.database_url, "bench_reports")
            )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from doantu import indicators
        from doantu.indicators import Period
        from doantu.org.models import OrgUnit, Role, UnitKind, User
        from doantu.org.seed import load_seed
        from doantu.tips.models import Tip

        call_command("migrate", verbosity=0)
        load_seed()
        ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
        province = ward.parent
        existing = list(
            OrgUnit.objects.filter(parent=province, kind=UnitKind.WARD, code__startswith="b").order_by("code")
        )
        wards = [ward] + existing[: args.wards - 1]
        if (
            len(wards) == args.wards
            and Tip.objects.filter(submission_key__startswith="bench-").count() == args.n
        ):
            print(f"database: {connection.vendor}; reusing {args.n} tips over {len(wards)} wards")
        else:
            if Tip.objects.filter(submission_key__startswith="bench-").exists():
                sys.exit("the kept database holds another bench's tips: drop it or pick another name")
            wards += [
                OrgUnit.objects.create(
                    parent=province, kind=UnitKind.WARD, code=f"b{i:04d}", name=f"Phường thử {i}"
                )
                for i in range(len(wards), args.wards)
            ]
            generate(args.n, wards, ward)
        campaign = User.objects.filter(username="bench-vhxh").first() or User.objects.create_user(
            "bench-vhxh", unit=OrgUnit.objects.get(parent=ward, code="vhxh"), role=Role.CAMPAIGN
        )
        tinh = User.objects.filter(username="bench-tinh").first() or User.objects.create_user(
            "bench-tinh", unit=province, role=Role.PROVINCE
        )
        month = Period.parse(args.period or f"{timezone.localdate():%Y-%m}")
        if args.figures:
            dump_figures(args.figures, ward, province, month)
        print(f"  period {month.key}; load average before timing: {load()} ({os.cpu_count()} CPUs)")

        backend = backend_cpu(connection)
        added = [0]

        def new_tip():
            """One tip in the ward, as the public adds them (saved: its signal renews what it changes)."""
            added[0] += 1
            Tip.objects.create(
                ward=ward,
                submission_key=f"benchtip-{os.getpid()}-{added[0]}",
                kinds=["grave"],
                account="Thông tin thử nghiệm",
                anonymous=True,
                privacy="anonymous",
            )

        def p95(fn, n=None, state="warm") -> tuple[float, float, str]:
            """Wall-clock median and p95 over the runs, and a note with the median CPU time of this process and
            of its PostgreSQL backend (read from /proc when the server runs on this machine), which other
            processes loading the machine do not inflate as they inflate the wall clock. ``state``: before each
            run (untimed) one tip is added ("tip") or every cached figure is dropped ("full")."""
            runs, cpu, db_cpu = [], [], []
            for _ in range(n or args.runs):
                if state == "full":
                    indicators.forget()
                elif state == "tip":
                    new_tip()
                b0 = backend()
                c0, s = time.process_time(), time.perf_counter()
                fn()
                runs.append(time.perf_counter() - s)
                cpu.append(time.process_time() - c0)
                b1 = backend()
                if b0 is not None and b1 is not None:
                    db_cpu.append(b1 - b0)
            runs.sort()
            db = f", its database backend {statistics.median(db_cpu) * 1000:.0f} ms" if db_cpu else ""
            note = f"\n      CPU per run (median): this process {statistics.median(cpu) * 1000:.0f} ms{db}; load {load()}"
            return statistics.median(runs), runs[min(len(runs) - 1, int(len(runs) * 0.95))], note

        states = {
            "tip": "cold after a new tip",
            "full": "cold: every figure recomputed",
            "warm": "warm: figures from the cache",
        }

        def show(label, fn, n=None):
            fn()  # the cache's generations and the connection are set up once, untimed
            for state, text in states.items():
                med, top, note = p95(fn, n, state)
                print(f"  {label} ({text}): median {med * 1000:.0f} ms, p95 {top * 1000:.0f} ms{note}")

        try:
            timings(args, show, campaign, tinh, ward, province, month)
        finally:
            Tip.objects.filter(submission_key__startswith="benchtip-").delete()
        print(
            "rerun: uv run python bench/reports_bench.py "
            + " ".join(a if " " not in a else repr(a) for a in sys.argv[1:])
        )


def timings(args, show, campaign, tinh, ward, province, month) -> None:
    from django.conf import settings
    from django.test import Client

    from doantu import indicators
    from doantu.reports import rollup, services
    from doantu.reports.models import Report, ReportStatus

    show(
        f"dashboard figures (one ward, {month.key})",
        lambda: indicators.figures(viewer=campaign, unit=ward, period=month),
    )
    settings.ALLOWED_HOSTS = ["*"]
    pages = [(campaign, "/staff/so-lieu/", "dashboard page", None)]
    if not args.dashboard_only:
        report = Report(
            ward=ward,
            kind="monthly",
            period_kind=month.kind,
            period_start=month.start,
            period_end=month.end,
            title="Bench",
            recipients="Lưu: VT",
            status=ReportStatus.APPROVED,
        )
        indicators.forget()
        s, c = time.perf_counter(), time.process_time()
        services.render_docx(report)
        services.render_xlsx(report)
        print(
            f"  report DOCX + XLSX (cold): {time.perf_counter() - s:.2f} s "
            f"(CPU of this process {time.process_time() - c:.2f} s; load {load()})"
        )
        show(
            "province view (wards side by side)",
            lambda: rollup.province_table(viewer=tinh, province=province, period=month),
            args.province_runs,
        )
        pages.append((tinh, "/staff/so-lieu/tinh/", "province page", args.province_runs))
    # The pages as a browser gets them (figures, charts, tables, drill-down links, template).
    for user, url, label, n in pages:
        client = Client()
        client.force_login(user)

        def get(client=client, url=url):
            response = client.get(url, {"period": month.key})
            assert response.status_code == 200, (url, response.status_code)

        show(f"{label} {url}", get, n)


def dump_figures(path: str, ward, province, period) -> None:
    """The ward's and the province's figures for ``period``, freshly computed, as JSON (tables as dicts)."""
    import json

    from doantu import indicators
    from doantu.indicators import SYSTEM, Breakdown

    def plain(values: dict) -> dict:
        return {k: v.as_dict() if isinstance(v, Breakdown) else v for k, v in sorted(values.items())}

    indicators.forget()
    out = {
        "period": period.key,
        "ward": plain(indicators.figures(viewer=SYSTEM, unit=ward, period=period)),
        "province": plain(indicators.figures(viewer=SYSTEM, unit=province, period=period)),
    }
    Path(path).write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True, default=str))
    print(f"  figures of {period.key} written to {path}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def backend_cpu(connection):
    """A function returning the CPU seconds (user + system) the PostgreSQL backend serving ``connection`` has used
    so far, or None (SQLite, or a server on another machine: its process is not in /proc here)."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def read():
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of proc(5))

    return read


def keep_dir(name: str) -> Path:
    path = Path(tempfile.gettempdir()) / f"doantu-bench-{name}"
    path.mkdir(exist_ok=True)
    return path


def generate(n: int, wards: list, home) -> None:
    """``n`` tips spread evenly over ``wards`` and over the last 365 days; one in ten gives a name and a phone
    (drawn from 20,000 numbers, so people come back); every tip staff have touched has its first action in the
    audit trail and every concluded one its conclusion (what the verification figures read)."""
    from django.db import connection
    from django.utils import timezone

    from doantu.audit import chain
    from doantu.audit.models import AuditEntry
    from doantu.org.models import OrgUnit, UnitKind
    from doantu.tips.contacts import contact_key
    from doantu.tips.models import IntakeChannel, Tip, TipKind, TipStatus

    groups = list(OrgUnit.objects.filter(parent=home, kind=UnitKind.RESIDENTIAL_GROUP))
    if connection.vendor == "postgresql":
        return generate_sql(n, wards, home, groups)
    rng = random.Random(7)
    start = timezone.now() - dt.timedelta(days=365)
    t0 = time.perf_counter()
    batch = []
    for i in range(n):
        w = wards[i % len(wards)]
        named = rng.random() < 0.1
        kinds = sorted(rng.sample(TipKind.values, rng.choice([1, 1, 1, 2])), key=TipKind.values.index)
        batch.append(
            Tip(
                submission_key=f"bench-{i}",
                receipt_code=f"{i:08d}"[:4] + "-" + f"{i:08d}"[4:],
                ward=w,
                kinds=kinds,
                channel=rng.choice(IntakeChannel.values),
                status=rng.choice(TipStatus.values),
                account="Thông tin thử nghiệm",
                anonymous=not named,
                privacy="ward" if named else "anonymous",
                reporter_name=(name := f"Người thử {rng.randrange(20000)}" if named else ""),
                reporter_phone=(phone := f"09{rng.randrange(20000):08d}" if named else ""),
                contact_key=contact_key(
                    anonymous=not named, phone=phone, name=name
                ),  # bulk_create skips save
                residential_group=rng.choice(groups) if w == home and groups else None,
                dna_offer=rng.random() < 0.05,
                created_at=start + dt.timedelta(seconds=rng.randrange(365 * 86400)),
            )
        )
        if len(batch) == 5000:
            Tip.objects.bulk_create(batch)
            batch = []
    Tip.objects.bulk_create(batch)
    t1 = time.perf_counter()
    touched = Tip.objects.filter(submission_key__startswith="bench-").exclude(status=TipStatus.NEW)
    concluded = touched.filter(status__in=[TipStatus.VERIFIED, TipStatus.NOT_VERIFIABLE])
    # Chained as audit_record would chain them (AuditEntry refuses unchained rows), in bulk.
    prev = chain.head("default", AuditEntry._meta.db_table) or chain.GENESIS
    key = chain.keys()[0]
    entries = 0
    for action, qs in (("review_started", touched), ("concluded", concluded)):
        batch = []
        for pk, status, created in qs.values_list("pk", "status", "created_at").iterator(chunk_size=5000):
            hours = rng.randrange(1, 72) if action == "review_started" else rng.randrange(72, 60 * 24)
            entry = AuditEntry(
                at=created + dt.timedelta(hours=hours),
                actor_label="bench",
                action=action,
                object_type="tips.tip",
                object_id=str(pk),
                context_type="tips.tip",
                context_id=str(pk),
                changes={"status": ["under_review", status]} if action == "concluded" else {},
                prev_hash=prev,
            )
            entry.entry_hash = prev = chain.entry_hash(
                prev, {name: getattr(entry, name) for name in chain.FIELDS}, key
            )
            batch.append(entry)
            if len(batch) == 5000:
                AuditEntry.objects.bulk_create(batch)
                entries += len(batch)
                batch = []
        AuditEntry.objects.bulk_create(batch)
        entries += len(batch)
    print(
        f"database: {connection.vendor}; {n} tips over {len(wards)} wards generated in {t1 - t0:.1f} s, "
        f"{entries} audit entries in {time.perf_counter() - t1:.1f} s"
    )


def generate_sql(n: int, wards: list, home, groups: list) -> None:
    """The same tips and audit entries as ``generate``, made by PostgreSQL itself (a million ORM objects take an
    hour on a loaded machine), stored in time order as a live system stores them (rows are appended as tips
    arrive and as staff act). Names and phones come from a pool of 2,000 people encrypted by the field itself.
    The audit entries are inserted directly, NOT hash-chained: ``verify_audit`` fails on this database, which
    only serves this benchmark."""
    import json
    from itertools import combinations

    from django.db import connection
    from django.utils import timezone

    from doantu.tips.contacts import contact_key
    from doantu.tips.models import IntakeChannel, Tip, TipKind, TipStatus

    t0 = time.perf_counter()
    name_field, phone_field = Tip._meta.get_field("reporter_name"), Tip._meta.get_field("reporter_phone")
    people = [
        (
            i,
            name_field.get_prep_value(f"Người thử {i}"),
            phone_field.get_prep_value(f"09{i:08d}"),
            contact_key(anonymous=False, phone=f"09{i:08d}", name=f"Người thử {i}"),
        )
        for i in range(2000)
    ]
    # one kind three times as often as two
    combos = [json.dumps([k]) for k in TipKind.values] * 3 + [
        json.dumps(list(c)) for c in combinations(TipKind.values, 2)
    ]
    start = timezone.now() - dt.timedelta(days=365)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_people (i int PRIMARY KEY, name text, phone text, contact text)")
        cur.executemany("INSERT INTO bench_people VALUES (%s, %s, %s, %s)", people)
        cur.execute("SELECT setseed(0.7)")
        cur.execute(
            """
            INSERT INTO tips_tip (receipt_code, submission_key, channel, account, location_source,
                location_description, anonymous, reporter_name, reporter_phone, reporter_address, relationship,
                dna_offer, status_check, consent_processing, consent_contact, consent_dna, consent_version, status,
                outcome_note, public_note, created_at, updated_at, residential_group_id, ward_id, payload_hash,
                consent_method, consent_witness, privacy, search_text, kinds, contact_key)
            SELECT substr(lpad(s.g::text, 8, '0'), 1, 4) || '-' || substr(lpad(s.g::text, 8, '0'), 5, 4),
                'bench-' || s.g, (%(channels)s::text[])[1 + floor(s.r4 * %(nc)s)::int], 'Thông tin thử nghiệm', '',
                '', NOT s.named, coalesce(p.name, ''), coalesce(p.phone, ''), '', '', s.r8 < 0.05, '', true, false,
                false, '', (%(statuses)s::text[])[1 + floor(s.r3 * %(ns)s)::int], '', '', s.at, s.at,
                CASE WHEN s.ward = %(home)s AND %(ng)s > 0
                     THEN (%(groups)s::bigint[])[1 + floor(s.r6 * %(ng)s)::int] END,
                s.ward, '', '', '', CASE WHEN s.named THEN 'ward' ELSE 'anonymous' END, '',
                ((%(combos)s::text[])[1 + floor(s.r5 * %(nk)s)::int])::jsonb, coalesce(p.contact, '')
            FROM (
                SELECT g, random() < 0.1 AS named, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
                    random() AS r6, random() AS r8, (%(wards)s::bigint[])[1 + g %% %(nw)s] AS ward,
                    %(start)s::timestamptz + random() * interval '365 days' AS at
                FROM generate_series(0, %(n)s - 1) AS g
            ) AS s
            LEFT JOIN bench_people AS p ON s.named AND p.i = floor(s.r2 * 2000)::int
            ORDER BY s.at
            """,
            {
                "channels": IntakeChannel.values,
                "nc": len(IntakeChannel.values),
                "statuses": TipStatus.values,
                "ns": len(TipStatus.values),
                "home": home.pk,
                "groups": [g.pk for g in groups],
                "ng": len(groups),
                "combos": combos,
                "nk": len(combos),
                "wards": [w.pk for w in wards],
                "nw": len(wards),
                "start": start,
                "n": n,
            },
        )
        t1 = time.perf_counter()
        for action, where, low, high, changes in (
            ("review_started", "status <> 'new'", 1, 72, "'{}'::jsonb"),
            (
                "concluded",
                "status IN ('verified', 'not_verifiable')",
                72,
                60 * 24,
                "jsonb_build_object('status', jsonb_build_array('under_review', status))",
            ),
        ):
            cur.execute(
                f"""
                INSERT INTO audit_auditentry (at, actor_label, action, object_type, object_id, context_type,
                    context_id, changes, message, prev_hash, entry_hash)
                SELECT * FROM (
                    SELECT created_at + ({low} + floor(random() * {high - low})) * interval '1 hour' AS at,
                        'bench', %s, 'tips.tip', id::text, 'tips.tip', id::text AS context_id, {changes}, '',
                        'bench', 'bench'
                    FROM tips_tip WHERE submission_key LIKE 'bench-%%' AND {where}
                ) AS e ORDER BY at
                """,
                [action],
            )
        cur.execute("SELECT count(*) FROM audit_auditentry WHERE actor_label = 'bench'")
        entries = cur.fetchone()[0]
        cur.execute("VACUUM ANALYZE tips_tip")
        cur.execute("VACUUM ANALYZE audit_auditentry")
    print(
        f"database: postgresql; {n} tips over {len(wards)} wards generated in {t1 - t0:.1f} s, "
        f"{entries} audit entries (not chained) in {time.perf_counter() - t1:.1f} s"
    )


if __name__ == "__main__":
    main()
