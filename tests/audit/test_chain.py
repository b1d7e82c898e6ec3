"""The audit trail's hash chain: the normal chain verifies; an entry removed or rewritten behind the application's
back (triggers set aside, as a database superuser could) is reported at the right place; appends never fork."""

import contextlib
import io
import threading
import time
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from doantu.audit import chain
from doantu.audit.models import AppendOnlyError, AuditEntry
from doantu.audit.services import audit_record

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@contextlib.contextmanager
def triggers_off():
    """What the table's owner or a superuser can do, and the application's role cannot."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SET CONSTRAINTS ALL IMMEDIATE"
            )  # run the deferred FK checks of this test's inserts
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_auditentry'"
            )
            saved = cursor.fetchall()
            for name, _ in saved:
                cursor.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
            else:
                for _, sql in saved:
                    cursor.execute(sql)


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def entries(ward):
    made = [
        audit_record(
            actor=None, action=f"test_{i}", obj=ward, changes={"n": [i, i + 1], "x": 2.0}, message=f"mục {i}"
        )
        for i in range(5)
    ]
    return made


def test_the_normal_chain_verifies(entries):
    assert entries[0].prev_hash in {chain.GENESIS, *AuditEntry.objects.values_list("entry_hash", flat=True)}
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.entry_hash
    count = AuditEntry.objects.count()
    assert f"audit chain OK: {count} entries, head {entries[-1].pk}:{entries[-1].entry_hash}" in verify()


def test_a_rewritten_entry_is_reported_at_that_entry(entries):
    target = entries[2]
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET message = 'đã sửa' WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=rf"broken at entry #{target.pk} .*content was changed"):
        verify()


def test_a_rewritten_entry_with_its_hash_recomputed_without_the_key_is_reported(entries):
    target = entries[2]
    forged = chain.entry_hash(target.prev_hash, {**_values(target), "message": "đã sửa"}, "not-the-key")
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET message = 'đã sửa', entry_hash = %s WHERE id = %s",
            [forged, target.pk],
        )
    with pytest.raises(CommandError, match=rf"broken at entry #{target.pk} "):
        verify()


def test_a_deleted_entry_is_reported_at_the_entry_after_it(entries):
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
    with pytest.raises(
        CommandError, match=rf"broken at entry #{entries[3].pk} .*does not follow entry #{entries[1].pk}"
    ):
        verify()


def test_a_deleted_first_entry_is_reported(entries):
    first = AuditEntry.objects.order_by("id").first()
    second = AuditEntry.objects.order_by("id")[1]
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match=rf"broken at entry #{second.pk} .*entries before it are missing"):
        verify()


def test_a_removed_tail_is_caught_by_the_recorded_heads(entries, tmp_path):
    anchors = tmp_path / "anchors"
    verify("--anchor-file", str(anchors))
    assert anchors.read_text().strip() == f"{entries[-1].pk}:{entries[-1].entry_hash}"
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    assert "audit chain OK" in verify()  # the chain alone cannot see a shorter end ...
    with pytest.raises(CommandError, match=rf"entry #{entries[-1].pk}, a head recorded earlier, is missing"):
        verify("--anchor-file", str(anchors))  # ... the recorded head can


def test_an_entry_inserted_behind_the_application_is_reported(entries):
    with connection.cursor() as cursor:  # INSERT is allowed; the key is not in the database
        cursor.execute(
            "INSERT INTO audit_auditentry (at, actor_label, action, object_type, object_id, context_type, context_id,"
            " changes, message, prev_hash, entry_hash) VALUES (%s, 'x', 'forged', 'a.b', '1', 'a.b', '1', '{}', '',"
            " %s, %s)",
            [entries[-1].at, entries[-1].entry_hash, "f" * 64],
        )
    with pytest.raises(CommandError, match="not written by the application"):
        verify()


def test_new_entries_cannot_be_bulk_created_unchained(ward):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create(
            [AuditEntry(actor_label="x", action="x", object_type="a", object_id="1")]
        )


def test_the_migration_chains_existing_entries_in_order(entries):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("doantu.audit.migrations.0005_chain").backfill
    original = list(AuditEntry.objects.order_by("id").values_list("id", "prev_hash", "entry_hash"))
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET prev_hash = '', entry_hash = ''")
    backfill(apps, SimpleNamespace(connection=connection))  # it needs only the editor's connection
    assert list(AuditEntry.objects.order_by("id").values_list("id", "prev_hash", "entry_hash")) == original
    assert "audit chain OK" in verify()
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):  # triggers are back
        cursor.execute("DELETE FROM audit_auditentry")


def test_values_survive_the_database_round_trip(ward):
    entry = audit_record(
        actor=None,
        action="round_trip",
        obj=ward,
        changes={"a": [1.0, 2.5], "b": [None, True], "c": ["Nguyễn Văn Hùng", {"k": 1}], 3: ["x", "y"]},
        message="Ghi chú có dấu: Đức Xuân",
    )
    stored = AuditEntry.objects.values("id", "prev_hash", "entry_hash", *chain.FIELDS).get(pk=entry.pk)
    assert chain.entry_hash(stored["prev_hash"], stored, chain.keys()[0]) == entry.entry_hash
    assert "audit chain OK" in verify()


def _values(entry):
    return {name: getattr(entry, name) for name in chain.FIELDS}


@postgres_only
def test_postgres_refuses_truncate(entries):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred FK checks of this test's inserts
    for statement in ("TRUNCATE audit_auditentry", "TRUNCATE org_orgunit CASCADE"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(statement)
    assert AuditEntry.objects.count() >= 5


@pytest.mark.django_db(transaction=True)
def test_the_test_flush_empties_the_trail_and_leaves_it_guarded(ward):
    """Transactional tests empty every table between tests; the audit table's guard must survive that."""
    audit_record(actor=None, action="before_flush", obj=ward)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    from doantu.org.seed import load_seed

    load_seed()
    audit_record(actor=None, action="after_flush", obj=ward.__class__.objects.first())
    # the chain starts again after the flush (the seed's own steps may write its first entries)
    assert AuditEntry.objects.order_by("pk").first().prev_hash == chain.GENESIS
    kept = AuditEntry.objects.count()
    statements = ["DELETE FROM audit_auditentry", "UPDATE audit_auditentry SET message = 'x'"]
    if connection.vendor == "postgresql":
        statements.append("TRUNCATE audit_auditentry")
    for statement in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEntry.objects.count() == kept


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_transactions_appending_at_once_do_not_fork_the_chain(ward):
    """A writes and holds its transaction open; B appends meanwhile. B must chain onto A's entry (it waits for
    A's commit), not onto the head both saw before A committed."""
    a_written = threading.Event()
    made = {}
    errors = []

    def writer(name, hold):
        try:
            with transaction.atomic():
                made[name] = audit_record(actor=None, action=f"concurrent_{name}", obj=ward)
                if hold:
                    a_written.set()
                    time.sleep(0.8)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    a = threading.Thread(target=writer, args=("a", True))
    a.start()
    assert a_written.wait(10)
    b = threading.Thread(target=writer, args=("b", False))
    started = time.monotonic()
    b.start()
    a.join(10)
    b.join(10)
    assert not errors
    assert time.monotonic() - started > 0.5  # B waited for A
    assert made["b"].prev_hash == made["a"].entry_hash
    assert "audit chain OK" in verify()
