"""Rate limits across worker processes: N submissions from one address through gunicorn -w 4.

    uv run python bench/intake_rate.py                    # SQLite (database cache), 300 tips, limit 30
    uv run python bench/intake_rate.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    uv run python bench/intake_rate.py --redis-url redis://127.0.0.1:6379/0

A throwaway production-mode site (as bench/intake_bench.py builds it) with TIP_RATE_PER_HOUR=30 and
TIP_RATE_PER_HOUR_ADDRESS=100, four gunicorn workers, and 16 concurrent clients on one address (127.0.0.1):

1. ``no device id``: every request a fresh connection without a cookie or X-Device-Id (a script's flood):
   exactly TIP_RATE_PER_HOUR must be accepted.
2. ``rotating device ids``: a new X-Device-Id on every request (a flood that makes ids up): exactly
   TIP_RATE_PER_HOUR_ADDRESS must be accepted.

It prints accepted (201) / refused (429) / other answers and the tips in the database, and exits 1 if a
count is not exact. The server is stopped and the directory removed whatever happens.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import intake_bench as ib  # noqa: E402

from doantu.throwaway import postgres_database  # noqa: E402

PER_DEVICE = 30
PER_ADDRESS = 100


def post_tip(port: int, device: str | None, key: str) -> int:
    body = ib.multipart({**ib.FIELDS, **ib.API_ONLY}, None)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={ib.BOUNDARY}",
        "Idempotency-Key": key,
        "Connection": "close",
    }
    if device:
        headers["X-Device-Id"] = device
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/api/public/sources/dx/tips", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def flood(port: int, n: int, rotate: bool, clients: int) -> dict[int, int]:
    counts: dict[int, int] = {}
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        futures = [
            pool.submit(post_tip, port, uuid.uuid4().hex if rotate else None, uuid.uuid4().hex)
            for _ in range(n)
        ]
        for f in concurrent.futures.as_completed(futures):
            try:
                status = f.result()
            except OSError:
                status = 0
            counts[status] = counts.get(status, 0) + 1
    return counts


def run(args, database_url: str | None) -> bool:
    ok = True
    with tempfile.TemporaryDirectory(prefix="doantu-rate-") as tmp:
        data = Path(tmp)
        env = ib.production_env(data, database_url)
        env.update(
            TIP_RATE_PER_HOUR=str(PER_DEVICE),
            TIP_RATE_PER_HOUR_ADDRESS=str(PER_ADDRESS),
            SECURE_SSL_REDIRECT="false",
        )
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
        subprocess.run([sys.executable, "-c", ib.PREPARE], cwd=ROOT, env=env, check=True, timeout=600)
        ib.collectstatic(env)
        cache = "Redis" if args.redis_url else "database cache"
        db = "PostgreSQL" if database_url else "SQLite"
        for label, rotate, expected in (
            ("no device id", False, PER_DEVICE),
            ("rotating device ids", True, PER_ADDRESS),
        ):
            if args.redis_url:  # a fresh window: our keys only (the bench's own prefix is the whole server)
                import redis

                r = redis.Redis.from_url(args.redis_url)
                for k in r.scan_iter(":1:rate:*"):
                    r.delete(k)
            with ib.gunicorn(env, args.workers, data / "gunicorn.log") as (port, _pgid):
                before = ib.count_tips(env)
                counts = flood(port, args.n, rotate, args.clients)
                after = ib.count_tips(env)
            accepted = counts.get(201, 0)
            exact = accepted == expected == after - before
            ok &= exact
            print(
                f"{db}, {cache}, gunicorn -w {args.workers}, {args.clients} clients, {label}: {args.n} sent, "
                f"{accepted} accepted (201), {counts.get(429, 0)} refused (429), "
                f"{sum(v for k, v in counts.items() if k not in (201, 429))} other; tips stored {after - before}; "
                f"limit {expected}: {'exact' if exact else 'WRONG'}"
            )
            # the next scenario needs a fresh budget: the address counter of this one is spent
            subprocess.run([sys.executable, "-c", CLEAR], cwd=ROOT, env=env, check=True, timeout=120)
    return ok


CLEAR = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
django.setup()
from django.core.cache import caches
from doantu.cache import DatabaseCache
if isinstance(caches["default"], DatabaseCache):
    caches["default"].clear()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--database-url", help="PostgreSQL server to use (a fresh database is made on it)")
    parser.add_argument("--redis-url", help="use Redis as the shared cache (REDIS_URL)")
    args = parser.parse_args()
    if args.database_url:
        with postgres_database(args.database_url, "bench_rate") as url:
            return 0 if run(args, url) else 1
    return 0 if run(args, None) else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
