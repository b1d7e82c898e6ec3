"""Reading official lists (XLSX, CSV) with Vietnamese headers: header mapping, row parsing and checking.

Headers are matched after folding (case, diacritics, spacing) against the names official lists use; the
engine's aliases cover the fields it compares, the rest (file numbers, parents, status) are added here. Staff
can correct the mapping before the dry run. Rows are read as a stream, so a list of any length fits in memory.
"""

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from doantu.linkage.csvio import HEADER_ALIASES
from doantu.linkage.dates import parse_date
from doantu.linkage.normalize import fold_plain

from .models import Martyr, MartyrStatus

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
MAX_LENGTHS = {f.name: f.max_length for f in Martyr._meta.get_fields() if getattr(f, "max_length", None)}


class ImportFileError(ValueError):
    """The file itself cannot be read; the message is for staff, in Vietnamese."""


def guess_mapping(headers: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = fold_plain(str(header or "").replace("\ufeff", ""))
        name = HEADER_ALIASES.get(key) or HEADER_ALIASES.get(key.replace(" ", "")) or _EXTRA_ALIASES.get(key)
        name = _ENGINE_TO_MODEL.get(name, name)
        if name in FIELDS and name not in mapping:
            mapping[name] = i
    return mapping


def read_table(path: Path, original_name: str) -> tuple[list[str], Iterator[list[str]]]:
    """(headers, rows) of an XLSX or CSV file; rows are lists of strings, streamed."""
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
    return _read_csv(path)


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


def _read_csv(path: Path):
    raw = open(path, "rb")  # noqa: SIM115 - closed by the generator
    sample = raw.read(65536)
    raw.seek(0)
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            sample.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
    first = text.readline()
    if not first.strip():
        raw.close()
        raise ImportFileError("Tệp rỗng hoặc không có dòng tiêu đề.")
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    headers = next(csv.reader([first], delimiter=delimiter))

    def gen():
        try:
            yield from csv.reader(text, delimiter=delimiter)
        finally:
            raw.close()

    return [h.strip() for h in headers], gen()


@dataclass
class ParsedRow:
    number: int  # row number in the file, counting the header as row 1
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)


def natural_key(values: dict[str, str]) -> str:
    """An id for lists that have none, stable across re-imports of the same list."""
    basis = "|".join(
        fold_plain(values.get(k, "")) for k in ("full_name", "birth", "home_place", "death_date")
    )
    return "auto-" + hashlib.sha1(basis.encode()).hexdigest()[:16]


def parse_row(number: int, cells: list[str], mapping: dict[str, int]) -> ParsedRow:
    values = {}
    for name, index in mapping.items():
        values[name] = cells[index].strip() if index < len(cells) and cells[index] is not None else ""
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
    for name, text in values.items():
        limit = MAX_LENGTHS.get(name)
        if limit and len(text) > limit:
            row.errors.append((FIELDS.get(name, name), f"Dài quá {limit} ký tự"))
    status = values.get("status", "")
    if status:
        values["status"] = _STATUS_WORDS.get(fold_plain(status), "")
        if not values["status"]:
            row.errors.append((FIELDS["status"], f"Không hiểu tình trạng “{status}”"))
    if not values.get("external_id"):
        values["external_id"] = natural_key(values)
    return row


def martyr_values(values: dict[str, str]) -> dict[str, object]:
    """Model field values from a parsed row (derived fields included)."""
    from .matching import resolved_home

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
        out["home_resolved"], out["home_province_2025"] = resolved_home(values["home_place"])
    return out
