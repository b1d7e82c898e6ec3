"""XLSX workbooks (annexes, exports) with xlsxwriter: one call, one sheet per table.

    content = workbook([Sheet("Theo tổ dân phố", ["Tổ", "Số tin"], [["Tổ 1", 12]], widths=[30, 10])])

Every sheet: a bold, wrapped, frozen header row; Vietnamese text as is (UTF-8); ``date``/``datetime`` values as real
dates shown dd/mm/yyyy (dd/mm/yyyy hh:mm); numbers as numbers. Text is always written as text, never as a formula, and
text that a spreadsheet would read as a formula when retyped or saved as CSV (starting with = + - @, a tab or a carriage
return — OWASP "CSV injection") is stored with Excel's quote prefix, so it shows as typed and can never run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_TITLE = 31  # Excel's limit on a sheet's name
FORBIDDEN_IN_TITLE = "[]:*?/\\"


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    widths: list[float] | None = None  # in characters; guessed from the content when None
    note: str = ""  # a line written above the header (e.g. the period), optional


def formula_unsafe(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def sheet_title(title: str, taken: set[str]) -> str:
    clean = "".join("-" if ch in FORBIDDEN_IN_TITLE else ch for ch in title).strip("'") or "Trang"
    clean = clean[:MAX_TITLE]
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = clean[: MAX_TITLE - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def workbook(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#F2F2F2"}
    )
    note_fmt = book.add_format({"italic": True})
    text_fmt = book.add_format({"valign": "top"})
    quoted = book.add_format({"valign": "top", "quote_prefix": True})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    datetime_fmt = book.add_format({"num_format": "dd/mm/yyyy hh:mm", "valign": "top"})
    taken: set[str] = set()
    for spec in sheets or [Sheet("Trang 1", [])]:
        ws = book.add_worksheet(sheet_title(spec.title, taken))
        top = 0
        if spec.note:
            ws.write_string(0, 0, spec.note, note_fmt)
            top = 1
        widths = [len(str(h)) + 2 for h in spec.headers]
        for c, label in enumerate(spec.headers):
            ws.write_string(top, c, str(label), header)
        for r, row in enumerate(spec.rows, start=top + 1):
            for c, value in enumerate(row):
                _write(ws, r, c, value, text_fmt, quoted, date_fmt, datetime_fmt)
                if c < len(widths):
                    widths[c] = max(widths[c], min(len(_shown(value)) + 2, 60))
                else:
                    widths.append(min(len(_shown(value)) + 2, 60))
        for c, width in enumerate(spec.widths or widths):
            ws.set_column(c, c, width)
        ws.freeze_panes(top + 1, 0)
        if spec.headers and spec.rows:
            ws.autofilter(top, 0, top + len(spec.rows), len(spec.headers) - 1)
    book.close()
    return buffer.getvalue()


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return "dd/mm/yyyy hh:mm"
    if isinstance(value, date):
        return "dd/mm/yyyy"
    return "" if value is None else str(value)


def _write(ws, r, c, value, text_fmt, quoted, date_fmt, datetime_fmt) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, text_fmt)
    elif isinstance(value, bool):
        ws.write_string(r, c, "có" if value else "không", text_fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, float(value) if isinstance(value, Decimal) else value, text_fmt)
    elif isinstance(value, datetime):
        if value.tzinfo is not None:  # shown in the ward's time, as every page shows it
            from django.utils import timezone

            value = timezone.localtime(value)
        ws.write_datetime(r, c, value.replace(tzinfo=None), datetime_fmt)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_fmt)
    else:
        text = str(value)
        ws.write_string(r, c, text, quoted if formula_unsafe(text) else text_fmt)
