"""Reading official lists (XLSX, CSV) with Vietnamese headers: header mapping, row parsing and checking.

Two kinds of list: martyrs (the ministry's and the province's lists) and graves (a cemetery's list of graves,
with names on the headstones where known). Each kind is a ``ListKind``: its fields, the header names official
lists use for them, its row checks and the model values a row gives.

Headers are matched after folding (case, diacritics, spacing) against the names official lists use; the
engine's aliases cover the martyr fields it compares, the rest (file numbers, parents, status) are added here.
Staff can correct the mapping before the dry run. Rows are read as a stream, so a list of any length fits in
memory.
"""

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import models

from doantu.linkage.csvio import HEADER_ALIASES
from doantu.linkage.dates import parse_date
from doantu.linkage.normalize import fold_plain

from .matching import GRAVE, MARTYR
from .models import Grave, ImportKind, Martyr, MartyrStatus

# field -> label shown in the mapping form, in the order of the official forms
FIELDS: dict[str, str] = {
    "external_id": "Mã",
    "full_name": "Họ và tên",
    "alias": "Bí danh",
    "sex": "Giới tính",
    "birth": "Năm sinh / ngày sinh",
    "home_place": "Quê quán",
    "enlistment": "Nhập ngũ",
    "unit": "Đơn vị",
    "rank": "Cấp bậc",
    "position": "Chức vụ",
    "death_date": "Ngày hy sinh",
    "death_place": "Nơi hy sinh",
    "burial_place": "Nơi an táng",
    "ministry_file_no": "Số hồ sơ (Bộ)",
    "province_file_no": "Số hồ sơ (tỉnh)",
    "certificate_no": "Số bằng Tổ quốc ghi công",
    "father": "Họ tên cha",
    "mother": "Họ tên mẹ",
    "spouse": "Họ tên vợ/chồng",
    "status": "Tình trạng",
    "notes": "Ghi chú",
}
_ENGINE_TO_MODEL = {"id": "external_id"}
_EXTRA_ALIASES = {
    "so ho so bo": "ministry_file_no",
    "so ho so cua bo": "ministry_file_no",
    "ma ho so bo": "ministry_file_no",
    "so ho so tinh": "province_file_no",
    "so ho so so": "province_file_no",
    "so bang": "certificate_no",
    "so bang to quoc ghi cong": "certificate_no",
    "bang tqgc": "certificate_no",
    "so bang tqgc": "certificate_no",
    "ho ten cha": "father",
    "cha": "father",
    "bo": "father",
    "ten cha": "father",
    "ho ten me": "mother",
    "me": "mother",
    "ten me": "mother",
    "vo": "spouse",
    "chong": "spouse",
    "vo chong": "spouse",
    "ho ten vo": "spouse",
    "tinh trang": "status",
    "tinh trang hai cot": "status",
    "trang thai": "status",
    "ghi chu": "notes",
}
_STATUS_WORDS = {
    "chua tim thay": MartyrStatus.REMAINS_NOT_FOUND,
    "chua quy tap": MartyrStatus.REMAINS_NOT_FOUND,
    "chua xac dinh": MartyrStatus.GRAVE_UNCONFIRMED,
    "co mo": MartyrStatus.GRAVE_UNCONFIRMED,
    "da xac dinh": MartyrStatus.IDENTIFIED,
    "da xac dinh danh tinh": MartyrStatus.IDENTIFIED,
}


def _max_lengths(model: type[models.Model]) -> dict[str, int]:
    return {f.name: f.max_length for f in model._meta.get_fields() if getattr(f, "max_length", None)}


MAX_LENGTHS = _max_lengths(Martyr)
for _value, _label in MartyrStatus.choices:  # the labels our export writes
    if _value:
        _STATUS_WORDS.setdefault(fold_plain(_label), _value)
for _field, _label in FIELDS.items():  # our own export's headers read back
    _EXTRA_ALIASES.setdefault(fold_plain(_label), _field)


class ImportFileError(ValueError):
    """The file itself cannot be read; the message is for staff, in Vietnamese."""


def _fold_header(header) -> str:
    return fold_plain(str(header or "").replace("\ufeff", ""))


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Martyr list: field -> column index, from the headers."""
    mapping: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = _fold_header(header)
        name = HEADER_ALIASES.get(key) or HEADER_ALIASES.get(key.replace(" ", "")) or _EXTRA_ALIASES.get(key)
        name = _ENGINE_TO_MODEL.get(name, name)
        if name in FIELDS and name not in mapping:
            mapping[name] = i
    return mapping


def is_spreadsheet(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"PK"


def read_table(path: Path, original_name: str, encoding: str = "") -> tuple[list[str], Iterator[list[str]]]:
    """(headers, rows) of an XLSX or CSV file; rows are lists of strings, streamed. ``encoding``: of a CSV
    file, when the user chose one (otherwise detected)."""
    suffix = original_name.lower().rsplit(".", 1)[-1]
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK"):
        return _read_xlsx(path)
    if suffix in {"xlsx", "xlsm"}:
        raise ImportFileError("Tệp không phải Excel hợp lệ (.xlsx). Hãy lưu lại bằng Excel hoặc xuất ra CSV.")
    if suffix == "xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Định dạng Excel cũ (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu thành .xlsx."
        )
    return _read_csv(path, encoding)


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(f"Không đọc được tệp Excel: {exc}") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    headers: list[str] = []
    for (
        row
    ) in rows:  # the header is the first row with at least two filled cells (titles above it are skipped)
        cells = ["" if c is None else str(c).strip() for c in row]
        if sum(1 for c in cells if c) >= 2:
            headers = cells
            break
    if not headers:
        raise ImportFileError("Không thấy dòng tiêu đề trong trang tính đầu tiên.")

    def gen():
        try:
            for row in rows:
                yield [_cell(c) for c in row]
        finally:
            wb.close()

    return headers, gen()


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Encodings a Vietnamese list arrives in, in the order they are tried. UTF-8 is what every current tool writes;
# UTF-16 is Excel's "Unicode Text" export; Windows-1258 is what Vietnamese Windows wrote before Unicode; Latin-1
# decodes any byte, so it is the last resort. (TCVN3/ABC, the older Vietnamese font encoding, has no Python codec
# and is not detected: such files come out garbled and the user is told so.)
ENCODINGS: dict[str, str] = {
    "utf-8": "UTF-8 (Unicode)",
    "utf-16": "UTF-16 (Unicode, “Unicode Text” của Excel)",
    "utf-16-le": "UTF-16 LE (không có BOM)",
    "utf-16-be": "UTF-16 BE (không có BOM)",
    "cp1258": "Windows-1258 (tiếng Việt, Windows cũ)",
    "latin-1": "Latin-1 (ISO 8859-1)",
}
SAMPLE_BYTES = (
    1 << 20
)  # enough lines of any list to tell its encoding; a cut inside a character is not an error


def detect_encoding(path: Path) -> str:
    """The encoding of a text file, from its byte-order mark or from the first ``SAMPLE_BYTES``.

    The sample usually ends inside the file, possibly inside a multi-byte character: UTF-8 is checked with an
    incremental decoder that is not told the input is complete, so a character cut at the end is not a
    failure, while any invalid sequence before it is."""
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
        complete = not fh.read(1)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _looks_utf16(sample):
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1258")
        return "cp1258"
    except UnicodeDecodeError:
        return "latin-1"


def _looks_utf16(sample: bytes) -> bool:
    """UTF-16 without a byte-order mark: text in Latin letters has a zero byte in every other position."""
    head = sample[:4096]
    if len(head) < 4:
        return False
    zeros = max(head[0::2].count(0), head[1::2].count(0))
    return zeros > len(head) // 4  # well over a quarter of the pairs: no 8-bit text has that many NULs


_MOJIBAKE = re.compile(
    "[ÃÂÄÅÆ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|\ufffd"
)


def headers_look_garbled(headers: list[str]) -> bool:
    """Headers that look like UTF-8 read in a one-byte encoding ("Há»\x8d vÃ\xa0 tÃªn") or that hold characters
    that could not be decoded at all."""
    return any(_MOJIBAKE.search(h or "") for h in headers)


def _read_csv(path: Path, encoding: str = ""):
    encoding = encoding or detect_encoding(path)
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # a byte-order mark, when there is one, is not part of the first header
    raw = open(path, "rb")  # noqa: SIM115 - closed by the generator
    text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
    first = text.readline()
    if not first.strip():
        raw.close()
        raise ImportFileError("Tệp rỗng hoặc không có dòng tiêu đề.")
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    headers = next(csv.reader([first], delimiter=delimiter))
    # Windows-1258 writes most Vietnamese letters as a base letter and a combining tone mark: compose them, so
    # that names compare and display as the same text typed in Unicode.
    compose = encoding == "cp1258"

    def gen():
        try:
            for row in csv.reader(text, delimiter=delimiter):
                yield [unicodedata.normalize("NFC", c) for c in row] if compose else row
        finally:
            raw.close()

    if compose:
        headers = [unicodedata.normalize("NFC", h) for h in headers]
    return [h.strip() for h in headers], gen()


@dataclass
class ParsedRow:
    number: int  # row number in the file, counting the header as row 1
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)
    system_id: int | None = None  # the record's number in this system, in rows of our own exports
    # content_hash(values) of a row without errors, worked out while reading (not for a row known to be new in a
    # dry run, which does not need it)
    digest: str = ""
    # (model values, linkage keys, frequency counters) of a row that will be a new record, worked out while
    # reading (the import's reader process; such a row's ``values`` then keep only its id); None: worked out
    # when needed
    derived: tuple | None = None
    # the reader knew the list's stored ids and this row's id was not among them: a new record, not looked up
    new: bool = False


def natural_key(values: dict[str, str]) -> str:
    """An id for lists that have none, stable across re-imports of the same list."""
    basis = "|".join(
        fold_plain(values.get(k, "")) for k in ("full_name", "birth", "home_place", "death_date")
    )
    return "auto-" + hashlib.sha1(basis.encode()).hexdigest()[:16]


def content_hash(values: dict[str, str]) -> str:
    """A digest of a checked row's columns (names and values): what a record stores of its last import, so a
    re-import tells an unchanged row by one comparison. 128 bits of BLAKE2b: a chance collision, which would
    leave one changed row unapplied, is out of reach for any number of rows a registry holds."""
    text = "\x1e".join(f"{name}\x1f{values[name]}" for name in sorted(values))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _row_values(cells: list[str], mapping: dict[str, int]) -> dict[str, str]:
    return {
        name: cells[index].strip() if index < len(cells) and cells[index] is not None else ""
        for name, index in mapping.items()
    }


def _check_lengths(row: ParsedRow, limits: dict[str, int], labels: dict[str, str]) -> None:
    for name, text in row.values.items():
        limit = limits.get(name)
        if limit and len(text) > limit:
            row.errors.append((labels.get(name, name), f"Dài quá {limit} ký tự"))


def parse_row(number: int, cells: list[str], mapping: dict[str, int]) -> ParsedRow:
    """A row of a martyr list."""
    values = _row_values(cells, mapping)
    row = ParsedRow(number, values)
    if not values.get("full_name") and not values.get("alias"):
        row.errors.append((FIELDS["full_name"], "Thiếu họ tên"))
    for name in ("birth", "death_date", "enlistment"):
        text = values.get(name, "")
        if text and not parse_date(text):
            row.errors.append(
                (FIELDS[name], f"Không đọc được ngày/năm “{text}” (dùng dd/mm/yyyy, mm/yyyy hoặc yyyy)")
            )
    birth, death = parse_date(values.get("birth", "")), parse_date(values.get("death_date", ""))
    if birth and death and death.year < birth.year:
        row.errors.append((FIELDS["death_date"], "Năm hy sinh trước năm sinh"))
    status = values.get("status", "")
    if status:
        values["status"] = _STATUS_WORDS.get(fold_plain(status), "")
        if not values["status"]:
            row.errors.append((FIELDS["status"], f"Không hiểu tình trạng “{status}”"))
    _check_lengths(row, MAX_LENGTHS, FIELDS)
    if not values.get("external_id"):
        values["external_id"] = natural_key(values)
    return row


def martyr_values(values: dict[str, str]) -> dict[str, object]:
    """Model field values from a parsed row (derived fields included)."""
    from .matching import HOME_FIELDS, resolved_home

    out: dict[str, object] = {k: v for k, v in values.items() if k in FIELDS}
    # Derived fields follow their source, and only when the source is given (a re-import of a list without
    # a home-place column must not erase the resolved home place).
    if "birth" in values:
        birth = parse_date(values["birth"])
        out["birth_year"] = birth.year if birth else None
    if "death_date" in values:
        death = parse_date(values["death_date"])
        out["death_year"] = death.year if death else None
    if "home_place" in values:
        out.update(zip(HOME_FIELDS, resolved_home(values["home_place"]), strict=True))
    return out


# ------------------------------------------------------------------------------------------ grave lists

GRAVE_FIELDS: dict[str, str] = {
    "external_id": "Mã",
    "cemetery": "Nghĩa trang",
    "cemetery_address": "Địa chỉ nghĩa trang",
    "zone": "Khu",
    "lot": "Lô",
    "row": "Hàng",
    "number": "Số mộ",
    "headstone_name": "Tên trên bia",
    "home_place_hint": "Quê quán (trên bia)",
    "unit_hint": "Đơn vị (trên bia)",
    "death_year_hint": "Năm hy sinh (trên bia)",
    "partial_info": "Thông tin khác trên bia",
    "has_remains": "Có hài cốt",
    "gathered_by": "Đơn vị quy tập",
    "gathered_from": "Quy tập từ",
    "gathered_at": "Thời gian quy tập",
    "latitude": "Vĩ độ",
    "longitude": "Kinh độ",
}
_GRAVE_ALIASES: dict[str, str] = {}
for _field, _names in {
    "external_id": ["ma", "ma mo", "ma so", "id", "stt mo"],
    "cemetery": ["nghia trang", "ten nghia trang", "nghia trang liet si", "ntls"],
    "cemetery_address": ["dia chi nghia trang", "dia chi ntls"],
    "zone": ["khu", "khu mo"],
    "lot": ["lo", "lo mo"],
    "row": ["hang", "hang mo", "day"],
    "number": ["so mo", "mo so", "so", "vi tri mo"],
    "headstone_name": [
        "ten tren bia",
        "ho ten tren bia",
        "ho va ten",
        "ho ten",
        "ho ten liet si",
        "ten liet si",
        "ten",
    ],
    "home_place_hint": ["que quan", "nguyen quan", "que", "que quan tren bia"],
    "unit_hint": ["don vi", "don vi tren bia", "don vi khi hy sinh"],
    "death_year_hint": ["nam hy sinh", "ngay hy sinh", "hy sinh", "ngay thang nam hy sinh"],
    "partial_info": ["thong tin khac", "thong tin tren bia", "ghi chu"],
    "has_remains": ["co hai cot", "hai cot", "tinh trang hai cot"],
    "gathered_by": ["don vi quy tap", "quy tap boi"],
    "gathered_from": ["quy tap tu", "noi quy tap", "noi an tang ban dau"],
    "gathered_at": ["thoi gian quy tap", "nam quy tap", "ngay quy tap"],
    "latitude": ["vi do", "latitude", "lat"],
    "longitude": ["kinh do", "longitude", "lng", "lon"],
}.items():
    for _n in _names:
        _GRAVE_ALIASES[_n] = _field
for _field, _label in GRAVE_FIELDS.items():  # our own export's headers read back
    _GRAVE_ALIASES.setdefault(fold_plain(_label), _field)
_YES = {"co", "x", "1", "yes", "true", "co hai cot"}
_NO = {"khong", "0", "no", "false", "khong co", "khong co hai cot", "mo gio", "chua co", "chua quy tap"}
GRAVE_MAX_LENGTHS = _max_lengths(Grave)


def guess_grave_mapping(headers: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for i, header in enumerate(headers):
        name = _GRAVE_ALIASES.get(_fold_header(header))
        if name and name not in mapping:
            mapping[name] = i
    return mapping


def grave_natural_key(values: dict[str, str]) -> str:
    """A grave is where it lies: cemetery and position (with the headstone name where a list gives no
    position)."""
    parts = [values.get(k, "") for k in ("cemetery", "zone", "lot", "row", "number")]
    if not any(parts[1:]):
        parts.append(values.get("headstone_name", ""))
    basis = "|".join(fold_plain(p) for p in parts)
    return "auto-" + hashlib.sha1(basis.encode()).hexdigest()[:16]


def parse_grave_row(
    number: int, cells: list[str], mapping: dict[str, int], defaults: dict[str, str]
) -> ParsedRow:
    values = _row_values(cells, mapping)
    for name, value in defaults.items():
        if value and not values.get(name):
            values[name] = value
    row = ParsedRow(number, values)
    if not values.get("cemetery"):
        row.errors.append((GRAVE_FIELDS["cemetery"], "Thiếu tên nghĩa trang"))
    if not any(values.get(k) for k in ("zone", "lot", "row", "number", "headstone_name", "external_id")):
        row.errors.append((GRAVE_FIELDS["number"], "Dòng không có vị trí mộ, tên trên bia hay mã"))
    text = values.get("death_year_hint", "")
    if text and not parse_date(text):
        row.errors.append(
            (
                GRAVE_FIELDS["death_year_hint"],
                f"Không đọc được năm “{text}” (dùng dd/mm/yyyy, mm/yyyy hoặc yyyy)",
            )
        )
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        text = values.get(name, "").replace(",", ".")
        if not text:
            continue
        try:
            number_value = Decimal(text)
        except InvalidOperation:
            number_value = None
        if number_value is None or not number_value.is_finite():
            row.errors.append((GRAVE_FIELDS[name], f"Không đọc được tọa độ “{values[name]}”"))
        elif not low <= number_value <= high:
            row.errors.append(
                (GRAVE_FIELDS[name], f"Tọa độ “{values[name]}” ngoài phạm vi ({low} đến {high})")
            )
        else:
            values[name] = str(number_value.quantize(Decimal("0.000001")))
    if bool(values.get("latitude")) != bool(values.get("longitude")):
        row.errors.append((GRAVE_FIELDS["latitude"], "Cần cả vĩ độ và kinh độ"))
    remains = values.get("has_remains", "")
    if remains:
        folded = fold_plain(remains)
        if folded in _YES:
            values["has_remains"] = "1"
        elif folded in _NO:
            values["has_remains"] = "0"
        else:
            row.errors.append((GRAVE_FIELDS["has_remains"], f"Không hiểu “{remains}” (ghi Có hoặc Không)"))
    _check_lengths(row, GRAVE_MAX_LENGTHS, GRAVE_FIELDS)
    if not values.get("external_id"):
        values["external_id"] = grave_natural_key(values)
    return row


def grave_values(values: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {k: v for k, v in values.items() if k in GRAVE_FIELDS}
    if "has_remains" in values:
        out["has_remains"] = {"1": True, "0": False}.get(values["has_remains"])
    for name in ("latitude", "longitude"):
        if name in values:
            out[name] = Decimal(values[name]) if values[name] else None
    return out


# ------------------------------------------------------------------------------------------ the kinds


# Our exports carry each record's number in this system, so an exported list, corrected in Excel and imported
# again, updates those very records (whatever list they came from, typed in by hand included).
SYSTEM_ID = "system_id"
SYSTEM_ID_LABEL = "Số hiệu hệ thống"


@dataclass(frozen=True)
class ListKind:
    """What differs between a martyr list and a grave list; everything else (reading, dry run, chunks,
    progress, re-import by id) is shared."""

    model: type[models.Model]
    fields: dict[str, str]  # field -> label, in the order of the official forms
    required: str  # the field whose column must be chosen
    guess: Callable[[list[str]], dict[str, int]]
    parse: Callable[[int, list[str], dict[str, int], dict[str, str]], ParsedRow]
    values: Callable[[dict[str, str]], dict[str, object]]
    index_kind: str  # the records' kind in the linkage index (matching.MARTYR or matching.GRAVE)

    @property
    def columns(self) -> dict[str, str]:
        """Every column an import can map: the list's fields and the system number."""
        return {**self.fields, SYSTEM_ID: SYSTEM_ID_LABEL}

    def guess_columns(self, headers: list[str]) -> dict[str, int]:
        mapping = self.guess(headers)
        for i, header in enumerate(headers):
            if _fold_header(header) == fold_plain(SYSTEM_ID_LABEL) and i not in mapping.values():
                mapping[SYSTEM_ID] = i
                break
        return mapping

    def parse_cells(
        self, number: int, cells: list[str], mapping: dict[str, int], defaults: dict[str, str]
    ) -> ParsedRow:
        row = self.parse(number, cells, mapping, defaults)
        text = row.values.pop(SYSTEM_ID, "").lstrip("#")
        if text.isdigit():
            row.system_id = int(text)
        elif text:
            row.errors.append((SYSTEM_ID_LABEL, f"Số hiệu “{text}” không hợp lệ (chỉ gồm chữ số)"))
        return row


KINDS: dict[str, ListKind] = {
    ImportKind.MARTYRS: ListKind(
        model=Martyr,
        fields=FIELDS,
        required="full_name",
        guess=guess_mapping,
        parse=lambda number, cells, mapping, _defaults: parse_row(number, cells, mapping),
        values=martyr_values,
        index_kind=MARTYR,
    ),
    ImportKind.GRAVES: ListKind(
        model=Grave,
        fields=GRAVE_FIELDS,
        required="cemetery",
        guess=guess_grave_mapping,
        parse=parse_grave_row,
        values=grave_values,
        index_kind=GRAVE,
    ),
}
