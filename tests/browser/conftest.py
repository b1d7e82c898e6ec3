"""Fixtures for the real-browser tests: a real server on a fresh data directory, and Debian's Chromium.

Not pytest-django's ``live_server``: it empties the database with DELETE between tests, and the audit table
refuses DELETE by design (a trigger). Instead a real ``manage.py runserver`` runs as a subprocess against a
temporary data directory (SQLite), or, when DATABASE_URL is set, against a PostgreSQL database of its own that
is created here and dropped at the end.

Without /usr/bin/chromium the tests are skipped, unless DOANTU_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from doantu.throwaway import die_with_parent, free_port, postgres_database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DOANTU_CHROMIUM", "/usr/bin/chromium")  # Debian's; browsers are not downloaded
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "var" / "screenshots"
PASSWORD = "mat-khau-trinh-duyet-2468"

# username -> (unit code under the seeded ward, role, full name)
STAFF = {
    "vhxh-browser": ("vhxh", "campaign", "Nguyễn Thị Chiến Dịch"),
    "bchqs-browser": ("bchqs", "military", "Trần Văn Quân Sự"),
    "congan-browser": ("cong-an", "police", "Lê Văn Công An"),
    "tdp1-browser": ("tdp-01", "group_leader", "Lê Văn Tổ Trưởng"),
}

# Runs once in the server's environment: schema, the seeded ward, the staff accounts.
_SETUP = f"""
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("seed_ward", verbosity=0)
from doantu.org.models import OrgUnit, UnitKind, User
ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
for username, (code, role, name) in {STAFF!r}.items():
    User.objects.create_user(username=username, password={PASSWORD!r}, full_name=name,
                             unit=OrgUnit.objects.get(parent=ward, code=code), role=role)
"""

# Settings that must come from this fixture, never from the caller's shell.
_CLEARED = {
    "DATABASE_URL",
    "DOANTU_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "S3_BUCKET",
    "REDIS_URL",
    "FIELD_ENCRYPTION_KEYS",
    "SECURE_COOKIES",
    "CSRF_TRUSTED_ORIGINS",
}


def require_browser() -> None:
    """Skip (or, under DOANTU_REQUIRE_BROWSER=1, fail) when the browser cannot run here."""
    problem = None
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        problem = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright (Python) is not installed: uv sync --group dev"
    if problem is None:
        return
    if os.environ.get("DOANTU_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (DOANTU_REQUIRE_BROWSER=1) but {problem}", pytrace=False)
    pytest.skip(f"browser tests skipped: {problem}")


@dataclass
class LiveServer:
    url: str
    log: Path
    password: str = PASSWORD
    env: dict[str, str] | None = None  # the server's environment: to act on its database as a worker would

    def run_python(self, code: str) -> str:
        """Run ``code`` (Django set up) against the server's database, as another process (the task worker)."""
        setup = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'doantu.settings'); django.setup()\n"
        done = subprocess.run(
            [sys.executable, "-c", setup + code],
            cwd=ROOT,
            env=self.env,
            timeout=120,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _wait_until_up(url: str, proc: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/ping", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError("server did not answer /ping in time")


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    """A running server with the seeded ward and its staff accounts (see STAFF); torn down at the end."""
    require_browser()
    data_dir = tmp_path_factory.mktemp("browser-data")
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(
        DOANTU_DATA_DIR=str(data_dir),
        DOANTU_ENV="dev",
        TASK_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
        MAP_TILE_URL="",
        TIP_RATE_PER_HOUR="0",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="WARNING",
    )
    with contextlib.ExitStack() as stack:
        if outer := os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(postgres_database(outer, "test_browser"))
        setup = subprocess.run(
            [sys.executable, "-c", _SETUP], cwd=ROOT, env=env, timeout=180, capture_output=True, text=True
        )
        if setup.returncode:
            pytest.fail(f"preparing the server's database failed:\n{setup.stderr[-3000:]}", pytrace=False)
        port = free_port()
        log = data_dir / "server.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    f"127.0.0.1:{port}",
                    "--noreload",
                    "--skip-checks",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        server = LiveServer(url=f"http://127.0.0.1:{port}", log=log, env=env)
        try:
            try:
                _wait_until_up(server.url, proc, time.monotonic() + 60)
            except RuntimeError as exc:
                pytest.fail(f"{exc}\n{server.log_tail()}", pytrace=False)
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, add the server's log tail to the report: the traceback of a 500 is there."""
    report = yield
    server = item.funcargs.get("live") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(server, LiveServer):
        report.sections.append(("server log (tail)", server.log_tail()))
    return report
