"""On PostgreSQL, outside a transaction, an import's chunks are written by a thread of their own while this
thread prepares the next one (issue 14): the records, versions, keys, counts and the batch's counters are those
of writing inline; an error in that thread stops the import with the chunks before it committed and nothing of
its own; the thread's connection is closed when the import ends."""

import threading

import pytest
from django.db import connection

from doantu.registry import import_reader, matching, services
from doantu.registry.models import FrequencyCount, ImportBatch, Martyr, MatchKey
from tests.registry.test_import_reader import _rows, _run, _wipe
from tests.registry.test_registry import csv_upload

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the writer's connection sees only what is committed
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the pipelined writer is PostgreSQL's"),
]


def _connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _writing_threads(monkeypatch) -> list[str]:
    """The name of the thread that wrote each batch of rows (records, versions)."""
    names: list[str] = []
    real = services._write_rows

    def spy(prepared):
        names.append(threading.current_thread().name)
        return real(prepared)

    monkeypatch.setattr(services, "_write_rows", spy)
    return names


def test_pipelined_writing_gives_what_inline_writing_gives(users, monkeypatch):
    actor = users["campaign"]
    names = _writing_threads(monkeypatch)
    before = _connections()
    monkeypatch.setattr(services, "_can_pipeline", lambda: False)
    inline = _run(actor, monkeypatch, parallel=True)
    assert names and set(names) == {threading.current_thread().name}
    _wipe()
    names.clear()
    monkeypatch.undo()
    names = _writing_threads(monkeypatch)
    assert services._can_pipeline()
    pipelined = _run(actor, monkeypatch, parallel=True)
    assert names and all(name.startswith("import-writer") for name in names)
    counts, _after_first, _after, touched = pipelined
    assert counts[1][2] == 453 and counts[3][3] == 3 and touched == ["AUTO0003", "AUTO0200", "AUTO0444"]
    assert pipelined == inline
    assert _connections() == before  # the writer thread's connection was closed


def test_an_error_while_writing_keeps_the_chunks_before_it_and_nothing_of_its_own(users, monkeypatch):
    monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(services, "CHUNK", 25)
    real = matching._insert_keys
    calls: list[str] = []

    def broken(rows):
        calls.append(threading.current_thread().name)
        if len(calls) == 3:
            raise RuntimeError("hỏng")
        return real(rows)

    monkeypatch.setattr(matching, "_insert_keys", broken)
    before = _connections()
    batch = services.import_upload(actor=users["campaign"], upload=csv_upload(_rows(100)), list_name="DS lớn")
    services.import_run(batch_id=batch.pk, apply=False)
    with pytest.raises(RuntimeError, match="hỏng"):
        services.import_run(batch_id=batch.pk, apply=True)
    assert calls[2].startswith("import-writer")
    # the first two chunks of 25 rows, whole; nothing of the third (its records, versions, keys, counts)
    assert Martyr.objects.count() == 50 and Martyr.history.count() == 50
    pks = set(Martyr.objects.values_list("pk", flat=True))
    assert set(MatchKey.objects.values_list("record_id", flat=True)) == pks
    assert FrequencyCount.objects.get(kind="_total", value="_").count == 50
    assert ImportBatch.objects.get(pk=batch.pk).processed_rows == 50  # the progress saved with the second
    assert _connections() == before
