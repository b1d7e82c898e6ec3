"""Gazetteer: resolve a Vietnamese home place (quê quán) written in any era to administrative units.

Plain Python, no Django, no network. ``resolve(text)`` reads a free-text place such as
"Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái", "Phuong Bac Gianh, Tinh Quang Tri" or "Hạ Lang, Cao Bằng" and
returns every unit it *may* mean:

* the 63-province units in force until 30/6/2025 ("2024": province, district, commune/ward codes),
* the 34-province units from 1/7/2025 ("2025": province, commune/ward codes),
* historical provinces (Bắc Thái, Hà Nam Ninh, Nghệ Tĩnh, wartime southern provinces, …) from the hand-curated
  ``data/historical_provinces.csv``, expanded to the 2024 provinces they covered.

Ambiguity is kept, never guessed away: a commune name found in two districts gives both codes; a historical province
gives all its successor provinces unless a district or commune narrows it. ``level`` says how far the text was really
resolved ('ward' | 'district' | 'province' | 'none').

Reading rules, in short (details next to the code):
  * parts are split on commas (and on "huyện"/"tỉnh"/… inside a part when written with diacritics); the right-most
    part that names a province (2024, 2025 or historical) anchors the address, the part left of it is tried as a
    district, then the next as commune/ward;
  * names are compared on a tone-position-independent accented key first, then without diacritics, then with
    c/k and y/i finals folded ("Đắc Lắc" = "Đắk Lắk", "Qui Nhơn" = "Quy Nhơn");
  * a type prefix (xã, phường, thị trấn, huyện, quận, thị xã, thành phố, tỉnh, TP., TX, TT, H., X., Q., P., …) is only a
    hint: it narrows between same-named units of different types, and is ignored when it fits none;
  * a commune is looked for in the given district, then under its old names (communes merged 2019–2025), then as a
    2025 commune name whose predecessors lie in that district, then elsewhere in the province (communes often
    moved between districts), then as a 2025 name anywhere in the province;
  * a 2025-style address (commune + province only) is read both as a 2024 commune of that province and as a 2025
    commune of the 2025 province of that name, and both readings are kept; a 2025 commune maps back to all the 2024
    communes it was formed from so that both sides can meet.

Data: see ``data/NOTICE.md``. The snapshot is loaded lazily once per process (thread-safe); results are cached by
input string and by normalised string.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .place_resolution import _Resolver

__all__ = [
    "HISTORICAL_PROVINCES",
    "HistoricalProvince",
    "Resolution",
    "district_name_2024",
    "districts_2024_of_province",
    "province_2025_of_2024",
    "province_name_2024",
    "province_name_2025",
    "provinces_2024_of_2025",
    "resolve",
    "ward_name_2024",
    "ward_name_2025",
    "wards_2024_of_2025",
    "wards_2025_of_2024",
]

_DATA_DIR = Path(__file__).with_name("data")
_UNITS_FILE = _DATA_DIR / "gazetteer_units.json.gz"
_HISTORICAL_FILE = _DATA_DIR / "historical_provinces.csv"

# A commune/ward name searched across the whole country (no province or district recognised) is accepted only when
# it names at most this many units; beyond that the text says too little to be called resolved.
_MAX_NATIONWIDE_WARDS = 6

_EMPTY: frozenset[str] = frozenset()


# ---------------------------------------------------------------------------------------------------------------------
# Text keys
# ---------------------------------------------------------------------------------------------------------------------

# Combining tone marks -> tone digit (ngang = 0). Other marks (circumflex, breve, horn) belong to the vowel and stay.
_TONES = {"\u0300": "2", "\u0301": "1", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_WORD_RE = re.compile(r"[^\W_]+")
_DROP_RE = re.compile(r"['’‘`´\"“”«»]")


@lru_cache(maxsize=65536)
def _acc_word(word: str) -> str:
    """Accented key of one syllable with the tone moved to the end: 'hòa' and 'hoà' both give 'hoa2'."""
    if word.isdigit():
        return str(int(word))
    tone = "0"
    out = []
    for ch in unicodedata.normalize("NFD", word):
        t = _TONES.get(ch)
        if t is None:
            out.append(ch)
        else:
            tone = t
    return unicodedata.normalize("NFC", "".join(out)) + tone


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    if word.isdigit():
        return str(int(word))
    word = word.replace("đ", "d").replace("Đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def _loose_word(folded: str) -> str:
    """Third-tier key: c/k and y/i finals are spelling variants in place names (Đắc/Đắk, Qui/Quy, Kì/Kỳ)."""
    if folded.endswith("c") and not folded.endswith("ch"):
        return folded[:-1] + "k"
    if folded.endswith("y") and len(folded) > 1:
        return folded[:-1] + "i"
    return folded


_Keys = tuple[str | None, str, str, str]


def _keys(text: str, accented: bool = False) -> _Keys:
    """Lookup keys of a name, strictest first:

    * accented: syllables with the tone moved to the end ("hòa"/"hoà" -> "hoa2"), punctuation and spaces dropped;
      None for a text without diacritics unless ``accented`` says the address as a whole carries them (then a
      bare "Nga Thanh" means Nga Thanh, not Nga Thành);
    * folded: no diacritics, đ -> d, syllables kept apart ("chua" is not "chu a");
    * loose: folded, with c/k and y/i finals merged ("Đắc Lắc" = "Đắk Lắk", "Qui" = "Quy");
    * compact: folded with no spaces at all ("Daklak", "Kontum", "BaRiaVungTau", the package's alias keys).
    """
    low = text.lower()
    if "'" in low or "’" in low:
        low = _DROP_RE.sub("", low)  # "Ea H'Leo" = "Ea Hleo"
    words = _WORD_RE.findall(low)
    folded = [_fold_word(w) for w in words]
    acc = "".join(_acc_word(w) for w in words) if accented or not text.isascii() else None
    return acc, " ".join(folded), " ".join(_loose_word(w) for w in folded), "".join(folded)


def _index_keys(name: str) -> _Keys:
    return _keys(name, accented=True)


# ---------------------------------------------------------------------------------------------------------------------
# Parsing a text into parts
# ---------------------------------------------------------------------------------------------------------------------

# (folded tokens, accented form or None for abbreviations, level, unit type, display prefix)
_PREFIXES: list[tuple[tuple[str, ...], str | None, str, str | None, str]] = [
    (("to", "dan", "pho"), "tổ dân phố", "sub", None, "tổ dân phố"),
    (("thanh", "pho"), "thành phố", "city", "Thành phố", "thành phố"),
    (("thi", "xa"), "thị xã", "district", "Thị xã", "thị xã"),
    (("thi", "tran"), "thị trấn", "ward", "Thị trấn", "thị trấn"),
    (("dac", "khu"), "đặc khu", "ward", "Đặc khu", "đặc khu"),
    (("thu", "do"), "thủ đô", "province", None, "thủ đô"),
    (("khu", "pho"), "khu phố", "sub", None, "khu phố"),
    (("so", "nha"), "số nhà", "sub", None, "số nhà"),
    (("tinh",), "tỉnh", "province", "Tỉnh", "tỉnh"),
    (("huyen",), "huyện", "district", "Huyện", "huyện"),
    (("quan",), "quận", "district", "Quận", "quận"),
    (("xa",), "xã", "ward", "Xã", "xã"),
    (("phuong",), "phường", "ward", "Phường", "phường"),
    (("thon",), "thôn", "sub", None, "thôn"),
    (("xom",), "xóm", "sub", None, "xóm"),
    (("ap",), "ấp", "sub", None, "ấp"),
    (("to",), "tổ", "sub", None, "tổ"),
    (("khoi",), "khối", "sub", None, "khối"),
    (("ban",), "bản", "sub", None, "bản"),
    (("buon",), "buôn", "sub", None, "buôn"),
    (("lang",), "làng", "sub", None, "làng"),
    (("khom",), "khóm", "sub", None, "khóm"),
    (("duong",), "đường", "sub", None, "đường"),
    (("ngo",), "ngõ", "sub", None, "ngõ"),
    (("hem",), "hẻm", "sub", None, "hẻm"),
    (("tp",), None, "city", "Thành phố", "thành phố"),
    (("tx",), None, "district", "Thị xã", "thị xã"),
    (("tt",), None, "ward", "Thị trấn", "thị trấn"),
    (("kp",), None, "sub", None, "khu phố"),
]
# Single letters count as prefixes only when written with a dot ("H. Bạch Thông", "X.Huyền Tụng").
_DOTTED = {
    "h": ("district", "Huyện", "huyện"),
    "q": ("district", "Quận", "quận"),
    "x": ("ward", "Xã", "xã"),
    "p": ("ward", "Phường", "phường"),
    "t": ("province", "Tỉnh", "tỉnh"),
    "tp": ("city", "Thành phố", "thành phố"),
    "tx": ("district", "Thị xã", "thị xã"),
    "tt": ("ward", "Thị trấn", "thị trấn"),
}
# Accented unit words that start a new part inside a comma-less part ("Xã A Huyện B Tỉnh C"). Some names contain
# them ("Tứ Quận", "Tân Xã", "Phước Tỉnh", "Phường Đúc"), so a word only cuts when a name follows it.
_SPLIT2 = {("thị", "xã"), ("thị", "trấn"), ("thành", "phố")}
_SPLIT1 = {"huyện", "quận", "tỉnh", "xã", "phường", "tp.", "tx.", "h.", "q."}


def _split_word_len(toks: list[str], i: int) -> int:
    if tuple(toks[i : i + 2]) in _SPLIT2:
        return 2
    return 1 if toks[i] in _SPLIT1 else 0


def _split_embedded(piece: str) -> list[str]:
    toks = piece.split()
    cuts = [0]
    i = 0
    while i < len(toks):
        w = _split_word_len(toks, i)
        if not w:
            i += 1
            continue
        nxt = i + w
        prev = toks[cuts[-1] : i]
        if (
            i > 0
            and nxt < len(toks)
            and not _split_word_len(toks, nxt)
            and not (prev and _split_word_len(prev, 0) == len(prev))
        ):
            cuts.append(i)
        i = nxt
    cuts.append(len(toks))
    return [" ".join(toks[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


_COUNTRY = {"việt nam", "viet nam", "vietnam", "vn", "nước việt nam"}
_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# "Cai Lậy (huyện)" -> "huyện Cai Lậy": a type written after the name is kept as a prefix
_TYPE_AFTER_RE = re.compile(
    r"([^,(]+?)\s*\(\s*(huyện|quận|thị xã|thành phố|tp\.?|tx\.?|xã|phường|thị trấn|tỉnh)\s*\)", re.IGNORECASE
)
_NUMBERED_RE = re.compile(r"(?<![^\s,])([pq])\.?\s*(\d{1,2})(?![^\s,])")
_DASHES_RE = re.compile(r"[-‐‑‒–—―−_]")


def _normalise(text: str) -> str:
    """Canonical lower-case text used as the second cache key; parts separated by ', '."""
    s = _DROP_RE.sub("", unicodedata.normalize("NFC", text).lower())
    s = _TYPE_AFTER_RE.sub(lambda m: f"{m.group(2)} {m.group(1).strip()}", s)
    s = _PAREN_RE.sub(" ", s)
    s = _DASHES_RE.sub(" ", s)
    s = re.sub(r"[;|/\\\n\r\t]", ",", s)
    s = re.sub(r"\.(?=\S)", ". ", s)  # "tp.hcm" -> "tp. hcm"
    s = _NUMBERED_RE.sub(lambda m: ("phường " if m.group(1) == "p" else "quận ") + m.group(2), s)
    parts = []
    for raw in s.split(","):
        raw = " ".join(raw.split()).strip(" .:")
        if not raw:
            continue
        for piece in _split_embedded(raw):
            piece = piece.strip(" .:")
            if piece.endswith(" cũ"):
                piece = piece[:-3].strip()
            if piece and piece not in _COUNTRY:
                parts.append(piece)
    return ", ".join(parts)


@dataclass(slots=True)
class _Part:
    text: str  # name without its prefix
    whole: str  # as written (normalised), prefix included
    level: str | None  # 'ward' | 'district' | 'province' | 'city' | 'sub' | None
    utype: str | None  # 'Xã', 'Huyện', ... (a hint)
    prefix: str | None  # display prefix, e.g. 'huyện'
    keys: _Keys
    whole_keys: _Keys | None

    def key_sets(self) -> list[_Keys]:
        if self.text.isdigit() and self.level == "sub":
            return [self.whole_keys]  # "Thôn 3", "Tổ 12": not Phường 3 / Quận 12
        return [self.whole_keys, self.keys] if self.whole_keys else [self.keys]

    def label(self) -> str:
        text = self.text if self.prefix else self.whole
        name = " ".join(w[:1].upper() + w[1:] for w in text.split())
        return f"{self.prefix} {name}" if self.prefix else name


def _parse_part(piece: str, accented: bool = False) -> _Part:
    """Split a leading type word off a part. ``accented``: the address as a whole carries diacritics."""
    tokens = piece.split()
    folded = [_fold_word(t.rstrip(".")) for t in tokens]
    for fold_toks, acc_form, level, utype, disp in _PREFIXES:
        n = len(fold_toks)
        if len(tokens) <= n or tuple(folded[:n]) != fold_toks:
            continue
        written = " ".join(t.rstrip(".") for t in tokens[:n])
        if (
            acc_form is not None
            and written != acc_form
            and (accented or not written.isascii())
            and (_keys(written, True)[0] != _keys(acc_form, True)[0])
        ):
            if not written.isascii():
                continue  # other diacritics: part of a name ("Xà Phìn", "Tĩnh Gia"), not a prefix
            # "Tinh Nhuệ": a bare word in an address written with diacritics is a weak hint at most
            return _make_part(tokens[n:], piece, None, None, None, accented)
        return _make_part(tokens[n:], piece, level, utype, disp, accented)
    first = tokens[0]
    if len(tokens) > 1 and first.endswith(".") and first[:-1] in _DOTTED:
        level, utype, disp = _DOTTED[first[:-1]]
        return _make_part(tokens[1:], piece, level, utype, disp, accented)
    return _Part(piece, piece, None, None, None, _keys(piece, accented), None)


def _make_part(rest: list[str], whole: str, level, utype, disp, accented: bool) -> _Part:
    text = " ".join(rest)
    return _Part(text, whole, level, utype, disp, _keys(text, accented), _keys(whole, accented))


# ---------------------------------------------------------------------------------------------------------------------
# Public records
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoricalProvince:
    """One curated row of ``data/historical_provinces.csv``, names resolved to 2024 codes."""

    name: str
    aliases: tuple[str, ...]
    kind: str  # 'tỉnh' | 'thành phố' | 'đặc khu' | 'khu'
    periods: str  # for display, e.g. "1965–1975; 1991–1996"
    valid_from: int
    valid_to: int
    successors_2024: tuple[str, ...]  # 2024 province codes it (mostly) became
    # parts held only in part: (2024 province, its districts; () = anywhere in it), used when a district/commune
    # written with the old name is found there (Mê Linh of Vĩnh Phú, now Hà Nội)
    partial_2024: tuple[tuple[str, tuple[str, ...]], ...]
    # 2024 district codes the unit amounts to, when it was one district (đặc khu Vĩnh Linh)
    implies_districts: tuple[str, ...]
    confidence: str  # 'high' | 'medium' | 'low'
    source: str
    note: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.periods})"

    @property
    def successors_2025(self) -> tuple[str, ...]:
        """2025 provinces that now hold its main successors."""
        return tuple(sorted({_data().p24_to_p25[c] for c in self.successors_2024}))


@dataclass(frozen=True, slots=True)
class Resolution:
    text: str  # the normalised text that was resolved
    province_2025: frozenset[str]
    province_2024: frozenset[str]
    district_2024: frozenset[str]
    ward_2024: frozenset[str]
    ward_2025: frozenset[str]
    level: str  # 'ward' | 'district' | 'province' | 'none'
    historical: tuple[HistoricalProvince, ...] = ()  # historical provinces that shaped the result
    echo: tuple[str, ...] = ()  # the parts as understood, for display
    notes: tuple[str, ...] = ()  # Vietnamese remarks for staff
    unresolved: tuple[str, ...] = ()  # parts that were not found (as written)
    # how it was reached: historical_province, ward_outside_district (commune found in another district of the
    # province than the one written), ward_old_name (commune merged away, found by its old name), ward_2025_name,
    # nationwide (no province/district given), split_2025 (a 2024 commune split between 2025 units), ambiguous
    # (several units at the resolved level), partly_unresolved (some part of the text was not found)
    flags: frozenset[str] = _EMPTY
    _target: str = field(default="", repr=False)

    def explain(self) -> str:
        """Vietnamese, for staff: what was read, what it is today, and why."""
        if self.level == "none":
            shown = self.text or "(trống)"
            return f"Không xác định được địa danh «{shown}»." + "".join(f" {n}." for n in self.notes)
        head = ", ".join(self.echo) + " → " + self._target
        return head + "." + "".join(f" {n}." for n in self.notes)


# ---------------------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------------------


class _Index:
    """name key -> codes, one dict per key tier (accented, folded, loose, compact)."""

    __slots__ = ("compact", "tiers")

    def __init__(self, compact: bool) -> None:
        # The compact tier (no spaces) is kept for province names and the package's alias keys only: for communes it
        # would make "Chùa" meet "Chư Á".
        self.compact = compact
        self.tiers: tuple[dict[str, list], ...] = ({}, {}, {}, {})

    def add(self, name: str, value) -> None:
        keys = _index_keys(name)
        for d, k in zip(self.tiers, keys if self.compact else keys[:3], strict=False):
            lst = d.setdefault(k, [])
            if value not in lst:
                lst.append(value)

    def add_compact(self, compact_key: str, value) -> None:
        """The package's aliases are folded keys without spaces ("dinhxuyen"): compact tier only."""
        lst = self.tiers[3].setdefault(compact_key, [])
        if value not in lst:
            lst.append(value)

    def lookup(self, part: _Part, accept=None) -> list:
        """First non-empty tier, trying the text with its prefix first, then without. ``accept`` filters."""
        for keys in part.key_sets():
            for d, k in zip(self.tiers, keys, strict=True):
                if not k:
                    continue
                hits = d.get(k)
                if hits:
                    if accept is not None:
                        hits = [h for h in hits if accept(h)]
                    if hits:
                        return hits
        return []


_NUMBERED_NAME = re.compile(r"^(?:phường|quận|xã|thị trấn)\s+(\d+)$", re.IGNORECASE)


def _index_name(short: str) -> str:
    m = _NUMBERED_NAME.match(short)
    return m.group(1) if m else short


# Current (2024) province names people also write.
_PROVINCE_ALIASES = {
    "79": ["Hồ Chí Minh", "TP HCM", "TPHCM", "HCM", "Thành phố HCM", "TP Hồ Chí Minh", "Hồ Chí Minh City"],
    "01": ["HN", "Hà Nội"],
    "77": ["Bà Rịa Vũng Tàu", "BRVT", "Vũng Tàu", "Bà Rịa"],
    "46": ["Huế", "Thành phố Huế"],
    "66": ["Daklak", "Đắc Lắc"],
    "67": ["Daknong", "Đắc Nông"],
    "62": ["Kontum"],
}


class _Data:
    def __init__(self) -> None:
        with gzip.open(_UNITS_FILE, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        self.meta = raw["meta"]
        self.p24: dict[str, list] = raw["p24"]  # code -> [name, short, type]
        self.d24: dict[str, list] = raw["d24"]  # code -> [province, name, short, type]
        self.w24: dict[str, list] = raw["w24"]  # code -> [district, name, short, type]
        self.p25: dict[str, list] = raw["p25"]
        self.w25: dict[str, list] = raw["w25"]  # code -> [province, name, short, type]
        self.p24_to_p25: dict[str, str] = raw["p24_to_p25"]
        self.w24_to_w25: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in raw["w24_to_w25"].items()}
        self.d24_to_w25: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in raw["d24_to_w25"].items()}

        self.w24_province = {c: self.d24[v[0]][0] for c, v in self.w24.items()}
        self.d24_wards: dict[str, set[str]] = {}
        for c, v in self.w24.items():
            self.d24_wards.setdefault(v[0], set()).add(c)
        self.p24_districts: dict[str, set[str]] = {}
        for c, v in self.d24.items():
            self.p24_districts.setdefault(v[0], set()).add(c)
        self.p25_p24: dict[str, set[str]] = {}
        for a, b in self.p24_to_p25.items():
            self.p25_p24.setdefault(b, set()).add(a)
        self.w25_sources: dict[str, set[str]] = {}
        self.w25_source_districts: dict[str, set[str]] = {}
        for a, bs in self.w24_to_w25.items():
            for b in bs:
                self.w25_sources.setdefault(b, set()).add(a)
        for d, bs in self.d24_to_w25.items():
            for b in bs:
                self.w25_source_districts.setdefault(b, set()).add(d)
        # 2024 provinces whose name is also a 2025 province: such a name may be meant in its 2025 extent
        p25_by_name = {v[1]: c for c, v in self.p25.items()}
        self.p24_as_p25 = {c: p25_by_name[v[1]] for c, v in self.p24.items() if v[1] in p25_by_name}

        self.p24_by_short = {v[1]: c for c, v in self.p24.items()}
        self.historical = _load_historical(self)

        # ---- indexes
        self.prov = _Index(compact=True)  # -> ('p', code) | ('h', row index)
        for c, v in self.p24.items():
            self.prov.add(v[1], ("p", c))
        for c, names in _PROVINCE_ALIASES.items():
            for n in names:
                self.prov.add(n, ("p", c))
        for i, row in enumerate(self.historical):
            for n in (row.name, *row.aliases):
                self.prov.add(n, ("h", i))
        self.dist = _Index(compact=False)
        for c, v in self.d24.items():
            self.dist.add(_index_name(v[2]), c)
        for alias, codes in raw["d24_alias"].items():
            for c in codes:
                self.dist.add_compact(alias, c)
        self.ward24 = _Index(compact=False)
        for c, v in self.w24.items():
            self.ward24.add(_index_name(v[2]), c)
        self.ward24_alias = _Index(compact=True)
        for alias, codes in raw["w24_alias"].items():
            for c in codes:
                if _keys(_index_name(self.w24[c][2]))[3] != alias:
                    self.ward24_alias.add_compact(alias, c)
        self.ward25 = _Index(compact=False)
        for c, v in self.w25.items():
            self.ward25.add(_index_name(v[2]), c)


def _split_list(s: str) -> list[str]:
    return [x.strip() for x in s.split(";") if x.strip()]


def _load_historical(d: _Data) -> tuple[HistoricalProvince, ...]:
    def prov_code(name: str) -> str:
        name = name.strip()
        if name in d.p24_by_short:
            return d.p24_by_short[name]
        raise ValueError(f"historical_provinces.csv: unknown 2024 province {name!r}")

    def districts(pcode: str, names: Iterable[str]) -> tuple[str, ...]:
        out = []
        for n in names:
            hits = [c for c in d.p24_districts[pcode] if d.d24[c][2] == n]
            if not hits:
                raise ValueError(f"historical_provinces.csv: no district {n!r} in province {pcode}")
            out.extend(hits)
        return tuple(sorted(out))

    def prov_districts(spec: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        out = []
        for chunk in (c.strip() for c in spec.split("|")):
            if not chunk:
                continue
            pname, _, dnames = chunk.partition(":")
            pc = prov_code(pname)
            out.append((pc, districts(pc, _split_list(dnames))))
        return tuple(out)

    rows = []
    with _HISTORICAL_FILE.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            implied = prov_districts(r["implies_districts"])
            rows.append(
                HistoricalProvince(
                    name=r["name"].strip(),
                    aliases=tuple(_split_list(r["aliases"])),
                    kind=r["kind"].strip(),
                    periods=r["periods"].strip(),
                    valid_from=int(r["valid_from"]),
                    valid_to=int(r["valid_to"]),
                    successors_2024=tuple(prov_code(n) for n in _split_list(r["successors_2024"])),
                    partial_2024=prov_districts(r["partial_2024"]),
                    implies_districts=tuple(c for _, ds in implied for c in ds),
                    confidence=r["confidence"].strip(),
                    source=r["source"].strip(),
                    note=r["note"].strip(),
                )
            )
    return tuple(rows)


_LOCK = threading.Lock()
_DATA: _Data | None = None


def _data() -> _Data:
    global _DATA
    if _DATA is None:
        with _LOCK:
            if _DATA is None:
                _DATA = _Data()
    return _DATA


class _HistoricalTable(Sequence[HistoricalProvince]):
    """The curated table, read on first use (it needs the snapshot to turn province names into codes)."""

    def __getitem__(self, i):
        return _data().historical[i]

    def __len__(self) -> int:
        return len(_data().historical)

    def __repr__(self) -> str:
        return f"<HISTORICAL_PROVINCES: {len(self)} rows from {_HISTORICAL_FILE.name}>"


HISTORICAL_PROVINCES: Sequence[HistoricalProvince] = _HistoricalTable()


# ---------------------------------------------------------------------------------------------------------------------
# Display helpers (public)
# ---------------------------------------------------------------------------------------------------------------------


def province_name_2024(code: str, full: bool = False) -> str:
    """'Bắc Kạn', or with ``full`` 'Tỉnh Bắc Kạn'."""
    v = _data().p24[code]
    return _full(v[2], v[1]) if full else v[1]


def province_name_2025(code: str, full: bool = False) -> str:
    v = _data().p25[code]
    return _full(v[2], v[1]) if full else v[1]


def district_name_2024(code: str, full: bool = True) -> str:
    """'Huyện Bạch Thông', or without ``full`` 'Bạch Thông'."""
    v = _data().d24[code]
    return _full(v[3], v[2]) if full else v[2]


def ward_name_2024(code: str, full: bool = True) -> str:
    v = _data().w24[code]
    return _full(v[3], v[2]) if full else v[2]


def ward_name_2025(code: str, full: bool = True) -> str:
    v = _data().w25[code]
    return _full(v[3], v[2]) if full else v[2]


def wards_2025_of_2024(code: str) -> tuple[str, ...]:
    """2025 communes/wards a 2024 commune/ward went into (several when it was split; package default first)."""
    return _data().w24_to_w25.get(code, ())


def wards_2024_of_2025(code: str) -> frozenset[str]:
    """2024 communes/wards a 2025 commune/ward was formed from (whole or in part)."""
    return frozenset(_data().w25_sources.get(code, ()))


def province_2025_of_2024(code: str) -> str:
    return _data().p24_to_p25[code]


def provinces_2024_of_2025(code: str) -> frozenset[str]:
    return frozenset(_data().p25_p24.get(code, ()))


def districts_2024_of_province(code: str) -> frozenset[str]:
    return frozenset(_data().p24_districts.get(code, ()))


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def _full(utype: str, short: str) -> str:
    """'Thành phố' + 'Bắc Kạn' -> 'Thành phố Bắc Kạn'; 'Phường' + 'Phường 5' -> 'Phường 5'."""
    if not utype or short.lower().startswith(utype.lower() + " "):
        return short
    return f"{utype} {short}"


def _disp(utype: str, short: str) -> str:
    """Lower-case type for running text: 'phường Đức Xuân', 'thành phố Bắc Kạn'."""
    if not utype:
        return short
    return _lower_first(_full(utype, short))


_RESOLVER: _Resolver | None = None


def _resolver() -> _Resolver:
    global _RESOLVER
    if _RESOLVER is None:
        from .place_resolution import _Resolver  # the resolver's modules read this one's tables

        r = _Resolver(_data())
        with _LOCK:
            if _RESOLVER is None:
                _RESOLVER = r
    return _RESOLVER


@lru_cache(maxsize=200_000)
def _resolve_normalised(norm: str) -> Resolution:
    return _resolver().resolve(norm)


@lru_cache(maxsize=200_000)
def _resolve_text(text: str) -> Resolution:
    return _resolve_normalised(_normalise(text))


def resolve(text: str | None) -> Resolution:
    """Resolve a home place written in any era. Never raises on bad input: unknown text gives level 'none'."""
    if not text or not isinstance(text, str):
        return _resolve_normalised("")
    return _resolve_text(text)
