#!/usr/bin/env python3
"""An evaluation set for the linkage engine made independently of linkage-dev.

    uv run python bench/make_eval_set.py --out var/bench/eval --size 20000 --queries 2000 --seed 7

Writes, in linkage-dev's formats (so bench/linkage_accuracy.py, bench/linkage_vs_splink.py and
shared/tools/score_linkage.py run on it unchanged):

    registry.csv            the registry (Vietnamese headers of official lists)
    queries.csv             queries as the public, archives and scanned lists write them
    truth_queries.csv       query,records   (';'-separated ids; empty: the martyr is not in the registry)
    truth_duplicates.csv    record_a,record_b
and two files linkage-dev does not have, for figures per kind of noise:
    truth_query_kinds.csv   query,kind      (one kind per query, see KINDS)
    truth_duplicate_kinds.csv record_a,record_b,kind

Nothing here is read from linkage-dev or from bench/make_registry.py (which imitates linkage-dev): the vocabulary
comes from the public sources named at each list, places from the gazetteer the engine ships
(doantu/linkage/data/gazetteer_units.json.gz, read as plain JSON, the engine's code is not imported), units from
the numbering conventions of the Vietnam People's Army. Deterministic for a seed (random.Random(seed) only; sets
are never iterated).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GAZ = REPO / "doantu/linkage/data/gazetteer_units.json.gz"
HIST = REPO / "doantu/linkage/data/historical_provinces.csv"

HEADER = [
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

# --- names -----------------------------------------------------------------------------------------------------
# Surname shares (%) from the table in Wikipedia "Vietnamese name" (section "Family name"), which cites Lê Trung
# Hoa, "Họ và tên người Việt Nam" (NXB KHXH, 2005): Nguyễn 38.4, Trần 12.1, Lê 9.5, Phạm 7.0, Hoàng/Huỳnh 5.1,
# Phan 4.5, Vũ/Võ 3.9, Đặng 2.1, Bùi 2.0, Đỗ 1.4, Hồ 1.3, Ngô 1.3, Dương 1.0, Lý 0.5. Hoàng/Huỳnh and Vũ/Võ are
# one surname written the northern/southern way; split here 60/40 north-first (an assumption, not a source).
# The remainder (~9.9%) is spread evenly over other common surnames of the same article's list.
SURNAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38.4),
    ("Trần", 12.1),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 3.06),
    ("Huỳnh", 2.04),
    ("Phan", 4.5),
    ("Vũ", 2.34),
    ("Võ", 1.56),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
]
_OTHER = [
    "Đinh",
    "Trịnh",
    "Đoàn",
    "Lương",
    "Mai",
    "Tạ",
    "Cao",
    "Lâm",
    "Hà",
    "Trương",
    "Tô",
    "Chu",
    "Kiều",
    "Triệu",
]
_OTHER += ["Quách", "Lại", "Thái", "Khúc", "Lưu", "Văn", "Đào", "Tăng", "Vương", "Nông", "Lò", "Hứa"]
SURNAMES += [(s, 9.9 / len(_OTHER)) for s in _OTHER]

# Middle names by sex (tên đệm), weights from common knowledge of names of men and women born 1920–1965: "Văn" and
# "Thị" dominate (naming custom of the time); the others are frequent middle names of that generation.
MIDDLE_M = [
    ("Văn", 60),
    ("Đức", 5),
    ("Hữu", 5),
    ("Quang", 4),
    ("Xuân", 4),
    ("Đình", 4),
    ("Công", 4),
    ("Ngọc", 3),
]
MIDDLE_M += [
    ("Minh", 3),
    ("Thanh", 3),
    ("Bá", 2),
    ("Viết", 2),
    ("Duy", 2),
    ("Trọng", 2),
    ("Mạnh", 1),
    ("Tiến", 1),
]
MIDDLE_F = [("Thị", 85), ("Ngọc", 5), ("Thanh", 4), ("Kim", 3), ("Minh", 3)]
# Given names by sex: common given names of that generation (public knowledge; uniform weights on purpose, so
# that the engine cannot lean on a frequency it was tuned on).
GIVEN_M = [
    "An",
    "Anh",
    "Bảo",
    "Bắc",
    "Bình",
    "Cảnh",
    "Chiến",
    "Chính",
    "Công",
    "Cường",
    "Dân",
    "Danh",
    "Đạo",
    "Điền",
    "Định",
    "Đông",
    "Dũng",
    "Dương",
    "Được",
    "Giang",
    "Hải",
    "Hào",
    "Hiền",
    "Hiếu",
    "Hòa",
    "Hoan",
    "Hồng",
    "Huấn",
    "Hùng",
    "Hưng",
    "Hướng",
    "Khải",
    "Khanh",
    "Khoa",
    "Khôi",
    "Kiên",
    "Lạc",
    "Lâm",
    "Lập",
    "Liêm",
    "Linh",
    "Lợi",
    "Long",
    "Lực",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Ngọc",
    "Nhân",
    "Nhật",
    "Ninh",
    "Phong",
    "Phú",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Quế",
    "Quý",
    "Sang",
    "Sáu",
    "Sinh",
    "Sơn",
    "Tài",
    "Tâm",
    "Tân",
    "Thắng",
    "Thanh",
    "Thành",
    "Thảo",
    "Thiện",
    "Thịnh",
    "Thọ",
    "Thông",
    "Thuận",
    "Thường",
    "Tiến",
    "Toàn",
    "Trí",
    "Trung",
    "Trường",
    "Tuấn",
    "Tùng",
    "Tuyên",
    "Tư",
    "Vinh",
    "Vĩnh",
    "Xuân",
    "Yên",
]
GIVEN_F = [
    "Anh",
    "Bích",
    "Cúc",
    "Dung",
    "Duyên",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Huệ",
    "Hương",
    "Lan",
    "Liên",
    "Loan",
    "Lý",
    "Mai",
    "Minh",
    "Nga",
    "Ngân",
    "Nguyệt",
    "Nhàn",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quyên",
    "Sen",
    "Tâm",
    "Thảo",
    "Thoa",
    "Thu",
    "Thủy",
    "Thúy",
    "Trang",
    "Tuyết",
    "Vân",
    "Xuân",
    "Yến",
]
# Birth-order nicknames of the South (gọi thứ: the eldest is "Hai"), used with or without the given name.
BIRTH_ORDER = ["Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Út"]

# --- units -----------------------------------------------------------------------------------------------------
# VPA infantry numbering convention: a division (sư đoàn, f) has three regiments (trung đoàn, e); a regiment three
# battalions (tiểu đoàn, d) numbered 1–3, 4–6, 7–9 within the division's regiments; a battalion three or four
# companies (đại đội, c) numbered on from the battalion's (c1–c4 in d1, c5–c8 in d2, ...). Independent regiments
# and battalions exist too. Division numbers are drawn from the ranges the army used (1–10, 300s, 9xx for
# Group 559's); regiment numbers are drawn at random in 1–299, so no real unit list is copied.
DIV_NUMBERS = list(range(1, 11)) + list(range(301, 347)) + list(range(470, 475)) + [959, 968]

RANKS = [("Binh nhì", "B2"), ("Binh nhất", "B1"), ("Hạ sĩ", "H1"), ("Trung sĩ", "H2"), ("Thượng sĩ", "H3")]
RANKS += [("Thiếu úy", "U1"), ("Trung úy", "U2"), ("Thượng úy", "U3"), ("Đại úy", "U4")]
POSTS = [
    "Chiến sĩ",
    "Tiểu đội phó",
    "Tiểu đội trưởng",
    "Trung đội phó",
    "Trung đội trưởng",
    "Y tá",
    "Liên lạc",
]
POSTS += ["Đại đội phó", "Chính trị viên phó", "Pháo thủ", "Trinh sát", "Công binh"]
# Theatres where martyrs of 1946–1989 fell outside their home province (history of the wars, public knowledge).
FRONTS = [
    "Campuchia",
    "Lào",
    "Mặt trận phía Bắc",
    "Biên giới Tây Nam",
    "Đường 9 – Khe Sanh",
    "Thành cổ Quảng Trị",
]
# National cemeteries (nghĩa trang liệt sĩ quốc gia), public list of the Ministry (Bộ LĐTBXH).
NATIONAL_CEMETERIES = ["NTLS quốc gia Trường Sơn", "NTLS quốc gia Đường 9", "NTLS quốc gia Vị Xuyên"]
# Dry season in the South: roughly November to April (climate of Nam Bộ and Tây Nguyên); "mùa khô 1972" means
# the season that ends in that year's spring or begins at its end — a date window, not a day.
KINDS = [
    "clean",
    "given_first",
    "abbreviated",
    "nickname_alias",
    "ocr",
    "caps",
    "approx_date",
    "multi",
    "absent",
]


def strip_accents(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


class Gaz:
    """Communes, districts and provinces of 2024 from the shipped snapshot, plus 2025 provinces and the historical
    provinces (with their 2024 successors)."""

    def __init__(self) -> None:
        with gzip.open(GAZ, "rt", encoding="utf-8") as fh:
            d = json.load(fh)
        self.p24 = d["p24"]
        self.d24 = d["d24"]
        self.w24 = sorted(d["w24"].items())
        self.p24_to_p25 = d["p24_to_p25"]
        self.p25 = d["p25"]
        self.hist: dict[str, list[str]] = {}  # 2024 province short name → historical names that covered it
        with open(HIST, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["kind"] != "tỉnh" or not r["valid_to"] or int(r["valid_to"]) < 1950:
                    continue
                for succ in (x.strip() for x in r["successors_2024"].split(";")):
                    if succ:
                        self.hist.setdefault(succ, []).append(r["name"])

    def commune(self, rng: random.Random):
        code, (dcode, full, short, typ) = rng.choice(self.w24)
        pcode, dfull, dshort, dtyp = self.d24[dcode]
        pfull, pshort, ptyp = self.p24[pcode]
        return {
            "w": (full, short, typ),
            "d": (dfull, dshort, dtyp),
            "p": (pfull, pshort, ptyp),
            "pcode": pcode,
        }


def weighted(rng: random.Random, items: list[tuple[str, float]]) -> str:
    return rng.choices([x for x, _ in items], weights=[w for _, w in items])[0]


def death_date(rng: random.Random) -> tuple[int, int, int]:
    # Years weighted by the wars' intensity (public history: 1946–54, 1965–75 the heaviest, 1979–89 the borders).
    era = rng.choices(["1946", "1965", "1979"], weights=[15, 65, 20])[0]
    y = {"1946": rng.randint(1946, 1954), "1965": rng.randint(1960, 1975), "1979": rng.randint(1977, 1989)}[
        era
    ]
    return y, rng.randint(1, 12), rng.randint(1, 28)


class Person:
    __slots__ = ("sur", "mid", "given", "sex", "alias", "birth", "home", "enlist", "unit", "rank", "post")
    __slots__ += ("death", "died_at", "buried", "group")


def make_units(rng: random.Random, n_div: int) -> list[tuple[int, int, int, int | None]]:
    """All companies of n_div divisions (plus independent regiments): tuples (c, d, e, f or None)."""
    out = []
    divs = rng.sample(DIV_NUMBERS, min(n_div, len(DIV_NUMBERS)))
    used_e: set[int] = set()
    for f in [*divs, *([None] * max(2, n_div // 4))]:
        for ri in range(3 if f is not None else 1):
            e = rng.randint(1, 299)
            while e in used_e:
                e = rng.randint(1, 299)
            used_e.add(e)
            for bi in range(3):
                d = ri * 3 + bi + 1 if f is not None else bi + 1
                per = rng.choice([3, 4])
                for ci in range(per):
                    out.append((bi * per + ci + 1, d, e, f))
    return out


def unit_text(rng: random.Random, u, style: str | None = None) -> str:
    c, d, e, f = u
    style = (
        style
        or rng.choices(
            ["short", "short_caps", "full", "compact", "dash", "partial"], [30, 15, 25, 10, 10, 10]
        )[0]
    )
    parts = [("c", "Đại đội", c), ("d", "Tiểu đoàn", d), ("e", "Trung đoàn", e)]
    if f is not None:
        parts.append(("f", "Sư đoàn", f))
    if style == "partial":
        parts = parts[rng.randint(1, len(parts) - 1) :]
        style = rng.choice(["short", "full"])
    if style == "short":
        return " ".join(f"{a}{n}" for a, _, n in parts)
    if style == "short_caps":
        return ", ".join(f"{a.upper()}{n}" for a, _, n in parts)
    if style == "compact":
        return "".join(f"{a}{n}" for a, _, n in parts)
    if style == "dash":
        return "-".join(f"{a.upper()}{n}" for a, _, n in parts)
    return ", ".join(f"{b} {n}" for _, b, n in parts)


def home_text(rng: random.Random, gaz: Gaz, h, historical_ok: bool = True) -> str:
    w, d, p = h["w"], h["d"], h["p"]
    pname = p[1]
    old = gaz.hist.get(pname)
    if historical_ok and old and rng.random() < 0.25:  # written as at the time, under a province now gone
        pname = rng.choice(old)
    prov = ("tỉnh " if p[2] == "Tỉnh" else "") + pname
    style = rng.choices(["full", "short", "district", "province", "2025"], [45, 20, 15, 10, 10])[0]
    if style == "full":
        return f"{w[0]}, {d[0]}, {prov}"
    if style == "short":
        return f"{w[1]}, {d[1]}, {pname}"
    if style == "district":
        return f"{d[0]}, {pname}"
    if style == "province":
        return pname
    p25 = gaz.p25.get(gaz.p24_to_p25.get(h["pcode"], ""), [None, pname])[1]
    return f"{w[0]}, {p25}"


def buried_text(rng: random.Random, gaz: Gaz, h) -> str:
    r = rng.random()
    if r < 0.1:
        return rng.choice(NATIONAL_CEMETERIES)
    c = gaz.commune(rng) if r < 0.6 else h  # at the front, or brought home
    kind = rng.choices(["huyện", "tỉnh", "xã"], [45, 35, 20])[0]
    if kind == "huyện":
        dfull, dshort, dtyp = c["d"]
        return f"NTLS {dshort}" if dshort.startswith(dtyp) else f"NTLS {dtyp.lower()} {dshort}"
    if kind == "tỉnh":
        return f"NTLS tỉnh {c['p'][1]}"
    return f"NTLS {c['w'][2].lower()} {c['w'][1]}, {c['d'][1]}"


def full_name(p: Person) -> str:
    return " ".join(x for x in (p.sur, p.mid, p.given) if x)


def make_person(rng: random.Random, gaz: Gaz, units, group=None) -> Person:
    p = Person()
    p.sex = "Nữ" if rng.random() < 0.04 else "Nam"
    p.sur = weighted(rng, SURNAMES)
    p.mid = weighted(rng, MIDDLE_F if p.sex == "Nữ" else MIDDLE_M)
    if rng.random() < 0.05:  # a second middle name (e.g. "Văn Minh")
        p.mid += " " + weighted(rng, MIDDLE_M if p.sex == "Nam" else MIDDLE_F).replace("Văn", "Minh")
    p.given = rng.choice(GIVEN_F if p.sex == "Nữ" else GIVEN_M)
    p.alias = ""
    if rng.random() < 0.08:
        p.alias = rng.choice(
            [rng.choice(BIRTH_ORDER), rng.choice(GIVEN_M), f"{rng.choice(BIRTH_ORDER)} {p.given}"]
        )
    p.home = gaz.commune(rng)
    if group:
        p.unit, p.death, p.died_at = group
    else:
        p.unit = rng.choice(units)
        p.death = death_date(rng)
        p.died_at = rng.choice(FRONTS) if rng.random() < 0.25 else gaz.commune(rng)["p"][1]
    p.birth = p.death[0] - rng.randint(17, 38)
    ey = min(p.death[0], p.birth + rng.randint(17, 22))
    p.enlist = (ey, rng.randint(1, 12))
    p.rank = rng.choice(RANKS)
    p.post = rng.choice(POSTS)
    p.buried = buried_text(rng, gaz, p.home)
    return p


def death_text(rng: random.Random, d) -> str:
    y, m, dd = d
    s = rng.choices(["d", "m", "y"], [60, 25, 15])[0]
    return f"{dd:02d}/{m:02d}/{y}" if s == "d" else (f"{m:02d}/{y}" if s == "m" else str(y))


def registry_row(rng: random.Random, gaz: Gaz, rid: str, p: Person) -> list[str]:
    rank = p.rank[rng.random() < 0.5]
    return [
        rid,
        full_name(p),
        p.alias,
        p.sex,
        str(p.birth) if rng.random() < 0.85 else "",
        home_text(rng, gaz, p.home),
        f"{p.enlist[1]:02d}/{p.enlist[0]}" if rng.random() < 0.6 else "",
        unit_text(rng, p.unit) if rng.random() < 0.8 else "",
        rank if rng.random() < 0.8 else "",
        p.post if rng.random() < 0.7 else "",
        death_text(rng, p.death),
        p.died_at if rng.random() < 0.8 else "",
        p.buried if rng.random() < 0.85 else "",
    ]


# --- noise -----------------------------------------------------------------------------------------------------
# Confusions of OCR on typewritten Vietnamese (the ones the issue lists): a lost horn (ư→u, ơ→o), a lost dot below,
# đ read as d, "m" read as "rn", "l" read as "1".
_DOT_BELOW = str.maketrans("ạặậẹệịọộợụựỵẠẶẬẸỆỊỌỘỢỤỰỴ", "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")


def ocr(rng: random.Random, s: str, rate: float = 0.5) -> str:
    ops = [
        lambda t: t.replace("ư", "u").replace("Ư", "U"),
        lambda t: t.replace("ơ", "o").replace("Ơ", "O"),
        lambda t: t.translate(_DOT_BELOW),
        lambda t: t.replace("đ", "d").replace("Đ", "D"),
        lambda t: t.replace("m", "rn", 1),
        lambda t: t.replace("l", "1", 1),
        lambda t: unicodedata.normalize(
            "NFC", "".join(ch for ch in unicodedata.normalize("NFD", t) if ch != "\u0301")
        ),
    ]
    out = s
    chosen = [op for op in ops if rng.random() < rate] or [rng.choice(ops)]
    for op in chosen:
        out = op(out)
    for op in ops:  # none of the chosen confusions applied to this text: the first one that does
        if out != s:
            break
        out = op(out)
    if out == s:  # tone marks lost (a faint scan)
        out = unicodedata.normalize(
            "NFC",
            "".join(c for c in unicodedata.normalize("NFD", s) if c not in "\u0300\u0301\u0303\u0309\u0323"),
        )
    if out == s:  # plain letters only ("Phan Minh An"): another classic confusion of print OCR, n read as u
        out = s.replace("n", "u", 1) if "n" in s else s.replace("h", "b", 1)
    return out


def plain(rng: random.Random, s: str) -> str:
    return strip_accents(s) if rng.random() < 0.4 else s


def approx_death(rng: random.Random, d) -> str:
    y, m, _ = d
    style = rng.choice(["khoang", "cuoi", "dau", "giua", "muakho", "muamua", "thang"])
    if style == "khoang":
        return f"khoảng {y + rng.choice([-1, 0, 0, 0, 1])}"
    if style == "cuoi":
        return f"cuối năm {y}" if m >= 9 else f"năm {y}"
    if style == "dau":
        return f"đầu năm {y}" if m <= 4 else f"năm {y}"
    if style == "giua":
        return f"giữa năm {y}" if 4 <= m <= 8 else f"khoảng {y}"
    if style == "muakho":  # dry season Nov–Apr: named by the year it ends in (Jan–Apr) or starts in (Nov–Dec)
        return f"mùa khô {y}" if m <= 4 or m >= 11 else f"khoảng {y}"
    if style == "muamua":  # rainy season May–Oct
        return f"mùa mưa {y}" if 5 <= m <= 10 else f"khoảng {y}"
    return f"tháng {m} năm {y}"


def base_query(rng: random.Random, gaz: Gaz, qid: str, p: Person) -> list[str]:
    """A query as the public types it: a few fields, some left empty; the name as written (set by the caller)."""
    row = [qid, full_name(p), "", "", "", "", "", "", "", "", "", "", ""]
    if rng.random() < 0.7:
        row[4] = str(p.birth + rng.choice([0, 0, 0, 0, -1, 1]))
    if rng.random() < 0.75:
        row[5] = plain(rng, home_text(rng, gaz, p.home, historical_ok=rng.random() < 0.3))
    if rng.random() < 0.45:
        row[7] = unit_text(rng, p.unit)
    if rng.random() < 0.6:
        row[10] = death_text(rng, p.death)
    if rng.random() < 0.4:
        row[11] = plain(rng, p.died_at)
    if rng.random() < 0.2:
        row[12] = p.buried
    return row


def name_given_first(rng: random.Random, p: Person) -> str:
    style = rng.choice(["given_mid_sur", "given_sur_mid", "mid_given_sur"])
    parts = {"given_mid_sur": [p.given, p.mid, p.sur], "given_sur_mid": [p.given, p.sur, p.mid]}
    parts["mid_given_sur"] = [p.mid, p.given, p.sur]
    return " ".join(parts[style])


def name_abbreviated(rng: random.Random, p: Person) -> str:
    mids = p.mid.split()
    style = rng.choice(["initials", "ng", "no_middle", "initial_mid"])
    if style == "initials":
        return "".join(x[0] + "." for x in [p.sur, *mids]) + " " + p.given
    if style == "ng" and len(p.sur) > 3:
        return f"{p.sur[:2]}. {p.mid} {p.given}"
    if style == "initial_mid":
        return f"{p.sur} {'.'.join(m[0] for m in mids)}. {p.given}"
    return f"{p.sur} {p.given}"


def name_nickname(rng: random.Random, p: Person) -> tuple[str, str]:
    style = rng.choice(["order", "anh", "alias"] if p.alias else ["order", "anh"])
    if style == "order":
        return f"{rng.choice(BIRTH_ORDER)} {p.given}", ""
    if style == "anh":
        return f"anh {rng.choice(BIRTH_ORDER)} {p.given}", ""
    return p.alias, ""


def caps(rng: random.Random, s: str) -> str:
    return (strip_accents(s) if rng.random() < 0.5 else s).upper()


def dup_row(rng: random.Random, gaz: Gaz, rid: str, p: Person) -> tuple[list[str], str]:
    """The same martyr as written by a second, independent source."""
    row = registry_row(rng, gaz, rid, p)
    kind = rng.choice(["plain_caps", "ocr", "no_middle", "birth_off", "sparse", "alias_name"])
    if kind == "plain_caps":
        row[1] = caps(rng, row[1])
        row[5] = strip_accents(row[5])
    elif kind == "ocr":
        row[1] = ocr(rng, row[1], 0.3)
    elif kind == "no_middle":
        row[1] = f"{p.sur} {p.given}"
    elif kind == "birth_off":
        row[4] = str(p.birth + rng.choice([-2, -1, 1, 2]))
    elif kind == "sparse":
        for i in (4, 6, 7, 8, 9, 11, 12):
            if rng.random() < 0.6:
                row[i] = ""
    elif kind == "alias_name" and p.alias:
        row[1], row[2] = f"{p.sur} {p.mid} {p.given}", p.alias
    if not row[10]:
        row[10] = str(p.death[0])
    return row, kind


def generate(
    size: int, n_queries: int, seed: int, out: Path, dup_rate: float = 0.03, absent: float = 0.15
) -> dict:
    rng = random.Random(seed)
    gaz = Gaz()
    units = make_units(rng, max(8, size // 1500))
    people: list[Person] = []
    ids: list[str] = []
    seen_ids: set[str] = set()

    def new_id(prefix: str) -> str:
        while True:
            x = f"{prefix}{rng.randint(0, 9_999_999):07d}"
            if x not in seen_ids:
                seen_ids.add(x)
                return x

    n_people = int(size / (1 + dup_rate))
    gid = 0
    while len(people) < n_people:
        # battle groups: 1–5 comrades with one unit, place and day of death (what makes a witness's account hard)
        k = rng.choices([1, 2, 3, 4, 5], [55, 20, 12, 8, 5])[0]
        u, d = rng.choice(units), death_date(rng)
        place = rng.choice(FRONTS) if rng.random() < 0.25 else gaz.commune(rng)["p"][1]
        gid += 1
        for _ in range(min(k, n_people - len(people))):
            people.append(make_person(rng, gaz, units, (u, d, place) if k > 1 else None))
            people[-1].group = gid
            ids.append(new_id("HS"))
    rows = [registry_row(rng, gaz, rid, p) for rid, p in zip(ids, people, strict=True)]
    dups, dup_kinds = [], []
    all_ids = [
        [x] for x in ids
    ]  # every registry row of each person: a query about him is right on any of them
    for i in rng.sample(range(len(people)), size - len(people)):
        rid = new_id("HS")
        r, kind = dup_row(rng, gaz, rid, people[i])
        rows.append(r)
        dups.append((ids[i], rid))
        dup_kinds.append(kind)
        all_ids[i].append(rid)
    order = list(range(len(rows)))
    rng.shuffle(order)
    rows = [rows[i] for i in order]

    # absent martyrs: people made the same way, never written to the registry; half of them namesakes of a
    # registry martyr (same full name, different life), the hard case for false matches
    n_absent = int(n_queries * absent)
    present_kinds = [k for k in KINDS if k != "absent"]
    queries, truth, kinds = [], [], []
    groups: dict = {}
    for i, p in enumerate(people):
        groups.setdefault(p.group, []).append(i)
    multi_groups = [g for g in sorted(groups.values()) if len(g) >= 2]
    for qn in range(n_queries):
        qid = f"T{qn:06d}"
        if qn < n_absent:
            a = make_person(rng, gaz, units)
            if rng.random() < 0.5:
                twin = rng.choice(people)
                a.sur, a.mid, a.given = twin.sur, twin.mid, twin.given
            row = base_query(rng, gaz, qid, a)
            row[1] = plain(rng, row[1])
            queries.append(row)
            truth.append((qid, ""))
            kinds.append((qid, "absent"))
            continue
        kind = present_kinds[(qn - n_absent) % len(present_kinds)]
        if kind == "multi":
            g = rng.choice(multi_groups)
            members = rng.sample(g, min(len(g), rng.randint(2, 3)))
            p = people[members[0]]
            row = base_query(rng, gaz, qid, p)
            names = [plain(rng, full_name(people[m])) for m in members]
            row[1] = ", ".join(names[:-1]) + " và " + names[-1]
            row[4] = row[5] = ""  # a witness knows the shared details, not each comrade's birth and home
            row[7] = unit_text(rng, p.unit)
            row[10] = death_text(rng, p.death)
            queries.append(row)
            truth.append((qid, ";".join(x for m in members for x in all_ids[m])))
            kinds.append((qid, kind))
            continue
        i = rng.randrange(len(people))
        p = people[i]
        row = base_query(rng, gaz, qid, p)
        if kind == "clean":
            row[1] = plain(rng, row[1])
        elif kind == "given_first":
            row[1] = plain(rng, name_given_first(rng, p))
        elif kind == "abbreviated":
            row[1] = plain(rng, name_abbreviated(rng, p))
        elif kind == "nickname_alias":
            row[1], _ = name_nickname(rng, p)
            if not row[5]:
                row[5] = home_text(rng, gaz, p.home)
        elif kind == "ocr":
            row[1] = ocr(rng, row[1])
            row[5] = ocr(rng, row[5], 0.3) if row[5] else row[5]
        elif kind == "caps":
            row[1] = caps(rng, row[1])
            row[5] = row[5].upper()
        elif kind == "approx_date":
            row[10] = approx_death(rng, p.death)
            if rng.random() < 0.4:  # the age at death instead of a year of birth
                row[4] = f"hy sinh năm {p.death[0] - p.birth} tuổi"
        queries.append(row)
        truth.append((qid, ";".join(all_ids[i])))
        kinds.append((qid, kind))
    # queries in a shuffled order, so absent ones are not all first
    qorder = list(range(len(queries)))
    rng.shuffle(qorder)

    out.mkdir(parents=True, exist_ok=True)

    def write(name: str, header: list[str], data) -> None:
        with open(out / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(data)

    write("registry.csv", HEADER, rows)
    write("queries.csv", HEADER, [queries[i] for i in qorder])
    write("truth_queries.csv", ["query", "records"], [truth[i] for i in qorder])
    write("truth_query_kinds.csv", ["query", "kind"], [kinds[i] for i in qorder])
    write("truth_duplicates.csv", ["record_a", "record_b"], dups)
    write(
        "truth_duplicate_kinds.csv",
        ["record_a", "record_b", "kind"],
        [(*d, k) for d, k in zip(dups, dup_kinds, strict=True)],
    )
    return {"registry": len(rows), "queries": len(queries), "absent": n_absent, "duplicates": len(dups)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "var/bench/eval")
    ap.add_argument("--size", type=int, default=20000, help="registry rows (duplicates included)")
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dup-rate", type=float, default=0.03)
    ap.add_argument(
        "--absent", type=float, default=0.15, help="share of queries about martyrs not in the registry"
    )
    a = ap.parse_args(argv)
    print(json.dumps(generate(a.size, a.queries, a.seed, a.out, a.dup_rate, a.absent)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
