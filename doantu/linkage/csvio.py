"""Reading registry/query CSV files with Vietnamese headers, tolerantly and as a stream.

Headers are matched after folding (case, diacritics, punctuation and spacing ignored) against the names used by
official lists and their common variants ("Họ và tên" / "Họ tên" / "HO TEN"; "Mã" / "Mã hồ sơ" / "ID"; "Quê quán"
/ "Nguyên quán"…). Unknown columns are ignored; missing ones are empty. A UTF-8 BOM is skipped; the delimiter
(``,`` ``;`` tab or ``|``) is detected from the header line. Rows are yielded one at a time, so files of any size
can be read; a file without an id column gets ``row-N`` ids (N = data row number, from 1).

For parallel index builds a file can be cut into byte ranges (``split_ranges``) that start on a record boundary
— never inside a quoted field — and each range read on its own (``read_range``).
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .normalize import fold_plain
from .records import RECORD_FIELDS, Record

__all__ = [
    "HEADER_ALIASES",
    "CsvLayout",
    "inspect_csv",
    "map_header",
    "read_range",
    "read_records",
    "split_ranges",
]

# folded header → Record field
HEADER_ALIASES: dict[str, str] = {}
for _field, _names in {
    "id": [
        "ma",
        "ma so",
        "ma ho so",
        "ma ls",
        "ma liet si",
        "id",
        "so ho so",
        "so tt",
        "ma hs",
        "record",
        "query",
    ],
    "full_name": [
        "ho va ten",
        "ho ten",
        "ten",
        "ho ten liet si",
        "ten liet si",
        "name",
        "full name",
        "hovaten",
    ],
    "alias": ["bi danh", "ten khac", "ten goi khac", "alias"],
    "sex": ["gioi tinh", "gioi", "phai", "sex", "gender"],
    "birth": ["nam sinh", "ngay sinh", "ngay thang nam sinh", "sinh nam", "birth", "sinh"],
    "home_place": ["que quan", "nguyen quan", "que", "dia chi", "home place", "hometown", "noi sinh"],
    "enlistment": ["nhap ngu", "ngay nhap ngu", "nam nhap ngu", "thang nam nhap ngu", "enlistment"],
    "unit": ["don vi", "don vi khi hy sinh", "don vi hy sinh", "unit"],
    "rank": ["cap bac", "quan ham", "rank"],
    "position": ["chuc vu", "position"],
    "death_date": [
        "ngay hy sinh",
        "nam hy sinh",
        "hy sinh",
        "ngay thang nam hy sinh",
        "ngay mat",
        "death date",
    ],
    "death_place": ["noi hy sinh", "death place"],
    "burial_place": ["noi an tang", "noi an tang ban dau", "an tang", "noi chon cat", "burial place", "mo"],
}.items():
    for _n in _names:
        HEADER_ALIASES[_n] = _field


def map_header(header: list[str]) -> dict[str, int]:
    """Record field → column index, first matching column wins."""
    out: dict[str, int] = {}
    for i, h in enumerate(header):
        key = fold_plain(h.replace("\ufeff", ""))
        fld = HEADER_ALIASES.get(key) or HEADER_ALIASES.get(key.replace(" ", ""))
        if fld and fld not in out:
            out[fld] = i
    return out


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class CsvLayout:
    """What the header says: delimiter, where each Record field is, and where the data starts (bytes)."""

    path: str
    encoding: str
    delimiter: str
    field_cols: tuple[int, ...]  # column of each Record field after the id; -1 = absent
    id_col: int
    data_start: int
    size: int


def _layout(path: str, header_line: str, encoding: str, data_start: int, size: int) -> CsvLayout:
    delim = _sniff_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delim))
    cols = map_header(header)
    if "full_name" not in cols and "alias" not in cols:
        raise ValueError(f"{path}: no name column found in header {header!r}")
    return CsvLayout(
        path,
        encoding,
        delim,
        tuple(cols.get(f, -1) for f in RECORD_FIELDS[1:]),
        cols.get("id", -1),
        data_start,
        size,
    )


def inspect_csv(path: str | Path, encoding: str = "utf-8-sig") -> CsvLayout:
    """Read the header line of a file."""
    with open(path, "rb") as fh:
        first = fh.readline()
        start = fh.tell()
    size = os.path.getsize(path)
    return _layout(str(path), first.decode(encoding, errors="replace").rstrip("\r\n"), encoding, start, size)


def _records(rows: Iterator[list[str]], layout: CsvLayout, first_row: int) -> Iterator[Record]:
    idx = layout.field_cols
    id_col = layout.id_col
    for n, row in enumerate(rows, start=first_row):
        if not row:
            continue
        width = len(row)
        vals = [row[i].strip() if 0 <= i < width else "" for i in idx]
        if not any(vals):
            continue
        rid = row[id_col].strip() if 0 <= id_col < width else ""
        yield Record(rid or f"row-{n}", *vals)


def read_records(path: str | Path, encoding: str = "utf-8-sig") -> Iterator[Record]:
    """Stream ``Record`` objects from a CSV file (``-`` = stdin)."""
    if str(path) == "-":
        fh = io.TextIOWrapper(sys.stdin.buffer, encoding=encoding, errors="replace", newline="")
        first = fh.readline()
        if not first:
            return
        layout = _layout("-", first.rstrip("\r\n"), encoding, 0, 0)
        yield from _records(csv.reader(fh, delimiter=layout.delimiter), layout, 1)
        return
    layout = inspect_csv(path, encoding)
    yield from read_range(layout, layout.data_start, layout.size, 1)


def read_range(layout: CsvLayout, start: int, end: int, first_row: int) -> Iterator[Record]:
    """Records whose first byte lies in [start, end) — ``start`` must be a record boundary."""
    enc = "utf-8" if layout.encoding.lower().replace("_", "-") == "utf-8-sig" else layout.encoding

    def lines() -> Iterator[str]:
        with open(layout.path, "rb") as fh:
            fh.seek(start)
            pos = start
            in_quotes = False
            while True:
                raw = fh.readline()
                if not raw:
                    return
                if pos >= end and not in_quotes:
                    return
                pos += len(raw)
                if raw.count(b'"') % 2:
                    in_quotes = not in_quotes  # a quoted field continues on the next line
                yield raw.decode(enc, errors="replace")

    yield from _records(csv.reader(lines(), delimiter=layout.delimiter), layout, first_row)


def split_ranges(layout: CsvLayout, parts: int) -> list[tuple[int, int, int]]:
    """Cut the data into about ``parts`` byte ranges on record boundaries: ``(start, end, first_row_number)``."""
    with open(layout.path, "rb") as fh:
        data = fh.read()
    cuts = [layout.data_start]
    for k in range(1, parts):
        pos = data.find(
            b"\n", max(cuts[-1], layout.data_start + k * (layout.size - layout.data_start) // parts)
        )
        while pos != -1 and data.count(b'"', layout.data_start, pos) % 2:  # inside a quoted field: next line
            pos = data.find(b"\n", pos + 1)
        if pos == -1 or pos + 1 >= layout.size:
            break
        cuts.append(pos + 1)
    cuts.append(layout.size)
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if b > a:
            out.append((a, b, data.count(b"\n", layout.data_start, a) + 1))
    return out
