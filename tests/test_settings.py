"""Production settings fail loudly on bad or missing values instead of running half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def load(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)",
        ],
        env={**base, "DJANGO_SETTINGS_MODULE": "doantu.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD = {
    "DOANTU_ENV": "production",
    "SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "doantu.example.vn",
    "FIELD_ENCRYPTION_KEYS": "Wv0f3dY1y8eJ3xw7kQ2m3vPj8x0lA1bC2dE3fG4hI5c=",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS"])
def test_production_requires(missing, tmp_path):
    env = {**GOOD, "DOANTU_DATA_DIR": str(tmp_path)}
    env.pop(missing)
    result = load(env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug_and_bad_values(tmp_path):
    assert "DEBUG must be off" in load({**GOOD, "DOANTU_DATA_DIR": str(tmp_path), "DEBUG": "true"}).stderr
    assert "whole number" in load({**GOOD, "DOANTU_DATA_DIR": str(tmp_path), "TIP_MAX_FILES": "many"}).stderr
    ok = load({**GOOD, "DOANTU_DATA_DIR": str(tmp_path)})
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "False"


def test_empty_map_tile_url_turns_tiles_off_in_production(tmp_path):
    env = {**GOOD, "DOANTU_DATA_DIR": str(tmp_path), "MAP_TILE_URL": ""}
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); print(repr(settings.MAP_TILE_URL))",
        ],
        env={**base, "DJANGO_SETTINGS_MODULE": "doantu.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "''", result.stderr


def test_production_collectstatic_succeeds(tmp_path):
    """The manifest storage fails on a dangling reference (a vendored file's missing source map, say)."""
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve().parents[1] / "manage.py"),
            "collectstatic",
            "--noinput",
        ],
        env={**base, **GOOD, "DOANTU_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert list((tmp_path / "static" / "js").glob("intake.*.js.br"))  # hashed and pre-compressed
