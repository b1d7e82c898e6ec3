#!/usr/bin/env python3
"""Linkage at national scale: index build, query latency, deduplication and accuracy on a large registry.

    uv run python bench/make_registry.py --size 1000000 --seed 1 --out var/bench/1m/   # once (other engineer's)
    uv run python bench/linkage_scale.py --data var/bench/1m [--workers 2] [--skip-dedupe]

Prints, as it goes: build time and peak RSS; warm query latency p50/p95/max (the first --warmup queries warm the
process and are not timed); deduplication time and peak RSS (this process and its worker processes); and the
figures of /work/shared/tools/score_linkage.py for the queries and the pairs. Writes the candidate and pair files
next to nothing in the repo: under --work (default var/bench/runs/<data name>/).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from shared_scorer import load_scorer  # noqa: E402  (bench/ is the script's directory)

from doantu.linkage.csvio import read_records  # noqa: E402  (queries)
from doantu.linkage.engine import MemoryEngine  # noqa: E402


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children."""
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO / "var/bench/1m")
    ap.add_argument("--work", type=Path)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-dedupe", action="store_true")
    args = ap.parse_args(argv)
    work = args.work or REPO / "var/bench/runs" / args.data.name
    work.mkdir(parents=True, exist_ok=True)
    scorer = load_scorer()
    print(
        f"data: {args.data}  (command: uv run python bench/linkage_scale.py --data {args.data})", flush=True
    )

    print(
        f"load before start: {os.getloadavg()[0]:.1f} (2 cores; other work on the machine slows every figure)"
    )
    t0 = time.perf_counter()
    c0 = cpu_s()
    eng = MemoryEngine.from_csv(str(args.data / "registry.csv"), workers=args.workers)
    build_s = time.perf_counter() - t0
    st = eng.stats()
    print(
        f"build: {st['records']:,} records, {st['postings']:,} postings in {build_s:.1f} s wall "
        f"({args.workers} workers; CPU {cpu_s() - c0:.0f} s in total); peak RSS {rss_mb():.0f} MB "
        f"(largest worker {rss_mb(resource.RUSAGE_CHILDREN):.0f} MB; index {st['index_bytes'] / 2**20:.0f} MB, "
        f"table {st['table_bytes'] / 2**20:.0f} MB); load now {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    queries = list(read_records(args.data / "queries.csv"))
    for q in queries[: args.warmup]:
        eng.search(q, top=10, explain=False)
    lat: list[float] = []
    cand_path = work / "candidates.csv"
    with cand_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["query", "rank", "record", "score", "decision"])
        for i, q in enumerate(queries):
            t = time.perf_counter()
            res = eng.search(q, top=10, explain=False)
            dt = time.perf_counter() - t
            if i >= args.warmup:
                lat.append(dt * 1000)
            for rank, c in enumerate(res, start=1):
                w.writerow([q.id, rank, c.record_id, f"{c.score:.3f}", c.decision])
    print(
        f"query (warm, {len(lat)} queries): p50 {pct(lat, 50):.1f} ms  p95 {pct(lat, 95):.1f} ms  "
        f"max {max(lat):.1f} ms  mean {sum(lat) / len(lat):.1f} ms",
        flush=True,
    )
    print("queries: " + json.dumps(scorer.score_queries(str(args.data), str(cand_path))), flush=True)
    # explanations are built for the top candidates on request; time them separately
    t = time.perf_counter()
    for q in queries[:200]:
        eng.search(q, top=10, explain=True)
    print(f"query with explanations: {(time.perf_counter() - t) / 200 * 1000:.1f} ms mean", flush=True)

    if not args.skip_dedupe:
        t = time.perf_counter()
        c0 = cpu_s()
        res = eng.dedupe(workers=args.workers)
        dd_s = time.perf_counter() - t
        dd_cpu = cpu_s() - c0
        pairs_path = work / "pairs.csv"
        with pairs_path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["record_a", "record_b", "score"])
            for a, b, s, d in res.pairs:
                if d == "match":
                    w.writerow([a, b, f"{s:.3f}"])
        n_match = sum(1 for p in res.pairs if p[3] == "match")
        print(
            f"dedupe: {dd_s:.1f} s wall ({args.workers} workers, CPU {dd_cpu:.0f} s); {n_match:,} match pairs, "
            f"{len(res.pairs) - n_match:,} possible; peak RSS {rss_mb():.0f} MB "
            f"(largest worker {rss_mb(resource.RUSAGE_CHILDREN):.0f} MB)",
            flush=True,
        )
        print("pairs: " + json.dumps(scorer.score_pairs(str(args.data), str(pairs_path))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
