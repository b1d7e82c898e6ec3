"""The value counts table keeps only values some record carries: a count that falls to zero is deleted, so units
and given names that come and go (edits, merges) do not pile up rows every process loads (issue 13)."""

import pytest

from doantu.registry import services
from doantu.registry.models import FrequencyCount

pytestmark = pytest.mark.django_db


def _count(kind: str, value: str) -> int | None:
    row = FrequencyCount.objects.filter(kind=kind, value=value).first()
    return None if row is None else row.count


def test_a_count_that_falls_to_zero_is_deleted(users):
    actor = users["campaign"]
    a = services.martyr_create(actor=actor, values={"full_name": "Nguyễn Thị Lan", "unit": "c3 d1 e141 f312"})
    services.martyr_create(actor=actor, values={"full_name": "Trần Văn Hùng", "unit": "c2 d4 e141 f312"})
    assert _count("unit", "e141") == 2
    assert _count("unit", "c3.1.141") == 1
    assert _count("given_class", "t:lan") == 1
    services.martyr_update(martyr=a, actor=actor, values={"full_name": "Nguyễn Văn Lan", "unit": "c5 d2 e88"})
    assert _count("unit", "c3.1.141") is None  # no record carries it any more
    assert _count("given_class", "t:lan") is None
    assert _count("unit", "e141") == 1  # still carried by the other record
    assert _count("unit", "e88") == 1 and _count("given_class", "o:lan") == 1
    assert not FrequencyCount.objects.filter(count__lte=0).exists()
