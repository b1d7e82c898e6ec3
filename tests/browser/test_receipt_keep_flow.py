"""Bà Lan keeps her receipt (issue 8): on the receipt page, on her phone, she ticks that she agrees and has it
texted to the number she gave (the page names it masked; the development server's SMS channel prints the
message, number masked, to its log), and she saves it as a PDF. Another browser opening the same receipt
address sees no offer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import tip_post_data

from .test_intake_flow import PHONE, Console, expect, horizontal_overflow, new_page

pytestmark = pytest.mark.browser


def send_tip(context) -> str:
    """Send a tip through the public form's own POST, in this browser (its session then owns the receipt)."""
    context.request.get("/t/dx")
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    data = tip_post_data(reporter_phone="0912 345 678", csrfmiddlewaretoken=token)
    sent = context.request.post(
        "/t/dx", multipart=data, headers={"Referer": context.request.get("/t/dx").url}
    )
    assert sent.ok, sent.status
    return sent.url


def test_receipt_texted_with_consent_and_saved_as_pdf(live, browser, screenshots):
    context, page = new_page(browser, live, PHONE)
    console = Console(page)
    try:
        receipt_url = send_tip(context)
        page.goto(receipt_url)
        code = page.locator("#receipt-code").inner_text()
        offer = page.locator("#receipt-send")
        expect(offer).to_be_visible()
        assert "*******678" in offer.inner_text() and "0912" not in page.content()
        assert horizontal_overflow(page) == 0
        page.screenshot(path=screenshots / "receipt-send-offer-phone.png", full_page=True)

        # the browser itself asks for the consent box first (required)
        page.get_by_role("button", name="Gửi biên nhận qua tin nhắn").click()
        assert page.url.endswith(f"/bien-nhan/{code}/")
        page.get_by_label("Tôi đồng ý nhận biên nhận qua tin nhắn").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Gửi biên nhận qua tin nhắn").click()
        expect(page.locator("#receipt-sent")).to_contain_text("*******678")
        page.screenshot(path=screenshots / "receipt-sent-phone.png", full_page=True)
        log = live.log.read_text(errors="replace")
        assert (
            f"[SMS tới *******678] UBND Phường Đức Xuân đã nhận thông tin của bạn. Mã biên nhận: {code}"
            in log
        )
        assert "0912345678" not in log and "912 345" not in log

        # the PDF
        with page.expect_download() as download:
            page.locator("#receipt-pdf").click()
        pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert len(pdf.pages) == 1
        console.check("the receipt page")
    finally:
        context.close()

    # someone else with the address: the receipt, but no offer and nothing of the number
    other, stranger = new_page(browser, live, PHONE)
    try:
        stranger.goto(receipt_url)
        expect(stranger.locator("#receipt-code")).to_have_text(code)
        assert stranger.locator("#receipt-send").count() == 0 and "678" not in stranger.content()
    finally:
        other.close()
