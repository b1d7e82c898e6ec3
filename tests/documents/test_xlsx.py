"""Workbooks read back with openpyxl: headers bold and frozen, Vietnamese text intact, dates dd/mm/yyyy, numbers as
numbers, and text that looks like a formula stays text."""

import io
from datetime import date, datetime

import openpyxl

from doantu.documents.xlsx import Sheet, workbook


def test_sheets_headers_dates_and_numbers():
    content = workbook(
        [
            Sheet(
                "Theo tổ dân phố",
                ["Tổ dân phố", "Số tin", "Ngày"],
                [["Tổ 1 – Phùng Chí Kiên", 12, date(2026, 11, 3)]],
            ),
            Sheet("Theo tuần", ["Tuần", "Số tin"], [["Tuần 45", 3.5]], widths=[20, 8]),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Theo tổ dân phố", "Theo tuần"]
    ws = book["Theo tổ dân phố"]
    assert [c.value for c in ws[1]] == ["Tổ dân phố", "Số tin", "Ngày"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == "Tổ 1 – Phùng Chí Kiên"
    assert ws["B2"].value == 12
    assert ws["C2"].value == datetime(2026, 11, 3) and ws["C2"].number_format == "dd/mm/yyyy"
    assert book["Theo tuần"]["B2"].value == 3.5


def test_formula_like_text_stays_text():
    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
    content = workbook([Sheet("Nhập", ["Nội dung"], [[e] for e in evil] + [["- Lưu: VT"]])])
    ws = openpyxl.load_workbook(io.BytesIO(content))["Nhập"]
    for row, text in enumerate(evil, start=2):
        cell = ws.cell(row, 1)
        assert cell.data_type == "s" and cell.value == text  # a string as typed, never a formula
        assert cell.quotePrefix
    assert ws.cell(2 + len(evil), 1).value == "- Lưu: VT"


def test_sheet_titles_are_made_valid_and_unique():
    content = workbook([Sheet("a/b:c" * 10, ["x"]), Sheet("a/b:c" * 10, ["x"])])
    names = openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    assert len(names) == 2 and len(set(names)) == 2 and all(len(n) <= 31 and "/" not in n for n in names)
