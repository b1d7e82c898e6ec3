"""A large first load builds the keys' search index once, at its end, instead of inserting every key into it
(issue 14, ``matching.bulk_key_load``): the records, versions, keys and counts are those of a load with the index
kept; the index is back afterwards, as the migrations define it, also when the load fails or the process was
killed; a load into a registry larger than itself, and a re-import, keep the index throughout."""

import pytest
from django.core.management import call_command
from django.db import connection

from doantu.registry import matching, services
from doantu.registry.models import Martyr, MatchKey
from tests.registry.test_import_reader import _import, _rows, _state, _wipe
from tests.registry.test_registry import csv_upload

INDEX = "matchkey_cover_idx"


def _index_columns() -> list[str] | None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, MatchKey._meta.db_table)
    return found[INDEX]["columns"] if INDEX in found else None


def _watch(monkeypatch) -> list[tuple[bool, bool]]:
    """(apply, whether the index was there) for each pass of an import over its file."""
    seen: list[tuple[bool, bool]] = []
    real = services._run_chunks

    def spy(batch, actor, apply):
        seen.append((apply, _index_columns() is not None))
        return real(batch, actor, apply)

    monkeypatch.setattr(services, "_run_chunks", spy)
    return seen


def _load(actor, monkeypatch, *, threshold: int) -> tuple[list, tuple]:
    monkeypatch.setattr(services, "CHUNK", 100)
    monkeypatch.setattr(matching, "BULK_LOAD_MIN_RECORDS", threshold)
    seen = _watch(monkeypatch)
    _checked, done = _import(actor, _rows(300))
    assert done.created == 303 and done.status == "done"
    return seen, _state()


@pytest.mark.django_db
def test_a_large_first_load_builds_the_index_at_its_end_with_the_same_result(users, monkeypatch):
    actor = users["campaign"]
    seen, kept = _load(actor, monkeypatch, threshold=10**9)
    assert seen == [(False, True), (True, True)]
    _wipe()
    monkeypatch.undo()
    seen, deferred = _load(actor, monkeypatch, threshold=300)
    assert seen == [
        (False, True),
        (True, False),
    ]  # the dry run keeps it; the load of 303 new records drops it
    assert _index_columns() == ["kind", "key", "record_id"]
    assert deferred == kept
    # a re-import of the same file (nothing new) and a smaller list on top keep the index throughout
    seen.clear()
    _import(actor, _rows(300))
    smaller = [row.replace("AUTO", "OTHER") for row in _rows(300) if row.startswith("AUTO")]
    _import(actor, smaller)
    assert seen == [(False, True), (True, True)] * 2


@pytest.mark.django_db
def test_a_failing_load_still_builds_the_index(users, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 100)
    monkeypatch.setattr(matching, "BULK_LOAD_MIN_RECORDS", 1)
    real = matching._insert_keys
    calls = []

    def broken(rows):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("hỏng")
        return real(rows)

    monkeypatch.setattr(matching, "_insert_keys", broken)
    batch = services.import_upload(actor=users["campaign"], upload=csv_upload(_rows(300)), list_name="DS lớn")
    services.import_run(batch_id=batch.pk, apply=False)
    with pytest.raises(RuntimeError, match="hỏng"):
        services.import_run(batch_id=batch.pk, apply=True)
    assert Martyr.objects.count() == 100  # the first chunk
    assert _index_columns() == ["kind", "key", "record_id"]


@pytest.mark.django_db
def test_an_index_lost_with_a_killed_load_is_made_again(users, caplog):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {INDEX}")
    assert _index_columns() is None
    call_command("migrate", verbosity=0)  # nothing to migrate: its post_migrate step makes the index again
    assert _index_columns() == ["kind", "key", "record_id"]
    assert "key index was missing" in caplog.text
    assert matching.ensure_key_index() is False


@pytest.mark.django_db
def test_rebuilding_the_whole_index_builds_it_once_with_the_same_keys(users, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 100)
    _import(users["campaign"], _rows(120))
    before = _state()
    monkeypatch.setattr(matching, "BULK_LOAD_MIN_RECORDS", 100)
    dropped = []
    real = matching._build_key_index

    def spy():
        dropped.append(_index_columns())
        real()

    monkeypatch.setattr(matching, "_build_key_index", spy)
    assert matching.rebuild_index()["martyrs"] == 123
    assert dropped == [None] and _index_columns() == ["kind", "key", "record_id"]
    assert _state() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pipelined writer is PostgreSQL's")
def test_a_pipelined_first_load_builds_the_index_after_the_last_chunk(users, monkeypatch):
    assert services._can_pipeline()
    actor = users["campaign"]
    _seen, kept = _load(actor, monkeypatch, threshold=10**9)
    _wipe()
    monkeypatch.undo()
    seen, deferred = _load(actor, monkeypatch, threshold=300)
    assert seen == [(False, True), (True, False)]
    assert deferred == kept and _index_columns() == ["kind", "key", "record_id"]
    with connection.cursor() as cursor:  # built whole, and the planner has the table's figures
        cursor.execute(
            "SELECT i.indisvalid, c.reltuples > 0 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "WHERE i.indexrelid = %s::regclass",
            [INDEX],
        )
        assert cursor.fetchone() == (True, True)
