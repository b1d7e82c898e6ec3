"""The round list for the police, as XLSX and DOCX, with only the fields they need (``access.ROUND_FIELDS``).

The DOCX follows the official layout (Decree 30/2020/NĐ-CP, appendix I: A4, margins 20/15/20/30 mm, Times New
Roman, the issuing body top left, the national motto top right, title centred in bold capitals, "Nơi nhận" and the
signature block). The shared ``documents`` app (branch foundation) is to own that layout; until it lands it is
written here, in one function, to be replaced by its helper.
"""

import io

import xlsxwriter
from django.utils import timezone

COLUMNS = [
    ("stt", "TT", 6),
    ("name", "Họ và tên người cho mẫu", 26),
    ("birth", "Năm sinh", 9),
    ("sex", "Giới tính", 8),
    ("id_number", "Số CCCD", 19),
    ("phone", "Điện thoại", 16),
    ("residential_group", "Tổ dân phố", 12),
    ("martyr", "Thân nhân của liệt sĩ", 20),
    ("relationship", "Quan hệ", 16),
    ("outcome", "Kết quả (lấy mẫu / vắng / từ chối)", 14),
    ("sample", "Số hiệu mẫu", 12),
]


def round_xlsx(collection_round, rows: list[dict]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    bold = book.add_format({"bold": True, "text_wrap": True, "border": 1, "valign": "vcenter"})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    sheet.write(0, 0, f"DANH SÁCH LẤY MẪU ADN — {collection_round.name}", book.add_format({"bold": True}))
    sheet.write(
        1,
        0,
        f"Ngày {collection_round.date:%d/%m/%Y} · {collection_round.place} · {collection_round.police_unit.name}",
    )
    for c, (_key, label, width) in enumerate(COLUMNS):
        sheet.set_column(c, c, width)
        sheet.write(3, c, label, bold)
    for r, row in enumerate(rows, start=4):
        for c, (key, _label, _w) in enumerate(COLUMNS):
            sheet.write_string(r, c, str(row.get(key, "")), cell)
    sheet.write(
        len(rows) + 5,
        0,
        "Dữ liệu cá nhân nhạy cảm (Luật 91/2025/QH15): chỉ dùng cho việc lấy mẫu, không sao chép.",
    )
    book.close()
    return out.getvalue()


def round_docx(collection_round, rows: list[dict]) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    # A4 landscape: eleven columns do not fit portrait; margins of ND 30/2020 (top/bottom 20, left 30, right 15).
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    style.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "Times New Roman"
    )

    ward = collection_round.owner
    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the issuing body: the ward's People's Committee (the list goes to the police, named under "Nơi nhận")
    run = p.add_run(f"ỦY BAN NHÂN DÂN\n{ward.name.upper()}")
    run.bold, run.font.size = True, Pt(12)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n")
    run.bold, run.font.size = True, Pt(12)
    run = p.add_run("Độc lập - Tự do - Hạnh phúc")
    run.bold, run.underline, run.font.size = True, True, Pt(13)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    today = timezone.localdate()
    run = p.add_run(f"{ward.name}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}")
    run.italic = True

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("DANH SÁCH\nTHÂN NHÂN LIỆT SĨ ĐĂNG KÝ LẤY MẪU SINH PHẨM GIÁM ĐỊNH ADN")
    run.bold = True
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(
        f"{collection_round.name} — ngày {collection_round.date:%d/%m/%Y}, tại {collection_round.place}"
    ).italic = True

    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for c, (_key, label, _w) in enumerate(COLUMNS):
        cell = table.rows[0].cells[c]
        cell.text = ""
        r = cell.paragraphs[0].add_run(label)
        r.bold, r.font.size = True, Pt(10)
    for row in rows:
        cells = table.add_row().cells
        for c, (key, _label, _w) in enumerate(COLUMNS):
            cells[c].text = ""
            cells[c].paragraphs[0].add_run(str(row.get(key, ""))).font.size = Pt(10)
    # 252 mm of text width (297 − 30 − 15), shared in the proportions of the spreadsheet's columns
    total = sum(w for _k, _l, w in COLUMNS)
    widths = [Mm(252 * w / total) for _k, _l, w in COLUMNS]
    table.autofit = False
    for c, width in enumerate(widths):
        table.columns[c].width = width
    for row in table.rows:
        for c, width in enumerate(widths):
            row.cells[c].width = width

    doc.add_paragraph().add_run(
        f"Tổng số: {len(rows)} người. Dữ liệu cá nhân nhạy cảm (Luật 91/2025/QH15, Nghị định 356/2025/NĐ-CP): "
        "chỉ dùng để lấy mẫu, không sao chép, chuyển cho người khác."
    ).font.size = Pt(11)
    foot = doc.add_table(rows=1, cols=2)
    left, right = foot.rows[0].cells
    p = left.paragraphs[0]
    run = p.add_run("Nơi nhận:\n")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    p.add_run(
        f"- {collection_round.police_unit.name};\n- Phòng Văn hóa - Xã hội;\n- Lưu: VT, VHXH."
    ).font.size = Pt(11)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\n\n")
    run.bold = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
