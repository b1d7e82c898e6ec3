"""bench/make_registry.py: formats, determinism, independence from the engine it measures."""

import ast
import csv
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPT = BENCH / "make_registry.py"


def _load():
    spec = importlib.util.spec_from_file_location("make_registry", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


mr = _load()
needs_reference = pytest.mark.skipif(
    not (mr.DEFAULT_REFERENCE / "registry.csv").exists(), reason="shared/data/linkage-dev not present"
)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_does_not_import_the_engine_under_test():
    # given the generator's source
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    # when its imports are listed
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    # then none is the linkage engine
    assert not [n for n in names if n.startswith("doantu")]


@needs_reference
def test_small_set_has_the_linkage_dev_formats_and_consistent_truth(tmp_path):
    # when a small set is generated
    counts = mr.generate(3000, 200, 7, tmp_path, mr.DEFAULT_REFERENCE, mr.NOISE)
    # then the four files have linkage-dev's headers
    ref = mr.DEFAULT_REFERENCE
    for name in ("registry.csv", "queries.csv", "truth_queries.csv", "truth_duplicates.csv"):
        with open(tmp_path / name, encoding="utf-8") as a, open(ref / name, encoding="utf-8") as b:
            assert a.readline() == b.readline(), name
    registry = _rows(tmp_path / "registry.csv")
    ids = {r["Mã"] for r in registry}
    assert len(registry) == len(ids) == 3000
    # and the truth points at rows that exist; 15% of queries are about absent martyrs
    dups = _rows(tmp_path / "truth_duplicates.csv")
    assert len(dups) == 3000 - counts["martyrs"] > 0
    assert all(d["record_a"] in ids and d["record_b"] in ids for d in dups)
    truth = _rows(tmp_path / "truth_queries.csv")
    assert sum(1 for t in truth if not t["records"]) == 30
    assert all(x in ids for t in truth for x in t["records"].split(";") if x)
    assert [q["Mã"] for q in _rows(tmp_path / "queries.csv")] == [t["query"] for t in truth]


@needs_reference
def test_same_seed_same_bytes_other_seed_other_set(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    mr.generate(1500, 50, 3, a, mr.DEFAULT_REFERENCE, mr.NOISE)
    mr.generate(1500, 50, 3, b, mr.DEFAULT_REFERENCE, mr.NOISE)
    mr.generate(1500, 50, 4, c, mr.DEFAULT_REFERENCE, mr.NOISE)
    for name in ("registry.csv", "queries.csv", "truth_queries.csv", "truth_duplicates.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "registry.csv").read_bytes() != (c / "registry.csv").read_bytes()


def test_noise_helpers():
    assert mr.fold("Đặng Thị Hòa") == "Dang Thi Hoa"
    assert mr.swap_tone_style("Hòa") == "Hoà"
    assert mr.swap_tone_style("Thuỷ") == "Thủy"
    assert mr.telex_leftover("Nguyễn", vni=False) == "Nguyeenx"
    assert mr.telex_leftover("Nguyễn", vni=True) == "Nguye6n4"


def test_historical_province_follows_the_year_of_enlistment():
    assert mr.historical_province("Bắc Kạn", 1970) == "Bắc Thái"
    assert mr.historical_province("Bắc Kạn", 1962) == "Bắc Kạn"
    assert mr.historical_province("Nam Định", 1970) == "Nam Hà"
    assert mr.historical_province("Nam Định", 1980) == "Hà Nam Ninh"
    assert mr.historical_province("Hà Nội", 1970) == "Hà Nội"
