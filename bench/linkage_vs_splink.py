#!/usr/bin/env python3
"""Our linkage engine and Splink side by side, on the same files, in the same run.

    uv run --group bench python bench/linkage_vs_splink.py                          # linkage-dev (20,630 rows)
    uv run --group bench python bench/linkage_vs_splink.py --data var/bench/1m      # from bench/make_registry.py
    ... --skip-splink-dedupe --skip-ours-dedupe --timeout 1500                       # bounded runs

(a) our engine through its CLI (`python -m doantu.linkage match|dedupe`), (b) bench/splink_baseline.py; each in its
own process, timed, with its peak RSS (getrusage RUSAGE_CHILDREN in a wrapper process per run, so every figure is that
run's alone). Both are scored with shared/tools/score_linkage.py (imported by path), and a table is printed.
Splink's thresholds are tuned on the very set it is scored on (see splink_baseline.py); ours are the engine's own.
Outputs (candidates, pairs, logs, results.json) go to --work (default var/bench/runs/<data dir name>/).
"""

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

from shared_scorer import SCORER, load_scorer  # bench/, the script's own directory

REPO = Path(__file__).resolve().parents[1]

SHARED = REPO.parent / "shared"
DEFAULT_DATA = SHARED / "data" / "linkage-dev"
OUR_CLI = REPO / "doantu" / "linkage" / "__main__.py"
SPLINK = REPO / "bench" / "splink_baseline.py"

# The issue's Splink figures, for reference (not measured here).
ISSUE = {
    "20k": {
        "recall_at_1": 0.973,
        "recall_at_10": 0.981,
        "match_precision": 0.981,
        "match_recall": 0.962,
        "false_match_rate_on_absent": 0.073,
        "single_query_s": 0.3,
        "dedupe_precision": 0.83,
        "dedupe_recall": 0.91,
        "dedupe_f1": 0.87,
        "dedupe_s": 14,
    },
    "1m": {
        "false_match_rate_on_absent": 0.21,
        "single_query_s": 0.8,
        "dedupe_f1": 0.35,
        "dedupe_s": 11.6 * 60,
        "dedupe_peak_rss_mb": 6.0 * 1024,
    },
}

# Runs a command, then reports its wall time and the peak RSS of its process tree (RUSAGE_CHILDREN of this wrapper
# covers only this one command).
WRAPPER = r"""
import json, resource, subprocess, sys, time
out, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
t0 = time.perf_counter()
with open(out + ".stdout", "w") as so, open(out + ".stderr", "w") as se:
    p = subprocess.Popen(cmd, stdout=so, stderr=se, start_new_session=True)
    try:
        rc = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        import os, signal
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        rc = "timeout"
wall = time.perf_counter() - t0
json.dump({"rc": rc, "wall_s": wall, "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024},
          open(out, "w"))
"""


def measure(name: str, cmd: list[str], work: Path, timeout: float) -> dict:
    stem = work / name
    print(f"[{time.strftime('%H:%M:%S')}] {name}: {shlex.join(cmd)}", flush=True)
    subprocess.run([sys.executable, "-c", WRAPPER, str(stem), str(timeout), *cmd], check=True, cwd=REPO)
    res = json.loads(stem.read_text())
    res["stdout"] = (stem.with_suffix(".stdout")).read_text() if stem.with_suffix(".stdout").exists() else ""
    res["stderr"] = (stem.with_suffix(".stderr")).read_text() if stem.with_suffix(".stderr").exists() else ""
    status = "ok" if res["rc"] == 0 else f"FAILED ({res['rc']}); see {stem}.stderr"
    print(f"    {status}: {res['wall_s']:.1f} s, peak RSS {res['peak_rss_mb']:.0f} MB", flush=True)
    return res


def count_rows(path: Path) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in fh) - 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="directory in the linkage-dev format")
    p.add_argument("--work", type=Path, help="where outputs go (default var/bench/runs/<data dir name>)")
    p.add_argument("--scorer", type=Path, default=SCORER)
    p.add_argument("--timeout", type=float, default=1800, help="seconds allowed to each run")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--skip-ours", action="store_true")
    p.add_argument("--skip-splink", action="store_true")
    p.add_argument("--skip-dedupe", action="store_true", help="match only, both systems")
    p.add_argument("--skip-ours-dedupe", action="store_true")
    p.add_argument("--skip-splink-dedupe", action="store_true")
    p.add_argument("--latency-samples", type=int, default=20, help="Splink: queries timed one at a time")
    p.add_argument("--splink-chunks", type=int, default=1, help="Splink dedupe predict in N x N chunks")
    p.add_argument("--memory-limit", default="8GB", help="Splink's DuckDB memory_limit")
    p.add_argument("--workers", type=int, default=2, help="our dedupe's worker processes")
    a = p.parse_args(argv)
    data = a.data.resolve()
    work = (a.work or REPO / "var" / "bench" / "runs" / data.name).resolve()
    work.mkdir(parents=True, exist_ok=True)
    registry, queries = data / "registry.csv", data / "queries.csv"
    n_rows, n_queries = count_rows(registry), count_rows(queries)
    scorer = load_scorer(a.scorer)
    print(f"data: {data} ({n_rows:,} registry rows, {n_queries:,} queries); outputs in {work}")
    results: dict[str, dict] = {"ours": {}, "splink": {}}

    # ---- (a) our engine, through its CLI
    if a.skip_ours:
        results["ours"]["note"] = "skipped (--skip-ours)"
    elif not OUR_CLI.exists():
        msg = f"our engine's CLI is not there yet ({OUR_CLI.relative_to(REPO)} missing): its column is empty"
        print("NOTE: " + msg)
        results["ours"]["note"] = msg
    else:
        cmd = [
            sys.executable,
            "-m",
            "doantu.linkage",
            "match",
            "--registry",
            str(registry),
            "--queries",
            str(queries),
            "--top",
            str(a.top),
            "--out",
            str(work / "ours_candidates.csv"),
        ]
        r = measure("ours_match", cmd, work, a.timeout)
        results["ours"]["match_run"] = {k: r[k] for k in ("rc", "wall_s", "peak_rss_mb")}
        if r["rc"] == 0:
            results["ours"]["match"] = scorer.score_queries(str(data), str(work / "ours_candidates.csv"))
            m = re.search(r"match: [\d,]+ queries in ([\d.]+)s \(([\d.]+) ms/query\)", r["stderr"])
            if m:
                results["ours"]["match_run"]["search_s"] = float(m.group(1))
                results["ours"]["match_run"]["batch_s_per_query"] = float(m.group(2)) / 1000
            m = re.search(r"index: [\d,]+ records in ([\d.]+)s", r["stderr"])
            if m:
                results["ours"]["match_run"]["index_s"] = float(m.group(1))
        if not (a.skip_dedupe or a.skip_ours_dedupe):
            cmd = [
                sys.executable,
                "-m",
                "doantu.linkage",
                "dedupe",
                "--registry",
                str(registry),
                "--out",
                str(work / "ours_pairs.csv"),
                "--workers",
                str(a.workers),
            ]
            r = measure("ours_dedupe", cmd, work, a.timeout)
            results["ours"]["dedupe_run"] = {k: r[k] for k in ("rc", "wall_s", "peak_rss_mb")}
            if r["rc"] == 0:
                results["ours"]["dedupe"] = scorer.score_pairs(str(data), str(work / "ours_pairs.csv"))

    # ---- (b) Splink
    if a.skip_splink:
        results["splink"]["note"] = "skipped (--skip-splink)"
    else:
        common = ["--threads", "2", "--memory-limit", a.memory_limit, "--temp-dir", str(work / "duckdb_tmp")]
        cmd = [
            sys.executable,
            str(SPLINK),
            "match",
            "--registry",
            str(registry),
            "--queries",
            str(queries),
            "--top",
            str(a.top),
            "--out",
            str(work / "splink_candidates.csv"),
            "--latency-samples",
            str(a.latency_samples),
            *common,
        ]
        r = measure("splink_match", cmd, work, a.timeout)
        results["splink"]["match_run"] = {k: r[k] for k in ("rc", "wall_s", "peak_rss_mb")}
        if r["rc"] == 0:
            results["splink"]["match_summary"] = summary_line(r["stdout"])
            results["splink"]["match"] = scorer.score_queries(str(data), str(work / "splink_candidates.csv"))
        if not (a.skip_dedupe or a.skip_splink_dedupe):
            cmd = [
                sys.executable,
                str(SPLINK),
                "dedupe",
                "--registry",
                str(registry),
                "--out",
                str(work / "splink_pairs.csv"),
                "--chunks",
                str(a.splink_chunks),
                *common,
            ]
            r = measure("splink_dedupe", cmd, work, a.timeout)
            results["splink"]["dedupe_run"] = {k: r[k] for k in ("rc", "wall_s", "peak_rss_mb")}
            if r["rc"] == 0:
                results["splink"]["dedupe_summary"] = summary_line(r["stdout"])
                results["splink"]["dedupe"] = scorer.score_pairs(str(data), str(work / "splink_pairs.csv"))

    rerun = "uv run --group bench python bench/linkage_vs_splink.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    results["data"] = {"dir": str(data), "registry_rows": n_rows, "queries": n_queries}
    results["command"] = rerun
    (work / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_table(results, "1m" if n_rows >= 500_000 else "20k")
    print(f"\nresults: {work / 'results.json'}\nrerun:   {rerun}")
    return 0


def summary_line(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("SPLINK_SUMMARY "):
            return json.loads(line.removeprefix("SPLINK_SUMMARY "))
    return {}


def print_table(res: dict, scale: str) -> None:
    ours, spl, ref = res["ours"], res["splink"], ISSUE[scale]

    def g(d: dict, *path):
        for k in path:
            if not isinstance(d, dict) or k not in d:
                return None
            d = d[k]
        return d

    def f(x, kind="num"):
        if x is None:
            return "—"
        if isinstance(x, str):
            return x
        if kind == "s":
            return f"{x:.4f} s" if x < 0.1 else (f"{x:.2f} s" if x < 100 else f"{x / 60:.1f} min")
        if kind == "mb":
            return f"{x / 1024:.2f} GB" if x >= 1024 else f"{x:.0f} MB"
        if kind == "int":
            return f"{x:,}"
        return f"{x:.3f}"

    # label, where our figure is, where Splink's is, the issue's figure, format
    spec = [
        ("queries: recall@1", ("match", "recall_at_1"), ("match", "recall_at_1"), "recall_at_1", "num"),
        ("queries: recall@10", ("match", "recall_at_10"), ("match", "recall_at_10"), "recall_at_10", "num"),
        ("queries: MRR", ("match", "mrr"), ("match", "mrr"), None, "num"),
        (
            "match precision",
            ("match", "match_precision"),
            ("match", "match_precision"),
            "match_precision",
            "num",
        ),
        ("match recall", ("match", "match_recall"), ("match", "match_recall"), "match_recall", "num"),
        (
            "false matches on absent martyrs",
            ("match", "false_match_rate_on_absent"),
            ("match", "false_match_rate_on_absent"),
            "false_match_rate_on_absent",
            "num",
        ),
        (
            "time per query, batch (search / n)",
            ("match_run", "batch_s_per_query"),
            ("match_summary", "batch_s_per_query"),
            None,
            "s",
        ),
        (
            "one query alone (Splink: predict_between, median)",
            None,
            ("match_summary", "single_query_s_median"),
            "single_query_s",
            "s",
        ),
        (
            "match run, wall (load + index/train + all)",
            ("match_run", "wall_s"),
            ("match_run", "wall_s"),
            None,
            "s",
        ),
        ("match run, peak RSS", ("match_run", "peak_rss_mb"), ("match_run", "peak_rss_mb"), None, "mb"),
        ("dedupe precision", ("dedupe", "precision"), ("dedupe", "precision"), "dedupe_precision", "num"),
        ("dedupe recall", ("dedupe", "recall"), ("dedupe", "recall"), "dedupe_recall", "num"),
        ("dedupe F1", ("dedupe", "f1"), ("dedupe", "f1"), "dedupe_f1", "num"),
        ("dedupe predicted pairs", ("dedupe", "predicted"), ("dedupe", "predicted"), None, "int"),
        ("dedupe run, wall", ("dedupe_run", "wall_s"), ("dedupe_run", "wall_s"), "dedupe_s", "s"),
        (
            "dedupe run, peak RSS",
            ("dedupe_run", "peak_rss_mb"),
            ("dedupe_run", "peak_rss_mb"),
            "dedupe_peak_rss_mb",
            "mb",
        ),
    ]
    rows = [
        (
            label,
            g(ours, *o) if o else None,
            g(spl, *sp) if sp else None,
            ref.get(r) if r else None,
            kind,
        )
        for label, o, sp, r, kind in spec
    ]
    for d, col in ((ours, 1), (spl, 2)):  # a run that did not finish shows as such
        for run, label in (("match_run", "match run"), ("dedupe_run", "dedupe run")):
            if run in d and d[run]["rc"] != 0:
                for k, row in enumerate(rows):
                    if row[0].startswith(label):
                        rows[k] = (
                            *row[:col],
                            f"{d[run]['rc']} @{d[run]['wall_s'] / 60:.0f}min",
                            *row[col + 1 :],
                        )
    w = max(len(r[0]) for r in rows)
    print(f"\n{'':{w}}  {'ours':>12}  {'Splink 5':>12}  {'issue (Splink)':>14}")
    for label, o, s, r, kind in rows:
        print(f"{label:{w}}  {f(o, kind):>12}  {f(s, kind):>12}  {f(r, kind):>14}")
    for side, d in (("ours", ours), ("Splink", spl)):
        if "note" in d:
            print(f"{side}: {d['note']}")
        for run in ("match_run", "dedupe_run"):
            if run in d and d[run]["rc"] != 0:
                print(f"{side} {run.removesuffix('_run')}: did not finish ({d[run]['rc']})")
    sm, sd = spl.get("match_summary", {}), spl.get("dedupe_summary", {})
    if sm or sd:
        print(
            f"Splink thresholds tuned on this set: match p >= {sm.get('threshold', '—')} ({sm.get('policy', '—')}), "
            f"dedupe p >= {f(sd.get('threshold'))}; training {sm.get('train_s', '—')} s (match), "
            f"{sd.get('train_s', '—')} s (dedupe); blocked pairs scored: {sm.get('blocked_pairs', '—')} (match)"
        )


if __name__ == "__main__":
    sys.exit(main())
