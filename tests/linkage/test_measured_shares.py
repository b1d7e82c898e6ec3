"""Shares measured at index time (issue 13): a unit agreement weighs by how many records carry that unit, a given
name by its share among names of the same middle-name class (Thị or not); both follow records added and removed."""

from __future__ import annotations

import random

import numpy as np
import pytest

from doantu.linkage import constants as C
from doantu.linkage.engine import MemoryEngine
from doantu.linkage.records import Record, prepare
from doantu.linkage.table import FeatureTable

GIVENS_MEN = ["Hùng", "Dũng", "Minh", "Tuấn", "Hải", "Nam", "Sơn", "Thắng", "Bình", "Long"]
GIVENS_WOMEN = ["Hoa", "Mai", "Hằng", "Thu", "Hương"]
COMMON_UNIT = "c5 d2 e48 f320"


def person(i: int, rng: random.Random, *, unit: str | None = None, name: str | None = None) -> Record:
    return Record(
        id=f"R{i:05d}",
        full_name=name or f"{rng.choice(['Nguyễn', 'Trần', 'Lê', 'Phạm'])} Văn {rng.choice(GIVENS_MEN)}",
        birth=str(rng.randint(1930, 1960)),
        unit=unit
        or f"c{rng.randint(1, 20)} d{rng.randint(1, 9)} e{rng.randint(1, 400)} f{rng.randint(300, 340)}",
        death_date=str(rng.randint(1965, 1975)),
    )


def weight(engine: MemoryEngine, a: Record, b: Record, field: str) -> float:
    t = FeatureTable(engine.table.lex, capacity=2)
    t.append(prepare(a))
    t.append(prepare(b))
    c = engine.scorer.compare(t, np.array([0]), t, np.array([1]), engine.freq)
    return float(c.weights[field][0])


@pytest.fixture(scope="module")
def registry() -> MemoryEngine:
    """5,000 records; 800 of them (a big battle's dead, say) in one company."""
    rng = random.Random(3)
    eng = MemoryEngine()
    for i in range(5000):
        eng.add(person(i, rng, unit=COMMON_UNIT if i < 800 else None))
    return eng


def pair(unit: str) -> tuple[Record, Record]:
    return Record("Q", "Đỗ Văn Khải", unit=unit), Record("X", "Đỗ Văn Khải", unit=unit)


def test_a_common_unit_gives_less_weight_than_a_rare_one(registry):
    common = weight(registry, *pair(COMMON_UNIT), "unit")
    rare = weight(registry, *pair("c7 d3 e777 f399"), "unit")  # no record carries it
    assert rare == pytest.approx(
        C.W_UNIT["company"], abs=1.0
    )  # the fixed weight, barely lowered by the prior
    assert common < rare - 5  # 800 of 5,000 records: a company agreement proves little
    assert common > 0  # still some evidence


def test_the_cap_never_raises_the_fixed_weight(registry):
    for unit, level in (("c7 d3 e777 f399", "company"), ("e777", "regiment"), ("f399", "division")):
        assert weight(registry, *pair(unit), "unit") <= C.W_UNIT[level] + 1e-9


def test_a_unit_one_record_carries_keeps_most_of_its_weight_in_a_small_registry():
    """The prior (UNIT_PRIOR_RECORDS) keeps a small registry's one-record share (1 in 50) from reading as common."""
    rng = random.Random(5)
    eng = MemoryEngine()
    for i in range(50):
        eng.add(person(i, rng, unit=COMMON_UNIT if i == 0 else None))
    assert weight(eng, *pair(COMMON_UNIT), "unit") > C.W_UNIT["company"] - 3


def test_unit_shares_follow_records_added_and_removed():
    rng = random.Random(9)
    eng = MemoryEngine()
    for i in range(3000):
        eng.add(person(i, rng))
    before = weight(eng, *pair("c1 d1 e555 f330"), "unit")
    for i in range(3000, 3400):
        eng.add(person(i, rng, unit="c1 d1 e555 f330"))
    assert eng.freq.count("unit", "c1.1.555") == 400
    crowded = weight(eng, *pair("c1 d1 e555 f330"), "unit")
    assert crowded < before - 3
    for i in range(3000, 3400):
        eng.remove(f"R{i:05d}")
    assert eng.freq.count("unit", "c1.1.555") == 0
    assert "c1.1.555" not in eng.freq.counts["unit"]
    assert weight(eng, *pair("c1 d1 e555 f330"), "unit") == pytest.approx(before)


def test_bulk_loaded_records_give_their_unit_back_when_removed(tmp_path):
    """Rows built in bulk keep no Python objects: removing one rebuilds its unit from the table."""
    path = tmp_path / "r.csv"
    path.write_text(
        "Mã,Họ và tên,Đơn vị\n"
        + "".join(f"LS{i},Nguyễn Văn Hùng,c{i % 3 + 1} d1 e9 f2\n" for i in range(30)),
        encoding="utf-8",
    )
    eng = MemoryEngine.from_csv(str(path))
    assert eng.freq.count("unit", "e9") == 30
    eng.remove("LS0")
    assert eng.freq.count("unit", "e9") == 29
    assert eng.freq.count("unit", "c1.1.9") == 9


@pytest.fixture(scope="module")
def women_and_men() -> MemoryEngine:
    """3,000 men (Văn) and 400 women (Thị); Lan is a common women's name (100 of the 400) and rare among men (5)."""
    rng = random.Random(11)
    eng = MemoryEngine()
    i = 0
    for _ in range(3000):
        eng.add(person(i, rng))
        i += 1
    for k in range(400):
        given = "Lan" if k < 100 else rng.choice(GIVENS_WOMEN)
        eng.add(person(i, rng, name=f"{rng.choice(['Nguyễn', 'Trần', 'Lê'])} Thị {given}"))
        i += 1
    for _ in range(5):
        eng.add(person(i, rng, name="Phạm Văn Lan"))
        i += 1
    return eng


def test_a_given_name_common_among_women_weighs_less_for_a_thi_query(women_and_men):
    thi = weight(women_and_men, Record("Q", "Đỗ Thị Lan"), Record("X", "Đỗ Thị Lan"), "given")
    van = weight(women_and_men, Record("Q", "Đỗ Văn Lan"), Record("X", "Đỗ Văn Lan"), "given")
    # overall Lan is 105 of 3,405 (≈ 5 bits); among Thị names 100 of 400 (≈ 2 bits), among the others 5 of 3,005
    assert thi < van - 5
    assert thi == pytest.approx(np.log2(C.M_GIV_EXACT / (100.5 / 401)), abs=0.3)


def test_classes_that_differ_fall_back_to_the_overall_share(women_and_men):
    mixed = weight(women_and_men, Record("Q", "Đỗ Thị Lan"), Record("X", "Đỗ Văn Lan"), "given")
    no_middle = weight(women_and_men, Record("Q", "Đỗ Lan"), Record("X", "Đỗ Thị Lan"), "given")
    overall = np.log2(C.M_GIV_EXACT / (105.5 / 3406))
    assert mixed == pytest.approx(overall, abs=0.3)
    assert no_middle == pytest.approx(overall, abs=0.3)


def test_given_name_shares_by_class_follow_removals(women_and_men):
    eng = women_and_men
    assert eng.freq.count("given_class", "t:lan") == 100
    assert eng.freq.count("middle_class", "t") == 400
    eng.add(Record("EXTRA", "Bùi Thị Lan"))
    assert eng.freq.count("given_class", "t:lan") == 101
    eng.remove("EXTRA")
    assert eng.freq.count("given_class", "t:lan") == 100
    assert eng.freq.count("middle_class", "t") == 400


def test_the_explanation_says_how_many_records_share_the_unit(registry):
    t = FeatureTable(registry.table.lex, capacity=2)
    t.append(prepare(Record("Q", "Đỗ Văn Khải", unit=COMMON_UNIT)))
    t.append(prepare(Record("X", "Đỗ Văn Khải", unit=COMMON_UNIT)))
    c = registry.scorer.compare(t, np.array([0]), t, np.array([1]), registry.freq)
    unit = [e for e in registry.scorer.explain(c, 0, t, t, registry.freq) if e.field == "unit"]
    assert unit and "800 hồ sơ cùng đơn vị" in unit[0].text_vi


def test_counts_without_the_classes_fall_back_to_the_overall_share(women_and_men):
    """A deployed counts table not yet rebuilt has no class counts, or only those of records edited since."""
    from doantu.linkage.frequency import FrequencyModel

    full = women_and_men.freq.to_counts()
    counts = {k: v for k, v in full["counts"].items() if k not in ("middle_class", "given_class")}
    counts["middle_class"], counts["given_class"] = {"t": 2}, {"t:lan": 2}  # two records edited since
    stale = FrequencyModel.from_counts(full["total"], counts)
    t = FeatureTable(women_and_men.table.lex, capacity=2)
    t.append(prepare(Record("Q", "Đỗ Thị Lan")))
    t.append(prepare(Record("X", "Đỗ Thị Lan")))
    c = women_and_men.scorer.compare(t, np.array([0]), t, np.array([1]), stale)
    assert float(c.weights["given"][0]) == pytest.approx(np.log2(C.M_GIV_EXACT / (105.5 / 3406)), abs=0.3)
