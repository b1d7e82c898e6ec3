"""The communication work in a real browser (issue 9): the service centre plans a month of items on the
calendar and submits them, the culture office approves, the service centre publishes with evidence (a link, a
photo) and sees the V.1 target fill; the culture office ticks a peak checklist item with evidence. Screenshots
of the calendar on a laptop (month, week) and on a phone (agenda)."""

from __future__ import annotations

import datetime as dt

import pytest

from .test_intake_flow import (
    DESKTOP,
    PHONE,
    Console,
    horizontal_overflow,
    jpeg_with_gps,
    login,
    logout,
    new_page,
)

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.require_browser() skips, or fails under DOANTU_REQUIRE_BROWSER=1
    expect = None

pytestmark = pytest.mark.browser

PLAN = [  # (title, kind label, day offset within the month's remaining days)
    ("Phóng sự: hành trình đưa liệt sĩ về quê", "Phóng sự"),
    ("Video clip: lời kể cựu chiến binh tổ 3", "Video clip"),
    ("Chuyên đề: cách lấy mẫu ADN thân nhân", "Bài chuyên đề chuyên sâu"),
    ("Tin: họp tổ dân phố triển khai Chiến dịch", "Tin"),
]


def _channel_account(live):
    live.run_python(
        "from doantu.org.models import OrgUnit, User, UnitKind\n"
        "ward = OrgUnit.objects.get(kind=UnitKind.WARD, code='01840')\n"
        "User.objects.get_or_create(username='ttdvth-browser', defaults=dict(full_name='Trần Văn Kênh',"
        " unit=OrgUnit.objects.get(parent=ward, code='ttdvth'), role='channel'))\n"
        "u = User.objects.get(username='ttdvth-browser'); u.set_password("
        f"{live.password!r}); u.save()\n"
    )


def _today(live) -> dt.date:
    return dt.date.fromisoformat(
        live.run_python("from django.utils import timezone; print(timezone.localdate())").strip()
    )


def test_plan_approve_publish_target_and_peak(browser, live, screenshots, tmp_path):
    _channel_account(live)
    today = _today(live)
    context, page = new_page(browser, live, size=DESKTOP)
    console = Console(page)
    login(page, live, "ttdvth-browser")
    page.get_by_role("link", name="Truyền thông").first.click()
    page.wait_for_url("**/staff/comms/")
    expect(page.get_by_test_id("target-v1-chuyen-sau").locator(".figure")).to_contain_text("0/3")

    # ---- plan the month: one item per day from today, each from the calendar's "+" of that day
    for offset, (title, kind) in enumerate(PLAN):
        day = today + dt.timedelta(days=offset)
        page.goto(f"/staff/comms/lich/?date={day.isoformat()}")
        page.get_by_label(f"Lập sản phẩm ngày {day:%d/%m}").first.click()
        page.wait_for_url("**/san-pham/moi/**")
        expect(page.locator("#id_planned_date")).to_have_value(day.isoformat())
        page.fill("#id_title", title)
        page.select_option("#id_kind", label=kind)
        page.select_option("#id_topic", value="iv2")
        page.fill("#id_planned_time", "19:30")
        page.get_by_label("Trang Facebook của phường").check()
        page.get_by_role("button", name="Lưu").click()
        expect(page.get_by_test_id("status")).to_have_text("Bản nháp")
        page.get_by_role("button", name="Gửi duyệt").click()
        expect(page.get_by_test_id("status")).to_have_text("Chờ duyệt")
    page.goto(f"/staff/comms/lich/?date={today.isoformat()}")
    for title, _ in PLAN:
        if (today + dt.timedelta(days=PLAN.index((title, _)))).month == today.month:
            expect(page.locator(".cal-wrap a.ev", has_text=title)).to_have_count(1)
    console.check("planning")
    logout(page)

    # ---- the culture office approves from its overview
    login(page, live, "vhxh-browser")
    page.goto("/staff/comms/")
    for title, _ in PLAN[:3]:
        page.get_by_role("link", name=title).first.click()
        page.get_by_role("button", name="Duyệt", exact=True).click()
        expect(page.get_by_test_id("status")).to_have_text("Đã duyệt")
        page.goto("/staff/comms/")
    console.check("approving")
    logout(page)

    # ---- the service centre publishes with evidence; the target fills
    login(page, live, "ttdvth-browser")
    photo = jpeg_with_gps(tmp_path / "bai-dang.jpg")
    for n, (title, _) in enumerate(PLAN[:3], start=1):
        page.goto("/staff/comms/")
        page.get_by_role("link", name=title).first.click()
        if n == 3:
            page.set_input_files("#id_evidence_photo", str(photo))
        else:
            page.fill("#id_evidence_url", f"https://www.facebook.com/phuongducxuan/posts/{n}")
        page.get_by_role("button", name="Đã đăng").click()
        expect(page.get_by_test_id("status")).to_have_text("Đã đăng / đã thực hiện")
        page.goto("/staff/comms/")
        figure = page.get_by_test_id("target-v1-chuyen-sau").locator(".figure")
        if n < 3:
            expect(figure).to_have_text(f"{n}/3 — còn {(_month_end(today) - today).days} ngày")
        else:
            expect(figure).to_have_text("3/3 — đã đạt")
    page.screenshot(path=screenshots / "comms-01-overview-laptop.png", full_page=True)
    page.goto(f"/staff/comms/lich/?date={today.isoformat()}")
    page.screenshot(path=screenshots / "comms-02-calendar-month-laptop.png", full_page=True)
    page.goto(f"/staff/comms/lich/?view=week&date={today.isoformat()}")
    page.screenshot(path=screenshots / "comms-03-calendar-week-laptop.png", full_page=True)
    console.check("publishing")
    logout(page)
    context.close()

    # ---- the culture office ticks a peak checklist item, on a phone
    context, page = new_page(browser, live, size=PHONE)
    console = Console(page)
    login(page, live, "vhxh-browser")
    page.goto("/staff/comms/lich/")
    expect(page.get_by_test_id("agenda")).to_be_visible()
    expect(page.locator(".cal-wrap")).to_be_hidden()
    expect(page.get_by_test_id("agenda").locator("a.ev", has_text=PLAN[0][0])).to_be_visible()
    assert horizontal_overflow(page) == 0
    page.screenshot(path=screenshots / "comms-04-calendar-agenda-phone.png", full_page=True)
    page.goto("/staff/comms/cao-diem/")
    page.locator("h2 a").first.click()
    row = page.get_by_test_id("checklist-tri-an-vhxh")
    done_before = page.get_by_test_id("done-count").inner_text()
    row.locator("summary", has_text="Đánh dấu hoàn thành").click()
    row.get_by_label("Đường dẫn minh chứng").fill("https://ducxuan.thainguyen.gov.vn/tri-an")
    row.get_by_role("button", name="Hoàn thành").click()
    row = page.get_by_test_id("checklist-tri-an-vhxh")
    expect(row.locator(".done-mark")).to_have_text("✓ Đã xong")
    done, total = (int(x) for x in done_before.split("/"))
    expect(page.get_by_test_id("done-count")).to_have_text(f"{done + 1}/{total}")
    assert horizontal_overflow(page) == 0
    page.screenshot(path=screenshots / "comms-05-peak-phone.png", full_page=True)
    console.check("peak checklist")
    context.close()


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)
