"""Namesakes outside the registry (issue 13, fifth round): a whole name never weighs more than the registry's own
count of it says, so a name alone — however rare its parts — is "possible", not "match"; and a birth year a decade
or more off that no single written slip explains is a harder conflict than an approximate one."""

from __future__ import annotations

import random

import numpy as np
import pytest

from doantu.linkage import constants as C
from doantu.linkage.engine import MemoryEngine
from doantu.linkage.records import Record, prepare
from doantu.linkage.score_fields import _year_slip
from doantu.linkage.table import FeatureTable

SURNAMES = ["Nguyễn"] * 8 + ["Trần"] * 3 + ["Lê"] * 2 + ["Phạm", "Hoàng"]
GIVENS = ["Hùng", "Dũng", "Minh", "Tuấn", "Hải", "Nam", "Sơn", "Thắng", "Bình", "Long", "Lợi", "Tâm"]
RARE = "Bùi Văn Đức Phú"  # rare parts: a middle of two words and a surname of 2%, listed once below


def martyr(i: int, rng: random.Random, name: str | None = None) -> Record:
    return Record(
        id=f"R{i:05d}",
        full_name=name or f"{rng.choice(SURNAMES)} Văn {rng.choice(GIVENS)}",
        birth=str(rng.randint(1930, 1960)),
        home_place="Xã Hà Ngọc, Huyện Hà Trung, tỉnh Thanh Hóa",
        unit=f"c{rng.randint(1, 20)} d{rng.randint(1, 9)} e{rng.randint(1, 400)}",
        death_date=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1965, 1975)}",
    )


@pytest.fixture(scope="module")
def registry() -> MemoryEngine:
    rng = random.Random(13)
    eng = MemoryEngine()
    for i in range(3000):
        eng.add(martyr(i, rng))
    eng.add(
        Record("LONE", RARE, birth="1957", home_place="Xã Hòa Hưng, Huyện Xuyên Mộc, tỉnh Bà Rịa - Vũng Tàu")
    )
    return eng


def pair(engine: MemoryEngine, a: Record, b: Record, table: bool = False):
    t = FeatureTable(engine.table.lex, capacity=2)
    t.append(prepare(a))
    t.append(prepare(b))
    c = engine.scorer.compare(t, np.array([0]), t, np.array([1]), engine.freq)
    return (c, t) if table else c


def test_a_rare_name_alone_is_possible_not_match(registry):
    top = registry.search(Record("Q", RARE), top=3)[0]
    assert top.record_id == "LONE"
    assert top.decision == "possible"
    assert top.probability < 0.5  # about even odds with a namesake the registry does not list
    cap = next(e for e in top.evidence if e.field == "name")
    assert cap.level == "count_cap" and cap.weight < 0
    assert "1/3.001 hồ sơ" in cap.text_vi and "trùng họ tên" in cap.text_vi
    # the parts are still shown with their own weights, and all the items sum to the score
    assert {e.field for e in top.evidence} >= {"surname", "middle", "given", "prior"}
    assert sum(e.weight for e in top.evidence) == pytest.approx(top.score, abs=0.05)


def test_without_the_cap_the_same_name_alone_would_be_a_match(registry, monkeypatch):
    monkeypatch.setattr(C, "NAME_COUNT_CAP", False)
    top = registry.search(Record("Q", RARE), top=3)[0]
    assert top.record_id == "LONE" and top.decision == "match"


def test_one_detail_of_his_life_agreeing_makes_it_a_match(registry):
    top = registry.search(Record("Q", RARE, birth="1957"), top=3)[0]
    assert top.record_id == "LONE" and top.decision == "match"


def test_the_cap_is_what_the_registry_count_says(registry):
    c = pair(registry, Record("Q", RARE), Record("LONE", RARE))
    names = sum(float(c.weights[f][0]) for f in ("surname", "middle", "given", "name"))
    n = registry.freq.total
    m = C.M_SUR_EQUAL * C.M_MID_EQUAL * C.M_GIV_FOLDED
    assert names == pytest.approx(np.log2(m / (1.5 / (n + 1))), abs=1e-6)
    assert c.name_agrees()[0]  # the cap takes weight back, it does not make the names disagree


def test_common_names_are_not_touched(registry):
    # a name many records carry already weighs what its parts' shares say, below the cap
    c = pair(registry, Record("Q", "Nguyễn Văn Hùng"), Record("X", "Nguyễn Văn Hùng"))
    assert int(c.levels["name"][0]) == 0 and float(c.weights["name"][0]) == 0.0


def test_an_alias_agreement_is_not_capped(registry):
    c = pair(registry, Record("Q", "Út Phú"), Record("X", RARE, alias="Út Phú"))
    assert C.NAME_COUNT_CAP and int(c.levels["name"][0]) == 3  # the alias route, whole


@pytest.mark.parametrize(
    ("a", "b", "slip"),
    [
        (1935, 1945, True),  # one digit wrong
        (1968, 1963, True),  # one digit misread (8 / 3 on a scan)
        (1962, 1926, True),  # two neighbouring digits swapped
        (1945, 1954, True),
        (1921, 1962, False),
        (1945, 1960, False),
        (1938, 1951, False),
    ],
)
def test_year_slips(a, b, slip):
    assert bool(_year_slip(np.array([a]), np.array([b]))[0]) is slip


def test_a_birth_year_decades_off_weighs_more_than_an_approximate_conflict(registry):
    far, t = pair(
        registry, Record("Q", "Lê Văn Tâm", birth="1921"), Record("X", "Lê Văn Tâm", birth="1962"), table=True
    )
    slip = pair(registry, Record("Q", "Lê Văn Tâm", birth="1935"), Record("X", "Lê Văn Tâm", birth="1945"))
    near = pair(registry, Record("Q", "Lê Văn Tâm", birth="1950"), Record("X", "Lê Văn Tâm", birth="1956"))
    levels = {int(x.levels["birth"][0]) for x in (far, slip, near)}
    assert levels == {6, 7}
    assert int(far.levels["birth"][0]) == 7 and int(slip.levels["birth"][0]) == 6
    assert float(far.weights["birth"][0]) == pytest.approx(np.log2(C.M_BIRTH_FAR / C.U_BIRTH_FAR))
    assert float(far.weights["birth"][0]) < float(slip.weights["birth"][0]) - 2
    assert float(near.weights["birth"][0]) == float(slip.weights["birth"][0])
    ev = registry.scorer.explain(far, 0, t, t, registry.freq)
    assert any(e.level == "far" and "1921/1962" in e.text_vi for e in ev)
