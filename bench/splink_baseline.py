#!/usr/bin/env python3
"""A competent Splink 5 (DuckDB) baseline for the linkage benchmark; same CSV formats as `python -m doantu.linkage`.

    uv run --group bench python bench/splink_baseline.py match  --registry R.csv --queries Q.csv --top 10 --out C.csv
    uv run --group bench python bench/splink_baseline.py dedupe --registry R.csv --out P.csv

match  -> query,rank,record,score,decision (top candidates per query; decision "match" above a threshold)
dedupe -> record_a,record_b,score (predicted duplicate pairs above a threshold)

Set-up (the one the issue describes): accent folding (đ -> d by hand, then DuckDB strip_accents), lower case; name split
into surname / middle / given; province = the last comma-separated part of the home place, prefix ("tỉnh", "thành
phố") removed, no historical or 2025 mapping; unit = the set of numbers in the unit (c3 d1 e141 f312 -> {3,1,141,312});
birth year; year of death; alias compared with the other side's full name. Comparisons with term-frequency adjustment
on given name, surname and province; u by random sampling (5M pairs), m by EM (three sessions with different blocking
rules, so every comparison is estimated, each tight enough to keep matches a few per cent of its pairs at 1M rows),
probability_two_random_records_match from deterministic rules (recall 0.5). The year of death is compared, not the full
date (see USE_DEATH_DATE).

THRESHOLDS ARE TUNED ON THE SET BEING SCORED when its truth files sit beside the registry (or --truth DIR): the
probability threshold (and whether only the top candidate may be a match) that maximises the F1 of match precision and
match recall, and the dedupe threshold that maximises pairwise F1. That is optimistic for Splink; pass --threshold to
use a fixed one instead.

Prints one line `SPLINK_SUMMARY {json}` with timings (load, training, batch prediction, single-query latency with
predict_between, which replaces find_matches_to_new_records in Splink 5) and the process's peak RSS.
Splink is a benchmark-only dependency (dependency group `bench`); the application never imports it.
"""

import argparse
import csv
import json
import logging
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

# Year of death only, as the set-up has it: with the full date, men of one battle group (same day, unit and
# district) outweigh their different names and dedupe F1 on linkage-dev falls from 0.72 to 0.65.
USE_DEATH_DATE = False
FOLD = "lower(strip_accents(replace(replace(coalesce({0}, ''), 'đ', 'd'), 'Đ', 'D')))"


def features_sql(raw: str) -> str:
    """Preprocess a linkage-dev style CSV (Vietnamese headers) into the model's columns."""
    name = f"regexp_replace(trim({FOLD.format('"Họ và tên"')}), '\\s+', ' ', 'g')"
    last_part = "trim(list_extract(string_split(\"Quê quán\", ','), -1))"
    return f"""
    with t as (
        select "Mã" as unique_id, string_split({name}, ' ') as tok, {name} as full_name,
               nullif(regexp_replace(trim({FOLD.format('"Bí danh"')}), '\\s+', ' ', 'g'), '') as alias,
               try_cast(nullif(trim("Năm sinh"), '') as integer) as birth_year,
               try_cast(right(trim("Ngày hy sinh"), 4) as integer) as death_year,
               case when length(trim("Ngày hy sinh")) = 10 then trim("Ngày hy sinh") end as death_date,
               nullif(regexp_replace({FOLD.format(last_part)}, '^(tinh|thanh pho|tp\\.?)\\s+', ''), '') as province,
               regexp_extract_all(coalesce("Đơn vị", ''), '\\d+') as unit_numbers
        from {raw}
    )
    select unique_id, nullif(full_name, '') as full_name,
           case when len(tok) > 1 then tok[1] end as surname,
           case when len(tok) > 2 then array_to_string(list_slice(tok, 2, len(tok) - 1), ' ') end as middle,
           nullif(tok[-1], '') as given, alias, birth_year, death_year, death_date, province,
           case when len(unit_numbers) > 0 then unit_numbers end as unit_numbers
    from t
    """


def run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Execute and fetch everything: DuckDB 2 refuses further work on a connection with an unfinished result."""
    return con.execute(sql, params or []).fetchall()


def load(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> int:
    run(
        con,
        f"create or replace table {table}_raw as select * from read_csv(?, header=true, all_varchar=true)",
        [str(path)],
    )
    run(con, f"create or replace table {table} as {features_sql(table + '_raw')}")
    run(con, f"drop table {table}_raw")
    return run(con, f"select count(*) from {table}")[0][0]


def comparisons() -> list:
    def years(col: str, diffs: list[int], first: list | None = None):
        return cl.CustomComparison(
            [cll.NullLevel(col), *(first or []), cll.ExactMatchLevel(col)]
            + [cll.AbsoluteDifferenceLevel(col, d) for d in diffs]
            + [cll.ElseLevel()],
            output_column_name=col,
        )

    alias = cl.CustomComparison(
        [
            cll.CustomLevel("alias_l = full_name_r or full_name_l = alias_r", "alias = other's name"),
            cll.CustomLevel("alias_l = alias_r", "same alias"),
            cll.CustomLevel("alias_l is null or alias_r is null", "no alias on one side").configure(
                is_null_level=True
            ),
            cll.ElseLevel(),
        ],
        output_column_name="alias",
    )
    return [
        cl.JaroWinklerAtThresholds("surname", [0.9]).configure(term_frequency_adjustments=True),
        cl.ExactMatch("middle"),
        cl.JaroWinklerAtThresholds("given", [0.92, 0.8]).configure(term_frequency_adjustments=True),
        alias,
        years("birth_year", [1, 3]),
        years("death_year", [1], first=[cll.ExactMatchLevel("death_date")] if USE_DEATH_DATE else None),
        cl.ExactMatch("province").configure(term_frequency_adjustments=True),
        cl.ArrayIntersectAtSizes("unit_numbers", [3, 2, 1]),
    ]


MATCH_BLOCKING = [  # several rules so that a typo or a gap in one field does not hide the record
    block_on("given", "surname"),
    block_on("given", "province"),
    block_on("given", "birth_year"),
    block_on("given", "death_year"),
    block_on("surname", "birth_year"),
    block_on("surname", "death_year", "province"),
]
DEDUPE_BLOCKING = [  # each rule stays affordable at 1M rows (tens of millions of pairs, not billions)
    block_on("surname", "given", "birth_year"),
    block_on("surname", "given", "province"),
    block_on("surname", "given", "death_year"),
    block_on("given", "death_year", "province"),
    block_on("surname", "death_year", "province", "birth_year"),
    block_on("death_year", "province", "birth_year"),
]
# EM sessions: together they estimate every comparison. Each is tight enough that matches stay a few per cent of its
# pairs at 1M rows too; with looser ones (given + year of death, ...) EM at 1M finds no match class and the model
# ranks "Trần Hữu Hùng" above "Nguyễn Hưng" for the query "Nguyen Hung" (recall@10 0.74 instead of 0.98 at 20k).
MATCH_EM = [
    block_on("given", "surname", "birth_year"),
    block_on("given", "death_year", "province"),
    block_on("birth_year", "death_year", "province"),
]
DEDUPE_EM = [
    block_on("surname", "given", "birth_year", "death_year"),
    block_on("surname", "given", "province", "death_year"),
    block_on("birth_year", "death_date", "province"),
]
DETERMINISTIC = [
    block_on("full_name", "birth_year", "province"),
    block_on("full_name", "birth_year", "death_year"),
]


def connect(args) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    run(con, f"set memory_limit = '{args.memory_limit}'")
    run(con, f"set threads = {args.threads}")
    run(con, "set preserve_insertion_order = false")
    if args.temp_dir:
        run(con, f"set temp_directory = '{args.temp_dir}'")
    return con


def train(linker: Linker, em_rules: list, seed: int) -> None:
    linker.training.estimate_probability_two_random_records_match(DETERMINISTIC, recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=3e6)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------------- match
def run_match(args) -> dict:
    t0 = time.perf_counter()
    con = connect(args)
    db_api = DuckDBAPI(con)
    n_registry = load(con, "registry", args.registry)
    n_queries = load(con, "queries", args.queries)
    registry = db_api.register("registry", dataset_display_name="registry")
    queries = db_api.register("queries", dataset_display_name="queries")
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=MATCH_BLOCKING,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker([queries, registry], settings, log_level=logging.WARNING)
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    train(linker, MATCH_EM, args.seed)
    t_train = time.perf_counter() - t0

    t0 = time.perf_counter()
    pred = linker.inference.predict()
    run(
        con,
        f"""
        create or replace table ranked as
        select * from (
            select query, record, match_probability, match_weight,
                   row_number() over (partition by query order by match_weight desc, record) as rank
            from (
                select case when source_dataset_l = 'queries' then unique_id_l else unique_id_r end as query,
                       case when source_dataset_l = 'queries' then unique_id_r else unique_id_l end as record,
                       match_probability, match_weight
                from {pred.physical_name}
            )
        ) where rank <= {args.top}
    """,
    )
    rows = run(con, "select query, rank, record, match_probability from ranked order by query, rank")
    t_predict = time.perf_counter() - t0
    n_pairs = run(con, f"select count(*) from {pred.physical_name}")[0][0]

    truth_dir = args.truth or (
        args.registry.parent if (args.registry.parent / "truth_queries.csv").exists() else None
    )
    if args.threshold is not None:
        threshold, policy, tuned_on = args.threshold, args.policy, None
    elif truth_dir:
        threshold, policy = tune_match(rows, truth_dir)
        tuned_on = str(truth_dir)
    else:
        threshold, policy, tuned_on = 0.5, args.policy, None
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["query", "rank", "record", "score", "decision"])
        for q, rank, rec, p in rows:
            w.writerow([q, rank, rec, f"{p:.6f}", "match" if decide(rank, p, threshold, policy) else ""])

    latencies = single_query_latency(con, db_api, linker, args.latency_samples)
    return {
        "mode": "match",
        "registry_rows": n_registry,
        "queries": n_queries,
        "blocked_pairs": n_pairs,
        "threshold": threshold,
        "policy": policy,
        "threshold_tuned_on": tuned_on,
        "load_s": round(t_load, 2),
        "train_s": round(t_train, 2),
        "predict_s": round(t_predict, 2),
        "batch_s_per_query": round(t_predict / max(n_queries, 1), 4),
        "single_query_s_median": round(statistics.median(latencies), 3) if latencies else None,
        "single_query_s_all": [round(x, 3) for x in latencies],
        "peak_rss_mb": round(peak_rss_mb()),
    }


def single_query_latency(con, db_api: DuckDBAPI, linker: Linker, samples: int) -> list[float]:
    """One query against the whole registry with the trained model: Splink 5's predict_between (the successor of
    find_matches_to_new_records), top 10 read back. Term-frequency tables are computed once, before timing."""
    if samples <= 0:
        return []
    for col in ("surname", "given", "province"):
        linker.table_management.compute_tf_table(col)
    ids = [
        r[0] for r in run(con, f"select unique_id from queries using sample {samples} rows (reservoir, 7)")
    ]
    registry = db_api.register("registry", table_name="registry_for_latency", dataset_display_name="registry")
    out = []
    for i, qid in enumerate(sorted(ids)):
        t0 = time.perf_counter()
        run(con, f"create or replace table one_query_{i} as select * from queries where unique_id = ?", [qid])
        one = db_api.register(
            f"one_query_{i}", table_name=f"one_query_{i}_df", dataset_display_name="queries"
        )
        pred = linker.inference.predict_between(one, registry, warning_mode="never")
        run(
            con,
            f"select unique_id_r, match_probability from {pred.physical_name} order by match_weight desc limit 10",
        )
        out.append(time.perf_counter() - t0)
        pred.drop_table_from_database_and_remove_from_cache()
    return out


def decide(rank: int, p: float, threshold: float, policy: str) -> bool:
    return p >= threshold and (policy == "all" or rank == 1)


def tune_match(rows: list[tuple], truth_dir: Path) -> tuple[float, str]:
    """Threshold and policy that maximise F1(match precision, match recall), as score_linkage.py counts them."""
    truth = {}
    with open(truth_dir / "truth_queries.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            truth[r["query"]] = {x for x in r["records"].split(";") if x}
    present = sum(1 for s in truth.values() if s)
    cands = defaultdict(list)
    for q, rank, rec, p in rows:
        cands[q].append((rank, rec, p))
    best = (-1.0, 0.5, "top1")
    grid = sorted({round(p, 4) for *_, p in rows} | {0.5})
    for policy in ("top1", "all"):
        for t in grid[:: max(1, len(grid) // 2000)]:
            tp = fp = matched = 0
            for q, cs in cands.items():
                hit = False
                for rank, rec, p in cs:
                    if decide(rank, p, t, policy):
                        if rec in truth.get(q, ()):
                            tp += 1
                            hit = True
                        else:
                            fp += 1
                matched += hit
            if tp + fp == 0:
                continue
            prec, rec_ = tp / (tp + fp), matched / present
            f1 = 2 * prec * rec_ / (prec + rec_) if prec + rec_ else 0.0
            if f1 > best[0]:
                best = (f1, t, policy)
    return best[1], best[2]


# ------------------------------------------------------------------------------------------------- dedupe
def run_dedupe(args) -> dict:
    t0 = time.perf_counter()
    con = connect(args)
    db_api = DuckDBAPI(con)
    n_registry = load(con, "registry", args.registry)
    registry = db_api.register("registry", dataset_display_name="registry")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=DEDUPE_BLOCKING,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(registry, settings, log_level=logging.WARNING)
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    train(linker, DEDUPE_EM, args.seed)
    t_train = time.perf_counter() - t0

    t0 = time.perf_counter()
    chunks = {"num_chunks_left": args.chunks, "num_chunks_right": args.chunks} if args.chunks > 1 else {}
    pred = linker.inference.predict(threshold_match_probability=args.floor, **chunks)
    pairs = run(
        con,
        f"select unique_id_l, unique_id_r, match_probability from {pred.physical_name} order by match_weight desc",
    )
    t_predict = time.perf_counter() - t0

    truth_dir = args.truth or (
        args.registry.parent if (args.registry.parent / "truth_duplicates.csv").exists() else None
    )
    if args.threshold is not None:
        threshold, tuned_on = args.threshold, None
    elif truth_dir:
        threshold, tuned_on = tune_pairs(pairs, truth_dir), str(truth_dir)
    else:
        threshold, tuned_on = 0.5, None
    kept = [(a, b, p) for a, b, p in pairs if p >= threshold]
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["record_a", "record_b", "score"])
        w.writerows((a, b, f"{p:.6f}") for a, b, p in kept)
    return {
        "mode": "dedupe",
        "registry_rows": n_registry,
        "scored_pairs": len(pairs),
        "predicted_pairs": len(kept),
        "threshold": threshold,
        "threshold_tuned_on": tuned_on,
        "load_s": round(t_load, 2),
        "train_s": round(t_train, 2),
        "predict_s": round(t_predict, 2),
        "total_s": round(t_load + t_train + t_predict, 2),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def tune_pairs(pairs: list[tuple], truth_dir: Path) -> float:
    truth = set()
    with open(truth_dir / "truth_duplicates.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            truth.add(frozenset((r["record_a"], r["record_b"])))
    best, tp = (-1.0, 0.5), 0
    for k, (a, b, p) in enumerate(pairs, 1):  # sorted by decreasing weight
        tp += frozenset((a, b)) in truth
        prec, rec = tp / k, tp / len(truth)
        f1 = 2 * prec * rec / (prec + rec) if tp else 0.0
        if f1 > best[0]:
            best = (f1, p)
    return best[1]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)
    for mode in ("match", "dedupe"):
        s = sub.add_parser(mode)
        s.add_argument("--registry", type=Path, required=True)
        s.add_argument("--out", type=Path, required=True)
        s.add_argument(
            "--truth", type=Path, help="directory with the truth files (default: the registry's, if there)"
        )
        s.add_argument(
            "--threshold", type=float, help="fixed probability threshold instead of tuning on the truth"
        )
        s.add_argument("--seed", type=int, default=1)
        s.add_argument("--threads", type=int, default=2)
        s.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit")
        s.add_argument("--temp-dir", help="DuckDB temp_directory for spilling")
        if mode == "match":
            s.add_argument("--queries", type=Path, required=True)
            s.add_argument("--top", type=int, default=10)
            s.add_argument(
                "--policy",
                choices=("top1", "all"),
                default="top1",
                help="with --threshold: may only the top candidate be a match, or all above it",
            )
            s.add_argument("--latency-samples", type=int, default=20, help="queries timed one by one")
        else:
            s.add_argument(
                "--floor", type=float, default=0.01, help="pairs below this probability are not kept"
            )
            s.add_argument(
                "--chunks", type=int, default=1, help="predict in N x N chunks (Splink 5) to bound memory"
            )
    args = p.parse_args(argv)
    summary = run_match(args) if args.mode == "match" else run_dedupe(args)
    summary["command"] = "uv run --group bench python bench/splink_baseline.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    print("SPLINK_SUMMARY " + json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
