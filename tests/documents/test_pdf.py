"""DOCX → PDF through LibreOffice headless (needs ``soffice``; CI sets DOANTU_REQUIRE_SOFFICE=1 so it cannot be
skipped there), and the clear Vietnamese refusal when LibreOffice is missing."""

import io
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from pypdf import PdfReader

from doantu.documents import pdf
from doantu.documents.official import OfficialDocument

from .test_official import official


@pytest.fixture
def need_soffice():
    if not pdf.pdf_available():
        if os.environ.get("DOANTU_REQUIRE_SOFFICE") == "1":
            pytest.fail(
                "LibreOffice required (DOANTU_REQUIRE_SOFFICE=1) but soffice is not installed", pytrace=False
            )
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")


def docx(title="Kết quả tháng 11 năm 2026"):
    doc = OfficialDocument(
        issuer_parent="",
        issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG ĐỨC XUÂN",
        kind="Báo cáo",
        number=12,
        symbol="BC-UBND",
        place="Đức Xuân",
        date=date(2026, 11, 30),
        title=title,
        recipients=["Lưu: VT"],
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        signer_name="Nguyễn Văn An",
    )
    doc.paragraph("Phường đã tiếp nhận 42 thông tin về liệt sĩ.")
    return doc.to_docx()


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_docx_becomes_a_pdf_with_the_vietnamese_text(need_soffice):
    content = pdf.docx_to_pdf(docx())
    assert content.startswith(b"%PDF")
    text = text_of(content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-UBND",
        "BÁO CÁO",
    ):
        assert expected in text
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297


def test_concurrent_conversions_do_not_clash(need_soffice):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda t: pdf.docx_to_pdf(docx(t)), ["Báo cáo thứ nhất", "Báo cáo thứ hai"]))
    assert "Báo cáo thứ nhất" in text_of(results[0]) and "Báo cáo thứ hai" in text_of(results[1])


def test_missing_libreoffice_is_a_clear_vietnamese_refusal(monkeypatch, tmp_path):
    monkeypatch.setenv("SOFFICE_PATH", str(tmp_path / "no-such-soffice"))
    assert not pdf.pdf_available()
    with pytest.raises(pdf.DocumentsUnavailable, match="LibreOffice"):
        pdf.docx_to_pdf(docx())


def test_a_conversion_that_takes_too_long_is_stopped(need_soffice):
    with pytest.raises(pdf.DocumentsUnavailable, match="quá lâu"):
        pdf.docx_to_pdf(docx(), timeout=0.01)


def test_recipients_and_signature_never_stand_alone_on_the_last_page(need_soffice):
    """A body that just fills page 1 (21 short paragraphs: 20 to 25 put the closing alone on page 2 before the fix,
    with Liberation Serif 2) carries its last paragraph over with the recipients and the signature."""
    doc = official(title="Kết quả", recipients=["Như trên", "Lưu: VT"])
    for i in range(21):
        doc.paragraph(f"Đoạn {i + 1}: phường đã tiếp nhận thông tin về liệt sĩ.")
    reader = PdfReader(io.BytesIO(pdf.docx_to_pdf(doc.to_docx())))
    last = reader.pages[-1].extract_text()
    assert "Nơi nhận" in last
    assert "Đoạn 21" in last


def test_a_closing_table_row_keeps_with_the_signature():
    from docx import Document

    doc = official(title="Bảng")
    doc.paragraph("Số liệu như sau.")
    doc.table(["TT", "Nội dung"], [[1, "Tin nhận"], [2, "Tin xác minh"]])
    built = Document(io.BytesIO(doc.to_docx()))
    data = [t for t in built.tables if "Tin xác minh" in "".join(c.text for c in t._cells)][0]
    assert all(p.paragraph_format.keep_with_next for c in data.rows[-1].cells for p in c.paragraphs)
