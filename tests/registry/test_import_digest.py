"""The digest of each record's last imported row (issue 14): a re-import compares it instead of every column, a
record changed since its import is compared column by column again, and what an import writes to the linkage
index (keys by COPY or INSERT, counts by upsert) is what a full rebuild writes."""

import pytest

from doantu.registry import services
from doantu.registry.imports import content_hash
from doantu.registry.matching import rebuild_index
from doantu.registry.models import FrequencyCount, Martyr, MatchKey
from tests.registry.test_registry import ROWS, csv_upload, do_import

pytestmark = pytest.mark.django_db


def _index():
    return (
        sorted(MatchKey.objects.values_list("kind", "record_id", "key")),
        sorted(FrequencyCount.objects.values_list("kind", "value", "count")),
    )


def test_imported_records_keep_their_row_digest_and_an_unchanged_row_is_known_by_it(users):
    actor = users["campaign"]
    do_import(actor, csv_upload())
    records = list(Martyr.objects.order_by("external_id"))
    assert len(records) == 3 and all(len(m.import_hash) == 32 for m in records)
    assert len({m.import_hash for m in records}) == 3
    before = sorted(Martyr.objects.values_list("pk", "updated_at", "import_hash"))
    _, again = do_import(actor, csv_upload())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert sorted(Martyr.objects.values_list("pk", "updated_at", "import_hash")) == before


def test_the_digest_ignores_column_order_but_not_names_or_values():
    a = {"external_id": "LS1", "full_name": "Nguyễn Văn A", "unit": "E9"}
    assert content_hash(a) == content_hash(dict(reversed(list(a.items()))))
    assert content_hash(a) != content_hash({**a, "unit": "E10"})
    assert content_hash(a) != content_hash({"external_id": "LS1", "full_name": "Nguyễn Văn A", "rank": "E9"})


def test_a_record_edited_since_its_import_is_compared_column_by_column(users):
    """Editing clears the digest, so the list's value is applied again on the next import (as before digests)."""
    actor = users["campaign"]
    do_import(actor, csv_upload())
    martyr = Martyr.objects.get(external_id="LS002")
    services.martyr_update(martyr=martyr, actor=actor, values={"unit": "Tiểu đoàn 9"})
    martyr.refresh_from_db()
    assert martyr.import_hash == "" and martyr.unit == "Tiểu đoàn 9"
    checked, again = do_import(actor, csv_upload())
    assert (checked.updated, again.updated, again.unchanged) == (1, 1, 2)
    martyr.refresh_from_db()
    assert martyr.unit == "Đại đội 5, Tiểu đoàn 3, Trung đoàn 177" and len(martyr.import_hash) == 32


def test_a_changed_row_updates_its_record_digest_and_index_as_a_rebuild_would(users):
    actor = users["campaign"]
    do_import(actor, csv_upload())
    old_hash = Martyr.objects.get(external_id="LS001").import_hash
    changed = [r.replace("c3 d1 e141 f312", "c2 d7 e29 f316") for r in ROWS]
    _, again = do_import(actor, csv_upload(changed))
    assert (again.updated, again.unchanged) == (1, 2)
    martyr = Martyr.objects.get(external_id="LS001")
    assert martyr.unit == "c2 d7 e29 f316" and martyr.import_hash not in ("", old_hash)
    after_import = _index()
    assert any(key.endswith("|e29") for kind, rid, key in after_import[0] if rid == martyr.pk)
    rebuild_index()
    assert _index() == after_import


def test_a_record_whose_digest_is_missing_learns_it_without_being_touched(users):
    """Records imported before digests existed: an unchanged row is compared column by column once, and only the
    digest is written (no new version, no updated_at)."""
    actor = users["campaign"]
    do_import(actor, csv_upload())
    Martyr.objects.update(import_hash="")
    before = sorted(Martyr.objects.values_list("pk", "updated_at"))
    versions = Martyr.history.count()
    _, again = do_import(actor, csv_upload())
    assert (again.updated, again.unchanged) == (0, 3)
    assert sorted(Martyr.objects.values_list("pk", "updated_at")) == before
    assert Martyr.history.count() == versions
    assert all(len(h) == 32 for h in Martyr.objects.values_list("import_hash", flat=True))
