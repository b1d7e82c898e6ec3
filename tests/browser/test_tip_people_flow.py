"""A witness names three comrades in one martyr field (issue 13): the campaign staff see one candidate block per
person, each headed by that person's own record, on a laptop and on a 390 px phone; confirming one records the
block it came from."""

from __future__ import annotations

import pytest

from tests.browser.test_intake_flow import DESKTOP, PHONE, Console, login, new_page

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.require_browser() skips, or fails under DOANTU_REQUIRE_BROWSER=1
    expect = None

pytestmark = pytest.mark.browser

# Three comrades of one battle in the registry and a witness's tip naming them in one field (names found nowhere
# else in the browser tests).
SETUP = """
from doantu.org.models import User
from doantu.registry import services
from doantu.tips.models import Source
from doantu.tips.services import Submission, tip_submit
actor = User.objects.get(username="vhxh-browser")
shared = {"unit": "Đại đội 5, Tiểu đoàn 8, Trung đoàn 66", "death_date": "20/04/1968", "death_place": "Khe Sanh"}
for name, birth, home in (
    ("Đàm Văn Khuê", "1947", "Xã Phú Đô, Huyện Phú Lương, Bắc Thái"),
    ("Ma Đình Thược", "1948", "Xã Yên Lạc, Huyện Phú Lương, Bắc Thái"),
    ("Lăng Thị Nguyệt", "1950", "Xã Động Đạt, Huyện Phú Lương, Bắc Thái"),
):
    services.martyr_create(actor=actor, values={"full_name": name, "birth": birth, "home_place": home, **shared})
tip, _ = tip_submit(
    source=Source.objects.get(code="dx"),
    submission=Submission(
        kinds=["witness"],
        account="Tháng 4/1968 ở Khe Sanh tôi chôn ba đồng đội cùng đại đội.",
        consent_processing=True,
        martyrs=[{"name": "Đàm Văn Khuê, Ma Đình Thược và Lăng Thị Nguyệt", "unit": "c5 d8 e66",
                  "death_date": "4/1968", "death_place": "Khe Sanh"}],
    ),
    files=[],
    submission_key="browser-tip-people",
)
print(tip.pk)
"""


def test_three_comrades_in_one_field_get_three_blocks(browser, live, screenshots):
    tip_pk = live.run_python(SETUP).strip().splitlines()[-1]
    for size, name in ((DESKTOP, "laptop"), (PHONE, "phone")):
        context, page = new_page(browser, live, size=size)
        console = Console(page)
        login(page, live, "vhxh-browser")
        page.goto(f"/staff/registry/tips/{tip_pk}/candidates/")
        blocks = [page.locator(f"#candidates-1-{i}") for i in (1, 2, 3)]
        for block, person in zip(blocks, ("Đàm Văn Khuê", "Ma Đình Thược", "Lăng Thị Nguyệt"), strict=True):
            expect(block.locator("h3")).to_contain_text(person)
            expect(block.locator(".forward").first).to_contain_text(person)
        expect(blocks[0]).to_contain_text("Mục này nêu 3 người")
        page.screenshot(path=screenshots / f"90-tip-people-{name}.png", full_page=True)
        console.check(f"the tip's candidates per person ({name})")
        context.close()
    context, page = new_page(browser, live, size=DESKTOP)
    login(page, live, "vhxh-browser")
    page.goto(f"/staff/registry/tips/{tip_pk}/candidates/")
    page.locator("#candidates-1-2 .forward").first.get_by_role("button", name="Đúng là liệt sĩ này").click()
    expect(page.locator("#candidates")).to_contain_text("Đã xác nhận liên quan: Ma Đình Thược")
    context.close()
