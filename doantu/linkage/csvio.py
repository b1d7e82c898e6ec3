"""Reading registry/query CSV files with Vietnamese headers, tolerantly and as a stream.

Headers are matched after folding (case, diacritics, punctuation and spacing ignored) against the names used by
official lists and their common variants ("Họ và tên" / "Họ tên" / "HO TEN"; "Mã" / "Mã hồ sơ" / "ID"; "Quê quán"
/ "Nguyên quán"…). Unknown columns are ignored; missing ones are empty. A UTF-8 BOM is skipped; the delimiter
(``,`` ``;`` tab or ``|``) is detected from the header line. Rows are yielded one at a time, so files of any size
can be read; a file without an id column gets ``row-N`` ids (N = data row number, from 1).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .normalize import fold_plain
from .records import Record

__all__ = ["HEADER_ALIASES", "map_header", "read_records"]

# folded header → Record field
HEADER_ALIASES: dict[str, str] = {}
for _field, _names in {
    "id": ["ma", "ma so", "ma ho so", "ma ls", "ma liet si", "id", "so ho so", "so tt", "ma hs", "record", "query"],
    "full_name": ["ho va ten", "ho ten", "ten", "ho ten liet si", "ten liet si", "name", "full name", "hovaten"],
    "alias": ["bi danh", "ten khac", "ten goi khac", "alias"],
    "sex": ["gioi tinh", "gioi", "phai", "sex", "gender"],
    "birth": ["nam sinh", "ngay sinh", "ngay thang nam sinh", "sinh nam", "birth", "sinh"],
    "home_place": ["que quan", "nguyen quan", "que", "dia chi", "home place", "hometown", "noi sinh"],
    "enlistment": ["nhap ngu", "ngay nhap ngu", "nam nhap ngu", "thang nam nhap ngu", "enlistment"],
    "unit": ["don vi", "don vi khi hy sinh", "don vi hy sinh", "unit"],
    "rank": ["cap bac", "quan ham", "rank"],
    "position": ["chuc vu", "position"],
    "death_date": ["ngay hy sinh", "nam hy sinh", "hy sinh", "ngay thang nam hy sinh", "ngay mat", "death date"],
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


def _open(path: str | Path, encoding: str) -> TextIO:
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding=encoding, errors="replace", newline="")
    return open(path, encoding=encoding, errors="replace", newline="")  # noqa: SIM115


def read_records(path: str | Path, encoding: str = "utf-8-sig") -> Iterator[Record]:
    """Stream ``Record`` objects from a CSV file (``-`` = stdin)."""
    with _open(path, encoding) as fh:
        first = fh.readline()
        if not first:
            return
        delim = _sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=delim))
        cols = map_header(header)
        if "full_name" not in cols and "alias" not in cols:
            raise ValueError(f"{path}: no name column found in header {header!r}")
        reader = csv.reader(fh, delimiter=delim)
        items = list(cols.items())
        for n, row in enumerate(reader, start=1):
            if not row or not any(c.strip() for c in row):
                continue
            vals = {f: (row[i].strip() if i < len(row) else "") for f, i in items}
            rid = vals.pop("id", "") or f"row-{n}"
            yield Record(id=rid, **vals)
