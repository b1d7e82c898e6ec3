#!/usr/bin/env python3
"""A tip's candidates with main's ``DbStore._ranked_arrays`` (A) and this checkout's (B) in one process, taken in
turns request by request (the order swapped every other request), so both meet the same load: on a machine shared
with other work, two ``registry_search.py measure`` runs minutes apart differ by more than the change.

    uv run python bench/ranked_ab.py --data D --db DB --main /tmp/main [--rounds 2]

``--main``: a checkout of main (``git archive main | tar -x -C /tmp/main``); only its ``DbStore._ranked_arrays``
is taken, the rest is this checkout's. Set ``DOANTU_DATA_DIR`` as for the database's build (the tips' fields
are encrypted with a key kept there). Prints wall and CPU p50/p95 of each variant and the load average.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench.registry_search as rs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--main", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--tips", type=int, default=120)
    args = ap.parse_args()
    rs.setup(args.server, args.db)
    from django.test import Client
    from django.test.utils import setup_test_environment

    from doantu.registry import matching

    setup_test_environment()
    src = (args.main / "doantu/registry/matching.py").read_text()
    start, end = src.index("    def _ranked_arrays(self"), src.index("    def blocks(self, kinds")
    ns: dict = {}
    header = (
        "from decimal import Decimal\nfrom django.db import connection\n"
        "from doantu.registry.models import MatchKey\nclass Main:\n"
    )
    exec(header + src[start:end], ns)  # main's method, with the names it uses
    variants = {"A (main)": ns["Main"]._ranked_arrays, "B (this)": matching.DbStore._ranked_arrays}
    user, tips = rs.bench_user(), rs.make_tips(args)
    client = Client()
    client.force_login(user)
    urls = [f"/staff/registry/tips/{pk}/candidates/" for pk in tips]
    for url in urls:  # warm: counts loaded, records met once (the measure's pass 2)
        client.get(url, HTTP_HX_REQUEST="true")
    res: dict[str, tuple[list, list]] = {v: ([], []) for v in variants}
    names = list(variants)
    for rnd in range(args.rounds):
        for i, url in enumerate(urls):
            for v in names if (i + rnd) % 2 == 0 else names[::-1]:
                matching.DbStore._ranked_arrays = variants[v]
                t, c = time.perf_counter(), time.process_time()
                resp = client.get(url, HTTP_HX_REQUEST="true")
                res[v][0].append((time.perf_counter() - t) * 1000)
                res[v][1].append((time.process_time() - c) * 1000)
                assert resp.status_code == 200, (url, resp.status_code)
    for v, (wall, cpu) in res.items():
        print(
            f"{v}: n={len(wall)} wall p50 {rs.pct(wall, 50):.1f} p95 {rs.pct(wall, 95):.1f} ms; "
            f"CPU p50 {rs.pct(cpu, 50):.1f} p95 {rs.pct(cpu, 95):.1f} ms"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
