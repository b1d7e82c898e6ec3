"""A large list is read in a reader process (issue 14): the records, versions, index keys and counts it leaves,
and what a re-import touches, are exactly those of the same list read in the writer's own process; an error
while reading reaches the writer and nothing of the failing chunk is saved."""

import pytest

from doantu.registry import import_reader, services
from doantu.registry.models import FrequencyCount, ImportBatch, ImportStatus, Martyr, MatchKey
from tests.registry.test_registry import ROWS, csv_upload

pytestmark = pytest.mark.django_db

# made-up rows in the official columns: varied names, places, units and dates (so the keys and counts differ
# from row to row), plus the test list's rows with their errors (no name, unreadable year, id twice)
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVENS = ["Hùng", "Lan", "Minh", "Quang", "Tám", "Thắng", "Hòa", "Sơn", "Bình"]
PLACES = [
    "Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái",
    "Xã Đồng Xá, Huyện Na Rì, Tỉnh Bắc Kạn",
    "Xã Vũ Thư, Thái Bình",
    "Nghệ An",
    "",
]


def _rows(n: int, changed: set[int] = frozenset()) -> list[str]:
    out = []
    for i in range(n):
        unit = f"c{i % 9 + 1} d{i % 7 + 1} e{100 + i % 50}" + (" (sửa)" if i in changed else "")
        out.append(
            f"AUTO{i:04d};{SURNAMES[i % 8]} Văn {GIVENS[i % 9]};;{'Nam' if i % 5 else 'Nữ'};{1940 + i % 15};"
            f"{PLACES[i % 5]};;{unit};;;{i % 28 + 1:02d}/{i % 12 + 1:02d}/{1965 + i % 10};Quảng Trị;"
        )
    return out + ROWS


def _import(actor, rows):
    batch = services.import_upload(actor=actor, upload=csv_upload(rows), list_name="DS lớn")
    checked = services.import_run(batch_id=batch.pk, apply=False)
    return checked, services.import_run(batch_id=batch.pk, apply=True)


def _state():
    ids = dict(Martyr.objects.values_list("pk", "external_id"))
    fields = [
        f.attname for f in Martyr._meta.concrete_fields if f.attname not in {"id", "created_at", "updated_at"}
    ]
    return (
        sorted(tuple(r) for r in Martyr.objects.values_list(*fields)),
        sorted((ids[h["id"]], h["history_type"]) for h in Martyr.history.values("id", "history_type")),
        sorted(
            (kind, ids[pk], key) for kind, pk, key in MatchKey.objects.values_list("kind", "record_id", "key")
        ),
        sorted(FrequencyCount.objects.values_list("kind", "value", "count")),
    )


def _wipe() -> None:
    """Every record, version, key, count and batch an import left, for a second import to start afresh."""
    Martyr.objects.all().delete()
    Martyr.history.model.objects.all().delete()  # after the records: deleting them adds "-" versions
    MatchKey.objects.all().delete()
    FrequencyCount.objects.all().delete()
    ImportBatch.objects.all().delete()


def _run(actor, monkeypatch, parallel: bool):
    monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0 if parallel else 10**9)
    monkeypatch.setattr(import_reader, "MESSAGE_ROWS", 37)  # many messages, not a multiple of the chunk
    monkeypatch.setattr(services, "CHUNK", 100)
    checked, first = _import(actor, _rows(450))
    after_first = _state()
    before = dict(Martyr.objects.values_list("external_id", "updated_at"))
    checked_again, again = _import(actor, _rows(450, changed={3, 200, 444}))
    after = dict(Martyr.objects.values_list("external_id", "updated_at"))
    touched = sorted(k for k in after if after[k] != before[k])
    counts = [
        (b.total_rows, b.processed_rows, b.created, b.updated, b.unchanged, b.error_count, b.errors)
        for b in (checked, first, checked_again, again)
    ]
    return counts, after_first, _state(), touched


def test_reader_process_gives_what_reading_in_process_gives(users, monkeypatch):
    actor = users["campaign"]
    in_process = _run(actor, monkeypatch, parallel=False)
    _wipe()
    in_reader = _run(actor, monkeypatch, parallel=True)
    counts, after_first, after, touched = in_reader
    assert counts[1][2] == 453 and counts[1][5] == 3  # 450 + the test list's 3 good rows; its 3 errors
    assert counts[3][3] == 3 and touched == ["AUTO0003", "AUTO0200", "AUTO0444"]
    assert in_reader == in_process
    # three readers taking every third block of 37 lines (the file ends inside one): the same rows, in order
    _wipe()
    monkeypatch.setattr(import_reader, "readers", lambda: 3)
    started = _spy_forks(monkeypatch)
    assert _run(actor, monkeypatch, parallel=True) == in_process
    assert len(started) == (3 * 4 if import_reader.can_fork() else 0)  # two imports, each a dry run and a run


def test_error_in_reader_reaches_the_writer_and_saves_nothing_of_its_chunk(users, monkeypatch):
    monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0)
    real = import_reader.derive

    def broken(spec, values):
        if values["external_id"] == "AUTO0030":
            raise ValueError("hỏng")
        return real(spec, values)

    monkeypatch.setattr(import_reader, "derive", broken)  # the forked reader inherits it
    batch = services.import_upload(actor=users["campaign"], upload=csv_upload(_rows(40)), list_name="DS lớn")
    assert services.import_run(batch_id=batch.pk, apply=False).status == ImportStatus.CHECKED
    with pytest.raises(ValueError, match="hỏng"):
        services.import_run(batch_id=batch.pk, apply=True)
    assert not Martyr.objects.exists() and not MatchKey.objects.exists()
    assert not FrequencyCount.objects.filter(count__gt=0).exists()


def _spy_forks(monkeypatch) -> list[str]:
    """The reader processes started through ``import_reader``'s fork context (one context object per process:
    its Process class is replaced for this test only)."""
    started: list[str] = []
    ctx = import_reader.multiprocessing.get_context("fork")

    class Process(ctx.Process):
        def start(self):
            started.append(self.name)
            return super().start()

    monkeypatch.setattr(ctx, "Process", Process)
    return started


def test_the_reader_is_a_process_of_its_own_when_this_process_may_fork(users, monkeypatch):
    started = _spy_forks(monkeypatch)
    monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0)
    checked, done = _import(users["campaign"], _rows(60))
    assert done.created == 63
    # a live server or another thread in this process (browser tests) keeps the reader in-process: same result
    assert bool(started) == import_reader.can_fork() and set(started) <= {"import-reader"}


def test_no_fork_while_other_threads_run(users, monkeypatch):
    import threading

    started = _spy_forks(monkeypatch)
    monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        checked, done = _import(users["campaign"], _rows(60))
    finally:
        stop.set()
        other.join()
    assert done.created == 63 and checked.total_rows == done.total_rows
    assert started == []


def test_a_row_repeated_as_it_is_stored_is_reported_as_in_process(users, monkeypatch):
    """A row twice, both times as its record stores it: the reader sends both as ``Unchanged`` in a re-import,
    and the second is still reported as an id repeated, as when read in this process."""
    rows = _rows(40)
    rows.insert(20, rows[7])  # AUTO0007 twice, the same values
    outcomes = []
    for parallel in (False, True):
        monkeypatch.setattr(import_reader, "PARALLEL_MIN_ROWS", 0 if parallel else 10**9)
        monkeypatch.setattr(services, "CHUNK", 10)
        runs = _import(users["campaign"], rows) + _import(users["campaign"], rows)
        outcomes.append([(b.created, b.updated, b.unchanged, b.error_count, b.errors) for b in runs])
        Martyr.objects.all().delete()
    assert outcomes[0] == outcomes[1]
    again = outcomes[1][3]
    assert (
        again[:3] == (0, 0, 43)
        and {"row": 22, "column": "Mã", "message": "Mã “AUTO0007” lặp lại trong tệp"} in again[4]
    )
