#!/usr/bin/env python3
"""How fast a large martyr list is imported: dry run + import, then a re-import with some rows changed.

    uv run python bench/import_registry.py --csv var/bench/import-100k/registry.csv            # SQLite
    uv run python bench/import_registry.py --csv var/bench/import-1m/registry.csv \
        --database-url postgres://postgres@127.0.0.1:5432/postgres                              # PostgreSQL
    # options: --rows N (only the first N rows), --changed 0.01, --profile out.prof (cProfile of the first import, in CPU time),
    #          --skip-reimport --keep, then --again: the first import and the re-import as two runs (PostgreSQL),
    #          --sql-times (wall time spent in each kind of SQL statement, per step)

The CSV is a synthetic registry (bench/make_registry.py --size 1000000 --out var/bench/import-1m/). Runs the
same services as the web import and `import_registry` (import_upload, import_run dry run then apply), in a
fresh database: a temporary SQLite file, or with --database-url a database (--db-name, imports_bench) created
and dropped afterwards. Prints per step: wall time, rows a second, CPU seconds, peak resident memory of this
process (and, apart, of the reader process that parses a large file), how many times the progress (processed_rows) was saved, the largest gap between two saves, and the
machine's load average (the benchmark machine is shared).
Then rewrites the file with --changed of the rows altered (a unit changed) and imports it again (dry run +
apply), and checks that only those rows were updated.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Peak resident memory of the largest finished child: the import's reader processes."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def children_cpu() -> float:
    """CPU of this process's finished children: the import's reader processes (each is joined at its end)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# Run as its own process (a thread here would keep the import's reader from forking): every 0.2 s, the CPU time
# of each PostgreSQL backend serving the database argv[1] (its process title names it), from /proc; on SIGTERM,
# the sum of what each gained since first seen is written to argv[2]. A backend that ends between two samples
# loses at most its last 0.2 s.
_SERVER_CPU_SAMPLER = r"""
import os, signal, sys, time
db, out = (" " + sys.argv[1] + " ").encode(), sys.argv[2]
tick, first, last, stop = os.sysconf("SC_CLK_TCK"), {}, {}, []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
def sample():
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                title = f.read()
            if not title.startswith(b"postgres: ") or db not in title:
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        first.setdefault(pid, seconds)
        last[pid] = seconds
sample()
print("ready", flush=True)
while not stop:
    time.sleep(0.2)
    sample()
with open(out, "w") as f:
    f.write(str(sum(last[p] - first[p] for p in last)))
"""


@contextmanager
def server_cpu(db_name: str | None):
    """CPU seconds of the PostgreSQL backends of ``db_name`` during the block (``result[0]``), or None."""
    result: list[float | None] = [None]
    if not db_name or not Path("/proc/self/stat").exists():
        yield result
        return
    with tempfile.NamedTemporaryFile("r", suffix=".cpu") as out:
        sampler = subprocess.Popen(
            [sys.executable, "-c", _SERVER_CPU_SAMPLER, db_name, out.name], stdout=subprocess.PIPE, text=True
        )
        sampler.stdout.readline()  # "ready": its first sample is taken
        try:
            yield result
        finally:
            sampler.terminate()
            sampler.wait()
            text = Path(out.name).read_text()
            result[0] = float(text) if text else None


def prepare_file(src: Path, dst: Path, rows: int | None, changed: float, seed: int = 7) -> int:
    """Copy ``src`` to ``dst`` (the first ``rows`` rows), changing the unit of a fraction ``changed`` of them.
    Returns how many rows were changed."""
    rng = random.Random(seed)
    n_changed = 0
    with open(src, newline="", encoding="utf-8") as fin, open(dst, "w", newline="", encoding="utf-8") as fout:
        reader, writer = csv.reader(fin), csv.writer(fout)
        header = next(reader)
        writer.writerow(header)
        unit = header.index("Đơn vị")
        for i, row in enumerate(reader):
            if rows is not None and i >= rows:
                break
            if changed and rng.random() < changed:
                row[unit] = f"Đại đội {rng.randint(1, 30)}, Tiểu đoàn {rng.randint(1, 9)} (sửa)"
                n_changed += 1
            writer.writerow(row)
    return n_changed


_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|COPY)\s+\"?(\w+)", re.IGNORECASE)


def sql_kind(sql: str) -> str:
    """A statement's kind: its verb and the first table it names ("INSERT registry_frequencycount")."""
    text = str(sql).lstrip()
    verb = text.split(None, 1)[0].upper() if text else "?"
    table = _TABLE.search(text)
    return f"{verb} {table.group(1)}" if table else verb


class SqlTimes:
    """Wall time and count of statements per kind: every execute/executemany of Django's connection (an
    execute wrapper) and every COPY (psycopg's Cursor.copy, which Django does not see; its time includes
    writing the rows)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        self.lock = threading.Lock()

    def add(self, sql, seconds: float, many: bool = False) -> None:
        with self.lock:  # statements may come from an import's writer thread too
            entry = self.times[sql_kind(sql) + (" (many)" if many else "")]
            entry[0] += seconds
            entry[1] += 1

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.add(sql, time.perf_counter() - t, many)

    @contextmanager
    def recording(self, connection):
        from django.db.backends.signals import connection_created

        def attach(sender, connection, **kwargs):  # connections opened meanwhile: an import's writer thread
            if self not in connection.execute_wrappers:
                connection.execute_wrappers.append(self)

        connection_created.connect(attach, weak=False, dispatch_uid="bench-sql-times")
        try:
            import psycopg
        except ImportError:
            psycopg = None
        original = psycopg.Cursor.copy if psycopg else None
        times = self

        if psycopg:

            @contextmanager
            def copy(cursor, statement, *args, **kwargs):
                t = time.perf_counter()
                with original(cursor, statement, *args, **kwargs) as c:
                    yield c
                times.add(statement, time.perf_counter() - t)

            psycopg.Cursor.copy = copy
        try:
            with connection.execute_wrapper(self):
                yield
        finally:
            connection_created.disconnect(dispatch_uid="bench-sql-times")
            if psycopg:
                psycopg.Cursor.copy = original

    def report(self) -> None:
        for kind, (seconds, count) in sorted(self.times.items(), key=lambda kv: -kv[1][0]):
            if seconds >= 0.05:
                print(f"      SQL {kind:<48} {seconds:8.2f} s  {count:7,d} statements", flush=True)
        self.times.clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--skip-reimport", action="store_true")
    parser.add_argument("--db-name", default="imports_bench", help="PostgreSQL database to create and drop")
    parser.add_argument(
        "--again-sqlite",
        type=Path,
        default=None,
        help="only the re-import, into the SQLite file an earlier run left (its bench-import-* directory)",
    )
    parser.add_argument("--seed", type=int, default=7, help="which rows the re-import changes")
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL database (--db-name) for a later --again"
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="only the re-import, into the PostgreSQL database (--db-name) a run with --keep left",
    )
    parser.add_argument(
        "--sql-times", action="store_true", help="print the wall time spent in each kind of SQL statement"
    )
    parser.add_argument("--chunk", type=int, default=None, help="rows per chunk (services.CHUNK), to compare")
    parser.add_argument(
        "--inline", action="store_true", help="write every chunk in the importing thread (no writer thread)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    admin_url = args.database_url
    if admin_url:
        import psycopg

        name = args.db_name
        if not args.again:
            with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
        db_url = admin_url.rsplit("/", 1)[0] + "/" + name
    elif args.again_sqlite:
        db_url = f"sqlite:///{args.again_sqlite.resolve()}"
    else:
        db_url = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
    os.environ["DOANTU_DATA_DIR"] = str(work)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log (it costs as much as the queries here)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(work / "media")},
        },
    }
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from doantu.org.models import Role, User
    from doantu.org.seed import load_seed
    from doantu.registry import services
    from doantu.registry.models import ImportBatch, Martyr

    if args.chunk:
        services.CHUNK = args.chunk
    if args.inline and hasattr(services, "_can_pipeline"):
        services._can_pipeline = lambda: False

    try:
        t = time.time()
        again = bool(args.again_sqlite or args.again)
        if again:
            actor = User.objects.get(username="bench")
        else:
            call_command("migrate", verbosity=0)
            load_seed()
            actor = User.objects.create_superuser(username="bench", password="x" * 20, role=Role.ADMIN)
        print(f"database {connection.vendor}, set up in {time.time() - t:.1f} s", flush=True)

        first = work / "registry.csv"
        prepare_file(args.csv, first, args.rows, 0.0)
        with open(first, encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        print(f"file: {rows:,} rows, {first.stat().st_size / 1e6:.0f} MB", flush=True)

        # progress: how often processed_rows is saved (the bar moves when it is)
        saves: list[float] = []
        original_save = ImportBatch.save

        def counting_save(self, *a, **kw):
            fields = kw.get("update_fields")
            if fields and "processed_rows" in fields:
                saves.append(time.time())
            return original_save(self, *a, **kw)

        ImportBatch.save = counting_save
        sql_times = SqlTimes() if args.sql_times else None

        def step(label: str, fn):
            saves.clear()
            t0, c0, r0 = time.time(), cpu(), children_cpu()
            db_name = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None
            with server_cpu(db_name) as server:  # its sampler process is a child too: reader CPU read before
                if sql_times:
                    with sql_times.recording(connection):
                        result = fn()
                else:
                    result = fn()
                reader = children_cpu() - r0
            wall = time.time() - t0
            gaps = [b - a for a, b in zip([t0, *saves], [*saves, time.time()], strict=True)]
            on_server = f" + server {server[0]:5.1f} s" if server[0] is not None else ""
            print(
                f"{label:<28} {wall:8.1f} s  {rows / wall:8,.0f} rows/s  CPU {cpu() - c0:7.1f} s "
                f"+ reader {reader:5.1f} s{on_server}  "
                f"peak RSS {peak_rss_mb():6.0f} MB (reader {children_peak_rss_mb():4.0f} MB)  "
                f"progress saves {len(saves):5d}, longest gap {max(gaps):5.1f} s  "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if sql_times:
                sql_times.report()
            return result, wall

        def run_import(path: Path, profile: Path | None = None):
            with open(path, "rb") as fh:
                batch = services.import_upload(
                    actor=actor, upload=File(fh, name="registry.csv"), list_name="Bench"
                )
            prof = cProfile.Profile(time.process_time) if profile else None  # CPU time: the machine is shared
            if prof:
                prof.enable()
            checked, t_dry = step("  dry run", lambda: services.import_run(batch_id=batch.pk, apply=False))
            done, t_apply = step("  import", lambda: services.import_run(batch_id=batch.pk, apply=True))
            if prof:
                prof.disable()
                prof.dump_stats(profile)
            print(
                f"  total {t_dry + t_apply:.1f} s: {done.created:,} created, {done.updated:,} updated, "
                f"{done.unchanged:,} unchanged, {done.error_count:,} rows with errors (dry run said "
                f"{checked.created:,} new, {checked.updated:,} changed)",
                flush=True,
            )
            return done, t_dry + t_apply

        total_first = 0.0
        if not again:
            print("first import", flush=True)
            _done, total_first = run_import(first, args.profile)
        from doantu.registry.models import FrequencyCount, MatchKey

        total = (
            FrequencyCount.objects.filter(kind="_total", value="_").values_list("count", flat=True).first()
        )
        print(
            f"  linkage index: {MatchKey.objects.filter(kind='m').count():,} keys, "
            f"{Martyr.objects.count():,} records, frequency total {total}",
            flush=True,
        )
        if not args.skip_reimport:
            second = work / "registry-changed.csv"
            n_changed = prepare_file(first, second, None, args.changed, args.seed)
            before = dict(Martyr.objects.values_list("external_id", "updated_at"))
            print(f"re-import, {n_changed:,} rows changed ({args.changed:.1%})", flush=True)
            done, total_second = run_import(second)
            after = dict(Martyr.objects.values_list("external_id", "updated_at"))
            touched = sum(1 for k, v in after.items() if before.get(k) != v)
            print(f"  records whose updated_at moved: {touched:,} (rows changed in the file: {n_changed:,})")
        else:
            total_second = 0.0
        goal = 300 if connection.vendor == "postgresql" else 600
        print(
            f"summary: {connection.vendor}, {rows:,} rows: first import {total_first:.0f} s "
            f"(goal for 1,000,000: ≤ {goal} s, scaled: {total_first * 1_000_000 / rows:.0f} s), "
            f"re-import {total_second:.0f} s (goal ≤ 180 s at 1,000,000), peak RSS {peak_rss_mb():.0f} MB"
        )
    finally:
        connection.close()
        if admin_url and not args.keep:
            import psycopg

            with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name}")
    print("command: uv run python bench/import_registry.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
