"""A notification arriving, in a real browser: the campaign officer forwards a tip to the ward police; the police
officer signs in on a phone, sees the bell's count, opens the list, reads the item (the question, never the
reporter) and follows it to the tip; the count is gone."""

from __future__ import annotations

import pytest

from .test_intake_flow import (
    PHONE,
    Console,
    horizontal_overflow,
    login,
    logout,
    new_page,
    open_panel,
    read_notifications,
)

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.require_browser() skips, or fails under DOANTU_REQUIRE_BROWSER=1
    expect = None

pytestmark = pytest.mark.browser


def test_a_notification_arrives(browser, live, screenshots):
    read_notifications(live, "congan-browser")  # the server is shared: the bell counts this flow's own
    context, page = new_page(browser, live, size=PHONE)
    made = page.request.post(
        "/api/public/sources/dx/tips",
        multipart={
            "kind": "grave",
            "account": "Có một ngôi mộ cắm bia gỗ ở đồi thông sau trường cũ.",
            "consent_processing": "true",
            "reporter_name": "Người Báo Tin Kín",
            "reporter_phone": "0912 000 111",
            "consent_contact": "true",
            "martyr_name": "Hoàng Văn Thụ",
            "location_description": "Gốc thông thứ ba ZQXKIN",
        },
    )
    assert made.status == 201, made.text()
    code = made.json()["receipt_code"]

    # ---- the campaign officer forwards it to the police
    console = Console(page)
    login(page, live, "vhxh-browser")
    page.goto(page.get_by_role("link", name=code, exact=True).get_attribute("href"))
    open_panel(page, "#actions", "Chuyển xác minh")
    form = page.locator("form[action$='/forward/']")
    form.get_by_label("Chuyển cho").select_option(label="Công an phường")
    form.get_by_label("Đề nghị xác minh").fill("Đề nghị Công an phường xác minh người làm chứng ở tổ 3.")
    form.get_by_role("button", name="Chuyển").click()
    expect(page.locator("#tip-status")).to_have_text("Đã chuyển xác minh")
    console.check("forwarding")
    logout(page)
    context.close()

    # ---- the police officer sees it arrive
    context, page = new_page(browser, live, size=PHONE)
    console = Console(page)
    login(page, live, "congan-browser")
    bell = page.locator("nav.staff a.bell")
    expect(bell.locator(".count")).to_have_text("1")
    assert "1 chưa đọc" in bell.get_attribute("aria-label")
    assert horizontal_overflow(page) == 0
    bell.click()
    page.wait_for_url("**/staff/notifications/")
    item = page.locator("ul.notifications li.unread")
    expect(item).to_have_count(1)
    text = item.inner_text()
    assert code in text and "Hoàng Văn Thụ" in text and "người làm chứng ở tổ 3" in text
    assert "Người Báo Tin Kín" not in text and "ZQXKIN" not in text and "0912" not in text
    assert horizontal_overflow(page) == 0
    page.screenshot(path=screenshots / "notify-01-list-phone.png", full_page=True)
    item.get_by_role("button", name=f"Mở thông tin {code}").click()
    page.wait_for_url("**/staff/tips/*/")
    assert code in page.locator("h1").inner_text()
    expect(page.locator("nav.staff a.bell .count")).to_have_count(0)
    console.check("the notification")
    context.close()
