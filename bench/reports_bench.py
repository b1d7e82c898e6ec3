"""Dashboard, monthly report and province view at scale (issue 12): N generated tips across W wards of the seeded
province, then the timings the issue sets (dashboard p95 ≤ 300 ms, monthly report DOCX + XLSX ≤ 10 s, province view
≤ 1 s at 1,000,000 tips over 100 wards).

    uv run python bench/reports_bench.py -n 100000 --wards 100 --database-url postgres://postgres@127.0.0.1:5432/postgres

With --database-url a database ``bench_reports_<pid>`` is created on that server and dropped at the end."""

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
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        os.environ.update(
            DOANTU_ENV="dev",
            DEBUG="false",
            DOANTU_DATA_DIR=stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-reports-")),
            DJANGO_SETTINGS_MODULE="doantu.settings",
        )
        os.environ.pop("DATABASE_URL", None)
        if args.database_url:
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
        from doantu.reports import rollup, services
        from doantu.reports.models import Report, ReportStatus
        from doantu.tips.models import IntakeChannel, Tip, TipKind, TipStatus

        call_command("migrate", verbosity=0)
        load_seed()
        ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
        province = ward.parent
        wards = [ward] + [
            OrgUnit.objects.create(
                parent=province, kind=UnitKind.WARD, code=f"b{i:04d}", name=f"Phường thử {i}"
            )
            for i in range(1, args.wards)
        ]
        groups = list(OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP))
        rng = random.Random(7)
        start = timezone.now() - dt.timedelta(days=365)
        t0 = time.perf_counter()
        batch = []
        for i in range(args.n):
            w = wards[i % len(wards)]
            batch.append(
                Tip(
                    submission_key=f"bench-{i}",
                    receipt_code=f"{i:08d}"[:4] + "-" + f"{i:08d}"[4:],
                    ward=w,
                    kind=rng.choice(TipKind.values),
                    channel=rng.choice(IntakeChannel.values),
                    status=rng.choice(TipStatus.values),
                    account="Thông tin thử nghiệm",
                    anonymous=True,
                    privacy="anonymous",
                    residential_group=rng.choice(groups) if w == ward and groups else None,
                    created_at=start + dt.timedelta(seconds=rng.randrange(365 * 86400)),
                )
            )
            if len(batch) == 5000:
                Tip.objects.bulk_create(batch)
                batch = []
        Tip.objects.bulk_create(batch)
        print(
            f"database: {connection.vendor}; {args.n} tips over {len(wards)} wards, generated in {time.perf_counter() - t0:.1f} s"
        )
        campaign = User.objects.create_user(
            "bench-vhxh", unit=OrgUnit.objects.get(parent=ward, code="vhxh"), role=Role.CAMPAIGN
        )
        tinh = User.objects.create_user("bench-tinh", unit=province, role=Role.PROVINCE)
        month = Period.parse(f"{timezone.localdate():%Y-%m}")

        def p95(fn) -> tuple[float, float]:
            runs = []
            for _ in range(args.runs):
                s = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - s)
            runs.sort()
            return statistics.median(runs), runs[min(len(runs) - 1, int(len(runs) * 0.95))]

        med, top = p95(lambda: indicators.figures(viewer=campaign, unit=ward, period=month))
        print(f"  dashboard figures (one ward, month): median {med * 1000:.0f} ms, p95 {top * 1000:.0f} ms")
        report = Report(
            ward=ward,
            kind="monthly",
            period_kind="month",
            period_start=month.start,
            period_end=month.end,
            title="Bench",
            recipients="Lưu: VT",
            status=ReportStatus.APPROVED,
        )
        s = time.perf_counter()
        services.render_docx(report)
        services.render_xlsx(report)
        print(f"  monthly report DOCX + XLSX: {time.perf_counter() - s:.2f} s")
        med, top = p95(lambda: rollup.province_table(viewer=tinh, province=province, period=month))
        print(f"  province view (wards side by side): median {med * 1000:.0f} ms, p95 {top * 1000:.0f} ms")


if __name__ == "__main__":
    main()
