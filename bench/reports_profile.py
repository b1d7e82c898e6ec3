"""Where the dashboard's and the province view's time goes: every indicator timed on its own (wall and CPU of
this process, best of --runs), on a database kept by ``reports_bench.py --keep NAME``.

    uv run python bench/reports_profile.py --database-url postgres://postgres@127.0.0.1:5432/postgres --keep NAME

Indicators are timed outside a shared scope (``indicators.sharing``), so an indicator that reads a value shared
with others pays for it here; the sum is more than one ``figures`` call costs."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--keep", metavar="NAME", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--period", help="default: this month")
    args = parser.parse_args()
    from reports_bench import keep_dir, load

    from doantu.throwaway import with_database

    os.environ.update(
        DOANTU_ENV="dev",
        DEBUG="false",
        DOANTU_DATA_DIR=str(keep_dir(args.keep)),
        DJANGO_SETTINGS_MODULE="doantu.settings",
        DATABASE_URL=with_database(args.database_url, args.keep),
    )
    import django

    django.setup()
    from django.core.cache import cache
    from django.utils import timezone

    from doantu import indicators
    from doantu.indicators import SYSTEM, Period, registry
    from doantu.org.models import OrgUnit, UnitKind

    ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
    province = ward.parent
    period = Period.parse(args.period or f"{timezone.localdate():%Y-%m}")
    print(f"period {period.key}; load {load()}")

    def best(fn):
        walls, cpus = [], []
        for _ in range(args.runs):
            cache.clear()  # what a first view after a write pays
            c, s = time.process_time(), time.perf_counter()
            fn()
            walls.append(time.perf_counter() - s)
            cpus.append(time.process_time() - c)
        return min(walls) * 1000, min(cpus) * 1000

    rows = []
    for ind in indicators.all_indicators():
        wall, cpu = best(lambda ind=ind: ind.fn(ward, period))
        rows.append((wall, cpu, "ward", ind.name))
    wards = list(OrgUnit.objects.filter(kind=UnitKind.WARD, path__startswith=province.path + "/"))
    for name in registry._PER_WARD:
        wall, cpu = best(
            lambda name=name: indicators.ward_values(
                name, viewer=SYSTEM, province=province, wards=wards, period=period
            )
        )
        rows.append((wall, cpu, "province", name))
    for wall, cpu, scope, name in sorted(rows, reverse=True):
        print(f"{wall:8.0f} ms wall {cpu:7.0f} ms CPU  {scope:8s} {name}")
    print(f"load {load()}")


if __name__ == "__main__":
    main()
