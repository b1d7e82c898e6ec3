"""Vietnamese normalisation: Unicode forms, tone placement, đ, keystroke leftovers."""

import unicodedata

import pytest

from doantu.linkage.normalize import canon_text, canon_word, fold, fold_plain, repair_keystrokes


def test_nfc_and_nfd_give_the_same_forms():
    nfc = unicodedata.normalize("NFC", "Nguyễn Văn Hùng")
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Hùng")
    assert nfc != nfd  # the test is only meaningful if the inputs differ
    assert canon_text(nfc) == canon_text(nfd) == "nguyên4 văn hung2"
    assert fold(nfc) == fold(nfd) == "nguyen van hung"


@pytest.mark.parametrize(
    ("old", "new"), [("hòa", "hoà"), ("Thúy", "Thuý"), ("khỏe", "khoẻ"), ("Thủy", "Thuỷ")]
)
def test_old_and_new_tone_placement_are_equal(old, new):
    assert old != new
    assert canon_word(old) == canon_word(new)


def test_tone_is_kept_in_canon_but_not_in_fold():
    assert canon_word("Hùng") != canon_word("Hưng")
    assert fold("Hùng") == fold("Hưng") == "hung"


def test_d_with_stroke_folds_to_d_including_lookalikes():
    assert fold("Đặng Đình Đông") == "dang dinh dong"
    assert fold("Ðặng") == "dang"  # U+00D0 (Icelandic eth) from legacy encodings
    assert canon_word("Ðặng") == canon_word("Đặng")


def test_capitals_and_spacing():
    assert fold("  NGUYỄN   văn\tHÙNG ") == "nguyen van hung"
    assert fold("Lê-Văn.Tám") == "le van tam"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nguyeenx", "Nguyễn"),
        ("Vawn", "Văn"),
        ("Hungf", "Hùng"),
        ("Hufng", "Hùng"),
        ("Truwowngf", "Trường"),
        ("Dduwowngf", "Đường"),
        ("NGUYEENX", "NGUYỄN"),
        ("Tuw", "Tư"),
    ],
)
def test_telex_leftovers_are_decoded(typed, expected):
    assert repair_keystrokes(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Nguye6n", "Nguyên"), ("Va8n", "Văn"), ("Hu2ng", "Hùng"), ("d9o6ng", "đông"), ("Nguye64n", "Nguyễn")],
)
def test_vni_leftovers_are_decoded(typed, expected):
    assert repair_keystrokes(typed) == expected


@pytest.mark.parametrize(
    "word", ["Ksor", "Thomas", "Kheang", "Hai", "e141", "F312", "KB12345", "c3d1e141", "1972"]
)
def test_non_keystroke_words_are_left_alone(word):
    assert repair_keystrokes(word) == word


def test_full_name_in_telex_and_vni_folds_like_the_real_name():
    assert fold("Nguyeenx Vawn Hungf") == fold("Nguye6n Va8n Hu2ng") == fold("Nguyễn Văn Hùng")
    assert canon_text("Nguyeenx Vawn Hungf") == canon_text("Nguyễn Văn Hùng")


def test_unit_codes_are_not_mangled_by_plain_fold():
    assert fold_plain("C3, D1, E141, F312") == "c3 d1 e141 f312"
    assert fold_plain("Hòm thư 12345") == "hom thu 12345"
