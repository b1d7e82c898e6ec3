"""The official layout (ND 30/2020, appendix I) read back from the DOCX: page, margins, fonts, header, motto, title,
recipients and signature, and the body's headings, dash items and tables."""

import io
from datetime import date

from docx import Document
from docx.shared import Pt

from doantu.documents.official import OfficialDocument, blank_document, number_line, vietnamese_date


def official(**overrides) -> OfficialDocument:
    """A ward's report with its header, recipients and signer filled in, and no body yet."""
    fields = dict(
        issuer_parent="",
        issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG ĐỨC XUÂN",
        kind="Báo cáo",
        number=12,
        symbol="BC-UBND",
        place="Đức Xuân",
        date=date(2026, 11, 30),
        title="Kết quả tháng 11 năm 2026",
        recipients=["UBND tỉnh Thái Nguyên", "Lưu: VT, VH-XH"],
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="Chủ tịch",
        signer_name="Nguyễn Văn An",
    )
    fields.update(overrides)
    return OfficialDocument(**fields)


def report(**overrides):
    doc = official(**overrides)
    doc.heading("I. KẾT QUẢ")
    doc.paragraph("Phường đã tiếp nhận 42 thông tin.")
    doc.bullets(["Mộ liệt sĩ: 20 tin", "Hài cốt: 10 tin"])
    doc.table(["Tổ dân phố", "Số tin"], [["Tổ 1", 1234], ["Tổ 2", 2.5]])
    return Document(io.BytesIO(doc.to_docx()))


def runs(doc):
    for p in doc.paragraphs:
        yield from p.runs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    yield from p.runs


def find_run(doc, text):
    matches = [r for r in runs(doc) if r.text == text]
    assert matches, f"no run {text!r}"
    return matches[0]


def test_a4_margins_and_times_new_roman():
    doc = report()
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    assert doc.styles["Normal"].font.name == "Times New Roman"
    for run in runs(doc):
        if run.text.strip():
            assert run.font.name == "Times New Roman", run.text
            assert Pt(11) <= run.font.size <= Pt(14), run.text


def test_header_national_title_motto_number_and_date():
    doc = report()
    header = doc.tables[0]
    left = "\n".join(p.text for p in header.cell(0, 0).paragraphs)
    assert "ỦY BAN NHÂN DÂN\nPHƯỜNG ĐỨC XUÂN" in left
    assert find_run(doc, "PHƯỜNG ĐỨC XUÂN").bold
    title = find_run(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.bold and Pt(12) <= title.font.size <= Pt(13)
    motto = find_run(doc, "Độc lập - Tự do - Hạnh phúc")
    assert motto.bold and motto.underline and Pt(13) <= motto.font.size <= Pt(14)
    assert header.cell(1, 0).paragraphs[0].text == "Số: 12/BC-UBND"
    dated = find_run(doc, "Đức Xuân, ngày 30 tháng 11 năm 2026")
    assert dated.italic
    # the short line under the issuer: a bordered empty paragraph in the left column
    assert any(
        p._p.pPr is not None
        and p._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr") is not None
        for p in header.cell(0, 0).paragraphs
    )


def test_kind_title_body_and_closing():
    doc = report()
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts and "Kết quả tháng 11 năm 2026" in texts
    assert find_run(doc, "BÁO CÁO").bold
    assert "- Mộ liệt sĩ: 20 tin" in texts
    body_table = doc.tables[1]
    assert [c.text for c in body_table.rows[0].cells] == ["Tổ dân phố", "Số tin"]
    assert [c.text for c in body_table.rows[1].cells] == ["Tổ 1", "1.234"]
    assert body_table.rows[2].cells[1].text == "2,5"
    closing = doc.tables[-1]
    received = closing.cell(0, 0).paragraphs
    head = received[0].runs[0]
    assert head.text == "Nơi nhận:" and head.bold and head.italic and head.font.size == Pt(12)
    assert [p.text for p in received[1:]] == ["- UBND tỉnh Thái Nguyên;", "- Lưu: VT, VH-XH."]
    assert all(p.runs[0].font.size == Pt(11) for p in received[1:])
    signature = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"]


def test_page_numbers_from_page_two():
    doc = report()
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_draft_without_number_or_date_leaves_the_blanks():
    doc = report(number=None, date=None, draft_label="DỰ THẢO")
    header = doc.tables[0]
    assert header.cell(1, 0).paragraphs[0].text.startswith("Số:") and "/BC-UBND" in header.cell(1, 0).text
    assert "12" not in header.cell(1, 0).text
    assert "DỰ THẢO" in [p.text for p in doc.paragraphs]


def test_cong_van_has_subject_under_number_and_no_kind_line():
    doc = report(kind="", symbol="UBND-VHXH", title="tăng cường tuyên truyền")
    assert "V/v tăng cường tuyên truyền" in doc.tables[0].cell(1, 0).text
    assert "BÁO CÁO" not in [p.text for p in doc.paragraphs]


def test_dates_and_numbers_follow_the_decree():
    assert vietnamese_date("Đức Xuân", date(2026, 2, 5)) == "Đức Xuân, ngày 05 tháng 02 năm 2026"
    assert vietnamese_date("Đức Xuân", date(2026, 11, 3)) == "Đức Xuân, ngày 03 tháng 11 năm 2026"
    assert number_line(7, "TB-UBND") == "Số: 7/TB-UBND"


def test_blank_document_page_sizes():
    a3 = blank_document("A3", {"top": 10, "bottom": 10, "left": 10, "right": 10})
    assert (round(a3.sections[0].page_width.mm), round(a3.sections[0].page_height.mm)) == (297, 420)
    assert round(a3.sections[0].left_margin.mm) == 10
    slip = blank_document((100, 150))
    assert round(slip.sections[0].page_width.mm) == 100
    assert slip.styles["Normal"].font.name == "Times New Roman"


def test_numbered_table_with_a_total_row():
    doc = OfficialDocument(
        issuer_parent="",
        issuer="UBND",
        kind="Báo cáo",
        number=1,
        symbol="BC-UBND",
        place="Đức Xuân",
        date=date(2026, 11, 30),
        title="T",
        recipients=["Lưu: VT"],
        signer_authority="TM. UBND",
        signer_title="CHỦ TỊCH",
        signer_name="A",
    )
    doc.table(
        ["Tổ dân phố", "Số tin"], [["Tổ 1", 3], ["Tổ 2", 4], ["Tổng cộng", 7]], numbered=True, total_row=True
    )
    table = Document(io.BytesIO(doc.to_docx())).tables[1]
    assert [c.text for c in table.rows[0].cells] == ["TT", "Tổ dân phố", "Số tin"]
    assert [c.text for c in table.rows[2].cells] == ["2", "Tổ 2", "4"]
    last = table.rows[3].cells
    assert [c.text for c in last] == ["", "Tổng cộng", "7"] and last[1].paragraphs[0].runs[0].bold
