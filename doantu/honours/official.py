"""A small renderer of the official layout (Decree 30/2020/NĐ-CP, appendix I) with python-docx, for the
commendation lists: A4, margins 20/20/30/15 mm, Times New Roman, the issuing body and number top left, the
national motto top right over the place and date in italics, a bold centred title, the body, then "Nơi nhận:"
left and the signature block right.

The project's one renderer is meant to be ``documents.official.OfficialDocument`` (branch foundation); this
module keeps the same small surface (``table``, ``paragraph``, ``closing``, ``to_bytes``) so that the export
switches to it by changing one import when it lands.
"""

import datetime as dt
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"


def _font(run, size: float = 13, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline


def _para(
    cell_or_doc,
    text: str = "",
    *,
    align=WD_ALIGN_PARAGRAPH.LEFT,
    size=13,
    bold=False,
    italic=False,
    underline=False,
    space_after=0,
):
    p = cell_or_doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if text:
        _font(p.add_run(text), size, bold, italic, underline)
    return p


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


class OfficialDocument:
    def __init__(
        self,
        *,
        issuer: list[str],
        number: str,
        place: str,
        date: dt.date,
        title: str,
        subtitle: str = "",
        landscape: bool = False,
    ):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_height, section.page_width = Mm(297), Mm(210)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_height, section.page_width = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        style = self.doc.styles["Normal"]
        style.font.name, style.font.size = FONT, Pt(13)
        width = section.page_width - section.left_margin - section.right_margin
        head = self.doc.add_table(rows=1, cols=2)
        _borderless(head)
        head.autofit = False
        left, right = head.rows[0].cells
        left.width, right.width = int(width * 0.4), int(width * 0.6)
        left.paragraphs[0].text = ""
        for i, line in enumerate(issuer):
            p = left.paragraphs[0] if i == 0 else left.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(line), 13, bold=i == len(issuer) - 1)
        _para(left, "Số: " + (number or "      /"), align=WD_ALIGN_PARAGRAPH.CENTER)
        p = right.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
        _para(
            right,
            "Độc lập - Tự do - Hạnh phúc",
            align=WD_ALIGN_PARAGRAPH.CENTER,
            size=13,
            bold=True,
            underline=True,
            space_after=6,
        )
        _para(
            right,
            f"{place}, ngày {date.day:02d} tháng {date.month:02d} năm {date.year}",
            align=WD_ALIGN_PARAGRAPH.CENTER,
            size=13,
            italic=True,
        )
        _para(self.doc, "", space_after=6)
        _para(self.doc, title, align=WD_ALIGN_PARAGRAPH.CENTER, size=14, bold=True)
        if subtitle:
            _para(self.doc, f"({subtitle})", align=WD_ALIGN_PARAGRAPH.CENTER, size=13, italic=True)
        _para(self.doc, "", space_after=6)
        self.width = width

    def paragraph(self, text: str, *, bold: bool = False, italic: bool = False) -> None:
        _para(self.doc, text, bold=bold, italic=italic, space_after=6)

    def table(
        self, header: list[str], rows: list[list[str]], *, widths_cm: list[float], group_rows: bool = False
    ):
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for cell, text, w in zip(table.rows[0].cells, header, widths_cm, strict=True):
            cell.width = Cm(w)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cell.paragraphs[0].add_run(text), 12, bold=True)
        for values in rows:
            cells = table.add_row().cells
            heading = group_rows and all(not v for v in values[1:])
            if heading:
                merged = cells[0].merge(cells[-1])
                _font(merged.paragraphs[0].add_run(values[0]), 12, bold=True)
                continue
            for cell, text, w in zip(cells, values, widths_cm, strict=True):
                cell.width = Cm(w)
                lines = (text or "").split("\n")
                for i, line in enumerate(lines):
                    p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                    if cell is cells[0]:
                        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    _font(p.add_run(line), 12)
        _para(self.doc, "", space_after=6)
        return table

    def closing(self, *, recipients: list[str], signature: list[str], signer: str = "") -> None:
        table = self.doc.add_table(rows=1, cols=2)
        _borderless(table)
        left, right = table.rows[0].cells
        p = left.paragraphs[0]
        _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
        for line in recipients:
            _para(left, f"- {line}", size=11)
        for i, line in enumerate(signature):
            p = right.paragraphs[0] if i == 0 else right.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(line), 13, bold=True)
        for _ in range(4):
            _para(right, "")
        _para(right, signer, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
