"""The plan register in a real browser: the military command reports progress on a task it coordinates, with a
photo as evidence (laptop); the culture office sees it on the plan's overview, where an overdue task stands out
(laptop and phone). The server's today is the real date: by then the plan's first deadlines have passed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from .test_intake_flow import (
    DESKTOP,
    PHONE,
    Console,
    horizontal_overflow,
    loaded_width,
    login,
    logout,
    new_page,
)

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.require_browser() skips, or fails under DOANTU_REQUIRE_BROWSER=1
    expect = None

pytestmark = pytest.mark.browser


def test_an_agency_reports_and_the_culture_office_sees_it(browser, live, screenshots, tmp_path):
    photo = tmp_path / "ra-soat-ho-so.jpg"
    image = Image.new("RGB", (800, 600), (200, 180, 120))
    buf = io.BytesIO()
    image.save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())

    # ---- the military command reports on II.3 (it coordinates it), on a laptop
    context, page = new_page(browser, live, size=DESKTOP)
    console = Console(page)
    login(page, live, "bchqs-browser")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.wait_for_url("**/staff/plan/*/")
    row = page.locator("tr[data-task='II.3']")
    row.get_by_role("link").click()
    page.wait_for_url("**/staff/plan/nhiem-vu/*/")
    form = page.locator("#bao-cao form")
    form.get_by_label("Tình trạng").select_option(label="Đúng tiến độ")
    form.get_by_label("Nội dung báo cáo").fill(
        "Ban CHQS đã rà soát 4 hồ sơ liệt sĩ do tổ dân phố 3 cung cấp, phối hợp Công an xác minh 2 thân nhân."
    )
    form.get_by_label("Tệp minh chứng").set_input_files(str(photo))
    form.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo tiến độ.")
    update = page.locator("[data-testid=update]").first
    expect(update).to_contain_text("Ban CHQS")
    expect(update).to_contain_text("rà soát 4 hồ sơ")
    expect(update.locator(".evidence img")).to_have_count(1)
    assert loaded_width(update.locator(".evidence img")) > 0  # the photo is served
    expect(update.get_by_role("link", name="Sửa báo cáo này")).to_be_visible()
    page.screenshot(path=screenshots / "plan-task-laptop.png", full_page=True)
    console.check("reporting")
    logout(page)
    context.close()

    # ---- the culture office sees it on the overview, on a laptop and on a phone
    for size, name in ((DESKTOP, "laptop"), (PHONE, "phone")):
        context, page = new_page(browser, live, size=size)
        console = Console(page)
        login(page, live, "vhxh-browser")
        page.goto("/staff/plan/")
        page.wait_for_url("**/staff/plan/*/")
        page.wait_for_load_state("load")  # the colours and the phone's cards below are the stylesheet's
        military = page.locator("[data-testid=agencies] tr[data-unit='bchqs']")
        expect(military.locator("td").nth(4)).to_have_text("1")  # one update sent
        # I.1 ("Quý III/2026": 30/9/2026) was never reported: it stands out
        overdue = page.locator("tr[data-task='I.1']")
        expect(overdue).to_have_class("overdue")
        expect(overdue.locator(".state")).to_have_text("Quá hạn")
        colour = overdue.locator(".state").evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(198, 40, 40)", colour
        assert int(page.locator("[data-testid=overdue-count]").inner_text()) > 0
        # what the culture office owes: the first five on the overview, all of them on "this week"
        expect(page.locator("[data-testid=owed]")).to_contain_text("Quá hạn")
        # each phase's rate is written, not only drawn
        expect(page.locator("[data-testid=phase-percent]").first).to_have_text("0%")
        if name == "phone":
            assert horizontal_overflow(page) == 0
            # on a phone each agency is a card: its duties and figures use the width, not a fifth of it
            cell = page.locator("[data-testid=agencies] tr[data-unit='vhxh'] td").nth(2)
            label = cell.evaluate("e => getComputedStyle(e, '::before').content")
            assert "Đã báo cáo / số kỳ" in label, label
            width = page.evaluate("visualViewport.width")
            assert cell.bounding_box()["width"] > 0.7 * width, (cell.bounding_box(), width)
        page.screenshot(path=screenshots / f"plan-overview-{name}.png", full_page=True)
        if name == "laptop":
            page.locator("[data-testid=owed]").get_by_role("link", name="Xem cả").click()
            page.wait_for_url("**/staff/plan/tuan-nay/")
            expect(page.locator("[data-testid=owed]")).to_contain_text("I.1. Ban hành Kế hoạch")
            page.go_back()
        # the update, read by the culture office (not editable by it)
        page.locator("tr[data-task='II.3']").get_by_role("link").click()
        update = page.locator("[data-testid=update]").first
        expect(update).to_contain_text("Ban CHQS")
        expect(update.get_by_role("link", name="Sửa báo cáo này")).to_have_count(0)
        if name == "phone":
            page.screenshot(path=screenshots / "plan-task-phone.png", full_page=True)
            wide = page.evaluate(
                "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > "
                "visualViewport.width + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)"
            )
            assert horizontal_overflow(page) == 0, wide
        console.check(f"overview on {name}")
        context.close()
