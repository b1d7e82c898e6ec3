"""Reading a list again: the same file twice, under another list name, with its columns in another order, with
a few rows changed (only those are touched, and the linkage index ends as a fresh rebuild would leave it)."""

import pytest

from doantu.audit.models import AuditEntry
from doantu.registry import services
from doantu.registry.matching import rebuild_index
from doantu.registry.models import DuplicatePair, FrequencyCount, Martyr, MatchKey, RegistryList
from tests.registry.test_registry import HEADER, ROWS, csv_upload, do_import

pytestmark = pytest.mark.django_db


def _state():
    """Everything an import writes about the records: their fields, versions, index keys and counts."""
    return (
        sorted(
            Martyr.objects.values_list(
                "external_id", "full_name", "birth", "unit", "home_resolved", "updated_at"
            )
        ),
        Martyr.history.count(),
        sorted(MatchKey.objects.values_list("kind", "record_id", "key")),
        sorted(FrequencyCount.objects.values_list("kind", "value", "count")),
    )


def _reordered(order: list[int]) -> list[str]:
    lines = [HEADER, *ROWS]
    return [";".join(line.split(";")[i] for i in order) for line in lines]


def test_the_same_file_twice_changes_nothing_the_second_time(users):
    actor = users["campaign"]
    _, first = do_import(actor, csv_upload())
    assert first.created == 3
    before = _state()
    checked, again = do_import(actor, csv_upload())
    assert (checked.created, checked.updated, checked.unchanged) == (0, 0, 3)  # the dry run says so first
    assert (again.created, again.updated, again.unchanged, again.error_count) == (0, 0, 3, 3)
    assert _state() == before  # no field, version, key or count moved
    assert AuditEntry.objects.filter(action="import_applied").count() == 2  # but the import is on record


def test_columns_in_another_order_give_the_same_records(users):
    actor = users["campaign"]
    do_import(actor, csv_upload())
    before = _state()
    order = [12, 5, 1, 0, 11, 3, 10, 2, 4, 9, 6, 8, 7]
    lines = _reordered(order)
    upload = csv_upload(lines[1:])
    upload.file.seek(0)
    upload.file.truncate()
    upload.file.write(("\n".join(lines) + "\n").encode())
    upload.file.seek(0)
    batch = services.import_upload(actor=actor, upload=upload, list_name="DS Sở Nội vụ 2026")
    assert batch.mapping["full_name"] == 2 and batch.mapping["external_id"] == 3  # found where they now are
    services.import_run(batch_id=batch.pk, apply=False)
    again = services.import_run(batch_id=batch.pk, apply=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _state() == before


def test_the_same_file_under_another_name_is_another_list(users):
    """Documented behaviour: records are identified by their id within a list, so a file imported under a new
    name makes a new list with its own records; the people it shares with the first list are then proposed as
    duplicates, for staff to merge (nothing is merged silently)."""
    actor = users["campaign"]
    do_import(actor, csv_upload(), list_name="DS Sở Nội vụ 2026")
    first_ids = set(Martyr.objects.values_list("pk", flat=True))
    _, other = do_import(actor, csv_upload(), list_name="DS Bộ 2026")
    assert (other.created, other.updated, other.unchanged) == (3, 0, 0)
    assert RegistryList.objects.count() == 2
    assert Martyr.objects.count() == 6
    assert (
        set(Martyr.objects.filter(source_list__name="DS Sở Nội vụ 2026").values_list("pk", flat=True))
        == first_ids
    )
    services.duplicates_find()
    across_lists = {
        p.a.external_id
        for p in DuplicatePair.objects.select_related("a", "b")
        if p.a.external_id == p.b.external_id and p.a.source_list_id != p.b.source_list_id
    }
    assert across_lists == {"LS001", "LS002", "LS003"}


def test_a_few_changed_rows_touch_only_those_records(users):
    actor = users["campaign"]
    do_import(actor, csv_upload())
    untouched = dict(Martyr.objects.exclude(external_id="LS003").values_list("external_id", "updated_at"))
    versions = Martyr.history.count()
    changed = [r.replace("Xã Vũ Thư, Thái Bình;;;", "Xã Vũ Thư, Thái Bình;;Đại đội 2;") for r in ROWS]
    checked, again = do_import(actor, csv_upload(changed))
    assert (checked.created, checked.updated, checked.unchanged) == (0, 1, 2)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert Martyr.objects.get(external_id="LS003").unit == "Đại đội 2"
    assert (
        dict(Martyr.objects.exclude(external_id="LS003").values_list("external_id", "updated_at"))
        == untouched
    )
    assert Martyr.history.count() == versions + 1  # one new version, of the changed record
    # the index kept in step row by row equals one rebuilt from scratch
    kept = _state()[2:]
    rebuild_index()
    assert _state()[2:] == kept
