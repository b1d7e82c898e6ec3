"""A witness who buried two comrades names both in one tip (issue 8): each with its own details, each matched
against the registry on its own, and the campaign staff see the candidates per named martyr. With JavaScript
"Thêm một liệt sĩ nữa" adds a block in the page; without it the server adds the block and keeps the photo."""

from __future__ import annotations

import pytest

from tests.browser.test_intake_flow import DESKTOP, PHONE, Console, jpeg_with_gps, login, new_page

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.require_browser() skips, or fails under DOANTU_REQUIRE_BROWSER=1
    expect = None

pytestmark = pytest.mark.browser

# Two registry records, one per comrade (names found nowhere else in the browser tests).
REGISTRY = """
from doantu.org.models import User
from doantu.registry import services
actor = User.objects.get(username="vhxh-browser")
for values in (
    {"full_name": "Lục Văn Khiêm", "birth": "1950", "home_place": "Xã Vân Tùng, Huyện Ngân Sơn, tỉnh Bắc Thái",
     "unit": "c2 d4 e209", "death_date": "1972", "death_place": "Quảng Trị"},
    {"full_name": "Triệu Văn Pỏn", "birth": "1952", "home_place": "Xã Nam Mẫu, Huyện Ba Bể, tỉnh Bắc Thái",
     "unit": "c2 d4 e209", "death_date": "1972", "death_place": "Quảng Trị"},
):
    services.martyr_create(actor=actor, values=values)
"""


def fill_reporter(page):
    page.fill("#id_reporter_name", "Hà Văn Chiến")
    page.fill("#id_reporter_phone", "0912 777 888")
    page.locator("#id_consent_contact").check()
    page.locator("#id_consent_processing").check()


ACCOUNT = (
    "Tháng 6 năm 1972 tôi cùng đơn vị chôn hai đồng đội bên bờ suối gần Ba Lòng, đánh dấu bằng hòn đá lớn."
)


def test_a_witness_names_two_martyrs_and_staff_see_candidates_for_each(browser, live, screenshots):
    live.run_python(REGISTRY)
    context, page = new_page(browser, live, size=PHONE)
    console = Console(page)
    page.goto("/t/dx")
    page.get_by_label("Tôi đã chứng kiến, cùng chiến đấu, chôn cất").check()
    page.get_by_label("Tôi biết nơi có mộ liệt sĩ").check()  # several kinds at once
    expect(page.locator("#martyrs")).to_be_visible()
    expect(page.locator("#dna")).to_be_hidden()
    page.fill("#id_account", ACCOUNT)
    page.fill("#id_m1-name", "luc van khiem")  # as typed on a phone
    page.fill("#id_m1-birth_year", "1950")
    page.fill("#id_m1-home_place", "Ngân Sơn, Bắc Kạn")

    page.locator("#add-martyr").click()  # in the page, no round trip
    block = page.locator("#martyr-2")
    expect(block).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "id_m2-name"
    assert page.input_value("#id_m2-name") == "" and page.input_value("#id_martyr_count") == "2"
    page.fill("#id_m2-name", "Triệu Văn Pỏn")
    page.fill("#id_m2-home_place", "Ba Bể")
    block.locator("summary").click()
    page.fill("#id_m2-enlistment_year", "1890")  # a slip of the finger: caught in the phone, in Vietnamese
    page.fill("#id_m2-unit", "c2 d4 e209")
    page.fill("#id_location_description", "Bờ suối gần Ba Lòng, có hòn đá lớn")
    fill_reporter(page)
    page.locator("#submit-btn").click()
    expect(page.locator("#f-m2-enlistment_year .errorlist")).to_contain_text(
        "Năm nhập ngũ phải trong khoảng 1930"
    )
    page.fill("#id_m2-enlistment_year", "1970")
    page.screenshot(path=screenshots / "60-two-martyrs-phone.png", full_page=True)
    console.check("the public form with two martyrs")
    page.locator("#submit-btn").click()
    page.wait_for_url("**/bien-nhan/*/")
    code = page.locator("#receipt-code").inner_text().strip()
    context.close()

    # The campaign staff: both martyrs on the tip page, and the registry's candidates for each, apart.
    context, page = new_page(browser, live, size=DESKTOP)
    console = Console(page)
    login(page, live, "vhxh-browser")
    page.goto(f"/staff/tips/?q={code}")
    page.get_by_role("link", name=code, exact=True).click()
    named = page.locator("#named-martyrs")
    expect(named).to_contain_text("2 người")
    expect(named).to_contain_text("luc van khiem")
    expect(named).to_contain_text("Triệu Văn Pỏn")
    expect(named).to_contain_text("1970")
    first, second = page.locator("#candidates-1"), page.locator("#candidates-2")
    expect(first).to_contain_text("Lục Văn Khiêm")
    expect(second).to_contain_text("Triệu Văn Pỏn")
    assert "Triệu Văn Pỏn" not in first.locator(".forward").first.inner_text()
    assert "Lục Văn Khiêm" not in second.locator(".forward").first.inner_text()
    page.screenshot(path=screenshots / "61-two-martyrs-staff-candidates.png", full_page=True)
    second.locator(".forward").first.get_by_role("button", name="Đúng là liệt sĩ này").click()
    expect(page.locator("#candidates")).to_contain_text("liệt sĩ thứ 2 được nêu")
    console.check("the tip's candidates per named martyr", settle=True)
    context.close()


def test_without_javascript_another_martyr_block_comes_from_the_server(browser, live, tmp_path):
    photo = jpeg_with_gps(tmp_path / "bia-go.jpg")
    context, page = new_page(browser, live, java_script_enabled=False)
    console = Console(page)
    page.goto("/t/dx")
    expect(page.locator("#martyrs")).to_be_visible()  # every part shows without JavaScript
    page.get_by_label("Tôi đã chứng kiến, cùng chiến đấu, chôn cất").check()
    page.fill("#id_account", ACCOUNT)
    page.fill("#id_m1-name", "Nguyễn Văn Một")
    page.locator("#id_files").set_input_files(photo)
    page.locator("#add-martyr").click()  # a submit: the server answers with one more block
    page.wait_for_selector("#martyr-2")
    assert page.locator("#form-errors").count() == 0, "pressing 'add' is not a failed submission"
    assert page.input_value("#id_m1-name") == "Nguyễn Văn Một"
    assert page.locator("#id_kinds_3").is_checked()
    assert "bia-go.jpg" in page.locator("#held-files").inner_text()  # the photo is kept, not chosen again
    page.fill("#id_m2-name", "Nguyễn Văn Hai")
    fill_reporter(page)
    page.locator("#submit-btn").click()
    page.wait_for_url("**/bien-nhan/*/")
    code = page.locator("#receipt-code").inner_text().strip()
    console.check("the no-JavaScript form with two martyrs")
    context.close()
    out = live.run_python(
        "from doantu.tips.models import Tip\n"
        f"t = Tip.objects.get(receipt_code={code!r})\n"
        "print([m.name for m in t.martyrs.all()], t.kinds, t.attachments.count())"
    )
    assert out.strip() == "['Nguyễn Văn Một', 'Nguyễn Văn Hai'] ['witness'] 1"
