"""Input the development set never had (issue 13): names written given-first, several people in one text,
cemeteries named after their district."""

from __future__ import annotations

import csv

from doantu.linkage.__main__ import main
from doantu.linkage.names import parse_name
from doantu.linkage.people import interleave, search_people, split_names, split_people
from doantu.linkage.places import coarse_place
from doantu.linkage.records import Record


def parts(text: str) -> tuple[str, str, str]:
    n = parse_name(text)
    return n.surname, n.middle, n.given


def test_a_name_is_read_surname_first_whatever_its_order():
    want = parts("Huỳnh Văn Tâm")
    assert want == ("huynh", "van", "tam")
    for text in ("Văn Tâm Huỳnh", "Tam Huynh Van", "Tâm Văn Huỳnh", "TAM HUYNH VAN"):
        assert parts(text) == want, text
    assert parts("Khôi Lê Văn") == parts("Lê Văn Khôi")
    assert parts("Hùng Nguyễn") == ("nguyen", "", "hung")


def test_names_written_surname_first_stay_as_written():
    assert parts("Lê Văn Khôi") == ("le", "van", "khoi")
    assert parts("Văn Tiến Dũng") == ("van", "tien", "dung")  # Văn is a surname too
    assert parts("Cao Đình Dương") == ("cao", "dinh", "duong")  # Dương is a given name too
    assert parts("Lâm Văn Nguyên") == ("lam", "van", "nguyen")  # Nguyên (not Nguyễn) is a given name
    assert parts("Hai Quang")[0] == "hai"  # an alias (birth order + given name), not a name to reorder


def test_given_first_queries_find_the_record(engine):
    for text in ("Văn Sâm Võ", "Sam Vo Van", "Sâm Văn Võ"):
        res = engine.search(Record("Q", full_name=text, birth="1948", unit="c2 d7 e127 f304"), top=3)
        assert res and res[0].record_id == "VO", text


def test_several_people_in_one_text_are_split():
    assert split_names("Nguyễn Văn A, Trần Văn B và Lê C") == ["Nguyễn Văn A", "Trần Văn B", "Lê C"]
    assert split_names("Nguyen Van Danh, Nguyen Van Thang va Vo Van Bao") == [
        "Nguyen Van Danh",
        "Nguyen Van Thang",
        "Vo Van Bao",
    ]
    assert split_names("Nguyễn Văn Hùng") == ["Nguyễn Văn Hùng"]
    assert split_names("Nguyễn Văn Hùng (Hai)") == ["Nguyễn Văn Hùng (Hai)"]  # one full name: not split
    people = split_people(
        Record("T1", full_name="Nguyễn Văn A và Trần Văn B", unit="c2 d7", death_date="1972")
    )
    assert [p.full_name for p in people] == ["Nguyễn Văn A", "Trần Văn B"]
    assert all(p.unit == "c2 d7" and p.death_date == "1972" for p in people)
    assert [p.id for p in people] == ["T1#1", "T1#2"]


def test_each_named_person_is_searched_on_its_own(engine):
    text = Record("Q", full_name="Võ Văn Sâm và Huỳnh Công Bảy", birth="1948")
    found = search_people(engine, text, top=5)
    assert [r.full_name for r, _ in found] == ["Võ Văn Sâm", "Huỳnh Công Bảy"]
    assert found[0][1][0].record_id == "VO" and found[1][1][0].record_id == "HUYNH"
    merged = interleave(found)
    assert [(p, r, c.record_id) for p, r, c in merged[:2]] == [(1, 1, "VO"), (2, 1, "HUYNH")]


def test_cemeteries_resolve_through_the_gazetteer():
    quang_tri = coarse_place("Quảng Trị")
    assert quang_tri
    assert coarse_place("NTLS huyện Cam Lộ") == quang_tri
    assert coarse_place("Nghĩa trang liệt sĩ tỉnh Quảng Trị") == quang_tri
    assert coarse_place("NTLS huyện Lấp Vò") == coarse_place("Đồng Tháp")
    assert coarse_place("NTLS Việt - Lào (Nghệ An)") == coarse_place("Nghệ An") | {"lao"}
    assert coarse_place("Mặt trận phía Nam") == frozenset()


def test_cli_writes_one_search_per_named_person(tmp_path, records):
    reg = tmp_path / "registry.csv"
    qs = tmp_path / "queries.csv"
    out = tmp_path / "out.csv"
    header = ["Mã", "Họ và tên", "Năm sinh", "Đơn vị"]
    with open(reg, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in records:
            w.writerow([r.id, r.full_name, r.birth, r.unit])
    with open(qs, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow(["Q1", "Võ Văn Sâm, Huỳnh Công Bảy", "", ""])
        w.writerow(["Q2", "Kheang Thế Lê", "1953", "C20, D7, E22, F9"])
    assert (
        main(["match", "--registry", str(reg), "--queries", str(qs), "--out", str(out), "--workers", "1"])
        == 0
    )
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    q1 = [r for r in rows if r["query"] == "Q1"]
    firsts = {r["person"]: r["record"] for r in q1 if r["person_rank"] == "1"}
    assert firsts == {"1": "VO", "2": "HUYNH"}
    q2 = [r for r in rows if r["query"] == "Q2"]
    assert q2[0]["record"] == "KHEANG" and q2[0]["person"] == "1"


def test_an_age_at_death_stands_for_the_birth_year():
    from doantu.linkage.records import prepare

    f = prepare(Record("Q", full_name="Võ Văn Sâm", birth="hy sinh năm 24 tuổi", death_date="22/04/1972"))
    assert f.birth.year == 1948
    assert not prepare(Record("Q", birth="24 tuổi")).birth  # no death year: nothing to count from
