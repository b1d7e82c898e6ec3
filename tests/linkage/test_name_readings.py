"""A name whose order is in doubt is searched under each plausible reading (issue 13): given-first names whose
middle and given names the priors cannot tell apart, and Văn read as a middle name rather than a surname."""

import pytest

from doantu.linkage.engine import MemoryEngine
from doantu.linkage.names import AS_WRITTEN, other_readings, parse_name
from doantu.linkage.records import Record


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Văn Đức Bùi", ("bui", "van", "duc")),  # Văn is a middle name far more often than a surname
        ("Hiếu Đinh Văn", ("dinh", "van", "hieu")),
        ("Văn Tâm Huỳnh", ("huynh", "van", "tam")),
        ("Nguyễn Văn Hùng", ("nguyen", "van", "hung")),
        ("Văn Tiến Dũng", ("van", "tien", "dung")),  # a real Mr Văn: no other reading is a name
    ],
)
def test_reading_order(text, tokens):
    assert parse_name(text).tokens == tokens


def test_other_readings_are_given_only_when_in_doubt():
    assert other_readings("Nguyễn Văn Hùng") == ()  # read as written, nothing else near
    assert other_readings("N.V. Hùng") == ()  # abbreviated: never reordered
    (first, bits), *_ = other_readings("Định Thế Nguyễn")
    assert first == AS_WRITTEN + "Nguyễn Thế Định" and bits < 1  # Thế or Định: the priors cannot tell
    assert parse_name(first).tokens == ("nguyen", "the", "dinh")  # read exactly in the order rewritten


def _engine(*names):
    return MemoryEngine.from_records(
        [
            Record(id=f"r{i}", full_name=n, birth="1950", unit="c3 d1 e141", death_date="1972")
            for i, n in enumerate(names)
        ]
        + [Record(id=f"x{i}", full_name=f"Trần Văn {g}", birth="1948") for i, g in enumerate("ABCDEFGH")]
    )


def test_search_finds_the_record_under_another_reading_with_the_reason():
    engine = _engine("Nguyễn Thế Định", "Nguyễn Định Thế Anh")
    found = engine.search(Record(id="q", full_name="Định Thế Nguyễn", birth="1950", unit="c3 d1 e141"), top=5)
    assert found[0].record_id == "r0"
    # whichever reading found it, the evidence adds up to the score
    assert abs(sum(e.weight for e in found[0].evidence) - found[0].score) < 0.05


def test_the_reading_penalty_is_explained():
    engine = _engine("Mai Văn Tân")
    (best, *_) = engine.search(Record(id="q", full_name="Tân Văn Mai", birth="1950", unit="c3 d1 e141"))
    assert best.record_id == "r0"
    order = [e for e in best.evidence if e.level == "order"]
    assert order and order[0].weight < 0 and "Mai Văn Tân" in order[0].text_vi


def test_a_name_listed_once_weighs_no_more_than_its_parts():
    """A namesake outside the registry carries "Nguyễn Đông" as often as a Nguyễn × a Đông are: the registry's
    single listing of the whole name must not make it weigh more than the parts (a false match on an absent
    namesake whose birth year happened to agree)."""
    surnames = ["Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm"]  # Nguyễn 40%, as in the published shares
    middles = ["Văn", "Hữu", "Đình", "Thế", "Quang", "Xuân", "Đức"]
    givens = ["Đông", "Hùng", "Tâm", "Lợi", "Bình", "Sơn", "Hải", "Minh", "Thắng", "Tuấn"] * 5  # Đông 10%
    givens = [g if i < 10 else f"{g}{'abcdefghijklmnopqrstuvwxyz'[i % 26]}" for i, g in enumerate(givens)]
    others = [
        Record(id=f"o{i}", full_name=f"{surnames[i % 5]} {middles[i % 7]} {givens[i % 50]}", birth="1930")
        for i in range(2000)
    ]
    engine = MemoryEngine.from_records([Record(id="r", full_name="Nguyễn Đông", birth="1925"), *others])
    (best, *_) = engine.search(Record(id="q", full_name="Nguyễn Đông", birth="1925"), top=3)
    assert best.record_id == "r"
    by_field = {e.field: e for e in best.evidence}
    assert "name" not in by_field  # not the whole-name route: surname and given name, each by its share
    assert by_field["surname"].weight > 0 and by_field["given"].weight > 0
