"""The audit trail's hash chain: each entry stores the hash of the entry before it (``prev_hash``) and its
own (``entry_hash``), an HMAC-SHA256 over the previous hash and the entry's content.

The key (settings.AUDIT_CHAIN_KEYS) is not in the database, so someone with full control of the database
(a superuser, the table's owner, a restored copy) can delete or rewrite entries but cannot re-chain the rest:
``manage.py verify_audit`` finds the first break. Removing entries at the very end leaves no break behind;
that is what anchors are for (verify_audit --anchor-file keeps the heads it has seen and checks them again).

Appends are serialised so two transactions never chain onto the same head (a fork): on PostgreSQL a
transaction-scoped advisory lock, taken just before the head is read and held until commit; on SQLite the
transactions are IMMEDIATE (settings), so writers are already one at a time. The order of the chain is the
order of ``id``: ids are assigned while the lock is held.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

GENESIS = "0" * 64
# pg_advisory_xact_lock key: the ASCII of "doantu" followed by 1 (any constant no other code uses).
LOCK_KEY = 0x646F616E747501
FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "context_type",
    "context_id",
    "changes",
    "message",
)


def plain_json(value: Any) -> Any:
    """``value`` as the database gives it back: JSON types only, string keys, whole floats as integers
    (PostgreSQL's jsonb stores 2.0 as 2). The same value hashes the same before and after a round trip."""

    def norm(v):
        if isinstance(v, dict):
            return {str(k): norm(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [norm(x) for x in v]
        if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v

    return norm(json.loads(json.dumps(value)))


def canonical(values: Mapping[str, Any]) -> bytes:
    at: datetime.datetime = values["at"]
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    doc = [
        "doantu-audit-v1",
        at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        values["actor_id"],
        values["actor_label"],
        values["action"],
        values["object_type"],
        values["object_id"],
        values["context_type"],
        values["context_id"],
        plain_json(values["changes"]),
        values["message"],
    ]
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(prev_hash: str, values: Mapping[str, Any], key: str) -> str:
    return hmac.new(key.encode(), prev_hash.encode() + b"\n" + canonical(values), hashlib.sha256).hexdigest()


def keys() -> list[str]:
    return list(settings.AUDIT_CHAIN_KEYS)


def lock(using: str) -> None:
    """Serialise appends to the chain until the current transaction ends (call inside atomic())."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    # SQLite: the transaction began with BEGIN IMMEDIATE and holds the database's write lock already.


def head(using: str, table: str) -> str | None:
    """The last entry's hash (plain SQL: this runs on every audit write, and building the ORM query would cost
    more than running it)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT entry_hash FROM {connection.ops.quote_name(table)} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass
class Break:
    entry_id: int
    at: datetime.datetime
    reason: str


@dataclass
class Result:
    count: int
    head_id: int | None
    head_hash: str
    broken: Break | None


def verify(rows: Iterable[Mapping[str, Any]]) -> Result:
    """Walk ``rows`` (in id order, with ``id``, ``prev_hash``, ``entry_hash`` and FIELDS) and stop at the
    first break."""
    all_keys = keys()
    expected_prev = GENESIS
    previous_id = None
    count = 0
    for row in rows:
        if row["prev_hash"] != expected_prev:
            if previous_id is None:
                reason = "the entries before it are missing (it does not follow the start of the chain)"
            else:
                reason = f"it does not follow entry #{previous_id}: entries between them are missing or #{previous_id} was replaced"
            return Result(count, previous_id, expected_prev, Break(row["id"], row["at"], reason))
        if not any(
            hmac.compare_digest(row["entry_hash"], entry_hash(row["prev_hash"], row, k)) for k in all_keys
        ):
            reason = "its content was changed, or it was not written by the application (hash mismatch)"
            return Result(count, previous_id, expected_prev, Break(row["id"], row["at"], reason))
        expected_prev = row["entry_hash"]
        previous_id = row["id"]
        count += 1
    return Result(count, previous_id, expected_prev, None)
