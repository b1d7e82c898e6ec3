"""The command-line interface end to end, on small CSV files with awkward formatting."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from doantu.linkage.__main__ import main
from doantu.linkage.csvio import map_header, read_records

REGISTRY = """\ufeffMÃ;  họ và tên ;Bí danh;Giới tính;Năm sinh;Quê quán;Nhập ngũ;Đơn vị;Cấp bậc;Chức vụ;Ngày hy sinh;Nơi hy sinh;Nơi an táng;Ghi chú
LS1;Nguyễn Văn Hùng;;Nam;1949;Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái;;c3 d1 e141 f312;B2;;12/8/1972;Quảng Trị;;x
LS2;Lê Thế Kheang;;;1953;;;;;;;;;
LS3;Bùi Văn Quang;Hai Quang;Nam;1959;Xã Đổng Xá, Huyện Na Rì, Tỉnh Bắc Kạn;;;;;13/11/1980;Đắk Lắk;;
LS4;Nguyễn Xuân Lợi;;Nam;1947;Xã Bình Thanh, Huyện Kiến Xương, Tỉnh Thái Bình;03/1970;c3 d4 e122 f5;B1;;12/05/1970;Quảng Bình;;
LS5;Ngucyễn Lợi;;Nam;;Xã Bình Thanh, Huyện Kiến Xương, Tỉnh Thái Bình;03/1970;Đại đội 3, Tiểu đoàn 4, Trung đoàn 122, Sư đoàn 5;;;13/05/1970;Quảng Bình;;
LS6;Trần Văn Tư;;Nam;1943;Hà Nội;;;;;06/07/1971;Quảng Trị;;
"""

# comma-separated, different header spellings, columns in another order, most of them empty
QUERIES = """Ho ten,Ma,Nam sinh,Que quan,Don vi,Ngay hy sinh,Noi hy sinh
nguyen van hung,Q1,1950,Thái Nguyên,,,Quang Tri
Le The Kheang,Q2,1953,,,,
Haia Quang,Q3,1961,"Xã Đổng Xá, Huyện Na Rì, Tỉnh Bắc Kạn",,,
Pham Van Khong Co,Q4,1930,Cà Mau,,,
TRANTU,Q5,1943,Hà Nội,,06/07/1971,
"""


def _write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def test_header_variants_are_recognised():
    cols = map_header(["\ufeffMÃ", " Họ Và Tên ", "QUE QUAN", "Ngày  hy sinh", "Ghi chú"])
    assert cols == {"id": 0, "full_name": 1, "home_place": 2, "death_date": 3}


def test_reader_handles_bom_semicolons_and_empty_columns(tmp_path):
    recs = list(read_records(_write(tmp_path, "r.csv", REGISTRY)))
    assert [r.id for r in recs] == ["LS1", "LS2", "LS3", "LS4", "LS5", "LS6"]
    assert recs[0].full_name == "Nguyễn Văn Hùng" and recs[0].unit == "c3 d1 e141 f312"
    assert recs[1].home_place == "" and recs[1].birth == "1953"


def test_match_end_to_end(tmp_path):
    reg = _write(tmp_path, "r.csv", REGISTRY)
    qs = _write(tmp_path, "q.csv", QUERIES)
    out = tmp_path / "out" / "c.csv"
    assert main(["match", "--registry", str(reg), "--queries", str(qs), "--top", "3", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0].keys()) == ["query", "rank", "record", "score", "decision", "person", "person_rank"]
    best = {r["query"]: r for r in rows if r["rank"] == "1"}
    assert best["Q1"]["record"] == "LS1"
    assert best["Q2"]["record"] == "LS2"
    assert best["Q3"]["record"] == "LS3"
    assert best["Q5"]["record"] == "LS6"
    assert all(r["decision"] != "match" for r in rows if r["query"] == "Q4")
    assert all(len([r for r in rows if r["query"] == qid]) <= 3 for qid in best)
    for qid in best:
        ranks = [int(r["rank"]) for r in rows if r["query"] == qid]
        assert ranks == list(range(1, len(ranks) + 1))


def test_dedupe_end_to_end_via_module(tmp_path):
    reg = _write(tmp_path, "r.csv", REGISTRY)
    out, review = tmp_path / "p.csv", tmp_path / "review.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "doantu.linkage",
            "dedupe",
            "--registry",
            str(reg),
            "--out",
            str(out),
            "--review",
            str(review),
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0].keys()) == ["record_a", "record_b", "score"]
    assert {(r["record_a"], r["record_b"]) for r in rows} == {("LS4", "LS5")}
    rev = list(csv.DictReader(review.open(encoding="utf-8")))
    assert rev[0]["decision"] == "match" and "Cùng" in rev[0]["evidence"]


def test_explain_column(tmp_path):
    reg = _write(tmp_path, "r.csv", REGISTRY)
    qs = _write(tmp_path, "q.csv", QUERIES)
    out = tmp_path / "c.csv"
    main(
        ["match", "--registry", str(reg), "--queries", str(qs), "--top", "1", "--out", str(out), "--explain"]
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert "evidence" in rows[0] and "Tên" in rows[0]["evidence"]
