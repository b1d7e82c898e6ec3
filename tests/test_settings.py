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
    "SECRET_KEY": "Rk7-vQ2xN9pL4wE8tY1uI6oA3sD5fG0hJ2kZ7cX9bV4nM1qW8eR3tY6u",
    "ALLOWED_HOSTS": "doantu.example.vn",
    "FIELD_ENCRYPTION_KEYS": "Wv0f3dY1y8eJ3xw7kQ2m3vPj8x0lA1bC2dE3fG4hI5c=",
    "DATABASE_URL": "sqlite:////nonexistent/doantu-settings-test.sqlite3",  # settings import never opens it
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL"])
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


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        # Fernet refuses it: 43 characters, not 32 bytes of base64. Used to start and 500 on every named tip.
        (
            "FIELD_ENCRYPTION_KEYS",
            "Wv0f3dY1y8eJ3xw7kQ2m3vPj8x0lA1bC2dE3fG4hI5",
            "key number 1 is not a Fernet key",
        ),
        (
            "FIELD_ENCRYPTION_KEYS",
            GOOD["FIELD_ENCRYPTION_KEYS"] + ",not-a-key",
            "key number 2 is not a Fernet key",
        ),
        ("ALLOWED_HOSTS", "*", "wildcard"),
        ("ALLOWED_HOSTS", "doantu.example.vn,*", "wildcard"),
        ("SECRET_KEY", "k" * 60, "fewer than 10 different characters"),
        ("SECRET_KEY", "Rk7-vQ2xN9pL4wE8tY1uI6oA3sD5fG0h", "shorter than 50 characters"),
        ("SECRET_KEY", "django-insecure-" + GOOD["SECRET_KEY"], "development key"),
    ],
)
def test_production_refuses_unsafe_values(name, value, says, tmp_path):
    result = load({**GOOD, "DOANTU_DATA_DIR": str(tmp_path), name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert says in result.stderr
    if name != "ALLOWED_HOSTS":  # the refusal names the problem, never the secret
        assert value.split(",")[-1] not in result.stderr.replace(f"{name}:", "")


def test_development_still_starts_without_configuration(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "doantu.settings",
            "DOANTU_ENV": "dev",
            "DOANTU_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def manage(args: list[str], env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, str(Path(__file__).resolve().parents[1] / "manage.py"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_on_the_documented_production_configuration(tmp_path):
    env = {**GOOD, "DOANTU_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_https_defaults_and_the_proxy_switch(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_REDIRECT_EXEMPT)"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}

    def run(extra):
        env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "doantu.settings",
            **GOOD,
            "DOANTU_DATA_DIR": str(tmp_path),
            **extra,
        }
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert run({}) == "True 31536000 ['^healthz$']"
    assert run({"SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}) == "False 0 ['^healthz$']"


def test_production_migrate_runs_before_collectstatic(tmp_path):
    """The README's order: migrate, then collectstatic. Importing the URLconf must not need the manifest."""
    env = {**GOOD, "DOANTU_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = manage(["migrate", "--noinput"], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "static" / "staticfiles.json").exists()


def test_s3_storage_without_its_library_refuses_to_start(tmp_path):
    import importlib.util

    if importlib.util.find_spec("storages") is not None:
        pytest.skip("django-storages is installed here (uv sync --extra s3)")
    result = load({**GOOD, "DOANTU_DATA_DIR": str(tmp_path), "S3_BUCKET": "doantu-media"})
    assert result.returncode != 0
    assert "uv sync --extra s3" in result.stderr
