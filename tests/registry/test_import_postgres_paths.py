"""The import's write paths (issue 14, fourth and fifth rounds): rows the reader knows are new or unchanged are
not looked up, new ids come from the table's sequence on PostgreSQL (so later records never collide with them),
frequency counts kept by the one-statement upserts equal a rebuild from the records, and a chunk's asynchronous
commit is its own."""

import pytest
from django.db import connection, transaction

from doantu.registry import import_reader, matching, services
from doantu.registry.models import FrequencyCount, Martyr
from tests.registry.test_import_reader import _import, _rows
from tests.registry.test_registry import csv_upload


def _counts() -> dict:
    return {(k, v): n for k, v, n in FrequencyCount.objects.values_list("kind", "value", "count") if n}


@pytest.mark.django_db
def test_only_changed_rows_are_looked_up(users, monkeypatch):
    """A large list's reader knows the list's stored ids and digests (read once per pass): new rows and rows
    whose record keeps their digest are never looked up, in the dry run or the import; the changed ones are."""
    monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(services, "CHUNK", 25)
    looked_up: list[str] = []
    real = services._stored_digests

    def spy(model, source_list_id, ids):
        looked_up.extend(ids)
        return real(model, source_list_id, ids)

    actor = users["campaign"]

    def applied(rows):
        batch = services.import_upload(actor=actor, upload=csv_upload(rows), list_name="DS lớn")
        checked = services.import_run(batch_id=batch.pk, apply=False)
        in_dry_run = sorted(looked_up)
        looked_up.clear()
        done = services.import_run(batch_id=batch.pk, apply=True)
        in_import = sorted(looked_up)
        looked_up.clear()
        return checked, done, in_dry_run, in_import

    monkeypatch.setattr(services, "_stored_digests", spy)
    _checked, done, in_dry_run, in_import = applied(_rows(60))
    assert done.created == 63 and in_dry_run == in_import == []  # a first import: every row is new
    # a record saved by hand since (its digest cleared) is looked up and compared: its values are the row's
    Martyr.objects.get(external_id="AUTO0009").save()
    # again with two rows more and two changed: only the changed ones and the hand-saved one are looked up
    checked, again, in_dry_run, in_import = applied(_rows(62, changed={5, 17}))
    assert (checked.created, checked.updated, checked.unchanged) == (2, 2, 61)
    assert (again.created, again.updated, again.unchanged) == (2, 2, 61)
    assert in_dry_run == in_import == ["AUTO0005", "AUTO0009", "AUTO0017"]
    assert Martyr.objects.get(external_id="AUTO0009").import_hash  # it learnt the row's digest
    # the third time, that record is not looked up either
    _checked, _done, in_dry_run, in_import = applied(_rows(62, changed={5, 17}))
    assert in_dry_run == in_import == []


@pytest.mark.django_db
def test_new_ids_leave_the_sequence_ahead_and_counts_equal_a_rebuild(users, monkeypatch):
    monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(services, "CHUNK", 40)
    actor = users["campaign"]
    _import(actor, _rows(120))
    top = max(Martyr.objects.values_list("pk", flat=True))
    assert sorted(Martyr.history.filter(history_type="+").values_list("id", flat=True)) == sorted(
        Martyr.objects.values_list("pk", flat=True)
    )
    later = services.martyr_create(actor=actor, values={"full_name": "Lê Văn Sau"})
    assert later.pk > top  # the sequence moved past every id the import took
    _checked, again = _import(actor, _rows(120, changed={5, 50, 99}))
    assert again.updated == 3
    incremental = _counts()
    matching.rebuild_index()
    assert incremental == _counts()  # additions and removals (the changed rows' old units) as a rebuild gives


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_asynchronous_commit_is_local_to_the_chunk():
    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    with transaction.atomic():
        services._chunk_commit_settings()
        assert setting() == "off"
    assert setting() == "on"  # other transactions keep the server's setting


@pytest.mark.django_db
def test_a_reimport_replaces_keys_without_a_signal_per_key(users, monkeypatch):
    """The changed records' keys are deleted by plain statements (the ORM's delete() sent a post_delete per key,
    each renewing the figures' cache), and the index is the one a rebuild gives."""
    from django.db.models.signals import post_delete

    from doantu.registry.models import MatchKey

    monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(services, "CHUNK", 40)
    actor = users["campaign"]
    _import(actor, _rows(120))
    deleted: list = []

    def seen(sender, **kwargs):
        deleted.append(sender)

    post_delete.connect(seen, sender=MatchKey, weak=False, dispatch_uid="test-matchkey-deleted")
    try:
        _checked, again = _import(actor, _rows(120, changed={5, 50, 99}))
    finally:
        post_delete.disconnect(sender=MatchKey, dispatch_uid="test-matchkey-deleted")
    assert again.updated == 3 and deleted == []
    keys = sorted(MatchKey.objects.values_list("kind", "record_id", "key"))
    counts = _counts()
    matching.rebuild_index()
    assert keys == sorted(MatchKey.objects.values_list("kind", "record_id", "key")) and counts == _counts()


@pytest.mark.django_db
def test_counts_carry_any_character_a_value_may_hold():
    """The counts travel as JSON on PostgreSQL (arrays elsewhere): quotes, backslashes, commas, braces, control
    characters and empty values arrive as they were, added, taken away and dropped at zero."""
    from collections import Counter

    odd = ['Lê "Tư"', "a\\b", "x,y", "{z}", "tab\there", "dòng\nmới", "", "\x1f", "NULL", "Đặng Thị Ánh"]
    matching._apply_counts(Counter({("given", v): 2 for v in odd}))
    assert _counts() == {("given", v): 2 for v in odd}
    matching._apply_counts(Counter({("given", v): -1 for v in odd} | {("given", odd[0]): -2}))
    assert _counts() == {("given", v): 1 for v in odd[1:]}
    assert not FrequencyCount.objects.filter(kind="given", value=odd[0]).exists()  # dropped at zero


def test_version_tables_index_only_what_a_record_page_reads():
    """Each imported record writes a version: its table keeps the indexes a record's page reads (the record's id,
    the version's date and author), not copies of every index of the record's own table."""
    from doantu.registry.models import Grave

    for model in (Martyr, Grave):
        history = model.history.model
        indexed = {f.name for f in history._meta.fields if f.db_index or f.primary_key}
        assert indexed == {"history_id", "id", "history_date", "history_user"}, model
