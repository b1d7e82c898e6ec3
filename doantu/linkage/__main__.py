"""Command-line interface: record linkage on CSV files alone (no database).

    python -m doantu.linkage match  --registry R.csv --queries Q.csv --top 10 --out C.csv
    python -m doantu.linkage dedupe --registry R.csv --out P.csv [--review REVIEW.csv] [--clusters CL.csv]
    python -m doantu.linkage explain --registry R.csv --a ID --b ID

``match`` writes ``query,rank,record,score,decision,person,person_rank`` (``--explain`` adds an ``evidence``
column); a query whose name names several people ("Nguyễn Văn A, Trần Văn B và Lê C") is searched once per
person (``people.split_people``), their candidates interleaved: ``person`` is the person's number in the text and
``person_rank`` the candidate's rank for that person;
``dedupe`` writes ``record_a,record_b,score`` for the pairs it decides are the same martyr, and with ``--review``
every pair worth a look (``record_a,record_b,score,decision,evidence``), best first. Output is written as it is
produced; ``--out -`` writes to stdout. Timings and peak memory go to stderr.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .csvio import read_records
from .engine import Decisions, MemoryEngine
from .people import interleave, search_people


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@contextmanager
def _writer(path: str):
    if path == "-":
        yield csv.writer(sys.stdout, lineterminator="\n")
        sys.stdout.flush()
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        yield csv.writer(fh, lineterminator="\n")


def _evidence_text(ev) -> str:
    return "; ".join(f"{e.text_vi} [{e.weight:+.1f}]" for e in ev)


def _build(args) -> MemoryEngine:
    t0 = time.perf_counter()
    eng = MemoryEngine.from_csv(args.registry, decisions=Decisions(), workers=args.workers)
    _log(f"index: {len(eng):,} records in {time.perf_counter() - t0:.1f}s, peak RSS {_peak_rss_mb():.0f} MB")
    return eng


def cmd_match(args) -> int:
    eng = _build(args)
    t0 = time.perf_counter()
    n = 0
    with _writer(args.out) as w:
        w.writerow(
            ["query", "rank", "record", "score", "decision", "person", "person_rank"]
            + (["evidence"] if args.explain else [])
        )
        for q in read_records(args.queries):
            # a text naming several people is one search per person, their candidates interleaved
            found = interleave(search_people(eng, q, top=args.top, explain=args.explain))
            for rank, (person, person_rank, c) in enumerate(found, start=1):
                row = [q.id, rank, c.record_id, f"{c.score:.3f}", c.decision, person, person_rank]
                if args.explain:
                    row.append(_evidence_text(c.evidence))
                w.writerow(row)
            n += 1
    dt = time.perf_counter() - t0
    _log(
        f"match: {n:,} queries in {dt:.1f}s ({1000 * dt / max(n, 1):.1f} ms/query), peak RSS {_peak_rss_mb():.0f} MB"
    )
    return 0


def cmd_dedupe(args) -> int:
    eng = _build(args)
    t0 = time.perf_counter()
    res = eng.dedupe(workers=args.workers)
    dt = time.perf_counter() - t0
    with _writer(args.out) as w:
        w.writerow(["record_a", "record_b", "score"])
        for a, b, s, d in res.pairs:
            if d == "match":
                w.writerow([a, b, f"{s:.3f}"])
    if args.review:
        with _writer(args.review) as w:
            w.writerow(["record_a", "record_b", "score", "decision", "evidence"])
            for a, b, s, d in res.pairs:
                _, ev = eng.explain_pair(a, b)
                w.writerow([a, b, f"{s:.3f}", d, _evidence_text(ev)])
    if args.clusters:
        with _writer(args.clusters) as w:
            w.writerow(["cluster", "record"])
            for k, cl in enumerate(res.clusters, start=1):
                for rid in cl:
                    w.writerow([k, rid])
    n_match = sum(1 for p in res.pairs if p[3] == "match")
    _log(
        f"dedupe: {n_match:,} match pairs, {len(res.pairs) - n_match:,} possible, {len(res.clusters):,} clusters "
        f"in {dt:.1f}s, peak RSS {_peak_rss_mb():.0f} MB"
    )
    return 0


def cmd_explain(args) -> int:
    eng = _build(args)
    score, ev = eng.explain_pair(args.a, args.b)
    print(f"{args.a} ~ {args.b}: {score:+.2f}")
    for e in ev:
        print(f"  {e.weight:+6.2f}  {e.field:<12} {e.level:<22} {e.text_vi}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m doantu.linkage",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("match", help="top candidates for each query")
    m.add_argument("--registry", required=True)
    m.add_argument("--queries", required=True)
    m.add_argument("--top", type=int, default=10)
    m.add_argument("--out", required=True)
    m.add_argument("--explain", action="store_true", help="add an evidence column (Vietnamese reasons)")
    m.add_argument("--workers", type=int, default=2, help="processes for building the index (default 2)")
    m.set_defaults(func=cmd_match)
    d = sub.add_parser("dedupe", help="pairs of registry rows that are the same martyr")
    d.add_argument("--registry", required=True)
    d.add_argument("--out", required=True)
    d.add_argument("--review", help="also write every match/possible pair with its evidence")
    d.add_argument("--clusters", help="also write cluster,record for records linked by match pairs")
    d.add_argument(
        "--workers", type=int, default=2, help="processes for building and pair scoring (default 2)"
    )
    d.set_defaults(func=cmd_dedupe)
    e = sub.add_parser("explain", help="score and evidence for one pair of registry records")
    e.add_argument("--registry", required=True)
    e.add_argument("--a", required=True)
    e.add_argument("--b", required=True)
    e.add_argument("--workers", type=int, default=2)
    e.set_defaults(func=cmd_explain)
    args = p.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, OSError) as exc:  # unreadable file, no name column: say so, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
