"""Crash test of the public intake: kill -9 the server while tips with photos are being uploaded and written,
restart it, let the clients retry, and count what happened.

    uv run python bench/intake_crash.py                       # SQLite, 2 workers, 3 kills
    uv run python bench/intake_crash.py --database-url postgres://postgres@127.0.0.1:5432/postgres

A throwaway production-mode site (as bench/intake_bench.py builds it; rate limits off). Eight clients send
tips through the API, each with its own Idempotency-Key and a ~2.5 MB phone photo (above the 2 MB in-memory
limit, so Django spools it to FILE_UPLOAD_TEMP_DIR). In each round the whole gunicorn process group (master
and workers) gets SIGKILL at a random moment while requests are in flight. After the last round the server
is started again and every client retries the submissions that got no answer, with the same key (as the web
form and a well-behaved app do). Then:

- acknowledged: submissions that got a receipt (201/200) at some point;
- lost: acknowledged but not in the database (must be 0);
- duplicated: keys stored more than once (must be 0);
- not acknowledged before the retry, and stored after it;
- orphans: media files no row names and upload temporary files, before and after `manage.py sweep_orphans
  --min-age-hours 0` (safe here: nothing is in flight once the clients are done).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import intake_bench as ib  # noqa: E402

from doantu.throwaway import postgres_database  # noqa: E402


def big_photo(seed: int) -> bytes:
    """A noisy 1600×1200 JPEG (~2.5 MB: noise does not compress), different for every seed."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (1600, 1200), rng.randbytes(1600 * 1200 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def post(port: int, key: str, body: bytes) -> str | None:
    """The receipt code, or None when no answer came (the server died under the request)."""
    headers = {
        "Content-Type": f"multipart/form-data; boundary={ib.BOUNDARY}",
        "Idempotency-Key": key,
        "Connection": "close",
    }
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("POST", "/api/public/sources/dx/tips", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
    except (OSError, http.client.HTTPException):  # reset, or an answer cut short by the kill
        return None
    if response.status in (200, 201):
        return json.loads(data)["receipt_code"]
    raise RuntimeError(f"unexpected answer {response.status}: {data[:300]!r}")


COUNT = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
django.setup()
from django.db.models import Count
from doantu.tips.models import Tip
from doantu.tips.sweep import sweep_orphans
rows = dict(Tip.objects.values_list("submission_key", "receipt_code"))
dups = Tip.objects.values("source", "submission_key").annotate(n=Count("id")).filter(n__gt=1).count()
orphans = sweep_orphans(min_age_hours=0, dry_run=True)
print(json.dumps({"rows": rows, "dups": dups, "media": orphans.media_removed, "temp": orphans.temp_removed}))
"""


def state(env) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", COUNT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(args, database_url: str | None) -> bool:
    photos = [big_photo(i) for i in range(4)]
    with tempfile.TemporaryDirectory(prefix="doantu-crash-") as tmp:
        data = Path(tmp)
        env = ib.production_env(data, database_url)
        env["SECURE_SSL_REDIRECT"] = "false"
        subprocess.run([sys.executable, "-c", ib.PREPARE], cwd=ROOT, env=env, check=True, timeout=600)
        ib.collectstatic(env)
        acknowledged: dict[str, str] = {}  # key -> receipt
        sent: dict[str, bytes] = {}  # key -> body (to retry with)
        lock = threading.Lock()
        rng = random.Random(args.seed)

        def client(port: int, stop: threading.Event, n: int):
            i = 0
            while not stop.is_set():
                key = uuid.uuid4().hex
                fields = {**ib.FIELDS, **ib.API_ONLY, "account": ib.ACCOUNT + f" (lần {n}-{i})"}
                body = ib.multipart(fields, photos[(n + i) % len(photos)])
                with lock:
                    sent[key] = body
                receipt = post(port, key, body)
                if receipt:
                    with lock:
                        acknowledged[key] = receipt
                i += 1

        for round_no in range(args.kills):
            with ib.gunicorn(env, args.workers, data / "gunicorn.log") as (port, pgid):
                stop = threading.Event()
                threads = [threading.Thread(target=client, args=(port, stop, n)) for n in range(args.clients)]
                for t in threads:
                    t.start()
                time.sleep(rng.uniform(args.min_run, args.max_run))
                os.killpg(pgid, signal.SIGKILL)  # master and workers, mid-request
                stop.set()
                for t in threads:
                    t.join()
            print(
                f"round {round_no + 1}: killed with SIGKILL; {len(sent)} sent, {len(acknowledged)} acknowledged so far"
            )

        before = state(env)
        unanswered = [k for k in sent if k not in acknowledged]
        stored_unanswered = sum(1 for k in unanswered if k in before["rows"])
        lost = [k for k, code in acknowledged.items() if before["rows"].get(k) != code]
        print(
            f"after the kills: {len(sent)} submissions sent, {len(acknowledged)} acknowledged, "
            f"{len(lost)} acknowledged but lost, {before['dups']} duplicated, {len(unanswered)} unanswered "
            f"({stored_unanswered} of them stored anyway: committed just before the kill); "
            f"orphans: {before['media']} media files without a row, {before['temp']} upload temporary files"
        )
        # the clients retry what got no answer, with the same key and content
        with ib.gunicorn(env, args.workers, data / "gunicorn.log") as (port, _pgid):
            retried_new = retried_existing = 0
            for key in unanswered:
                receipt = post(port, key, sent[key])
                if receipt is None:
                    raise RuntimeError("a retry got no answer from a running server")
                acknowledged[key] = receipt
                if key in before["rows"]:
                    retried_existing += 1
                else:
                    retried_new += 1
        after_retry = state(env)
        lost = [k for k, code in acknowledged.items() if after_retry["rows"].get(k) != code]
        print(
            f"after the retries: {len(acknowledged)} of {len(sent)} acknowledged "
            f"({retried_existing} retries answered with the first receipt, {retried_new} stored on retry), "
            f"{len(lost)} lost, {after_retry['dups']} duplicated, {len(after_retry['rows'])} tips in the database"
        )
        sweep = subprocess.run(
            [sys.executable, "manage.py", "sweep_orphans", "--min-age-hours", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        print("sweep_orphans --min-age-hours 0:", sweep.stdout.strip() or sweep.stderr[-1000:])
        final = state(env)
        print(
            f"after the sweep: orphans {final['media']} media files, {final['temp']} temporary files; "
            f"{len(final['rows'])} tips (unchanged: {len(final['rows']) == len(after_retry['rows'])})"
        )
        return not lost and not after_retry["dups"] and final["media"] == final["temp"] == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--min-run", type=float, default=2.0, help="seconds of load before a kill, at least")
    parser.add_argument("--max-run", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="PostgreSQL server to use (a fresh database is made on it)")
    args = parser.parse_args()
    if args.database_url:
        with postgres_database(args.database_url, "bench_crash") as url:
            return 0 if run(args, url) else 1
    return 0 if run(args, None) else 1


if __name__ == "__main__":
    sys.exit(main())
