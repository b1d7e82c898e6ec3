#!/usr/bin/env python3
"""Where one public tip submission spends its time, in process (no server, no network).

    uv run python bench/intake_profile.py [--n 300] [--cprofile]

Builds a throwaway production-mode site in a temporary directory (SQLite, generated keys, collectstatic,
migrate, seed_ward), then times, per call: the trivial view (/ping) and a whole form POST through Django's test
client, and the POST's parts — multipart parsing, the form (construction, validation), the retry-key look-up,
tip_submit (two audited inserts in one transaction). It explains bench/intake_bench.py's intake/ping ratio.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def timed(label: str, fn, n: int) -> float:
    for _ in range(min(20, n)):
        fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    ms = (time.perf_counter() - start) / n * 1000
    print(f"  {label:<38} {ms:7.3f} ms")
    return ms


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=300, help="calls per measurement (default 300)")
    parser.add_argument("--cprofile", action="store_true", help="also print a cProfile of the whole POST")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="doantu-profile-")
    from cryptography.fernet import Fernet

    os.environ.update(
        DOANTU_DATA_DIR=data_dir,
        DOANTU_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        TIP_RATE_PER_HOUR="0",
        DJANGO_SETTINGS_MODULE="doantu.settings",
        SECURE_SSL_REDIRECT="false",  # the test client speaks plain HTTP
        DATABASE_URL=f"sqlite:///{data_dir}/doantu.sqlite3",  # production names its database
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_ward", verbosity=0)

    from django.db import transaction
    from django.test import Client, RequestFactory
    from intake_bench import FIELDS, FORM_ONLY

    from doantu.tips.forms import TipForm
    from doantu.tips.models import Tip
    from doantu.tips.selectors import active_source
    from doantu.tips.services import tip_submit

    client, factory, n = Client(), RequestFactory(), args.n
    source = active_source("dx")

    def data():
        return {**FIELDS, **FORM_ONLY, "submission_key": uuid.uuid4().hex}

    def post():
        response = client.post("/t/dx", data(), secure=True)
        assert response.status_code == 302, response.status_code

    def parsed():
        request = factory.post("/t/dx", data())
        request.POST  # noqa: B018 - parses the multipart body
        return request

    request = parsed()

    def valid_form():
        form = TipForm(request.POST, request.FILES, ward=source.ward)
        assert form.is_valid(), form.errors
        return form

    form = valid_form()

    def empty_transaction():
        with transaction.atomic():
            Tip.objects.filter(pk=0).update(account="")

    print(f"in process, {n} calls each, SQLite (WAL) in {data_dir}")
    ping = timed("GET /ping (the trivial view)", lambda: client.get("/ping", secure=True), n)
    whole = timed("POST /t/dx (a whole tip, no files)", post, n)
    print(f"  {'ratio ping/POST':<38} {ping / whole:7.3f}")
    print("parts of the POST:")
    build = timed("multipart body built (test factory)", lambda: factory.post("/t/dx", data()), n)
    parse = timed("… and parsed by Django", parsed, n) - build
    print(f"  {'= multipart parsing':<38} {parse:7.3f} ms")
    timed("TipForm() construction", lambda: TipForm(request.POST, request.FILES, ward=source.ward), n)
    timed("TipForm() + is_valid()", valid_form, n)
    timed(
        "retry-key look-up (one SELECT)",
        lambda: Tip.objects.filter(submission_key=uuid.uuid4().hex).only("receipt_code").first(),
        n,
    )
    timed(
        "tip_submit (tip + audit, one txn)",
        lambda: tip_submit(
            source=source, submission=form.submission(), files=[], submission_key=uuid.uuid4().hex
        ),
        n,
    )
    timed("an empty write transaction", empty_transaction, n)
    if args.cprofile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(n):
            post()
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())
    print(f"rerun: cd {ROOT} && uv run python bench/intake_profile.py --n {n}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    finally:
        if os.environ.get("DOANTU_DATA_DIR", "").startswith(tempfile.gettempdir()):
            shutil.rmtree(os.environ["DOANTU_DATA_DIR"], ignore_errors=True)
