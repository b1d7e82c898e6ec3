#!/usr/bin/env python3
"""Linkage figures per kind of noise, for our engine and Splink, on linkage-dev and on the independent set.

    uv run python bench/make_eval_set.py --out var/bench/eval                       # the independent set
    uv run --group bench python bench/linkage_vs_splink.py --data var/bench/eval --work var/bench/runs/eval
    uv run --group bench python bench/linkage_vs_splink.py --work var/bench/runs/linkage-dev
    uv run python bench/linkage_eval.py var/bench/eval:var/bench/runs/eval \\
        /work/shared/data/linkage-dev:var/bench/runs/linkage-dev                    # → a Markdown table

Each argument is DATA:WORK — a directory in linkage-dev's format and the directory where linkage_vs_splink.py left
its outputs (``ours_candidates.csv``, ``ours_pairs.csv``, ``splink_candidates.csv``, ``splink_pairs.csv``).
Scoring is done by shared/tools/score_linkage.py (imported by path, never copied) on the subset of queries of each
kind (``truth_query_kinds.csv``, written by make_eval_set.py; a set without it has only the "all" row). For queries
naming several martyrs ("multi"), ``all@10`` is the share whose every named martyr is in the top 10 (the scorer's
recall@10 counts one of them as enough); when the engine searched each named person on its own (our CLI's
``person``/``person_rank`` columns), "per person @1/@10" is the share of named martyrs that came first / in the top
10 of one person's search. Duplicates are scored as a whole; recall per kind of duplicate is added.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from collections import defaultdict
from pathlib import Path

from shared_scorer import load_scorer  # bench/, the script's own directory


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def subset_scores(scorer, data: Path, cand: Path, kinds: dict[str, str]) -> dict[str, dict]:
    """score_queries on each kind's queries: truth and candidates filtered into a temporary directory."""
    truth = read(data / "truth_queries.csv")
    cands = read(cand)
    groups: dict[str, list[str]] = defaultdict(list)
    for r in truth:
        groups["all"].append(r["query"])
        if r["query"] in kinds:
            groups[kinds[r["query"]]].append(r["query"])
    out = {}
    for kind, qs in groups.items():
        keep = set(qs)
        with tempfile.TemporaryDirectory() as td:
            tdp = Path(td)
            with open(tdp / "truth_queries.csv", "w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, ["query", "records"])
                w.writeheader()
                w.writerows(
                    {"query": r["query"], "records": r["records"]} for r in truth if r["query"] in keep
                )
            with open(tdp / "c.csv", "w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(
                    fh, ["query", "rank", "record", "score", "decision"], extrasaction="ignore"
                )
                w.writeheader()
                w.writerows(r for r in cands if r["query"] in keep)
            if all(not r["records"] for r in truth if r["query"] in keep):
                # only absent martyrs: the scorer divides by the present ones; count false matches directly
                matched = {r["query"] for r in cands if r["query"] in keep and r.get("decision") == "match"}
                out[kind] = {
                    "queries": len(keep),
                    "false_match_rate_on_absent": round(len(matched) / len(keep), 4),
                }
                continue
            out[kind] = scorer.score_queries(td, str(tdp / "c.csv"))
        if kind == "multi":
            # one martyr may be listed twice: count people (duplicate rows joined), not rows
            canon: dict[str, str] = {}
            for d in read(data / "truth_duplicates.csv"):
                a, b = canon.get(d["record_a"], d["record_a"]), d["record_b"]
                canon[b] = a
            want = {
                r["query"]: {canon.get(x, x) for x in r["records"].split(";")}
                for r in truth
                if r["query"] in keep
            }
            top: dict[str, set] = defaultdict(set)
            for r in cands:
                if r["query"] in keep and int(r["rank"]) <= 10:
                    top[r["query"]].add(canon.get(r["record"], r["record"]))
            out[kind]["all_at_10"] = round(sum(want[q] <= top[q] for q in want) / len(want), 4)
            if cands and "person_rank" in cands[0]:
                # per named person: found first / in the top 10 of the search made for one person of the text
                first: dict[str, set] = defaultdict(set)
                ten: dict[str, set] = defaultdict(set)
                for r in cands:
                    if r["query"] in keep and r.get("person_rank"):
                        rec = canon.get(r["record"], r["record"])
                        if int(r["person_rank"]) == 1:
                            first[r["query"]].add(rec)
                        if int(r["person_rank"]) <= 10:
                            ten[r["query"]].add(rec)
                people = sum(len(w) for w in want.values())
                out[kind]["person_at_1"] = round(sum(len(want[q] & first[q]) for q in want) / people, 4)
                out[kind]["person_at_10"] = round(sum(len(want[q] & ten[q]) for q in want) / people, 4)
    return out


def dup_recall_by_kind(data: Path, pairs: Path) -> dict[str, float]:
    f = data / "truth_duplicate_kinds.csv"
    if not f.exists() or not pairs.exists():
        return {}
    pred = {frozenset((r["record_a"], r["record_b"])) for r in read(pairs)}
    tot: dict[str, int] = defaultdict(int)
    hit: dict[str, int] = defaultdict(int)
    for r in read(f):
        tot[r["kind"]] += 1
        hit[r["kind"]] += frozenset((r["record_a"], r["record_b"])) in pred
    return {k: round(hit[k] / tot[k], 4) for k in sorted(tot)}


def fmt(v) -> str:
    return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="DATA:WORK pairs")
    a = ap.parse_args(argv)
    scorer = load_scorer()
    print(
        "| set | kind | n | system | recall@1 | recall@10 | match precision | match recall | false match on absent |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    dedupe_lines = []
    for spec in a.runs:
        data_s, work_s = spec.split(":", 1)
        data, work = Path(data_s), Path(work_s)
        kf = data / "truth_query_kinds.csv"
        kinds = {r["query"]: r["kind"] for r in read(kf)} if kf.exists() else {}
        per_sys = {}
        for system in ("ours", "splink"):
            cand = work / f"{system}_candidates.csv"
            if cand.exists():
                per_sys[system] = subset_scores(scorer, data, cand, kinds)
        order = ["all", *sorted({k for s in per_sys.values() for k in s if k != "all"})]
        for kind in order:
            for system, res in per_sys.items():
                f = res.get(kind)
                if not f:
                    continue
                extra = f" (all named in top 10: {fmt(f['all_at_10'])})" if "all_at_10" in f else ""
                if "person_at_1" in f:
                    extra += f" (per person @1 {fmt(f['person_at_1'])}, @10 {fmt(f['person_at_10'])})"
                print(
                    f"| {data.name} | {kind} | {f.get('queries')} | {system} | {fmt(f.get('recall_at_1'))} | "
                    f"{fmt(f.get('recall_at_10'))}{extra} | {fmt(f.get('match_precision'))} | "
                    f"{fmt(f.get('match_recall'))} | {fmt(f.get('false_match_rate_on_absent'))} |"
                )
        for system in ("ours", "splink"):
            pairs = work / f"{system}_pairs.csv"
            if pairs.exists():
                s = scorer.score_pairs(str(data), str(pairs))
                by = dup_recall_by_kind(data, pairs)
                byk = "; ".join(f"{k} {v:.3f}" for k, v in by.items())
                dedupe_lines.append(
                    f"| {data.name} | {system} | {s['true_pairs']} | {s['predicted']} | {s['precision']:.3f} | "
                    f"{s['recall']:.3f} | {s['f1']:.3f} | {byk or '–'} |"
                )
    print()
    print(
        "| set | system | true pairs | predicted | precision | recall | F1 | recall per kind of duplicate |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(dedupe_lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
