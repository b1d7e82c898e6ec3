#!/usr/bin/env python3
"""Linkage accuracy on linkage-dev (or any directory in its format), through the command-line interface.

    uv run python bench/linkage_accuracy.py [--data /work/shared/data/linkage-dev] [--workers 2]

Runs ``python -m doantu.linkage match`` and ``dedupe`` exactly as a user would, scores the outputs with
/work/shared/tools/score_linkage.py (imported from where it lives, never copied) and prints the figures next to
the goals and the Splink 5 reference figures measured on linkage-dev, plus time per query and deduplication
time. Output files go under var/bench/runs/<data name>/.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from shared_scorer import load_scorer  # bench/, the script's own directory

REPO = Path(__file__).resolve().parents[1]

DEV = Path("/work/shared/data/linkage-dev")

GOALS = {
    "recall_at_10": (">=", 0.99),
    "recall_at_1": (">=", 0.95),
    "match_precision": (">=", 0.99),
    "match_recall": (">=", 0.90),
    "false_match_rate_on_absent": ("<=", 0.02),
    "f1": (">=", 0.90),
    "precision": (">=", 0.95),
}
SPLINK = {  # Splink 5 on linkage-dev, as measured by the team (issue text)
    "recall_at_1": 0.973,
    "recall_at_10": 0.981,
    "match_precision": 0.981,
    "match_recall": 0.962,
    "false_match_rate_on_absent": 0.073,
    "f1": 0.87,
    "precision": 0.83,
    "recall": 0.91,
}


def run(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=3600)
    dt = time.perf_counter() - t
    if proc.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return dt, proc.stderr


def show(title: str, figures: dict) -> None:
    print(title)
    for k, v in figures.items():
        goal = GOALS.get(k)
        mark = ""
        if goal and isinstance(v, float):
            ok = v >= goal[1] if goal[0] == ">=" else v <= goal[1]
            mark = f"  goal {goal[0]} {goal[1]}: {'ok' if ok else 'MISSED'}"
        ref = f"  (Splink {SPLINK[k]})" if k in SPLINK else ""
        print(f"  {k:<28} {v}{mark}{ref}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEV)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args(argv)
    work = REPO / "var/bench/runs" / args.data.name
    work.mkdir(parents=True, exist_ok=True)
    scorer = load_scorer()
    cand, pairs, review = work / "candidates.csv", work / "pairs.csv", work / "review.csv"
    py = sys.executable
    match_cmd = [
        py,
        "-m",
        "doantu.linkage",
        "match",
        "--registry",
        str(args.data / "registry.csv"),
        "--queries",
        str(args.data / "queries.csv"),
        "--top",
        str(args.top),
        "--out",
        str(cand),
        "--workers",
        str(args.workers),
    ]
    dedupe_cmd = [
        py,
        "-m",
        "doantu.linkage",
        "dedupe",
        "--registry",
        str(args.data / "registry.csv"),
        "--out",
        str(pairs),
        "--review",
        str(review),
        "--workers",
        str(args.workers),
    ]
    print("rerun: uv run python bench/linkage_accuracy.py --data", args.data)
    print("  i.e.", " ".join(["python", *match_cmd[1:]]))
    print("       ", " ".join(["python", *dedupe_cmd[1:]]))

    wall, log = run(match_cmd)
    print(log.strip())
    m = re.search(r"match: ([\d,]+) queries in ([\d.]+)s \(([\d.]+) ms/query\)", log)
    show("queries", scorer.score_queries(str(args.data), str(cand)))
    if m:
        print(f"  time per query               {m.group(3)} ms (Splink ~300 ms); whole run {wall:.1f} s")

    wall, log = run(dedupe_cmd)
    print(log.strip())
    d = re.search(r"dedupe: .* in ([\d.]+)s, peak RSS", log)
    b = re.search(r"index: .* in ([\d.]+)s", log)
    figs = scorer.score_pairs(str(args.data), str(pairs))
    show("deduplication (pairs decided 'match')", figs)
    if d and b:
        print(
            f"  dedupe time                  {float(d.group(1)):.1f} s + index {float(b.group(1)):.1f} s "
            f"(Splink 14 s); whole run {wall:.1f} s"
        )
    # the review queue: how well the score orders every pair worth a look (match + possible)
    import csv

    with open(args.data / "truth_duplicates.csv", encoding="utf-8") as fh:
        truth = {frozenset((r["record_a"], r["record_b"])) for r in csv.DictReader(fh)}
    with open(review, encoding="utf-8") as fh:
        rows = sorted(
            ((float(r["score"]), frozenset((r["record_a"], r["record_b"]))) for r in csv.DictReader(fh)),
            key=lambda x: -x[0],
        )
    found = 0
    ap_sum = 0.0
    for i, (_s, p) in enumerate(rows, start=1):
        if p in truth:
            found += 1
            ap_sum += found / i
    print(
        f"  review queue: {len(rows)} pairs, holds {found}/{len(truth)} true pairs; "
        f"average precision of the ordering {ap_sum / max(len(truth), 1):.4f}"
    )
    print(json.dumps({"queries_file": str(cand), "pairs_file": str(pairs), "review_file": str(review)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
