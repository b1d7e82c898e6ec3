"""Cost of an audit write: N ``audit_record`` calls on a fresh database, each its own transaction (as a service's
write is), then N in one transaction; then ``verify_audit`` over the whole trail.

    uv run python bench/audit_bench.py                      # SQLite in a temporary directory
    uv run python bench/audit_bench.py --database-url postgres://postgres@127.0.0.1:5432/postgres

With --database-url a database ``bench_audit_<pid>`` is created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each loop; the median is reported")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-audit-"))
        os.environ.update(
            DOANTU_ENV="dev",
            DEBUG="false",
            DOANTU_DATA_DIR=data_dir,
            DJANGO_SETTINGS_MODULE="doantu.settings",
        )
        os.environ.pop("DATABASE_URL", None)
        if args.database_url:
            from doantu.throwaway import postgres_database

            os.environ["DATABASE_URL"] = stack.enter_context(
                postgres_database(args.database_url, "bench_audit")
            )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from doantu.audit.services import audit_record
        from doantu.org.models import OrgUnit

        call_command("migrate", verbosity=0)
        unit = OrgUnit.objects.create(kind="province", code="bench", name="Tỉnh thử")
        changes = {"status": ["new", "review"], "assignee": [None, "Nguyễn Văn A (VH-XH)"]}

        def each_own_transaction():
            for i in range(args.n):
                audit_record(actor=None, action="bench", obj=unit, changes=changes, message=f"mục {i}")

        def one_transaction():
            with transaction.atomic():
                each_own_transaction()

        def timed(fn) -> float:
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - start)
            return statistics.median(runs)

        own = timed(each_own_transaction)
        single = timed(one_transaction)
        print(f"database: {connection.vendor}; {args.n} audit_record calls (median of {args.repeat} runs)")
        print(f"  each in its own transaction: {own:.3f} s  ({own / args.n * 1000:.3f} ms per entry)")
        print(f"  all in one transaction:      {single:.3f} s  ({single / args.n * 1000:.3f} ms per entry)")
        commands = {c for c in __import__("django.core.management", fromlist=["x"]).get_commands()}
        if "verify_audit" in commands:
            import io

            start = time.perf_counter()
            out = io.StringIO()
            call_command("verify_audit", stdout=out)
            elapsed = time.perf_counter() - start
            print(f"  verify_audit: {elapsed:.3f} s for the whole trail: {out.getvalue().strip()}")
        connection.close()


if __name__ == "__main__":
    main()
