"""A residential-group leader enters three paper slips in a row on his phone (issue 8): the group and the
channel stay for the next slip, each saved slip is shown with a link, the third carries the photo of the signed
slip, and he then finds the three in his inbox with the names he typed (each reading recorded)."""

from __future__ import annotations

import pytest

from .test_intake_flow import PHONE, Console, expect, jpeg_with_gps, loaded_width, login, new_page

pytestmark = pytest.mark.browser

SLIPS = [
    ("Hoàng Thị Nhung", "0209 3871 234", "Nguyễn Văn Hùng", "oral"),
    ("Đinh Văn Tư", "+84 912 345 678", "Trần Văn Bảy", "oral"),
    ("Ma Thị Sen", "(0208) 3855 123", "Lý Văn Sáu", "signed_slip"),
]


def test_group_leader_enters_three_paper_slips(live, browser, screenshots, tmp_path):
    photo = jpeg_with_gps(tmp_path / "phieu-ky.jpg")
    context, page = new_page(browser, live, PHONE)
    console = Console(page)
    try:
        login(page, live, "tdp1-browser")
        page.locator("#new-entry").click()
        page.wait_for_url("**/staff/tips/new/")
        console.check("the entry screen")
        # his group is preselected and the only one
        group = page.locator("#id_residential_group")
        assert group.locator("option").all_inner_texts() == ["Tổ dân phố 1"]
        assert "Đọc cho người cung cấp nghe" in page.locator("#consent-wording").inner_text()
        codes = []
        for i, (name, phone, martyr, method) in enumerate(SLIPS):
            if i == 0:
                page.get_by_label("Phiếu giấy").check()
            else:  # kept from the slip before
                expect(page.get_by_label("Phiếu giấy")).to_be_checked()
                assert page.locator("#id_account").input_value() == ""
                assert page.locator("#id_reporter_name").input_value() == ""
            page.get_by_label("Lời kể nhân chứng").check()
            page.locator("#id_account").fill(f"Bác kể về liệt sĩ {martyr}, hy sinh năm 1972 ở Quảng Trị.")
            page.locator("#id_m1-name").fill(martyr)
            page.locator("#id_reporter_name").fill(name)
            page.locator("#id_reporter_phone").fill(phone)
            if method == "oral":
                page.get_by_label("Đồng ý bằng lời, có người chứng kiến").check()
                page.locator("#id_consent_witness").fill("Lê Văn Tổ Trưởng, tổ trưởng tổ dân phố 1")
            else:
                page.get_by_label("Ký vào phiếu (có ảnh chụp phiếu)").check()
                page.locator("#id_consent_slip").set_input_files(str(photo))
            page.locator("#id_consent_processing").check()
            page.locator("#id_consent_contact").check()
            with page.expect_navigation():
                page.locator("#save-entry").click()
            saved = page.locator("#entry-saved")
            expect(saved).to_be_visible()
            assert martyr in saved.inner_text()
            codes.append(saved.get_by_role("link").inner_text())
            page.screenshot(path=screenshots / f"entry-{i + 1}-saved-phone.png", full_page=False)
        console.check("three slips entered")
        assert len(set(codes)) == 3

        # his inbox: the three, entered by him, with the names he typed when he lists his own entries
        page.goto("/staff/tips/?entered=on")
        table = page.locator("#results table").inner_text()
        for code, (name, _phone, martyr, _method) in zip(codes, SLIPS, strict=True):
            assert code in table and name in table and martyr in table
        assert table.count("Nhập hộ: Lê Văn Tổ Trưởng") == 3
        page.screenshot(path=screenshots / "entry-inbox-phone.png", full_page=True)

        # the third one: its consent slip photo and how consent was given
        page.goto(page.get_by_role("link", name=codes[2], exact=True).get_attribute("href"))
        assert "Ký vào phiếu" in page.locator("#consent-method").inner_text()
        image = page.locator(".gallery img").first
        assert loaded_width(image) > 0
        console.check("the tip entered with a signed slip")
    finally:
        context.close()
