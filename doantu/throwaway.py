"""Throwaway servers and databases for the tests and benchmarks that start the real system as a subprocess
(tests/browser, bench/intake_bench.py). Nothing here runs in production."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from urllib.parse import urlsplit, urlunsplit


def die_with_parent() -> None:
    """In a child process, before exec: on Linux, get SIGTERM when the parent dies without its clean-up
    (SIGKILL), so no server is left behind. Elsewhere a no-op."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@contextlib.contextmanager
def postgres_database(url: str, prefix: str):
    """A fresh database ``<prefix>_<pid>`` on the PostgreSQL server of ``url`` (yields its URL); dropped
    afterwards, whatever happens."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    admin = with_database(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
