"""A monthly report from start to archive in a real browser (issue 12, "Done means"): the campaign staff create it in
the UI and write its narrative, download the DOCX (a draft), leadership approves it, the campaign staff give it its
number and send it (the one LibreOffice conversion of this file: the PDF made at sending), the archived PDF is rendered
to PNG (documents.pdf.pdf_to_pngs) and checked — not blank, one PNG per page — and the sent report can no longer be
changed. The first page goes to var/screenshots/report-monthly-page1.png to be looked at."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from .test_intake_flow import DESKTOP, Console, expect, login, logout, new_page

pytestmark = pytest.mark.browser

NUMBER = 41
NARRATIVE = "Các tổ dân phố vào cuộc tích cực; băng-rôn có mã QR đã treo ở cả 10 tổ."
SEND_TIMEOUT_MS = 180_000  # the PDF is made by LibreOffice while the request waits; the machine may be loaded
DOWNLOAD_TIMEOUT_MS = 60_000  # a DOCX is rendered on request (python-docx); slow on a loaded machine

_PREPARE = """
from doantu.org.models import OrgUnit, Role, UnitKind, User
from doantu.tips.models import Source
from doantu.tips.services import Submission, tip_submit
ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
if not User.objects.filter(username="lanhdao-browser").exists():
    User.objects.create_user(username="lanhdao-browser", password=PASSWORD, full_name="lanhdao-browser",
                             unit=OrgUnit.objects.get(parent=ward, code="lanh-dao"), role=Role.LEADERSHIP)
for i, kind in enumerate(["grave", "witness"]):
    tip_submit(source=Source.objects.get(code="dx"), submission_key=f"report-{i}", files=[],
               submission=Submission(kinds=[kind], account="Ông tôi kể về trận đánh năm 1972 ở đầu bản.",
                                     consent_processing=True, anonymous=True))
"""


@pytest.fixture(scope="module")
def report_data(live):
    live.run_python(f"PASSWORD = {live.password!r}\n" + _PREPARE)


def _docx_text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _download(page, name: str) -> bytes:
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as got:
        page.get_by_role("link", name=name, exact=True).click()
    return got.value.path().read_bytes()


def _ink(png: bytes) -> float:
    """The share of a page's pixels that are not near white (text, lines)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:200]) / (grey.width * grey.height)


def test_monthly_report_draft_docx_approve_send_pdf_png_archive(live, browser, screenshots, report_data):
    from doantu.documents.pdf import pdf_page_count, pdf_to_pngs

    context, page = new_page(browser, live, DESKTOP, accept_downloads=True)
    console = Console(page)
    try:
        # the campaign staff create the month's report in the UI and write its narrative
        login(page, live, "vhxh-browser")
        page.get_by_role("link", name="Số liệu, báo cáo").click()
        page.get_by_role("link", name="Báo cáo", exact=True).click()
        page.wait_for_url("**/staff/so-lieu/bao-cao/")
        period = page.locator('input[name="period"]').input_value()
        assert re.fullmatch(r"\d{4}-\d{2}", period), period
        page.get_by_role("button", name="Tạo dự thảo").click()
        page.wait_for_url(re.compile(r".*/staff/so-lieu/bao-cao/\d+/$"))
        detail = page.url
        expect(page.get_by_test_id("status")).to_have_text("Dự thảo")
        received = page.locator('[data-indicator="tips.received"]').inner_text()  # "2 tin"
        assert int(re.match(r"\d+", received).group()) >= 2, received
        page.locator("textarea[name^='narrative_']").first.fill(NARRATIVE)
        page.locator('input[name="signer_name"]').fill("Nguyễn Văn An")
        page.get_by_role("button", name="Lưu dự thảo").click()
        expect(page.locator(".messages")).to_contain_text("Đã lưu dự thảo")
        draft = _docx_text(_download(page, "DOCX"))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in draft and "DỰ THẢO" in draft and NARRATIVE in draft
        # the drafter cannot approve their own report
        assert page.get_by_role("button", name="Duyệt báo cáo").count() == 0
        console.check("the draft")
        logout(page)

        # leadership approves
        login(page, live, "lanhdao-browser")
        page.goto(detail)
        page.get_by_role("button", name="Duyệt báo cáo").click()
        expect(page.get_by_test_id("status")).to_have_text("Đã duyệt")
        assert (
            page.locator("textarea").count() == 0
            and page.get_by_role("button", name="Cấp số và gửi").count() == 0
        )
        logout(page)

        # the campaign staff give it its number and send it: archived, the PDF made once, now
        login(page, live, "vhxh-browser")
        page.goto(detail)
        assert page.locator("textarea").count() == 0  # approved: the narrative is closed
        page.locator('input[name="number"]').fill(str(NUMBER))
        with page.expect_navigation(timeout=SEND_TIMEOUT_MS):
            page.get_by_role("button", name="Cấp số và gửi").click(timeout=SEND_TIMEOUT_MS)
        expect(page.get_by_test_id("status")).to_have_text("Đã gửi")
        expect(page.locator("main")).to_contain_text(f"Số {NUMBER}/BC-UBND")
        sent = _docx_text(_download(page, "DOCX"))
        assert f"Số: {NUMBER}/BC-UBND" in sent and "DỰ THẢO" not in sent and NARRATIVE in sent
        pdf = _download(page, "PDF")
        assert pdf.startswith(b"%PDF")
        pages = pdf_page_count(pdf)
        # pdf_to_pngs may drive its own Playwright (no pdftoppm here): not inside this test's running one
        with ThreadPoolExecutor(max_workers=1) as pool:
            pngs = pool.submit(pdf_to_pngs, pdf).result(timeout=300)
        assert pages >= 1 and len(pngs) == pages
        for number, png in enumerate(pngs, 1):
            ink = _ink(png)
            assert 0.002 < ink < 0.5, f"page {number} looks blank or black ({ink:.4f} of its pixels are ink)"
        (screenshots / "report-monthly-page1.png").write_bytes(pngs[0])
        page.screenshot(path=screenshots / "report-sent.png", full_page=True)

        # sent = archived: no form to change it, and a change posted anyway is refused and changes nothing
        assert page.locator("textarea").count() == 0 and page.locator('input[name="number"]').count() == 0
        token = page.locator('input[name="csrfmiddlewaretoken"]').first.get_attribute("value")
        response = page.request.post(
            detail,
            form={"csrfmiddlewaretoken": token, "title": "sửa sau khi gửi"},
            headers={"Referer": detail},
        )
        assert response.ok and "Chỉ sửa được dự thảo" in response.text()
        page.goto(detail)
        expect(page.locator("h1")).not_to_contain_text("sửa sau khi gửi")
        after = _docx_text(_download(page, "DOCX"))
        assert after == sent
        live.run_python(
            "from doantu.reports.models import Report, ImmutableReport\n"
            f"r = Report.objects.get(number={NUMBER})\n"
            "r.title = 'sửa lén'\n"
            "try:\n    r.save()\nexcept ImmutableReport:\n    pass\nelse:\n    raise SystemExit('a sent report was saved')\n"
            f"assert Report.objects.get(number={NUMBER}).title != 'sửa lén'\n"
        )
        console.check("the sent report")
    finally:
        context.close()
