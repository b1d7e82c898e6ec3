"""bench/make_eval_set.py: the independent linkage evaluation set is deterministic, in linkage-dev's format, and
every kind of noise is present and tagged."""

import csv
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _gen():
    spec = importlib.util.spec_from_file_location("make_eval_set", REPO / "bench" / "make_eval_set.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    gen = _gen()
    gen.generate(600, 120, 3, tmp_path / "a")
    gen.generate(600, 120, 3, tmp_path / "b")
    gen.generate(600, 120, 4, tmp_path / "c")
    for name in ("registry.csv", "queries.csv", "truth_queries.csv", "truth_duplicates.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "registry.csv").read_bytes() != (tmp_path / "c" / "registry.csv").read_bytes()


def test_format_truth_and_kinds(tmp_path):
    gen = _gen()
    stats = gen.generate(900, 180, 5, tmp_path)
    reg = _rows(tmp_path / "registry.csv")
    assert list(reg[0]) == gen.HEADER == list(_rows(tmp_path / "queries.csv")[0])
    dev = Path("/work/shared/data/linkage-dev/registry.csv")
    if dev.exists():  # the very headers of linkage-dev, so the same tools read both sets
        assert list(_rows(dev)[0]) == gen.HEADER
    assert len(reg) == 900 == stats["registry"]
    ids = {r["Mã"] for r in reg}
    assert len(ids) == 900
    queries = _rows(tmp_path / "queries.csv")
    truth = {r["query"]: r["records"] for r in _rows(tmp_path / "truth_queries.csv")}
    kinds = {r["query"]: r["kind"] for r in _rows(tmp_path / "truth_query_kinds.csv")}
    assert {q["Mã"] for q in queries} == set(truth) == set(kinds)
    assert set(kinds.values()) == set(gen.KINDS)
    for q, recs in truth.items():
        if kinds[q] == "absent":
            assert recs == ""
        else:
            assert recs and set(recs.split(";")) <= ids
        if kinds[q] == "multi":
            assert len(recs.split(";")) >= 2
    dup_of = {}
    for d in _rows(tmp_path / "truth_duplicates.csv"):
        dup_of[d["record_b"]] = d["record_a"]
    for recs in truth.values():  # a martyr listed twice: a query about him is right on both rows
        for r in recs.split(";"):
            if r in dup_of:
                assert dup_of[r] in recs.split(";")
    dups = _rows(tmp_path / "truth_duplicates.csv")
    assert dups and all(d["record_a"] in ids and d["record_b"] in ids for d in dups)
    by_id = {r["Mã"]: r for r in reg}
    for d in dups:  # a duplicate is the same martyr: same sex and same year of death
        a, b = by_id[d["record_a"]], by_id[d["record_b"]]
        assert a["Giới tính"] == b["Giới tính"] and a["Ngày hy sinh"][-4:] == b["Ngày hy sinh"][-4:]


def test_noise_is_what_its_tag_says(tmp_path):
    gen = _gen()
    gen.generate(900, 360, 6, tmp_path)
    reg = {r["Mã"]: r for r in _rows(tmp_path / "registry.csv")}
    truth = {r["query"]: r["records"] for r in _rows(tmp_path / "truth_queries.csv")}
    kinds = {r["query"]: r["kind"] for r in _rows(tmp_path / "truth_query_kinds.csv")}
    for q in _rows(tmp_path / "queries.csv"):
        k, name = kinds[q["Mã"]], q["Họ và tên"]
        if k == "caps":
            assert name == name.upper()
        if k == "given_first":
            rec = reg[truth[q["Mã"]].split(";")[0]]["Họ và tên"]
            first = gen.strip_accents(name.split()[0])
            assert first != gen.strip_accents(rec.split()[0])  # the surname is no longer first
        if k == "ocr":
            rec = reg[truth[q["Mã"]].split(";")[0]]["Họ và tên"]
            assert name != rec
        if k == "approx_date":
            assert any(w in q["Ngày hy sinh"] for w in ("khoảng", "năm", "mùa"))


def test_no_vocabulary_read_from_linkage_dev():
    src = (REPO / "bench" / "make_eval_set.py").read_text(encoding="utf-8")
    assert "linkage-dev/" not in src and "make_registry" not in src.split('"""', 2)[2]
