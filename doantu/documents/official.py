"""The official layout of Nghị định 30/2020/NĐ-CP (appendix I), written once with python-docx.

    doc = OfficialDocument(
        issuer_parent="ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN", issuer="ỦY BAN NHÂN DÂN PHƯỜNG ĐỨC XUÂN",
        kind="Báo cáo", number=12, symbol="BC-UBND", place="Đức Xuân", date=date(2026, 11, 30),
        title="Kết quả tháng 11 năm 2026 ...", recipients=["UBND tỉnh Thái Nguyên", "Lưu: VT, VH-XH"],
        signer_authority="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH", signer_name="Nguyễn Văn A",
    )
    doc.heading("I. KẾT QUẢ"); doc.paragraph("..."); doc.bullets([...]); doc.table(headers, rows)
    content = doc.to_docx()

Layout (appendix I of the decree): A4 portrait; margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm (we use
20/20/30/15); Times New Roman, black. Top left: the issuing body (the parent body above in capitals, the issuer in bold
capitals with a short line under it), then "Số: 12/BC-UBND". Top right: the national title (bold capitals, 12–13 pt), the
motto (bold, 13–14 pt, underlined over its whole length), then place and date in italics. Kind (e.g. BÁO CÁO) and title
(trích yếu) centred in bold, a short line under the title. Body 13–14 pt, justified, first-line indent 1–1.27 cm, line
spacing from single to 1.5. At the end: "Nơi nhận:" (bold italic 12 pt, the list 11 pt) on the left and the signature block
(authority and title in bold capitals, the signer's name in bold) on the right. Page numbers centred at the top from page 2.
``kind=""`` gives a công văn: no kind line; the title goes under the number as "V/v …" (12–13 pt).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"  # ND 30/2020, appendix I, 1(b)
BODY_PT = 14  # 13–14 pt
NATIONAL_TITLE_PT = 13  # 12–13 pt, bold capitals
MOTTO_PT = 14  # 13–14 pt, bold
ISSUER_PT = 13  # 12–13 pt
RECIPIENTS_HEAD_PT = 12  # "Nơi nhận:" bold italic 12 pt
RECIPIENTS_PT = 11  # the list, 11 pt
TABLE_PT = 12
FIRST_LINE_INDENT = Cm(1.27)  # 1–1.27 cm
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # 20–25 / 20–25 / 30–35 / 15–20
PAGES = {"A4": (210, 297), "A3": (297, 420), "A5": (148, 210)}
KINDS = {  # the abbreviations of appendix III, for those that build a symbol from a kind
    "BC": "Báo cáo",
    "KH": "Kế hoạch",
    "TB": "Thông báo",
    "QĐ": "Quyết định",
    "TTr": "Tờ trình",
    "CV": "",
}


def _set_run_font(run, *, size: float | None = None, bold=None, italic=None, underline=None) -> None:
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline


def _base_document(
    page: Any = "A4", margins_mm: dict[str, float] | None = None, *, landscape=False
) -> Document:
    doc = Document()
    width, height = PAGES[page] if isinstance(page, str) else page
    if landscape:
        width, height = max(width, height), min(width, height)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    margins = {**MARGINS_MM, **(margins_mm or {})}
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    section.header_distance = section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    doc.core_properties.language = "vi-VN"
    return doc


def blank_document(page: Any = "A4", margins_mm: dict[str, float] | None = None, *, landscape: bool = False):
    """A python-docx ``Document`` in Times New Roman on ``page`` ("A4", "A3", "A5" or ``(width_mm, height_mm)``) with
    the given margins (defaults: the decree's 20/20/30/15 mm) — for layouts that are not official letters (posters, slips,
    lists). Use ``styled_run(paragraph, text, size=..., bold=...)`` to add text in the house font."""
    return _base_document(page, margins_mm, landscape=landscape)


def styled_run(paragraph, text: str, *, size: float | None = None, bold=None, italic=None, underline=None):
    run = paragraph.add_run(text)
    _set_run_font(run, size=size, bold=bold, italic=italic, underline=underline)
    return run


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _fixed_widths(table, widths) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _cell_margins_zero(table) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)


def _line_under(cell_or_doc, width_cm: float, column_cm: float) -> None:
    """A short centred horizontal rule (the line under the issuer and under the title): an empty paragraph with a bottom
    border, indented so that the border is ``width_cm`` long."""
    paragraph = cell_or_doc.add_paragraph()
    indent = max((column_cm - width_cm) / 2, 0)
    paragraph.paragraph_format.left_indent = Cm(indent)
    paragraph.paragraph_format.right_indent = Cm(indent)
    paragraph.paragraph_format.space_before = Pt(2)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(4)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    p_pr.append(borders)
    run = paragraph.add_run("")
    _set_run_font(run, size=2)


def _page_number_header(section) -> None:
    """Page numbers centred at the top, from page 2 (the first page's header stays empty)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _set_run_font(run, size=BODY_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def vietnamese_date(place: str, when: Date | None, year: int | None = None) -> str:
    """ "Đức Xuân, ngày 05 tháng 02 năm 2026": a day under 10 and the months 1 and 2 take a leading zero (ND 30/2020,
    appendix I, II.5). Without a date (a draft not yet signed) the day and month are left blank for the signer."""
    if when is None:
        return f"{place}, ngày      tháng      năm {year or ''}".rstrip()
    day = f"{when.day:02d}"
    month = f"{when.month:02d}" if when.month <= 2 else str(when.month)
    return f"{place}, ngày {day} tháng {month} năm {when.year}"


def number_line(number: int | str | None, symbol: str) -> str:
    """ "Số: 12/BC-UBND"; a draft without a number keeps the space where the clerk writes it ("Số:      /BC-UBND")."""
    return f"Số: {number}/{symbol}" if number not in (None, "") else f"Số:        /{symbol}"


@dataclass
class OfficialDocument:
    issuer_parent: str
    issuer: str
    kind: str
    number: int | str | None
    symbol: str
    place: str
    date: Date | None
    title: str
    recipients: list[str] = field(default_factory=list)
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    draft_label: str = ""  # e.g. "DỰ THẢO" printed above the kind for drafts
    _blocks: list = field(default_factory=list, init=False, repr=False)

    HEADER_LEFT_CM = 6.5
    HEADER_RIGHT_CM = 10.0

    # ---- the body (kept as a list, rendered by to_docx so it can be called more than once)
    def heading(self, text: str, level: int = 1) -> OfficialDocument:
        """A section heading ("I. KẾT QUẢ", level 1, bold), a sub-heading ("1. Tiếp nhận", level 2, bold) or a
        level-3 heading (bold italic)."""
        self._blocks.append(("heading", text, level))
        return self

    def paragraph(
        self, text: str, *, bold=False, italic=False, indent=True, align="justify"
    ) -> OfficialDocument:
        self._blocks.append(
            ("paragraph", text, {"bold": bold, "italic": italic, "indent": indent, "align": align})
        )
        return self

    def bullets(self, items: list[str]) -> OfficialDocument:
        """Dash items, as official texts write them ("- ..."), each a justified paragraph."""
        self._blocks.append(("bullets", list(items), None))
        return self

    def table(
        self,
        headers: list[str],
        rows: list[list[Any]],
        *,
        widths_cm: list[float] | None = None,
        caption: str = "",
        numbered: bool = False,
        total_row: bool = False,
    ) -> OfficialDocument:
        """A ruled table: bold centred header row, numbers right-aligned, 12 pt. ``numbered`` adds the "TT" column
        (1, 2, 3…) official tables start with; ``total_row`` sets the last row in bold (a "Tổng cộng" line)."""
        headers, rows = list(headers), [list(r) for r in rows]
        if numbered:
            headers = ["TT", *headers]
            rows = [[("" if total_row and i == len(rows) else i), *r] for i, r in enumerate(rows, start=1)]
            if widths_cm is None and len(headers) > 2:
                values = len(headers) - 2
                value_cm = min(3.2, (self.body_width_cm - 1.2) * 0.5 / values)
                widths_cm = [1.2, self.body_width_cm - 1.2 - value_cm * values] + [value_cm] * values
        self._blocks.append(("table", (headers, rows, widths_cm, caption, total_row), None))
        return self

    def page_break(self) -> OfficialDocument:
        self._blocks.append(("break", None, None))
        return self

    # ---- rendering
    @property
    def body_width_cm(self) -> float:
        return (210 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10

    def _header(self, doc) -> None:
        left_cm, right_cm = self.HEADER_LEFT_CM, self.body_width_cm - self.HEADER_LEFT_CM
        table = doc.add_table(rows=2, cols=2)
        _no_borders(table)
        _cell_margins_zero(table)
        _fixed_widths(table, [Cm(left_cm), Cm(right_cm)])
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        left, right = table.cell(0, 0), table.cell(0, 1)

        p = left.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # "\n" in a name breaks the line where the clerk wants it ("ỦY BAN NHÂN DÂN\nPHƯỜNG ĐỨC XUÂN")
        lines = [(line, False) for line in self.issuer_parent.upper().splitlines() if line.strip()]
        lines += [(line, True) for line in self.issuer.upper().splitlines() if line.strip()]
        for i, (line, bold) in enumerate(lines):
            if i:
                p = left.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            styled_run(p, line.strip(), size=ISSUER_PT, bold=bold)
        longest = max((len(line) for line, bold in lines if bold), default=10)
        # the line under the issuer: a third to a half of the name's length (appendix I)
        _line_under(left, min(max(longest * 0.25 * 0.45, 1.5), left_cm * 0.5), left_cm)

        p = right.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styled_run(p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=NATIONAL_TITLE_PT, bold=True)
        p = right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styled_run(p, "Độc lập - Tự do - Hạnh phúc", size=MOTTO_PT, bold=True, underline=True)

        left2, right2 = table.cell(1, 0), table.cell(1, 1)
        p = left2.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(6)
        styled_run(p, number_line(self.number, self.symbol), size=ISSUER_PT)
        if not self.kind and self.title:  # công văn: the subject under the number
            p = left2.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            styled_run(p, f"V/v {self.title}", size=12)
        p = right2.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(6)
        styled_run(
            p,
            vietnamese_date(self.place, self.date, year=(self.date or Date.today()).year),
            size=BODY_PT,
            italic=True,
        )

    def _title(self, doc) -> None:
        if not self.kind:
            return
        if self.draft_label:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = Pt(12)
            styled_run(p, self.draft_label, size=12, bold=True, italic=True)
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(6 if self.draft_label else 18)
        styled_run(p, self.kind.upper(), size=BODY_PT, bold=True)
        if self.title:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            styled_run(p, self.title, size=BODY_PT, bold=True)
        _line_under(doc, 4.0, self.body_width_cm)
        doc.add_paragraph().paragraph_format.space_after = Pt(6)

    def _body_paragraph(self, doc, text, *, bold=False, italic=False, indent=True, align="justify"):
        p = doc.add_paragraph()
        p.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        fmt = p.paragraph_format
        fmt.first_line_indent = FIRST_LINE_INDENT if indent else None
        fmt.space_before = Pt(6)
        fmt.line_spacing = 1.15
        styled_run(p, text, size=BODY_PT, bold=bold, italic=italic)
        return p

    def _table(self, doc, headers, rows, widths_cm, caption, total_row=False) -> None:
        if caption:
            p = self._body_paragraph(doc, caption, italic=True, indent=False, align="center")
            p.paragraph_format.keep_with_next = True
        table = doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        if widths_cm is None:
            values = len(headers) - 1  # value columns ~3 cm each, the label column takes the rest
            first = (
                self.body_width_cm - min(3.2 * values, self.body_width_cm * 0.5)
                if values
                else self.body_width_cm
            )
            rest = (self.body_width_cm - first) / max(len(headers) - 1, 1)
            widths_cm = [first] + [rest] * (len(headers) - 1)
        _fixed_widths(table, [Cm(w) for w in widths_cm])
        for c, label in enumerate(headers):
            cell = table.cell(0, c)
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            styled_run(p, str(label), size=TABLE_PT, bold=True)
        # the header row repeats on each page a long table runs to
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        # Cells row by row: python-docx's ``table.cell(r, c)`` walks the whole grid on every call (a 100-row table
        # took 30 s); ``row.cells`` walks one row.
        for r, (row, table_row) in enumerate(zip(rows, table.rows[1:], strict=True), start=1):
            cells = table_row.cells
            for c, value in enumerate(row):
                p = cells[c].paragraphs[0]
                numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
                if headers[0] == "TT" and c == 0:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                bold = total_row and r == len(rows)
                styled_run(p, _format_cell(value), size=TABLE_PT, bold=bold or None)
        doc.add_paragraph()

    def _closing(self, doc) -> None:
        self._keep_last_lines_with_closing(doc)
        doc.add_paragraph().paragraph_format.keep_with_next = True
        left_cm = 7.0
        right_cm = self.body_width_cm - left_cm
        table = doc.add_table(rows=1, cols=2)
        _no_borders(table)
        _cell_margins_zero(table)
        _fixed_widths(table, [Cm(left_cm), Cm(right_cm)])
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")  # recipients and signature stay on one page
        tr_pr.append(cant_split)
        left, right = table.cell(0, 0), table.cell(0, 1)
        p = left.paragraphs[0]
        styled_run(p, "Nơi nhận:", size=RECIPIENTS_HEAD_PT, bold=True, italic=True)
        for i, recipient in enumerate(self.recipients):
            text = recipient.strip()
            last = i == len(self.recipients) - 1
            if text and text[-1] not in ";.:":
                text += "." if last else ";"
            p = left.add_paragraph()
            styled_run(p, f"- {text}", size=RECIPIENTS_PT)
        p = right.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styled_run(p, self.signer_authority.upper(), size=BODY_PT, bold=True)
        if self.signer_title:
            p = right.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            styled_run(p, self.signer_title.upper(), size=BODY_PT, bold=True)
        for _ in range(4):  # room for the signature and the seal
            right.add_paragraph()
        p = right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styled_run(p, self.signer_name, size=BODY_PT, bold=True)

    @staticmethod
    def _keep_last_lines_with_closing(doc) -> None:
        """Recipients and signature never stand alone on the last page: the body's last paragraph (or, after a table,
        the table's last row) goes with them (keep with next, honoured by Word and LibreOffice)."""
        body = doc.element.body
        blocks = [el for el in body.iterchildren() if el.tag.rsplit("}", 1)[-1] in ("p", "tbl")]
        for element in reversed(blocks):
            if element.tag.endswith("}tbl"):
                for cell in doc.tables[-1].rows[-1].cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
                return
            paragraph = next(p for p in doc.paragraphs if p._p is element)
            paragraph.paragraph_format.keep_with_next = True
            if paragraph.text.strip():
                return

    def build(self):
        """The python-docx ``Document`` (for a caller that needs to add something the API does not offer)."""
        doc = _base_document("A4")
        doc.core_properties.title = f"{self.kind} {self.title}".strip()
        doc.core_properties.author = self.issuer
        _page_number_header(doc.sections[0])
        self._header(doc)
        self._title(doc)
        for kind, payload, options in self._blocks:
            if kind == "heading":
                p = self._body_paragraph(doc, payload, bold=True, italic=options >= 3, indent=True)
                p.paragraph_format.keep_with_next = True
            elif kind == "paragraph":
                self._body_paragraph(doc, payload, **options)
            elif kind == "bullets":
                for item in payload:
                    self._body_paragraph(doc, f"- {item}")
            elif kind == "table":
                self._table(doc, *payload)
            elif kind == "break":
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self._closing(doc)
        return doc

    def to_docx(self) -> bytes:
        buffer = io.BytesIO()
        self.build().save(buffer)
        return buffer.getvalue()


def _format_cell(value: Any) -> str:
    """Numbers the Vietnamese way (1.234 and 12,5); dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        text = f"{value:,.1f}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if isinstance(value, Date):
        return value.strftime("%d/%m/%Y")
    return str(value)
