"""Shared fixtures: a small synthetic registry (no Django needed for any linkage test)."""

from __future__ import annotations

import random

import pytest

from doantu.linkage.engine import MemoryEngine
from doantu.linkage.records import Record

SURNAMES = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 10
    + ["Phạm"] * 7
    + ["Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
)
MIDDLES = ["Văn"] * 6 + ["Đình", "Xuân", "Hữu", "Đức", "Quang", "Minh", "Bá", "Công"]
GIVENS = [
    "Hùng",
    "Hưng",
    "Dũng",
    "Minh",
    "Tuấn",
    "Hải",
    "Nam",
    "Sơn",
    "Thắng",
    "Bình",
    "Lợi",
    "Tâm",
    "Thanh",
    "Long",
]
PLACES = [
    "Xã Đông La, Huyện Hoài Đức, Thành phố Hà Nội",
    "Xã Hà Ngọc, Huyện Hà Trung, tỉnh Thanh Hóa",
    "Xã Nghĩa Hồng, Huyện Nghĩa Đàn, tỉnh Nghệ An",
    "Xã Bình Thanh, Huyện Kiến Xương, Tỉnh Thái Bình",
    "Phường Gia Viên, Quận Ngô Quyền, Hải Phòng",
]
FRONTS = ["Quảng Trị", "Campuchia", "Tây Ninh", "Quảng Nam", "Lào", "Kon Tum"]


def filler(n: int = 400, seed: int = 7) -> list[Record]:
    """Common names, so that frequencies look like a real registry (Nguyễn ~38%, Văn, Hùng…)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(
            Record(
                id=f"F{i:04d}",
                full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}",
                sex="Nam",
                birth=str(rng.randint(1930, 1960)),
                home_place=rng.choice(PLACES),
                unit=f"c{rng.randint(1, 20)} d{rng.randint(1, 9)} e{rng.randint(1, 300)} f{rng.choice([304, 308, 312, 316, 320, 324, 325])}",
                rank=rng.choice(["B1", "B2", "H1", "Hạ sĩ", "Trung sĩ"]),
                position="Chiến sĩ",
                death_date=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1965, 1975)}",
                death_place=rng.choice(FRONTS),
            )
        )
    return out


# The people the tests look for. Ids say what each is about.
SPECIAL = [
    Record(
        "HUNG-BT",
        "Nguyễn Văn Hùng",
        "",
        "Nam",
        "1949",
        "Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái",
        "03/1968",
        "c3 d1 e141 f312",
        "B2",
        "Chiến sĩ",
        "12/8/1972",
        "Quảng Trị",
        "NTLS quốc gia Trường Sơn",
    ),
    Record(
        "KHEANG",
        "Lê Thế Kheang",
        "",
        "Nam",
        "1953",
        "Xã Bắc Trạch, Huyện Bố Trạch, Tỉnh Quảng Bình",
        "",
        "C20, D7, E22, F9",
        "H1",
        "Chiến sĩ",
        "04/1972",
        "Nghệ An",
        "",
    ),
    Record(
        "HUYNH",
        "Huỳnh Công Bảy",
        "",
        "Nam",
        "1947",
        "Xã Hậu Thành, Huyện Yên Thành, tỉnh Nghệ An",
        "02/1966",
        "Đại đội 6, Tiểu đoàn 7, Trung đoàn 62, Sư đoàn 7",
        "H3",
        "Chiến sĩ",
        "03/12/1967",
        "Mặt trận Bình Phước",
        "",
    ),
    Record(
        "VO",
        "Võ Văn Sâm",
        "",
        "Nam",
        "1948",
        "Xã Ái Thượng, Huyện Bá Thước, Tỉnh Thanh Hóa",
        "03/1969",
        "c2 d7 e127 f304",
        "Hạ sĩ",
        "Trung đội trưởng",
        "22/04/1972",
        "Quảng Ngãi",
        "NTLS tỉnh Quảng Ngãi",
    ),
    Record(
        "ALIAS",
        "Bùi Văn Quang",
        "Hai Quang",
        "Nam",
        "1959",
        "Xã Đổng Xá, Huyện Na Rì, Tỉnh Bắc Kạn",
        "",
        "c5 d3 e45 f316",
        "Hạ sĩ",
        "Chiến sĩ",
        "13/11/1980",
        "Đắk Lắk",
        "",
    ),
    Record(
        "MIDDLE",
        "Nguyễn Đình Hà",
        "",
        "Nam",
        "1943",
        "Xã Xuân Chính, Huyện Kim Sơn, Tỉnh Ninh Bình",
        "11/1964",
        "c3 d9 e44 f559",
        "Binh nhất",
        "Tiểu đội phó",
        "25/02/1965",
        "Mặt trận Tiền Giang",
        "",
    ),
    # namesakes: same name, same commune, born three years apart, different units and battles
    Record(
        "TWIN-A",
        "Trần Văn Tạo",
        "",
        "Nam",
        "1948",
        "Xã Vân Trục, Huyện Lập Thạch, tỉnh Vĩnh Phúc",
        "02/1968",
        "c4 d8 e236 f316",
        "B2",
        "Chiến sĩ",
        "03/01/1972",
        "Quảng Trị",
        "",
    ),
    Record(
        "TWIN-B",
        "Trần Văn Tạo",
        "",
        "Nam",
        "1951",
        "Xã Vân Trục, Huyện Lập Thạch, tỉnh Vĩnh Phúc",
        "06/1970",
        "c2 d5 e88 f308",
        "B1",
        "Chiến sĩ",
        "15/06/1974",
        "Kon Tum",
        "",
    ),
    # the same martyr listed twice by two sources
    Record(
        "DUP-1",
        "Nguyễn Xuân Lợi",
        "",
        "Nam",
        "1947",
        "Xã Bình Thanh, Huyện Kiến Xương, Tỉnh Thái Bình",
        "03/1970",
        "c3 d4 e122 f5",
        "Binh nhất",
        "Tiểu đội phó",
        "12/05/1970",
        "Quảng Bình",
        "",
    ),
    Record(
        "DUP-2",
        "Ngucyễn Lợi",
        "",
        "Nam",
        "",
        "Xã Bình Thanh, Huyện Kiến Xương, Tỉnh Thái Bình",
        "03/1970",
        "Đại đội 3, Tiểu đoàn 4, Trung đoàn 122, Sư đoàn 5",
        "",
        "",
        "13/05/1970",
        "Quảng Bình",
        "NTLS tỉnh Quảng Bình",
    ),
    # comrades: one battle, one company, one commune — different given names
    Record(
        "COMRADE-1",
        "Nguyễn Văn Sửu",
        "",
        "Nam",
        "1930",
        "Phường Chí Minh, Thành phố Chí Linh, tỉnh Hải Dương",
        "",
        "c19d3e33",
        "B1",
        "Chiến sĩ",
        "14/07/1950",
        "Mặt trận Quảng Nam",
        "NTLS tỉnh Quảng Nam",
    ),
    Record(
        "COMRADE-2",
        "Nguyễn Văn Hậu",
        "",
        "Nam",
        "1930",
        "Phường Chí Minh, Thành phố Chí Linh, tỉnh Hải Dương",
        "",
        "Đại đội 19, Tiểu đoàn 3, Trung đoàn 33, Sư đoàn 9",
        "Binh nhì",
        "Chiến sĩ",
        "14/07/1950",
        "Quảng Nam",
        "NTLS tỉnh Quảng Nam",
    ),
]


def registry_records() -> list[Record]:
    return filler() + SPECIAL


@pytest.fixture(scope="session")
def records() -> list[Record]:
    return registry_records()


@pytest.fixture(scope="session")
def engine(records) -> MemoryEngine:
    return MemoryEngine.from_records(records)
