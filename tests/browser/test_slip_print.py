"""The paper slip printed by Chromium: A4, at most two pages, Vietnamese text as real text (diacritics intact in
the PDF's text layer), the QR code on the page. Screenshot and PDF in var/screenshots/ for a human look."""

from __future__ import annotations

import io
import re

import pytest

from doantu.tips.forms import TipForm
from tests.browser.test_intake_flow import DESKTOP, Console, login, new_page

pytestmark = pytest.mark.browser


def test_group_slip_prints_on_a4_with_diacritics_and_qr(browser, live, screenshots):
    from pypdf import PdfReader

    context, page = new_page(browser, live, size=DESKTOP)
    console = Console(page)
    login(page, live, "vhxh-browser")
    page.goto("/staff/sources/")
    row = page.locator("tr", has=page.locator("code", has_text=re.compile(r"/t/dx-tdp1$")))
    row.get_by_role("link", name="In phiếu").click()
    page.wait_for_url("**/slip/")
    assert page.locator("header .qr svg").count() == 1
    page.emulate_media(media="print")
    page.screenshot(path=str(screenshots / "slip-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (screenshots / "slip.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2, f"the slip takes {len(reader.pages)} A4 pages"
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for words in ("Phiếu cung cấp thông tin", "Người cung cấp thông tin", "Tổ dân phố 1"):
        assert words in text, words
    # the consent statement, as the web form words it (its first words survive line wrapping)
    consent = " ".join(str(TipForm.base_fields["consent_processing"].label).split()[:12])
    assert consent in text
    console.check("the paper slip")
    context.close()
