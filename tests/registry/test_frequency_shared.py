"""Every process sees the registry's current size and frequencies within seconds of a write in another one.

Each process holds its own copy of the counts (``matching._loaded``); two such copies stand here for a web
worker and the task worker that runs an import. They share the cache (a table in the database, as in
production without Redis) and the database."""

import pytest

from doantu.registry import matching, services
from tests.registry.test_registry import csv_upload

pytestmark = pytest.mark.django_db

GIVEN = ["Hùng", "Lan", "Tám", "Thụ", "Hòa", "Bình", "Cường", "Dũng", "Giang", "Hải"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang"]
SECONDS = 5  # "within seconds"


def rows(start: int, n: int) -> list[str]:
    return [
        f"LX{i:04d};Trần {MIDDLE[i % 5]} {GIVEN[i // 5 % 10]};;Nam;{1940 + i % 20};Thái Nguyên;;;;;1972;Quảng Trị;"
        for i in range(start, start + n)
    ]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def processes(monkeypatch):
    """Two processes' copies of the counts, and a clock; ``use(name)`` makes one of them current."""
    copies = {name: {"model": None, "version": None, "checked": 0.0} for name in ("web", "worker")}
    clock = Clock()
    monkeypatch.setattr(matching.time, "monotonic", clock)

    def use(name: str) -> None:
        monkeypatch.setattr(matching, "_loaded", copies[name])

    return use, clock


@pytest.fixture
def import_list(django_capture_on_commit_callbacks):
    """An import as the worker runs it, its transactions committed (their on-commit hooks run)."""

    def run(user, n_rows: list[str], name: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            batch = services.import_upload(actor=user, upload=csv_upload(n_rows), list_name=name)
            services.import_run(batch_id=batch.pk, apply=False)
            services.import_run(batch_id=batch.pk, apply=True)

    return run


def test_an_import_in_the_worker_is_seen_by_the_web_process_within_seconds(users, processes, import_list):
    use, clock = processes
    use("worker")
    import_list(users["campaign"], rows(0, 3), "DS đầu")
    use("web")
    assert matching.frequency_model().total == 3
    # the task worker imports 50 more
    use("worker")
    import_list(users["campaign"], rows(3, 50), "DS thêm")
    # the web process, a few seconds later
    use("web")
    clock.now += SECONDS
    assert matching.frequency_model().total == 53


def test_a_version_lost_from_the_cache_never_hides_a_change(users, processes, import_list):
    """The version key evicted or cleared between two writes: the next write must still look new to a process
    that loaded the counts before (a counter restarting at 1 would match the version it already holds)."""
    from django.core.cache import cache

    use, clock = processes
    use("worker")
    import_list(users["campaign"], rows(0, 3), "DS đầu")
    use("web")
    assert matching.frequency_model().total == 3
    cache.delete(matching._VERSION_KEY)  # evicted (MAX_ENTRIES), cleared, or Redis restarted
    clock.now += SECONDS
    assert matching.frequency_model().total == 3
    use("worker")
    import_list(users["campaign"], rows(3, 50), "DS thêm")
    use("web")
    clock.now += SECONDS
    assert matching.frequency_model().total == 53
