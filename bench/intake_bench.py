"""Public intake benchmark: what a phone downloads to open the form, and how many tips per second one server takes.

    uv run python bench/intake_bench.py                       # SQLite, 4 gunicorn workers, 8 clients, 15 s a mode
    uv run python bench/intake_bench.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    uv run python bench/intake_bench.py --duration 5 --modes ping,api   # quicker look

It builds a throwaway site in a temporary directory (production settings: DOANTU_ENV=production, generated
SECRET_KEY and FIELD_ENCRYPTION_KEYS, collectstatic, WhiteNoise serving pre-compressed files), starts gunicorn on
a free port and prints:

1. First load of the public form /t/dx: the HTML plus every stylesheet, script and icon it references, each as
   transferred (Accept-Encoding: gzip, br) and uncompressed, against the goal of at most 30 KB. Files the page
   only loads when asked (``data-css``/``data-js``, e.g. Leaflet for the map picker) are listed apart.
2. Requests per second through the real server, measured by a load generator in a separate process (N clients,
   a fixed duration each, a fresh connection per request since gunicorn's sync workers close it anyway):
   ``ping``        GET /ping, the trivial view: the server's ceiling for this machine and worker count;
   ``form``        POST /t/dx, the HTML form as a browser sends it (multipart, CSRF cookie + token fetched once
                   per client, a fresh submission_key per request), answered 302 to the receipt;
   ``form+photo``  the same with a small phone photo (JPEG with EXIF, re-encoded by the server);
   ``visit``       a whole visit by a new person: GET /t/dx (new CSRF cookie), then POST it; one unit = both;
   ``api``         POST /api/public/sources/dx/tips (multipart, no CSRF), answered 201;
   ``api+photo``   the same with the photo.
   For each: requests/s, errors (anything but 2xx/3xx; expected 0), latency p50/p95/max, and intake/ping
   against the goal of at least 0.5.

The per-hour rate limit is off (TIP_RATE_PER_HOUR=0). With --database-url, a database ``bench_intake_<pid>`` is
created on that server and dropped at the end; the URL's own database is not touched. The server is always
stopped and the temporary directory removed, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import io
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doantu.throwaway import die_with_parent, free_port, postgres_database  # noqa: E402

FIRST_LOAD_GOAL = 30 * 1024
RATIO_GOAL = 0.5
MODES = ("ping", "form", "form+photo", "visit", "api", "api+photo")

# ------------------------------------------------------------------------------------------ the load generator
# Runs in its own process (``intake_bench.py _load '<json>'``), so the client's CPU is not the server's.

ACCOUNT = (
    "Ông nội tôi kể: năm 1972 đơn vị chôn một chiến sĩ ở đồi thông sau trường cũ, có cắm bia gỗ ghi tên. "
    "Nhà tôi còn giữ lá thư anh ấy gửi về, đề ngày 3/4/1972, ký tên Hùng, đơn vị c3 d1 e141."
)
FIELDS = {
    "kind": "grave",
    "account": ACCOUNT,
    "martyr_name": "Nguyễn Văn Hùng",
    "martyr_birth_year": "1950",
    "martyr_home_place": "Huyền Tụng, Bạch Thông, Bắc Thái",
    "martyr_unit": "c3 d1 e141 f312",
    "latitude": "22.146000",
    "longitude": "105.834000",
    "location_accuracy_m": "12",
    "location_source": "gps",
    "location_description": "Đồi thông sau trường cũ, cách suối 200 m",
    "reporter_name": "Trần Thị Lan",
    "reporter_phone": "0912 345 678",
}
FORM_ONLY = {"consent_contact": "on", "consent_processing": "on"}
API_ONLY = {"consent_contact": "true", "consent_processing": "true"}
BOUNDARY = "----doantu-bench-7d3f0c"


def photo_bytes() -> bytes:
    """A small phone-like photo: 800×600 JPEG (~110 KB) with EXIF (camera model, GPS)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (150, 110, 60))
    draw = ImageDraw.Draw(image)
    for i in range(0, 800, 16):  # texture, so it compresses like a photo of a letter, not like a flat colour
        draw.line([(i, 0), (800 - i, 600)], fill=(240 - i % 90, 230, 200 - i % 60), width=3)
    exif = Image.Exif()
    exif[0x0110] = "Bench phone"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (22.0, 8.0, 45.0), "E", (105.0, 50.0, 2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif.tobytes())
    return out.getvalue()


def multipart(fields: dict[str, str], photo: bytes | None) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    if photo is not None:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="la-thu.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + photo
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


async def http(host: str, port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection; the whole response read (until the server closes)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = (headers[key] + "\n" if key in headers else "") + value.strip()
    return status, headers, body


def request_bytes(
    method: str, path: str, host: str, *, headers: dict[str, str] | None = None, body=b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close", "User-Agent: doantu-bench"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def csrf_for_form(host: str, port: int) -> tuple[str, str]:
    """What a browser holds after loading the form: the CSRF cookie and the form's token."""
    status, headers, body = await http(host, port, request_bytes("GET", "/t/dx", f"{host}:{port}"))
    if status != 200:
        raise RuntimeError(f"GET /t/dx answered {status}")
    cookie = re.search(r"csrftoken=([^;\s]+)", headers.get("set-cookie", ""))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not (cookie and token):
        raise RuntimeError("no CSRF cookie or token in the form page")
    return cookie.group(1), token.group(1).decode()


async def client(mode: str, host: str, port: int, stop_at: float, photo: bytes, results: list, errors: dict):
    """Requests back to back until ``stop_at``. In ``visit`` mode one unit is a whole visit: GET the form
    (a new visitor: new CSRF cookie), then POST it; its latency is that of the pair."""
    hostport = f"{host}:{port}"
    html_form = mode.startswith("form") or mode == "visit"
    cookie = token = ""
    if html_form and mode != "visit":
        cookie, token = await csrf_for_form(host, port)  # loaded once, posted many times

    def error(status: int, body: bytes) -> None:
        key = f"HTTP {status}" if status else "connection error"
        errors[key] = errors.get(key, 0) + 1
        errors.setdefault("_first", body[:300].decode("utf-8", "replace"))

    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        if mode == "ping":
            raw = request_bytes("GET", "/ping", hostport)
        else:
            if mode == "visit":
                try:
                    cookie, token = await csrf_for_form(host, port)
                except (OSError, RuntimeError) as exc:
                    error(0, str(exc).encode())
                    continue
            fields = {"submission_key": uuid.uuid4().hex, **FIELDS}
            fields.update(FORM_ONLY if html_form else API_ONLY)
            headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
            if html_form:
                fields["csrfmiddlewaretoken"] = token
                headers["Cookie"] = f"csrftoken={cookie}"
                path = "/t/dx"
            else:
                path = "/api/public/sources/dx/tips"
            body = multipart(fields, photo if mode.endswith("+photo") else None)
            raw = request_bytes("POST", path, hostport, headers=headers, body=body)
            if mode != "visit":
                started = time.perf_counter()  # the POST alone: building it is the client's business
        try:
            status, _, body = await http(host, port, raw)
        except OSError as exc:
            status, body = 0, str(exc).encode()
        elapsed = time.perf_counter() - started
        if 200 <= status < 400:
            results.append(elapsed)
        else:
            error(status, body)


async def load(config: dict) -> dict:
    photo = photo_bytes() if config["mode"].endswith("+photo") else b""
    host, port, clients = config["host"], config["port"], config["clients"]
    # Warm-up (not counted): every worker has its database connection and its code paths loaded.
    warm: list = []
    await asyncio.gather(
        *[
            client(config["mode"], host, port, time.perf_counter() + config["warmup"], photo, warm, {})
            for _ in range(clients)
        ]
    )
    results: list[float] = []
    errors: dict = {}
    server_cpu = group_cpu_seconds(config["pgid"])
    client_cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(
        *[
            client(config["mode"], host, port, started + config["duration"], photo, results, errors)
            for _ in range(clients)
        ]
    )
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    server_cpu = group_cpu_seconds(config["pgid"]) - server_cpu
    return {
        "server_cpu": server_cpu,
        "client_cpu": client_cpu,
        "ok": len(results),
        "wall": wall,
        "latencies": results,
        "errors": errors,
        "photo_bytes": len(photo),
    }


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by every process of a process group: gunicorn's master and
    workers. Per request, it does not depend on what else the machine is doing, unlike requests/s."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:  # fields: state ppid pgrp ... utime(11) stime(12)
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def load_main(config_json: str) -> None:
    print(json.dumps(asyncio.run(load(json.loads(config_json)))))


# ------------------------------------------------------------------------------------------ the server


PREPARE = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("seed_ward", verbosity=0)
"""

COLLECTSTATIC = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
if sys.argv[1:] == ["--ignore-source-maps"]:
    # Bench-only workaround for a missing vendored source map (see the warning printed): the manifest
    # storage stops rewriting sourceMappingURL comments, everything else is as in production.
    from django.contrib.staticfiles.storage import HashedFilesMixin
    HashedFilesMixin.patterns = tuple(
        (ext, tuple(p for p in pats if "sourceMappingURL" not in str(p))) for ext, pats in HashedFilesMixin.patterns
    )
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


def collectstatic(env: dict[str, str]) -> None:
    run = [sys.executable, "-c", COLLECTSTATIC]
    first = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if first.returncode == 0:
        return
    problem = next((line for line in first.stderr.splitlines() if "could not be found" in line), "")
    if ".map" not in problem:
        raise RuntimeError(f"collectstatic failed:\n{first.stderr[-3000:]}")
    print(
        "!! APP BUG: `manage.py collectstatic` fails in production mode: "
        + problem.split("CommandError: ")[-1].strip()
        + "\n   (a vendored file references a source map that is not vendored). Measuring anyway with the "
        "source-map rewriting turned off for this run only."
    )
    second = subprocess.run(
        run + ["--ignore-source-maps"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if second.returncode:
        raise RuntimeError(f"collectstatic failed even without source maps:\n{second.stderr[-3000:]}")


CLEARED = {
    "DATABASE_URL",
    "DEBUG",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "S3_BUCKET",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "CSRF_TRUSTED_ORIGINS",
    "NUM_PROXIES",
}


def production_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        DOANTU_ENV="production",
        DOANTU_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        TIP_RATE_PER_HOUR="0",
        TASK_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # The load generator speaks plain HTTP to gunicorn, as a TLS-terminating proxy would.
        SECURE_SSL_REDIRECT="false",
        # Production refuses to guess a database: the embedded SQLite file, named explicitly.
        DATABASE_URL=database_url or f"sqlite:///{data_dir / 'doantu.sqlite3'}",
    )
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path):
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "doantu.wsgi",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({proc.returncode}):\n{log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(request_bytes("GET", "/ping", f"127.0.0.1:{port}"))
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /ping within 60 s")
            time.sleep(0.2)
        yield port, proc.pid  # the process group of master and workers (start_new_session)
    finally:
        # The whole group (master and workers): nothing is left behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


# ------------------------------------------------------------------------------------------ part 1: bytes


class Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.on_demand: list[tuple[str, str]] = []  # data-css / data-js: loaded by a script when asked

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for kind in ("css", "js"):
            if a.get(f"data-{kind}"):
                self.on_demand.append((kind, a[f"data-{kind}"]))
        rel = (a.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel and a.get("href"):
            self.refs.append(("css", a["href"]))
        elif tag == "link" and "icon" in rel and a.get("href"):
            self.refs.append(("icon", a["href"]))
        elif tag == "script" and a.get("src"):
            self.refs.append(("js", a["src"]))


def fetch(port: int, path: str) -> dict:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip, br", "User-Agent": "doantu-bench"})
        response = conn.getresponse()
        body = response.read()
        encoding = response.getheader("Content-Encoding", "") or "identity"
        header_bytes = len(str(response.msg)) + len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + 2
    finally:
        conn.close()
    if encoding == "gzip":
        raw = gzip.decompress(body)
    elif encoding == "br":
        import brotli

        raw = brotli.decompress(body)
    else:
        raw = body
    return {
        "path": path,
        "status": response.status,
        "encoding": encoding,
        "sent": len(body),
        "raw": raw,
        "headers": header_bytes,
    }


def first_load(port: int) -> tuple[list[dict], list[dict]]:
    page = fetch(port, "/t/dx")
    if page["status"] != 200:
        raise RuntimeError(f"GET /t/dx answered {page['status']}")
    parser = Refs()
    parser.feed(page["raw"].decode("utf-8"))
    rows = [{**page, "kind": "html"}]
    for kind, href in parser.refs:
        path = urlsplit(urljoin("http://127.0.0.1/t/dx", href)).path
        rows.append({**fetch(port, path), "kind": kind})
    later = []
    for kind, href in dict.fromkeys(parser.on_demand):
        path = urlsplit(urljoin("http://127.0.0.1/t/dx", href)).path
        later.append({**fetch(port, path), "kind": kind})
    return rows, later


def print_first_load(rows: list[dict], later: list[dict]) -> None:
    print("\n1. First load of the public form /t/dx (Accept-Encoding: gzip, br)")
    print(f"   {'resource':<44} {'kind':<5} {'status':>6} {'encoding':>8} {'raw B':>8} {'sent B':>8}")
    for r in rows:
        print(
            f"   {r['path']:<44} {r['kind']:<5} {r['status']:>6} {r['encoding']:>8} {len(r['raw']):>8} "
            f"{r['sent']:>8}"
        )
    raw = sum(len(r["raw"]) for r in rows)
    sent = sum(r["sent"] for r in rows)
    headers = sum(r["headers"] for r in rows)
    verdict = "OK" if sent <= FIRST_LOAD_GOAL else "OVER"
    print(f"   {'total (bodies)':<44} {'':<5} {'':>6} {'':>8} {raw:>8} {sent:>8}")
    print(
        f"   total sent {sent / 1024:.1f} KB vs goal ≤ {FIRST_LOAD_GOAL // 1024} KB: {verdict} "
        f"(+{headers / 1024:.1f} KB of response headers over {len(rows)} requests)"
    )
    for r in later:
        print(
            f"   on demand, not in the first load: {r['path']} ({r['kind']}, {r['encoding']}) "
            f"{len(r['raw'])} B raw, {r['sent']} B sent"
        )
    bad = [r for r in rows + later if r["status"] != 200]
    if bad:
        print("   !! not 200: " + ", ".join(f"{r['path']} → {r['status']}" for r in bad))


# ------------------------------------------------------------------------------------------ part 2: rate


def run_load(mode: str, port: int, pgid: int, args) -> dict:
    config = {
        "mode": mode,
        "host": "127.0.0.1",
        "port": port,
        "clients": args.clients,
        "duration": args.duration,
        "warmup": args.warmup,
        "pgid": pgid,
    }
    out = subprocess.run(
        [sys.executable, __file__, "_load", json.dumps(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=args.duration + args.warmup + 120,
    )
    if out.returncode:
        raise RuntimeError(f"load generator failed for {mode}:\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout)
    lat = sorted(result["latencies"])
    result["rps"] = result["ok"] / result["wall"]
    result["p50"] = statistics.median(lat) * 1000 if lat else float("nan")
    result["p95"] = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else float("nan")
    result["max"] = lat[-1] * 1000 if lat else float("nan")
    result["n_errors"] = sum(v for k, v in result["errors"].items() if not k.startswith("_"))
    return result


def print_rates(results: dict[str, dict], db_label: str) -> None:
    print(f"\n2. Requests per second through gunicorn ({db_label})")
    print(
        f"   {'mode':<11} {'req/s':>8} {'ok':>6} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
        f"{'vs ping':>7} {'srv CPU ms/req':>14} {'client CPU':>10}"
    )
    ping = results.get("ping", {}).get("rps")
    for mode, r in results.items():
        ratio = f"{r['rps'] / ping:.2f}×" if ping and mode != "ping" else ""
        cpu = r["server_cpu"] * 1000 / max(r["ok"] + r["n_errors"], 1)
        print(
            f"   {mode:<11} {r['rps']:>8.1f} {r['ok']:>6} {r['n_errors']:>6} {r['p50']:>7.1f} {r['p95']:>7.1f} "
            f"{r['max']:>7.1f} {ratio:>7} {cpu:>14.1f} {r['client_cpu'] / r['wall']:>9.0%}"
        )
    print(
        "   (srv CPU: user+system time of gunicorn's master and workers over the measured window, per request"
        + ("; PostgreSQL's own processes not included" if "PostgreSQL" in db_label else "")
        + ". client CPU: the load generator's share of one core; near 100% would mean it limits the figures.)"
    )
    photo = max((r.get("photo_bytes", 0) for r in results.values()), default=0)
    if photo:
        print(
            f"   (+photo: one 800×600 JPEG of {photo / 1024:.0f} KB with EXIF GPS, decoded and re-encoded by the server)"
        )
    for mode, r in results.items():
        if r["n_errors"]:
            detail = {k: v for k, v in r["errors"].items() if not k.startswith("_")}
            print(f"   !! {mode}: {detail}; first error body: {r['errors'].get('_first', '')[:200]!r}")
    if ping:
        for mode, r in results.items():
            if mode != "ping":
                verdict = "OK" if r["rps"] / ping >= RATIO_GOAL else "BELOW GOAL"
                print(f"   {mode}/ping = {r['rps'] / ping:.2f} vs goal ≥ {RATIO_GOAL}: {verdict}")


def count_tips(env: dict[str, str]) -> int:
    code = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','doantu.settings');django.setup();"
        "from doantu.tips.models import Tip;print(Tip.objects.count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    return int(out.stdout.strip() or -1)


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load1, load5, _ = os.getloadavg()
    return (
        f"{cores} usable cores ({os.cpu_count()} online){', ' + model if model else ''}; "
        f"load average {load1:.2f}/{load5:.2f} at start; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per mode (default 15)")
    parser.add_argument("--warmup", type=float, default=1.5, help="seconds of unmeasured warm-up per mode")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--database-url", help="PostgreSQL server to use (a fresh database is made on it)")
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, from {','.join(MODES)}")
    parser.add_argument("--skip-bytes", action="store_true", help="skip part 1 (first-load bytes)")
    args = parser.parse_args()
    # SIGTERM (e.g. from `timeout`) runs the cleanup below like Ctrl-C does: server stopped, files removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if unknown := set(modes) - set(MODES):
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    if "ping" in modes:
        modes.remove("ping")
    modes.insert(0, "ping")  # the reference, measured first in the same run

    print("Đoàn Tụ public intake benchmark")
    print(f"machine: {machine()}")
    print(
        "rerun:   cd "
        + shlex.quote(str(ROOT))
        + " && uv run python bench/intake_bench.py"
        + "".join(" " + shlex.quote(a) for a in sys.argv[1:])
    )
    print(
        f"server:  gunicorn doantu.wsgi -w {args.workers} (sync workers), DOANTU_ENV=production, "
        f"TIP_RATE_PER_HOUR=0; load: {args.clients} clients × {args.duration:g} s per mode "
        f"(+{args.warmup:g} s warm-up), separate process, new connection per request; MAP_TILE_URL "
        + (repr(os.environ["MAP_TILE_URL"]) if "MAP_TILE_URL" in os.environ else "unset (production default)")
    )

    data_dir = Path(tempfile.mkdtemp(prefix="doantu-bench-"))
    try:
        with contextlib.ExitStack() as stack:
            db_url = (
                stack.enter_context(postgres_database(args.database_url, "bench_intake"))
                if args.database_url
                else None
            )
            db_label = f"PostgreSQL, database {urlsplit(db_url).path[1:]}" if db_url else "SQLite (WAL)"
            env = production_env(data_dir, db_url)
            t = time.monotonic()
            prep = subprocess.run(
                [sys.executable, "-c", PREPARE],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if prep.returncode:
                print(prep.stderr[-3000:], file=sys.stderr)
                return 1
            collectstatic(env)
            print(f"prepared in {time.monotonic() - t:.1f} s: migrate, seed_ward, collectstatic ({db_label})")
            port, pgid = stack.enter_context(gunicorn(env, args.workers, data_dir / "gunicorn.log"))
            if not args.skip_bytes:
                print_first_load(*first_load(port))
            results = {}
            for mode in modes:
                results[mode] = run_load(mode, port, pgid, args)
                r = results[mode]
                print(f"   … {mode}: {r['rps']:.1f} req/s, {r['n_errors']} errors", flush=True)
            print_rates(results, db_label)
            stored = count_tips(env)
            expected_min = sum(r["ok"] for m, r in results.items() if m != "ping")
            print(
                f"   tips stored: {stored} (≥ {expected_min} accepted in the measured windows, plus warm-ups)"
            )
            log = (data_dir / "gunicorn.log").read_text(errors="replace").strip()
            if log:
                print("\nserver log (tail):\n" + "\n".join(log.splitlines()[-15:]))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_load":
        load_main(sys.argv[2])
    else:
        sys.exit(main())
