"""Scoring levels on hand-made pairs, frequencies, stores and the parallel build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from doantu.linkage.engine import MemoryEngine
from doantu.linkage.frequency import FrequencyModel
from doantu.linkage.index import DictStore, MemoryIndex, key_hash
from doantu.linkage.names import correct_surname, parse_name
from doantu.linkage.records import Record, prepare
from doantu.linkage.table import FeatureTable


def compare(engine: MemoryEngine, a: Record, b: Record):
    """Score a against b with the engine's frequencies; returns (Comparison, query table, record table)."""
    t = FeatureTable(engine.table.lex, capacity=2)
    t.append(prepare(a))
    t.append(prepare(b))
    c = engine.scorer.compare(t, np.array([0]), t, np.array([1]), engine.freq)
    return c, t


def level(c, field: str) -> str:
    from doantu.linkage.scoring import LEVEL_NAMES

    return LEVEL_NAMES[field].get(int(c.levels[field][0]), "missing")


def test_surname_typos_are_corrected_to_known_surnames():
    assert correct_surname("nguyne") == correct_surname("ngyen") == "nguyen"
    assert correct_surname("trna") == "tran"
    assert correct_surname("thach") == "thach"  # a real surname is never "corrected"
    assert parse_name("Nguynễ Hữu Hiếu").surname_group == "nguyen"


def test_surname_levels(engine):
    c, _ = compare(engine, Record("a", "Nguynễ Hữu Hiếu"), Record("b", "Nguyễn Hữu Hiếu"))
    assert level(c, "surname") == "fuzzy" and c.name_agrees()[0]
    c, _ = compare(engine, Record("a", "Hoàng Văn Ba"), Record("b", "Huỳnh Văn Ba"))
    assert level(c, "surname") == "group" and c.name_agrees()[0]
    c, _ = compare(engine, Record("a", "Đoàn Văn Ba"), Record("b", "Doãn Văn Ba"))
    assert level(c, "surname") == "accent" and not c.name_agrees()[0]
    c, _ = compare(engine, Record("a", "Phạm Văn Dần"), Record("b", "Trần Văn Dần"))
    assert level(c, "surname") == "conflict" and not c.name_agrees()[0]


def test_given_name_levels(engine):
    c, _ = compare(engine, Record("a", "Nguyễn Văn Hùng"), Record("b", "Nguyễn Văn Hưng"))
    assert level(c, "given") == "accent" and not c.name_agrees()[0]
    c, _ = compare(engine, Record("a", "Nguyen Van Hung"), Record("b", "Nguyễn Văn Hưng"))
    assert level(c, "given") == "folded" and c.name_agrees()[0]
    # a tone left off ("Nguye6n" typed without the ngã) is not a different name
    c, _ = compare(engine, Record("a", "Nguyên Văn Hùng"), Record("b", "Nguyễn Văn Hùng"))
    assert level(c, "surname") == "equal"
    c, _ = compare(engine, Record("a", "Nguyễn Văn Hùgn"), Record("b", "Nguyễn Văn Hùng"))
    assert level(c, "given") == "fuzzy" and c.name_agrees()[0]
    # two common given names one letter apart are two names, not a typo
    c, _ = compare(engine, Record("a", "Nguyễn Văn Hùng"), Record("b", "Nguyễn Văn Dũng"))
    assert level(c, "given") == "other_common_name" and not c.name_agrees()[0]
    assert c.weights["given"][0] < 0


def test_spaceless_and_alias_routes(engine):
    c, _ = compare(engine, Record("a", "TRANTU"), Record("b", "Trần Tư"))
    assert c.levels["surname"][0] == 1 and c.levels["given"][0] == 2  # repaired by the splitter already
    c, _ = compare(engine, Record("a", "LE XUA NLAI"), Record("b", "Lê Xuân Lai"))
    assert level(c, "name") == "spaceless" and c.weights["name"][0] > 5
    c, _ = compare(engine, Record("a", "Hai Quang"), Record("b", "Bùi Văn Quang", alias="Hai Quang"))
    assert level(c, "name") == "alias"


def test_dates_compare_at_common_precision(engine):
    c, _ = compare(engine, Record("a", "A B", death_date="1972"), Record("b", "A B", death_date="12/08/1972"))
    assert level(c, "death_date") == "year" and c.weights["death_date"][0] > 0
    c, _ = compare(
        engine, Record("a", "A B", death_date="12/08/1972"), Record("b", "A B", death_date="13/08/1972")
    )
    assert level(c, "death_date") == "day_near"
    c, _ = compare(engine, Record("a", "A B", birth="1950"), Record("b", "A B", birth="1949"))
    assert level(c, "birth") == "near1"
    c, _ = compare(engine, Record("a", "A B", birth="1950"), Record("b", "A B", birth="1940"))
    assert level(c, "birth") == "conflict" and c.weights["birth"][0] < -3


def test_units_compare_on_common_levels(engine):
    c, _ = compare(engine, Record("a", "A B", unit="E141 F312"), Record("b", "A B", unit="c3 d1 e141 f312"))
    assert level(c, "unit") == "regiment"
    c, _ = compare(engine, Record("a", "A B", unit="KB 12345"), Record("b", "A B", unit="c3 d1 e141"))
    assert level(c, "unit") == "missing"  # a mailbox code says nothing about c/d/e/f
    c, _ = compare(engine, Record("a", "A B", unit="Hòm thư 12345"), Record("b", "A B", unit="KB12345"))
    assert level(c, "unit") == "kb"
    c, _ = compare(engine, Record("a", "A B", unit="e141"), Record("b", "A B", unit="e165"))
    assert level(c, "unit") == "conflict"


def test_home_place_levels_across_eras(engine):
    old = Record("a", "A B", home_place="Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái")
    c, _ = compare(engine, Record("q", "A B", home_place="Phường Đức Xuân, Thái Nguyên"), old)
    assert level(c, "home").startswith(("ward", "district", "province"))
    assert c.weights["home"][0] > 3
    c, _ = compare(engine, Record("q", "A B", home_place="Cà Mau"), old)
    assert level(c, "home") == "conflict"


def test_frequency_model_round_trip_and_neighbours():
    fm = FrequencyModel()
    for name in ["Nguyễn Văn Phong", "Trần Phong", "Lê Văn Phùng", "Lê Văn Phong"]:
        fm.add(prepare(Record("x", name)))
    assert fm.count("given", "phong") == 3 and fm.total == 4
    assert sorted(fm.neighbours("given", "phng")) == ["phong", "phung"]
    assert fm.neighbour_count("given", "phng") == 4
    again = FrequencyModel.from_counts(**{"total": fm.total, "counts": fm.to_counts()["counts"]})
    assert again.count("given", "phong") == 3 and again.neighbour_count("given", "phng") == 4
    fm.remove(prepare(Record("x", "Lê Văn Phùng")))
    assert fm.count("given", "phung") == 0 and fm.neighbour_count("given", "phng") == 3


def test_a_borrowed_frequency_model_keeps_its_frequencies_and_takes_its_own_prior(engine):
    """Graves are scored with the martyrs' name frequencies but a prior over the graves."""
    import math

    a, b = (
        Record("q", "Nguyễn Văn Hùng", death_date="1972"),
        Record("r", "Nguyễn Văn Hùng", death_date="1972"),
    )
    c, t = compare(engine, a, b)
    graves = engine.freq.with_prior(40, "mộ")
    g = engine.scorer.compare(t, np.array([0]), t, np.array([1]), graves)
    assert graves.count("given", "hung") == engine.freq.count("given", "hung")  # shared, not recounted
    assert engine.freq.prior_n() == engine.freq.total and graves.prior_n() == 40
    assert g.weights["given"][0] == c.weights["given"][0]
    assert math.isclose(g.total[0] - c.total[0], math.log2(engine.freq.total) - math.log2(40))
    evidence = engine.scorer.explain(g, 0, t, t, graves)
    assert evidence[-1].text_vi == "Sổ có 40 mộ: khả năng ban đầu 1/40"


def test_dict_store_semantics():
    st = DictStore()
    st.add("1", ["a:x", "b:y"])
    st.add("2", ["a:x"])
    assert st.lookup(["a:x", "b:y", "c:z"], 10) == {"a:x": ["1", "2"], "b:y": ["1"]}
    assert st.lookup(["a:x"], 1) == {}  # over the posting cap: too common to help
    assert list(st.blocks(["a"], 10)) == [["1", "2"]]
    st.add("1", ["b:y"])  # re-adding replaces the record's keys
    assert st.lookup(["a:x"], 10) == {"a:x": ["2"]}
    st.remove("2")
    assert st.lookup(["a:x"], 10) == {}


def test_memory_index_bulk_and_live():
    idx = MemoryIndex()
    idx.add_bulk(np.array([key_hash("y:a|1"), key_hash("y:a|1"), key_hash("d:b|2")]), np.array([0, 1, 1]))
    idx.build()
    a, b, none = idx.lookup([key_hash("y:a|1"), key_hash("d:b|2"), key_hash("y:zz|9")], 10)
    assert sorted(a.tolist()) == [0, 1] and b.tolist() == [1] and none is None and none is None
    idx.add(2, [key_hash("y:a|1")])
    assert sorted(idx.lookup([key_hash("y:a|1")], 10)[0].tolist()) == [0, 1, 2]
    assert idx.lookup([key_hash("y:a|1")], 2)[0] is None
    pa, pb = idx.pairs(["y"], 10)
    assert sorted(zip(pa.tolist(), pb.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]


@pytest.mark.parametrize("workers", [2])
def test_parallel_build_equals_sequential(tmp_path, records, workers):
    import csv

    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Mã",
                "Họ và tên",
                "Bí danh",
                "Giới tính",
                "Năm sinh",
                "Quê quán",
                "Nhập ngũ",
                "Đơn vị",
                "Cấp bậc",
                "Chức vụ",
                "Ngày hy sinh",
                "Nơi hy sinh",
                "Nơi an táng",
            ]
        )
        for r in records:
            w.writerow(
                [
                    r.id,
                    r.full_name,
                    r.alias,
                    r.sex,
                    r.birth,
                    r.home_place,
                    r.enlistment,
                    r.unit,
                    r.rank,
                    r.position,
                    r.death_date,
                    r.death_place,
                    r.burial_place,
                ]
            )
    # In a fresh process: this test run may have other threads by now (the browser tests'), and the engine forks
    # its workers only from a single-threaded process (engine.can_fork), so here the parallel path would not run.
    proc = subprocess.run(
        [sys.executable, "-c", PARALLEL_CHECK, str(path), str(workers)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split() == ["parallel", "ids", "search", "dedupe", "freq"]


PARALLEL_CHECK = """
import sys
from doantu.linkage.engine import MemoryEngine, can_fork
from doantu.linkage.records import Record
path, workers = sys.argv[1], int(sys.argv[2])
assert can_fork()
print("parallel")
seq = MemoryEngine.from_csv(path, workers=1)
par = MemoryEngine.from_csv(path, workers=workers, parts_per_worker=3)
assert par.table.ids == seq.table.ids; print("ids")
q = Record("Q", "nguyen van hung", birth="1950", home_place="Thái Nguyên")
assert [(c.record_id, c.score) for c in par.search(q)] == [(c.record_id, c.score) for c in seq.search(q)]
print("search")
assert par.dedupe().pairs == seq.dedupe().pairs; print("dedupe")
assert par.freq.to_counts() == seq.freq.to_counts(); print("freq")
"""
