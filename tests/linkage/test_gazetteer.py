"""Gazetteer: home places written in any era -> 2024 and 2025 administrative units.

Plain Python under test (no database); the expected codes and names below were read from the committed snapshot
(vietnamadminunits 1.0.4 data) and checked by hand.
"""

import socket
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest

from doantu.linkage import gazetteer as g
from doantu.linkage.gazetteer import (
    HISTORICAL_PROVINCES,
    district_name_2024,
    province_name_2024,
    province_name_2025,
    resolve,
    ward_name_2024,
    ward_name_2025,
    wards_2024_of_2025,
    wards_2025_of_2024,
)


def p24(r):
    return {province_name_2024(c) for c in r.province_2024}


def p25(r):
    return {province_name_2025(c) for c in r.province_2025}


def d24(r):
    return {district_name_2024(c) for c in r.district_2024}


def w24(r):
    return {ward_name_2024(c) for c in r.ward_2024}


def w25(r):
    return {ward_name_2025(c) for c in r.ward_2025}


# ---- historical provinces ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Bắc Thái",
        "bac thai",
        "Tỉnh Bắc Thái",
        "TINH BAC THAI",
        "T. Bắc Thái",
        "tỉnh  Bắc   Thái ",
        "BẮC THÁI",
    ],
)
def test_bac_thai_with_or_without_diacritics_and_prefix(text):
    r = resolve(text)
    assert r.level == "province"
    assert p24(r) == {"Thái Nguyên", "Bắc Kạn"}
    assert p25(r) == {"Thái Nguyên"}
    assert "Bắc Thái (1965–1996) → Thái Nguyên + Bắc Kạn" in r.explain()


@pytest.mark.parametrize(
    ("text", "provinces_2024", "provinces_2025"),
    [
        ("tỉnh Hà Nam Ninh", {"Hà Nam", "Nam Định", "Ninh Bình"}, {"Ninh Bình"}),
        ("Nam Ha", {"Hà Nam", "Nam Định"}, {"Ninh Bình"}),
        ("tỉnh Nghệ Tĩnh", {"Nghệ An", "Hà Tĩnh"}, {"Nghệ An", "Hà Tĩnh"}),
        ("Binh Tri Thien", {"Quảng Bình", "Quảng Trị", "Huế"}, {"Quảng Trị", "Huế"}),
        ("Quảng Nam – Đà Nẵng", {"Quảng Nam", "Đà Nẵng"}, {"Đà Nẵng"}),
        ("Quang Nam - Da Nang", {"Quảng Nam", "Đà Nẵng"}, {"Đà Nẵng"}),
        ("Gia Lai-Kon Tum", {"Gia Lai", "Kon Tum"}, {"Gia Lai", "Quảng Ngãi"}),
        ("Hà Sơn Bình", {"Hà Nội", "Hòa Bình"}, {"Hà Nội", "Phú Thọ"}),
        ("Hà Tây", {"Hà Nội"}, {"Hà Nội"}),
        ("Hà Bắc", {"Bắc Giang", "Bắc Ninh"}, {"Bắc Ninh"}),
        ("Hải Hưng", {"Hải Dương", "Hưng Yên"}, {"Hải Phòng", "Hưng Yên"}),
        ("Vĩnh Phú", {"Phú Thọ", "Vĩnh Phúc"}, {"Phú Thọ"}),
        ("Nghĩa Bình", {"Quảng Ngãi", "Bình Định"}, {"Quảng Ngãi", "Gia Lai"}),
        ("Phú Khánh", {"Phú Yên", "Khánh Hòa"}, {"Đắk Lắk", "Khánh Hòa"}),
        ("Thuận Hải", {"Ninh Thuận", "Bình Thuận"}, {"Khánh Hòa", "Lâm Đồng"}),
        ("Sông Bé", {"Bình Dương", "Bình Phước"}, {"Hồ Chí Minh", "Đồng Nai"}),
        ("Cửu Long", {"Vĩnh Long", "Trà Vinh"}, {"Vĩnh Long"}),
        ("Minh Hải", {"Bạc Liêu", "Cà Mau"}, {"Cà Mau"}),
        ("Hà Tuyên", {"Hà Giang", "Tuyên Quang"}, {"Tuyên Quang"}),
        ("Hoàng Liên Sơn", {"Lào Cai", "Yên Bái"}, {"Lào Cai"}),
        ("Cao Lạng", {"Cao Bằng", "Lạng Sơn"}, {"Cao Bằng", "Lạng Sơn"}),
        # names still in use that once covered more: both readings are kept
        ("tỉnh Lai Châu", {"Lai Châu", "Điện Biên"}, {"Lai Châu", "Điện Biên"}),
        ("Đắk Lắk", {"Đắk Lắk", "Đắk Nông"}, {"Đắk Lắk", "Lâm Đồng"}),
        ("tỉnh Hậu Giang", {"Cần Thơ", "Hậu Giang", "Sóc Trăng"}, {"Cần Thơ"}),
        ("tỉnh Cần Thơ", {"Cần Thơ", "Hậu Giang"}, {"Cần Thơ"}),
        ("Thành phố Cần Thơ", {"Cần Thơ"}, {"Cần Thơ"}),  # the city, not the old tỉnh Cần Thơ
        ("Sài Gòn - Gia Định", {"Hồ Chí Minh"}, {"Hồ Chí Minh"}),
        ("Kiến Hòa", {"Bến Tre"}, {"Vĩnh Long"}),
    ],
)
def test_historical_provinces_expand_to_all_successors(text, provinces_2024, provinces_2025):
    r = resolve(text)
    assert r.level == "province"
    assert p24(r) == provinces_2024
    assert p25(r) == provinces_2025


def test_district_narrows_a_historical_province():
    r = resolve("Huyện Bạch Thông, tỉnh Bắc Thái")
    assert r.level == "district"
    assert p24(r) == {"Bắc Kạn"} and d24(r) == {"Huyện Bạch Thông"}
    r = resolve("Xã Hoàng Xá, Huyện Thanh Thủy, tỉnh Vĩnh Phú")
    assert p24(r) == {"Phú Thọ"} and w24(r) == {"Xã Hoàng Xá"} and p25(r) == {"Phú Thọ"}


def test_partial_successor_only_when_the_district_is_there():
    # Mê Linh was Vĩnh Phú's and is Hà Nội's since 2008; "Vĩnh Phú" alone does not mean Hà Nội
    assert "Hà Nội" not in p24(resolve("tỉnh Vĩnh Phú"))
    r = resolve("Xã Quang Minh, Huyện Mê Linh, tỉnh Vĩnh Phú")
    assert r.level == "ward"
    assert p24(r) == {"Hà Nội"} and d24(r) == {"Huyện Mê Linh"}
    assert "một phần nay thuộc Hà Nội" in r.explain()


# ---- the case in domain.md --------------------------------------------------------------------------------------


def test_huyen_tung_bach_thong_bac_thai_is_duc_xuan_thai_nguyen_today():
    r = resolve("Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái")
    assert r.level == "ward"
    # 2024 data: Huyền Tụng is a phường of thành phố Bắc Kạn (no longer of huyện Bạch Thông)
    assert r.ward_2024 == {"01846"} and w24(r) == {"Phường Huyền Tụng"}
    assert d24(r) == {"Huyện Bạch Thông", "Thành phố Bắc Kạn"}  # as written, and where the data puts it
    assert p24(r) == {"Bắc Kạn"}
    assert r.ward_2025 == {"01840"} and w25(r) == {"Phường Đức Xuân"}
    assert r.province_2025 == {"19"} and p25(r) == {"Thái Nguyên"}
    assert "ward_outside_district" in r.flags and "historical_province" in r.flags
    text = r.explain()
    assert text.startswith(
        "xã Huyền Tụng, huyện Bạch Thông, tỉnh Bắc Thái → phường Đức Xuân, tỉnh Thái Nguyên (2025)"
    )
    assert "Bắc Thái (1965–1996) → Thái Nguyên + Bắc Kạn" in text
    assert "không thuộc huyện Bạch Thông mà thuộc thành phố Bắc Kạn" in text


def test_new_duc_xuan_covers_three_former_wards_of_bac_kan_city():
    sources = wards_2024_of_2025("01840")
    assert {ward_name_2024(c) for c in sources} == {
        "Phường Đức Xuân",
        "Phường Nguyễn Thị Minh Khai",
        "Phường Huyền Tụng",
    }
    assert {district_name_2024(g._data().w24[c][0]) for c in sources} == {"Thành phố Bắc Kạn"}
    assert wards_2025_of_2024("01846") == ("01840",)


# ---- 2025-form addresses (commune + province) -------------------------------------------------------------------


def test_2025_form_resolves_to_the_new_ward_and_back_to_its_predecessors():
    r = resolve("Phuong Bac Gianh, Tinh Quang Tri")
    assert r.level == "ward"
    assert w25(r) == {"Phường Bắc Gianh"} and p25(r) == {"Quảng Trị"}
    assert w24(r) == {"Phường Quảng Thọ", "Phường Quảng Thuận", "Phường Quảng Phúc"}
    assert p24(r) == {"Quảng Bình"}  # Ba Đồn was Quảng Bình's
    assert "ward_2025_name" in r.flags


def test_both_sides_meet():
    old = resolve("Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái")
    new = resolve("Phường Đức Xuân, tỉnh Thái Nguyên")
    assert new.ward_2025 == {"01840"}
    assert p24(new) == {"Bắc Kạn"}  # the 2025 province name, read back through the ward
    assert old.ward_2025 & new.ward_2025
    assert old.ward_2024 <= new.ward_2024


def test_2025_form_of_a_former_bac_kan_commune():
    r = resolve("Xã Na Rì, Tỉnh Thái Nguyên")
    assert w25(r) == {"Xã Na Rì"} and p24(r) == {"Bắc Kạn"}
    assert d24(r) == {"Huyện Na Rì"}


def test_2025_commune_name_with_its_2024_district():
    r = resolve("Nguyen Van Linh, Yen My, Hung Yen")
    assert r.level == "ward" and w25(r) == {"Xã Nguyễn Văn Linh"}
    assert d24(r) == {"Huyện Yên Mỹ"}


def test_old_district_under_the_2025_province_name():
    r = resolve("Bạch Thông, Thái Nguyên")
    assert r.level == "district" and d24(r) == {"Huyện Bạch Thông"} and p24(r) == {"Bắc Kạn"}


# ---- 2024-form addresses -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ward24", "district", "province25"),
    [
        (
            "Xa Nong Thuong, Thanh Pho Bac Kan, Tinh Bac Kan",
            "Xã Nông Thượng",
            "Thành phố Bắc Kạn",
            "Thái Nguyên",
        ),
        ("Dai Dong, Vinh Tuong, Vinh Phuc", "Xã Đại Đồng", "Huyện Vĩnh Tường", "Phú Thọ"),
        ("Thiệu Tiến, Thiệu Hóa, Thanh Hóa", "Xã Thiệu Tiến", "Huyện Thiệu Hóa", "Thanh Hóa"),
        ("Phường 12, Quận 10, TP.HCM", "Phường 12", "Quận 10", "Hồ Chí Minh"),
        ("P12 Q10 TPHCM", "Phường 12", "Quận 10", "Hồ Chí Minh"),
        ("X. Giáo Hiệu, H. Pác Nặm, T. Bắc Kạn", "Xã Giáo Hiệu", "Huyện Pác Nặm", "Thái Nguyên"),
        ("Xã Tứ Quận, Huyện Yên Sơn, tỉnh Tuyên Quang", "Xã Tứ Quận", "Huyện Yên Sơn", "Tuyên Quang"),
        ("Xã Tứ Quận Huyện Yên Sơn tỉnh Tuyên Quang", "Xã Tứ Quận", "Huyện Yên Sơn", "Tuyên Quang"),
        ("Hoang Xa Thanh Thuy Vinh Phu", "Xã Hoàng Xá", "Huyện Thanh Thủy", "Phú Thọ"),
        ("Tân Tiến, Buôn Ma Thuột, Đắk Lắk", "Phường Tân Tiến", "Thành phố Buôn Ma Thuột", "Đắk Lắk"),
        ("Tinh Nhuệ, Thanh Sơn, Phú Thọ", "Xã Tinh Nhuệ", "Huyện Thanh Sơn", "Phú Thọ"),
        (
            "Thôn 3, Xã Bản Lầu, Huyện Mường Khương, Lào Cai, Việt Nam",
            "Xã Bản Lầu",
            "Huyện Mường Khương",
            "Lào Cai",
        ),
    ],
)
def test_2024_form_with_district(text, ward24, district, province25):
    r = resolve(text)
    assert r.level == "ward", r.explain()
    assert w24(r) == {ward24}
    assert district in d24(r)
    assert p25(r) == {province25}


@pytest.mark.parametrize(
    ("text", "district", "province"),
    [
        ("Hạ Lang, Cao Bằng", "Huyện Hạ Lang", "Cao Bằng"),
        ("Hạ Lang Cao Bằng", "Huyện Hạ Lang", "Cao Bằng"),
        ("Huyện Cai Lậy, Tiền Giang", "Huyện Cai Lậy", "Tiền Giang"),
        ("Cai Lậy (huyện), Tiền Giang", "Huyện Cai Lậy", "Tiền Giang"),
        ("Thị xã Cai Lậy, Tiền Giang", "Thị xã Cai Lậy", "Tiền Giang"),
        ("Quảng Ngãi, Quảng Ngãi", "Thành phố Quảng Ngãi", "Quảng Ngãi"),
        ("Vĩnh Linh", "Huyện Vĩnh Linh", "Quảng Trị"),  # the wartime special zone is today's district
    ],
)
def test_district_level(text, district, province):
    r = resolve(text)
    assert r.level == "district"
    assert d24(r) == {district}
    assert p24(r) == {province}


def test_commune_moved_with_part_of_a_district_to_another_province():
    # four communes of Lương Sơn (Hòa Bình) went to Hà Nội in 2008 (NQ 15/2008/QH12)
    for province in ("tỉnh Hòa Bình", "tỉnh Hà Sơn Bình"):
        r = resolve(f"Xã Yên Trung, Huyện Lương Sơn, {province}")
        assert r.level == "ward", r.explain()
        assert w24(r) == {"Xã Yên Trung"} and "Huyện Thạch Thất" in d24(r)
        assert "Huyện Lương Sơn" in d24(r)  # the district as written is kept
        assert "Hà Nội" in p25(r)


def test_commune_merged_away_is_found_by_its_old_name():
    r = resolve("Xã Đình Xuyên, Huyện Gia Lâm, Hà Nội")
    assert r.level == "ward" and w24(r) == {"Xã Thiên Đức"} and "ward_old_name" in r.flags
    assert "là tên cũ" in r.explain()


def test_district_name_alone_found_in_many_provinces_is_narrowed_by_the_commune():
    r = resolve("Tân Phú, Châu Thành")
    assert r.level == "ward"
    assert d24(r) == {"Huyện Châu Thành"} and len(r.district_2024) == len(r.ward_2024) == 3
    assert p24(r) == {"Bến Tre", "Đồng Tháp", "An Giang"}


@pytest.mark.parametrize(
    ("text", "level"),
    [("Thôn 3", "none"), ("3", "none"), ("Phường 3", "none"), ("Quận 3", "district"), ("Xóm Chùa", "none")],
)
def test_numbers_and_hamlets_alone(text, level):
    # a bare number or hamlet name says nothing without a province; "Phường 3" exists in 20 places
    assert resolve(text).level == level


def test_bare_numbers_are_read_with_their_province():
    r = resolve("14, 8, Hồ Chí Minh")
    assert w24(r) == {"Phường 14"} and d24(r) == {"Quận 8"}


def test_district_split_in_halves_keeps_both():
    r = resolve("Mỏ Cày, Bến Tre")
    assert r.level == "district" and d24(r) == {"Huyện Mỏ Cày Nam", "Huyện Mỏ Cày Bắc"}
    r = resolve("Xã Xuân Phương, Huyện Từ Liêm, Hà Nội")
    assert r.level == "ward" and d24(r) == {"Quận Nam Từ Liêm"}


def test_commune_split_in_2025_keeps_all_new_units():
    r = resolve("Phường Tân Tạo A, Quận Bình Tân, Thành phố Hồ Chí Minh")
    assert w24(r) == {"Phường Tân Tạo A"}
    assert w25(r) == {"Phường Tân Tạo", "Xã Tân Nhựt"}
    assert "split_2025" in r.flags and "ambiguous" not in r.flags


def test_island_district_without_communes_maps_to_its_special_zone():
    r = resolve("Huyện Côn Đảo, tỉnh Bà Rịa - Vũng Tàu")
    assert r.level == "district" and w25(r) == {"Đặc khu Côn Đảo"} and p25(r) == {"Hồ Chí Minh"}
    r2 = resolve("Đặc khu Côn Đảo, TP HCM")
    assert r2.level == "ward" and r2.ward_2025 == r.ward_2025 and r2.district_2024 == r.district_2024


# ---- spellings ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["tỉnh Huế", "Huế", "TT Huế", "TT-Huế", "Thừa Thiên Huế", "Thừa Thiên - Huế", "thua thien hue", "Hue"],
)
def test_hue_spellings(text):
    r = resolve(text)
    assert r.level == "province" and p24(r) == {"Huế"} and p25(r) == {"Huế"}


@pytest.mark.parametrize("text", ["Đắk Lắk", "Đăk Lăk", "Dak Lak", "Daklak", "Đắc Lắc", "DAK LAK"])
def test_dak_lak_spellings(text):
    assert "Đắk Lắk" in p24(resolve(text))


@pytest.mark.parametrize("text", ["TP.HCM", "TP Hồ Chí Minh", "Thành phố Hồ Chí Minh", "tphcm", "Sài Gòn"])
def test_ho_chi_minh_city_spellings(text):
    assert p24(resolve(text)) == {"Hồ Chí Minh"}


def test_tone_placement_case_and_unicode_form_do_not_matter():
    base = resolve("Xã Hòa Phú, Huyện Chương Mỹ, Thành phố Hà Nội")
    assert base.level == "ward" and w24(base) == {"Xã Hòa Phú"}
    for variant in (
        "Xã Hoà Phú, Huyện Chương Mỹ, Thành phố Hà Nội",  # old-style tone placement
        "XÃ HÒA PHÚ, HUYỆN CHƯƠNG MỸ, THÀNH PHỐ HÀ NỘI",
        unicodedata.normalize("NFD", "Xã Hòa Phú, Huyện Chương Mỹ, Thành phố Hà Nội"),
        "Hoa Phu, Chuong My, Ha Noi",
        "hòa phú - chương mỹ - hà nội",
    ):
        r = resolve(variant)
        assert r.ward_2024 == base.ward_2024, variant
        assert r.ward_2025 == base.ward_2025, variant
    assert resolve("Hoà Bình").province_2024 == resolve("Hòa Bình").province_2024 == {"17"}


# ---- ambiguity is kept ---------------------------------------------------------------------------------------------


def test_same_commune_name_in_two_districts_keeps_both():
    r = resolve("Xã Hòa Phú, Huyện Chương Mỹ, Thành phố Hà Nội")
    assert r.level == "ward" and len(r.ward_2024) == 1
    # no district: the 2024 communes of that name in both districts, and the 2025 xã Hòa Phú (whose predecessors
    # include a commune of Thanh Oai) are all kept
    r = resolve("Xã Hòa Phú, Thành phố Hà Nội")
    assert r.level == "ward"
    hoa_phu_2024 = {c for c in r.ward_2024 if ward_name_2024(c) == "Xã Hòa Phú"}
    assert {district_name_2024(g._data().w24[c][0]) for c in hoa_phu_2024} == {
        "Huyện Chương Mỹ",
        "Huyện Ứng Hòa",
    }
    assert {c for w in hoa_phu_2024 for c in wards_2025_of_2024(w)} <= r.ward_2025
    assert "ambiguous" in r.flags
    assert "Có 2 xã/phường cùng tên, giữ tất cả" in r.explain()


def test_missing_diacritics_widen_but_diacritics_narrow():
    assert w24(resolve("Nga Thanh, Nga Son, Thanh Hoa")) == {"Xã Nga Thanh", "Xã Nga Thành"}
    assert w24(resolve("Xã Nga Thanh, Huyện Nga Sơn, tỉnh Thanh Hóa")) == {"Xã Nga Thanh"}
    assert w24(resolve("Xã Nga Thành, Huyện Nga Sơn, tỉnh Thanh Hóa")) == {"Xã Nga Thành"}


def test_same_district_name_of_two_types_keeps_both():
    r = resolve("Cai Lậy, Tiền Giang")
    assert r.level == "district" and d24(r) == {"Huyện Cai Lậy", "Thị xã Cai Lậy"}


def test_a_name_too_common_to_place_is_not_guessed():
    r = resolve("Tân Lập")
    assert r.level == "none" and not r.province_2025
    assert "cần thêm tên tỉnh hoặc huyện" in r.explain()


def test_a_rare_commune_name_alone_is_found_nationwide():
    r = resolve("Huyền Tụng")
    assert r.level == "ward" and r.ward_2025 == {"01840"} and "nationwide" in r.flags


def test_unknown_commune_falls_back_truthfully():
    r = resolve("Xã Thanh Bình Cũ Lạ, Huyện Bạch Thông, tỉnh Bắc Thái")
    assert r.level == "district"
    assert d24(r) == {"Huyện Bạch Thông"} and not r.ward_2024 and not r.ward_2025
    assert r.unresolved and "partly_unresolved" in r.flags
    assert "chỉ xác định đến cấp huyện" in r.explain()
    r = resolve("Xã Không Có Thật, Huyện Không Có, tỉnh Nghệ Tĩnh")
    assert r.level == "province" and p24(r) == {"Nghệ An", "Hà Tĩnh"}


# ---- bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "   ",
        "???",
        "12345",
        "asdf qwer zxcv",
        ",,,;;",
        "x" * 5000,
        "Thôn 3",
        "(nay là xã X)",
        "\x00\t\n",
        42,
    ],
)
def test_garbage_gives_level_none_without_exceptions(text):
    r = resolve(text)
    assert r.level == "none"
    assert not (r.province_2024 or r.province_2025 or r.district_2024 or r.ward_2024 or r.ward_2025)
    assert isinstance(r.explain(), str) and r.explain().startswith("Không xác định được địa danh")


# ---- explain -------------------------------------------------------------------------------------------------------


def test_explain_texts():
    assert resolve("Bắc Thái").explain() == (
        "tỉnh Bắc Thái → tỉnh Thái Nguyên (2025). Bắc Thái (1965–1996) → Thái Nguyên + Bắc Kạn."
    )
    assert resolve("Hạ Lang, Cao Bằng").explain() == (
        "huyện Hạ Lang, tỉnh Cao Bằng → nay thuộc tỉnh Cao Bằng (2025, không còn cấp huyện)."
    )
    assert resolve("Xa Nong Thuong, Thanh Pho Bac Kan, Tinh Bac Kan").explain() == (
        "xã Nông Thượng, thành phố Bắc Kạn, tỉnh Bắc Kạn → phường Bắc Kạn, tỉnh Thái Nguyên (2025). "
        "Trước 7/2025: xã Nông Thượng, thành phố Bắc Kạn, tỉnh Bắc Kạn."
    )
    assert (
        resolve("Phường Đức Xuân, Thái Nguyên")
        .explain()
        .startswith(
            "phường Đức Xuân, tỉnh Thái Nguyên → phường Đức Xuân, tỉnh Thái Nguyên (2025). Trước 7/2025 gồm: "
        )
    )


# ---- data, cache, threads, offline ---------------------------------------------------------------------------------


def test_snapshot_is_complete():
    d = g._data()
    assert (len(d.p24), len(d.d24), len(d.w24), len(d.p25), len(d.w25)) == (63, 696, 10035, 34, 3321)
    assert set(d.w24_to_w25) == set(d.w24)  # every 2024 commune has a 2025 unit
    assert {c for v in d.w24_to_w25.values() for c in v} | {
        c for v in d.d24_to_w25.values() for c in v
    } == set(d.w25)


def test_historical_table_is_sourced_and_dated():
    assert len(HISTORICAL_PROVINCES) >= 60
    names = {r.name for r in HISTORICAL_PROVINCES}
    for must in ("Bắc Thái", "Hà Nam Ninh", "Nghệ Tĩnh", "Bình Trị Thiên", "Sông Bé", "Minh Hải", "Hà Tây"):
        assert must in names
    for row in HISTORICAL_PROVINCES:
        assert row.source and row.periods and row.successors_2024, row.name
        assert row.valid_from <= row.valid_to, row.name
        assert row.confidence in {"high", "medium", "low"}, row.name
        assert set(row.successors_2024) <= set(g._data().p24)
    bac_thai = next(r for r in HISTORICAL_PROVINCES if r.name == "Bắc Thái")
    assert (bac_thai.valid_from, bac_thai.valid_to) == (1965, 1996)
    assert set(bac_thai.successors_2024) == {"19", "06"} and bac_thai.successors_2025 == ("19",)


def test_results_are_cached_by_text_and_by_normalised_text():
    a = resolve("Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái")
    assert resolve("Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái") is a
    assert resolve("  XÃ HUYỀN TỤNG ,  HUYỆN BẠCH THÔNG, TỈNH BẮC THÁI ") is a


def test_thread_safe():
    texts = [
        "Bắc Thái",
        "Hạ Lang, Cao Bằng",
        "Phuong Bac Gianh, Tinh Quang Tri",
        "Xã Hòa Phú, Thành phố Hà Nội",
    ]
    expected = [resolve(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(resolve, texts * 50))
    assert got == expected * 50


def test_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the gazetteer must not use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    g._resolve_text.cache_clear()
    g._resolve_normalised.cache_clear()
    assert resolve("Xã Yên Thịnh, Huyện Chợ Đồn, tỉnh Bắc Thái").level == "ward"


def test_cache_hit_is_fast():
    import time

    text = "Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái"
    resolve(text)
    t0 = time.perf_counter()
    for _ in range(10_000):
        resolve(text)
    assert (time.perf_counter() - t0) / 10_000 < 50e-6
