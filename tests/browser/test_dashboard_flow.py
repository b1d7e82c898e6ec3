"""The dashboard in a real browser, per role (issue 12): campaign staff follow a figure to the list it counts;
leadership and the province see figures only (no link to any list); the province also sees its wards side by side.
Screenshots at laptop and phone width go to var/screenshots/."""

from __future__ import annotations

import re

import pytest

from .test_intake_flow import DESKTOP, PHONE, Console, expect, login, new_page

pytestmark = pytest.mark.browser

_PREPARE = """
from doantu.org.models import OrgUnit, Role, UnitKind, User
from doantu.tips.models import Source
from doantu.tips.services import Submission, tip_submit
ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
for username, unit, role in (("lanhdao-browser", OrgUnit.objects.get(parent=ward, code="lanh-dao"), Role.LEADERSHIP),
                             ("tinh-browser", ward.parent, Role.PROVINCE)):
    if not User.objects.filter(username=username).exists():
        User.objects.create_user(username=username, password=PASSWORD, full_name=username, unit=unit, role=role)
group = OrgUnit.objects.get(parent=ward, code="tdp-01")
for i, kind in enumerate(["grave", "grave", "martyr", "witness"]):
    tip_submit(source=Source.objects.get(code="dx-loa" if i % 2 else "dx"), submission_key=f"dash-{i}", files=[],
               submission=Submission(kinds=[kind], account="Mộ ở đồi thông sau trường cũ, bác tôi kể lại.",
                                     consent_processing=True, reporter_name="Lê Văn Bình",
                                     reporter_phone=f"098765432{i}", residential_group=group if i < 3 else None))
"""


@pytest.fixture(scope="module")
def dashboard_data(live):
    live.run_python(f"PASSWORD = {live.password!r}\n" + _PREPARE)


def _open_dashboard(page, console):
    page.get_by_role("link", name="Số liệu, báo cáo").click()
    page.wait_for_url("**/staff/so-lieu/")
    console.check("the dashboard")


def test_campaign_staff_drill_down_from_a_figure_to_its_list(live, browser, screenshots, dashboard_data):
    context, page = new_page(browser, live, DESKTOP)
    console = Console(page)
    try:
        login(page, live, "vhxh-browser")
        _open_dashboard(page, console)
        received = page.locator('[data-indicator="tips.received"] .n')
        total = int(received.inner_text())
        assert total >= 4
        block = page.locator('.chart-block[data-indicator="tips.received_by_kind"]')
        expect(block.locator("svg.chart")).to_be_visible()
        row = block.locator("tr", has_text="Mộ, nơi chôn cất")
        graves = int(row.locator("td.num").first.inner_text())
        assert graves >= 2
        page.screenshot(path=screenshots / "dashboard-campaign-laptop.png", full_page=True)
        with page.expect_navigation():
            row.get_by_test_id("drill").click()
        assert "kind=grave" in page.url
        expect(page.locator("#results p.small").first).to_contain_text(f"{graves} thông tin")
        rows = page.locator("#results tbody tr")
        assert rows.count() == graves
        for text in rows.all_inner_texts():
            assert "Mộ, nơi chôn cất" in text
        # the bar of the chart leads to the same list
        page.go_back()
        link = block.locator("svg.chart a").first
        href = link.get_attribute("href")
        assert href and "/staff/tips/" in href
        # the whole figure leads to every tip of the period
        with page.expect_navigation():
            received.get_by_role("link").click()
        expect(page.locator("#results p.small").first).to_contain_text(f"{total} thông tin")
        console.check("the drill-down")
    finally:
        context.close()


def test_campaign_dashboard_on_a_phone(live, browser, screenshots, dashboard_data):
    context, page = new_page(browser, live, PHONE)
    console = Console(page)
    try:
        login(page, live, "vhxh-browser")
        page.goto("/staff/so-lieu/")
        console.check("the dashboard on a phone")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the page scrolls sideways ({width}px)"
        page.screenshot(path=screenshots / "dashboard-campaign-phone.png", full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("username", ["lanhdao-browser", "tinh-browser"])
def test_leadership_and_province_see_figures_only(live, browser, screenshots, dashboard_data, username):
    context, page = new_page(browser, live, DESKTOP)
    console = Console(page)
    try:
        login(page, live, username)
        _open_dashboard(page, console)
        expect(page.get_by_test_id("figures-only")).to_be_visible()
        assert int(page.locator('[data-indicator="tips.received"] .n').first.inner_text()) >= 4
        assert page.get_by_test_id("drill").count() == 0
        assert page.locator("svg.chart a").count() == 0
        assert page.locator('a[href*="/staff/tips/?"]').count() == 0
        page.screenshot(path=screenshots / f"dashboard-{username}.png", full_page=True)
        if username == "tinh-browser":
            page.get_by_role("link", name="Các phường của tỉnh").click()
            page.wait_for_url(re.compile(r".*/staff/so-lieu/tinh/.*"))
            table = page.get_by_test_id("province-table")
            expect(table.locator('tr[data-ward="01840"]')).to_be_visible()
            expect(page.get_by_test_id("completeness")).to_have_text(re.compile(r"\d+/\d+"))
            page.screenshot(path=screenshots / "province-wards.png", full_page=True)
            console.check("the province page")
    finally:
        context.close()
