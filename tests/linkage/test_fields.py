"""Names, units, ranks and partial dates."""

import pytest

from doantu.linkage.dates import PartialDate, parse_date
from doantu.linkage.names import parse_name, surname_group
from doantu.linkage.ranks import parse_rank
from doantu.linkage.units import Unit, parse_unit

# --- names -----------------------------------------------------------------------------------------------------


def test_parse_surname_middle_given():
    n = parse_name("Nguyễn Văn Hùng")
    assert (n.surname, n.middle, n.given) == ("nguyen", "van", "hung")
    assert n.given_canon == "hung2" and n.marked


def test_two_middle_names_and_no_middle_name():
    assert parse_name("Tôn Thất Minh Châu").middle == "that minh"
    n = parse_name("Nguyễn Hà")
    assert (n.surname, n.middle, n.given) == ("nguyen", "", "ha")


@pytest.mark.parametrize(("a", "b"), [("Hoàng", "Huỳnh"), ("Vũ", "Võ"), ("HUYNH", "hoàng")])
def test_surname_variants_share_a_group(a, b):
    assert surname_group(parse_name(f"{a} Văn Ba").surname) == surname_group(
        parse_name(f"{b} Văn Ba").surname
    )


def test_distinct_surnames_do_not_share_a_group():
    assert surname_group("nguyen") != surname_group("hoang") and surname_group("vu") != surname_group("vuong")
    # Đoàn and Doãn fold alike but are different surnames: the accented forms keep them apart
    assert parse_name("Đoàn Văn Ba").surname == parse_name("Doãn Văn Ba").surname
    assert parse_name("Đoàn Văn Ba").surname_canon != parse_name("Doãn Văn Ba").surname_canon


@pytest.mark.parametrize(
    ("typed", "tokens"),
    [
        ("Nguyễn BáH ùng", ("nguyen", "ba", "hung")),  # moved space
        ("PhạmN gọc Hà", ("pham", "ngoc", "ha")),
        ("Nguyễn HữuKỳ", ("nguyen", "huu", "ki")),  # lost space; Kỳ/Kì spelled with i
        ("TRANTU", ("tran", "tu")),  # all run together
        ("NGUYỄNVĂN THÁI", ("nguyen", "van", "thai")),
        ("Ca oLợi", ("cao", "loi")),  # a letter cut from its word
        ("Vũ Minh cBảy", ("vu", "minh", "bay")),  # a stray key
        ("Nguyeenx Vawn Hungf", ("nguyen", "van", "hung")),
    ],
)
def test_spacing_and_keystroke_repairs(typed, tokens):
    assert parse_name(typed).tokens == tokens


def test_spaceless_form_survives_unrepairable_spacing():
    assert parse_name("LE XUA NLAI").spaceless == parse_name("Lê Xuân Lai").spaceless


def test_alias_shaped_names_are_flagged():
    assert parse_name("Hai Quang").alias_like
    assert parse_name("Út Tùng").alias_like
    assert not parse_name("Nguyễn Quang").alias_like


def test_y_and_i_spellings_are_equal():
    assert parse_name("Phạm Thanh Sỹ").given == parse_name("Pham Thanh Si").given
    assert parse_name("Phạm Thanh Sỹ").given_canon == parse_name("Phạm Thanh Sĩ").given_canon


# --- units -----------------------------------------------------------------------------------------------------

FULL = Unit(c=3, d=1, e=141, f=312)


@pytest.mark.parametrize(
    "text",
    [
        "c3 d1 e141 f312",
        "C3, D1, E141, F312",
        "c3d1e141f312",
        "Đại đội 3, Tiểu đoàn 1, Trung đoàn 141, Sư đoàn 312",
        "dai doi 3 - tieu doan 1 - trung doan 141 - su doan 312",
    ],
)
def test_unit_notations(text):
    assert parse_unit(text) == FULL


def test_partial_units():
    assert parse_unit("E165 F2") == Unit(e=165, f=2)
    assert parse_unit("Trung đoàn 40") == Unit(e=40)
    assert parse_unit("c8d7e22") == Unit(c=8, d=7, e=22)


@pytest.mark.parametrize("text", ["KB 12345", "kb12345", "Hòm thư 12345", "HT 12345", "hòm thư số 12345"])
def test_mailbox_codes(text):
    u = parse_unit(text)
    assert u.kb == "12345" and not (u.c or u.d or u.e or u.f)


def test_unit_notation_round_trip_for_explanations():
    assert parse_unit("Đại đội 3, Tiểu đoàn 1, Trung đoàn 141").notation() == "c3 d1 e141"
    assert parse_unit("").empty


# --- ranks -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("B2", "Binh nhì"),
        ("B1", "Binh nhất"),
        ("H1", "Hạ sĩ"),
        ("H2", "Trung sĩ"),
        ("H3", "Thượng sĩ"),
        ("CU", "Chuẩn úy"),
        ("U1", "Thiếu úy"),
        ("U2", "Trung úy"),
        ("U3", "Thượng úy"),
        ("U4", "Đại úy"),
        ("T1", "Thiếu tá"),
        ("Th.úy", "thieu uy"),
        ("h2", "TRUNG SĨ"),
    ],
)
def test_rank_abbreviations(a, b):
    assert parse_rank(a) == parse_rank(b) > 0


def test_rank_order_and_unknown():
    assert parse_rank("B2") < parse_rank("B1") < parse_rank("H1") < parse_rank("U1") < parse_rank("T1")
    assert parse_rank("") == 0 and parse_rank("chiến sĩ") == 0


# --- dates -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("12/08/1972", PartialDate(1972, 8, 12), 3),
        ("12/8/1972", PartialDate(1972, 8, 12), 3),
        ("1972-08-12", PartialDate(1972, 8, 12), 3),
        ("12-8-72", PartialDate(1972, 8, 12), 3),
        ("ngày 12 tháng 8 năm 1972", PartialDate(1972, 8, 12), 3),
        ("08/1972", PartialDate(1972, 8), 2),
        ("tháng 8/1972", PartialDate(1972, 8), 2),
        ("1972", PartialDate(1972), 1),
        ("khoảng 1950", PartialDate(1950), 1),
        ("31/02/1970", PartialDate(1970, 2), 2),  # impossible day: keep the month
        ("", PartialDate(), 0),
        ("không rõ", PartialDate(), 0),
    ],
)
def test_partial_dates(text, expected, precision):
    d = parse_date(text)
    assert d == expected and d.precision == precision
