"""Names as OCR reads a scanned typewritten list: lost marks and "rn" for "m" still agree with the name."""

from __future__ import annotations

import pytest

from doantu.linkage.engine import MemoryEngine
from doantu.linkage.names import parse_name
from doantu.linkage.normalize import canon_word
from doantu.linkage.records import Record
from doantu.linkage.scoring_base import lost_marks_one

SCANNED = [
    Record(
        "CUONG",
        "Nguyễn Văn Cường",
        "",
        "Nam",
        "1957",
        "Xã Vĩnh Xuân, Huyện Trà Ôn, tỉnh Vĩnh Long",
        "",
        "c5 d2 e246",
        "",
        "",
        "02/06/1987",
        "",
        "",
    ),
    Record(
        "LAM", "Lâm Bá Phúc", "", "Nam", "1938", "Xã Gio Quang, Quảng Trị", "", "", "", "", "1964", "", ""
    ),
    Record("HUNG", "Trần Văn Hưng", "", "Nam", "1950", "Xã Tân Trịnh, Huyện Quang Bình, tỉnh Hà Giang"),
]


@pytest.fixture(scope="module")
def engine(records) -> MemoryEngine:
    return MemoryEngine.from_records(records + SCANNED)


@pytest.mark.parametrize(
    ("a", "b", "lost"),
    [
        ("Cuờng", "Cường", True),  # the horn on u lost
        ("Luơng", "Lương", True),
        (
            "Lục",
            "Lực",
            True,
        ),  # two names, or one read badly: a level of its own, weighed as an accent difference
        ("Hùng", "Hưng", False),  # each has a mark the other lacks: two names
        ("Tâm", "Tám", False),
        ("Hùng", "Hùng", False),
    ],
)
def test_marks_lost_by_a_scan(a, b, lost):
    assert lost_marks_one(canon_word(a), canon_word(b)) is lost
    assert lost_marks_one(canon_word(b), canon_word(a)) is lost


def test_rn_read_for_m_is_repaired_only_where_spelling_needs_it():
    assert parse_name("Lârn Bá Phúc").surname == "lam"
    assert parse_name("LÂRN BÁ PHÚC").surname == "lam"  # (unmarked "LARN" is Telex for Lản, read first)
    assert parse_name("Ksor Rnam").given == "rnam"  # a word starting Rn- is a minority name, kept


def test_scanned_names_are_decided_match(engine):
    res = engine.search(
        Record(
            "Q",
            "Nguyễn Văn Cuờng",
            birth="1957",
            home_place="Vinh Xuân, Tra Ôn, Vinh Long",
            unit="c5 d2 e246",
        ),
        top=3,
    )
    assert res[0].record_id == "CUONG" and res[0].decision == "match"
    given = next(e for e in res[0].evidence if e.field == "given")
    assert given.level == "marks_lost" and "mất dấu" in given.text_vi
    res = engine.search(
        Record("Q", "Lârn Bá Phúc", birth="1938", home_place="Gio Quang, Gio Linh", death_date="20/07/1964"),
        top=3,
    )
    assert res[0].record_id == "LAM" and res[0].decision == "match"


def test_a_different_mark_is_still_another_name(engine):
    res = engine.search(
        Record(
            "Q", "Trần Văn Hùng", birth="1950", home_place="Xã Tân Trịnh, Huyện Quang Bình, tỉnh Hà Giang"
        ),
        top=3,
    )
    hung = next(r for r in res if r.record_id == "HUNG")
    assert hung.decision != "match"
    assert next(e for e in hung.evidence if e.field == "given").level == "accent"
