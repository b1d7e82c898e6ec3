"""How far the gazetteer resolves the home places (``Quê quán``) of the linkage dev set.

    uv run python bench/gazetteer_coverage.py [DATA_DIR]   # default: ../shared/data/linkage-dev next to the repo

Prints, for registry.csv and queries.csv, the share of non-empty home places resolved to each level, how often
each resolution flag was raised (ambiguous, split_2025, historical_province, ward_2025_name, ...), and (with --show N)
a sample of the texts left at each level below 'ward'.
Reads the files in place; nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doantu.linkage.gazetteer import resolve  # noqa: E402

LEVELS = ("ward", "district", "province", "none")


def _default_dir() -> Path:
    for cand in (ROOT.parent / "shared" / "data" / "linkage-dev", Path("/work/shared/data/linkage-dev")):
        if cand.is_dir():
            return cand
    return ROOT.parent / "shared" / "data" / "linkage-dev"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", nargs="?", type=Path, default=_default_dir())
    ap.add_argument("--show", type=int, default=0, help="print up to N unresolved examples per level")
    args = ap.parse_args()

    for name in ("registry.csv", "queries.csv"):
        path = args.data_dir / name
        with path.open(encoding="utf-8", newline="") as fh:
            places = [row["Quê quán"] for row in csv.DictReader(fh)]
        given = [p for p in places if p.strip()]
        t0 = time.perf_counter()
        results = [resolve(p) for p in given]
        cold = time.perf_counter() - t0
        levels = Counter(r.level for r in results)
        flags = Counter(f for r in results for f in r.flags)
        print(
            f"{name}: {len(places)} rows, {len(given)} with a home place ({len(places) - len(given)} empty); "
            f"{len(set(given))} distinct, resolved cold in {cold:.2f} s"
        )
        for lv in LEVELS:
            share = 100 * levels[lv] / len(given) if given else 0.0
            print(f"  {lv:<9} {levels[lv]:>6}  {share:5.1f}%")
        print("  how: " + ", ".join(f"{k} {v}" for k, v in sorted(flags.items(), key=lambda kv: -kv[1])))
        if args.show:
            for lv in ("district", "province", "none"):
                sample = [p for p, r in zip(given, results, strict=True) if r.level == lv][: args.show]
                for p in sample:
                    print(f"    [{lv}] {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
