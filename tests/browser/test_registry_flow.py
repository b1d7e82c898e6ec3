"""The registry in a real browser (Chromium), against a real server: what a ward's culture-office officer does.

The officer (Phòng VH-XH) imports the province's martyr list and a cemetery's grave list (column check, dry
run with its error report, then the import), a person sends a witness account from a phone with the martyr's
name typed without diacritics, and the officer cross-references the tip with the registry: confirms the martyr
and the grave the engine proposes, adds the sender to the martyr's witnesses, and downloads both registers as
Excel. Staff pages at desktop size, the candidates page once more at phone size for a human look (screenshots
in var/screenshots/). No console errors, CSP violations or failed requests on the way.

The live server is shared with the other browser tests: the lists, the cemetery and the sender carry a suffix
of this run, and nothing here assumes an empty table.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest

from tests.browser.test_intake_flow import (
    DESKTOP,
    PHONE,
    RECEIPT_RE,
    Console,
    horizontal_overflow,
    login,
    new_page,
    open_tip_from_inbox,
)

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.require_browser() skips, or fails under DOANTU_REQUIRE_BROWSER=1
    expect = None

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARTYR = "Nông Văn Dền"
RUN = (
    uuid.uuid4().hex[:6].upper()
)  # this run's lists, cemetery and sender, on a server shared with other tests

MARTYR_CSV = "\n".join(
    [
        "Mã;Họ và tên;Năm sinh;Quê quán;Đơn vị;Ngày hy sinh",
        f"LS001;{MARTYR};1948;Xã Đồng Xá, Huyện Na Rì, Tỉnh Bắc Kạn;Trung đoàn 141;05/1971",
        "LS002;Hà Văn Quyết;1950;Xã Lương Thượng, Huyện Na Rì, Tỉnh Bắc Kạn;Tiểu đoàn 4;12/1972",
        "LS003;Triệu Văn Pấu;19x8;Xã Côn Minh, Huyện Na Rì, Tỉnh Bắc Kạn;Trung đoàn 141;1971",  # unreadable year
    ]
)
GRAVE_CSV = "\n".join(
    [
        "Khu;Hàng;Số mộ;Tên trên bia;Quê quán;Năm hy sinh",
        f"B;2;7;{MARTYR};Bắc Kạn;1971",
        "B;2;8;;Bắc Kạn;1972",  # a nameless grave: only the province and the year on the headstone
    ]
)
CEMETERY = f"NTLS xã Côn Minh {RUN}"
SENDER = f"Lục Thị Hoa {RUN}"


def csv_file(name: str, text: str) -> dict:
    """An upload as Excel-less offices send them: a semicolon CSV, UTF-8."""
    return {"name": name, "mimeType": "text/csv", "buffer": (text + "\n").encode()}


def upload_list(page, *, kind: str, list_name: str, file: dict, cemetery: str = ""):
    """The upload form of /staff/registry/imports/, filled and sent; lands on the batch's page."""
    assert page.goto("/staff/registry/imports/").status == 200
    expect(page.get_by_role("heading", name="Nhập danh sách liệt sĩ, danh sách mộ")).to_be_visible()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Tên danh sách").fill(list_name)
    page.get_by_label("Cơ quan cung cấp").fill("Sở Nội vụ tỉnh Thái Nguyên")
    if cemetery:
        page.get_by_label("Nghĩa trang (với danh sách mộ)").fill(cemetery)
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV").set_input_files(file)
    with page.expect_navigation(url=re.compile(r"/staff/registry/imports/\d+/$")):
        page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("h1")).to_have_text(f"{file['name']} → “{list_name}”")


def dry_run(page):
    """The guessed columns accepted as they are, and the dry run: the report of what an import would do."""
    page.get_by_role("button", name="Chạy thử (kiểm tra)").click()
    progress = page.locator("#progress")
    expect(progress.get_by_role("heading", name="Đã kiểm tra (chạy thử)")).to_be_visible()
    return progress


def apply_import(page):
    page.get_by_role("button", name="Nhập vào sổ").click()
    progress = page.locator("#progress")
    expect(progress.get_by_role("heading", name="Hoàn tất")).to_be_visible()
    return progress


def error_rows(progress) -> list[list[str]]:
    """The "Dòng lỗi" table of an import's report: (row, column, message) per error."""
    table = progress.locator("table", has=progress.page.get_by_role("columnheader", name="Lỗi"))
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def send_witness_tip(browser, live, screenshots) -> str:
    """A witness account sent from the ward's QR code on a phone, without login; returns the receipt code."""
    context, page = new_page(browser, live, size=PHONE)
    console = Console(page)
    page.goto("/t/dx")
    page.get_by_label("Tôi đã chứng kiến, cùng chiến đấu, chôn cất").check()
    page.fill(
        "#id_account",
        "Tôi là y tá trạm phẫu tiền phương năm 1971. Anh Dền người Tày ở Na Rì, Bắc Kạn, hy sinh tháng 5 "
        "năm đó; chúng tôi chôn anh ở bìa rừng gần suối, sau được quy tập về nghĩa trang xã.",
    )
    page.fill("#id_m1-name", "nong van den")  # typed as people type on a phone, without diacritics
    page.fill("#id_m1-home_place", "Bac Kan")
    page.locator("#martyr-1 summary").click()  # "Biết thêm về liệt sĩ này?"
    page.fill("#id_m1-death_date", "1971")
    page.fill("#id_reporter_name", SENDER)
    page.fill("#id_reporter_phone", "0987 654 321")
    page.locator("#id_consent_contact").check()
    # the witness agrees that the agencies who verify may know who he is: only then may staff copy him into the
    # registry's witnesses, which the ward's military command and police read (a ward-only sender stays out)
    page.locator("input[name=privacy][value=agencies]").check()
    page.locator("#id_consent_processing").check()
    console.check("the public form (witness account)")
    page.locator("#submit-btn").click()
    page.wait_for_url("**/bien-nhan/*/")
    code = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT_RE.match(code), code
    expect(page.locator(".notice.ok")).to_contain_text("Thông tin đã được tiếp nhận")
    page.screenshot(path=screenshots / "registry-04-witness-receipt-phone.png", full_page=True)
    console.check("the receipt (witness account)")
    context.close()
    return code


def xlsx_rows(response) -> list[tuple]:
    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(response.body()), read_only=True).active.iter_rows(values_only=True))


def test_lists_imported_then_a_witness_tip_linked_to_martyr_and_grave(browser, live, screenshots):
    context, page = new_page(browser, live, size=DESKTOP)
    console = Console(page)
    login(page, live, "vhxh-browser")
    console.check("the staff inbox")

    # ---- 1. the province's martyr list: columns guessed, a dry run that reports the bad row, the import
    upload_list(
        page,
        kind="Danh sách liệt sĩ",
        list_name=f"Danh sách liệt sĩ huyện Na Rì {RUN}",
        file=csv_file("liet-si-na-ri.csv", MARTYR_CSV),
    )
    # (every column is optional on this form, hence "(nếu có)" in each label)
    for field, column in (("Mã", "Mã"), ("Họ và tên", "Họ và tên"), ("Năm sinh / ngày sinh", "Năm sinh")):
        select = page.get_by_label(f"{field} (nếu có)", exact=True)
        expect(select.locator("option:checked")).to_have_text(column)
    console.check("the martyr list's columns")

    progress = dry_run(page)
    expect(progress).to_contain_text("3/3 dòng (100%)")
    expect(progress).to_contain_text(
        "Nếu nhập: 2 hồ sơ mới, 0 cập nhật, 0 không đổi, 1 dòng lỗi (sẽ bỏ qua)."
    )
    expect(progress.get_by_role("heading", name="Dòng lỗi")).to_be_visible()
    errors = error_rows(progress)
    assert len(errors) == 1, errors
    row, column, message = errors[0]
    assert (row, column) == ("4", "Năm sinh / ngày sinh"), errors  # the header is row 1
    assert "Không đọc được ngày/năm “19x8”" in message, message
    page.screenshot(path=screenshots / "registry-01-martyr-dry-run-desktop.png", full_page=True)
    console.check("the martyr list's dry run")

    progress = apply_import(page)
    expect(progress).to_contain_text("Đã thêm 2, cập nhật 0, không đổi 0, bỏ qua 1 dòng lỗi.")
    expect(progress.get_by_role("link", name="Xem sổ liệt sĩ")).to_be_visible()
    console.check("the martyr list imported")

    # ---- 2. a cemetery's grave list, without a cemetery column: the cemetery is given on the form
    upload_list(
        page,
        kind="Danh sách mộ liệt sĩ (của một nghĩa trang)",
        list_name=f"Mộ {CEMETERY}",
        file=csv_file("mo-con-minh.csv", GRAVE_CSV),
        cemetery=CEMETERY,
    )
    expect(page.get_by_text(f"nghĩa trang: {CEMETERY}")).to_be_visible()
    expect(page.get_by_label("Tên trên bia (nếu có)", exact=True).locator("option:checked")).to_have_text(
        "Tên trên bia"
    )
    progress = dry_run(page)
    expect(progress).to_contain_text("Nếu nhập: 2 mộ mới, 0 cập nhật, 0 không đổi, 0 dòng lỗi (sẽ bỏ qua).")
    expect(progress.get_by_role("heading", name="Dòng lỗi")).to_have_count(0)
    console.check("the grave list's dry run")
    progress = apply_import(page)
    expect(progress).to_contain_text("Đã thêm 2, cập nhật 0")
    page.screenshot(path=screenshots / "registry-02-grave-import-done-desktop.png", full_page=True)
    console.check("the grave list imported")

    # Both imports are in the list of imports, done.
    page.goto("/staff/registry/imports/")
    for name in ("liet-si-na-ri.csv", "mo-con-minh.csv"):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True)).first
        expect(row).to_contain_text("Hoàn tất")
    console.check("the list of imports")

    # ---- 3. a person who was there writes in from a phone
    code = send_witness_tip(browser, live, screenshots)

    # ---- 4. the officer cross-references the tip with the registry
    page.goto("/staff/tips/")
    open_tip_from_inbox(page, code)
    tip_pk = re.search(r"/staff/tips/(\d+)/$", page.url).group(1)
    # The tip's page loads the candidates into its "Đối chiếu sổ liệt sĩ" section.
    expect(page.locator("#candidates").get_by_role("link", name=MARTYR).first).to_be_visible()
    console.check("the tip page", settle=True)

    candidates_url = f"/staff/registry/tips/{tip_pk}/candidates/"
    assert page.goto(candidates_url).status == 200
    expect(page.locator("h1")).to_have_text(f"Đối chiếu thông tin {code} với sổ liệt sĩ")
    panel = page.locator("#candidates")
    # (the best-ranked record of that name and unit: another test's list could hold a namesake)
    martyr_row = (
        panel.locator(".forward", has=page.locator("a[href*='/martyrs/']"))
        .filter(has_text=MARTYR)
        .filter(has_text="Trung đoàn 141")
        .first
    )
    expect(martyr_row).to_be_visible()
    expect(martyr_row).to_contain_text(re.compile(r"Khớp: \S"))  # reasons, not "Khớp: —"
    expect(panel.get_by_role("heading", name="Mộ có thể liên quan")).to_be_visible()
    grave_row = panel.locator(".forward", has=page.locator("a[href*='/graves/']")).filter(has_text=CEMETERY)
    expect(grave_row).to_have_count(1)  # the grave with the name; the nameless one is not proposed
    expect(grave_row).to_contain_text(MARTYR)
    expect(grave_row).to_contain_text(re.compile(r"Khớp: \S"))
    page.screenshot(path=screenshots / "registry-05-candidates-desktop.png", full_page=True)
    console.check("the tip's candidates")

    martyr_row.get_by_role("button", name="Đúng là liệt sĩ này").click()
    confirmed = panel.locator(".notice.ok")
    expect(confirmed.filter(has_text=f"Đã xác nhận liên quan: {MARTYR}")).to_have_count(1)
    grave_row.get_by_role("button", name="Đúng là mộ này").click()
    expect(confirmed.filter(has_text=f"Đã xác nhận liên quan mộ: {CEMETERY}")).to_have_count(1)
    expect(confirmed.filter(has_text=f"Đã xác nhận liên quan: {MARTYR}")).to_have_count(1)
    expect(martyr_row.locator(".badge", has_text="Đã xác nhận liên quan")).to_be_visible()
    expect(grave_row.locator(".badge", has_text="Đã xác nhận liên quan")).to_be_visible()
    console.check("the tip's candidates (confirmed)")

    # The same page on a phone, for a human look (one login, two screens).
    phone_context, phone = new_page(browser, live, size=PHONE, storage_state=context.storage_state())
    phone_console = Console(phone)
    assert phone.goto(candidates_url).status == 200
    expect(phone.locator("#candidates .notice.ok")).to_have_count(2)
    overflow = horizontal_overflow(phone)
    phone.screenshot(path=screenshots / "registry-06-candidates-phone.png", full_page=True)
    phone_console.check("the tip's candidates (phone)")
    phone_context.close()
    assert overflow == 0, f"the candidates page is {overflow}px wider than a phone"

    grave_href = (
        confirmed.filter(has_text="Đã xác nhận liên quan mộ").get_by_role("link").get_attribute("href")
    )
    page.get_by_role("button", name="Thêm người gửi vào danh sách nhân chứng").click()
    page.wait_for_url(re.compile(r"/staff/registry/martyrs/\d+/"))
    expect(page.locator("h1")).to_contain_text(f"Liệt sĩ {MARTYR}")
    expect(page.locator("ul.messages")).to_contain_text(
        f"Đã thêm người gửi làm nhân chứng về liệt sĩ {MARTYR}."
    )
    witnesses = page.locator("section#witnesses")
    expect(witnesses.get_by_role("heading", name="Nhân chứng")).to_be_visible()
    # who the witness is: only on request (htmx swaps the line in), and the reading is on the record
    expect(witnesses).not_to_contain_text(SENDER)
    witnesses.get_by_role("button", name="Xem họ tên, điện thoại (sẽ được ghi nhật ký)").click()
    expect(witnesses).to_contain_text(SENDER)
    expect(witnesses).to_contain_text("0987654321")
    expect(witnesses).to_contain_text("lần xem này đã được ghi vào nhật ký")
    expect(witnesses.get_by_role("link", name=f"thông tin {code}")).to_be_visible()
    from_people = page.locator("section.card", has=page.get_by_role("heading", name="Thông tin từ người dân"))
    expect(from_people.get_by_role("link", name=code, exact=True)).to_be_visible()
    expect(from_people).to_contain_text("Đã xác nhận liên quan")
    page.screenshot(path=screenshots / "registry-07-martyr-desktop.png", full_page=True)
    console.check("the martyr's page")

    # ---- 5. the grave's page names the tip; both registers download as Excel
    assert page.goto(grave_href).status == 200
    expect(page.locator("h1")).to_have_text(f"{CEMETERY} khu B hàng 2 số 7 — {MARTYR}")
    from_people = page.locator("section.card", has=page.get_by_role("heading", name="Thông tin từ người dân"))
    expect(from_people.get_by_role("link", name=code, exact=True)).to_be_visible()
    console.check("the grave's page")

    martyrs = page.request.get("/staff/registry/export.xlsx")
    assert martyrs.status == 200
    assert martyrs.headers["content-type"] == XLSX
    rows = xlsx_rows(martyrs)
    names = [r[rows[0].index("Họ và tên")] for r in rows[1:]]
    assert MARTYR in names and "Hà Văn Quyết" in names and "Triệu Văn Pấu" not in names

    graves = page.request.get("/staff/registry/graves/export.xlsx")
    assert graves.status == 200
    assert graves.headers["content-type"] == XLSX
    rows = xlsx_rows(graves)
    ours = [r for r in rows[1:] if r[rows[0].index("Nghĩa trang")] == CEMETERY]
    assert sorted(r[rows[0].index("Tên trên bia")] or "" for r in ours) == ["", MARTYR]
    console.check("after the downloads")
    context.close()


def test_import_page_updates_itself_while_the_worker_runs(browser, live, screenshots):
    """The dry run is queued for the task worker: the page shows it running, then the result, with no reload by
    the person (htmx polls the progress fragment and reloads the page once the run is over)."""
    context, page = new_page(browser, live, size=PHONE)
    console = Console(page)
    login(page, live, "vhxh-browser")
    upload_list(
        page,
        kind="Danh sách liệt sĩ",
        list_name=f"Danh sách chờ xử lý {RUN}",
        file=csv_file("cho-xu-ly.csv", MARTYR_CSV),
    )
    batch_id = int(re.search(r"/imports/(\d+)/$", page.url).group(1))
    # "Chạy thử" queued the dry run and the worker has not picked it up yet (import_start's state)
    live.run_python(
        "from doantu.registry.models import ImportBatch, ImportStatus\n"
        f"ImportBatch.objects.filter(pk={batch_id}).update(status=ImportStatus.CHECKING)"
    )
    page.reload()
    progress = page.locator("#progress")
    expect(progress.get_by_role("heading", name="Đang kiểm tra")).to_be_visible()
    # the worker runs the dry run, in another process
    live.run_python(
        f"from doantu.registry import services\nservices.import_run(batch_id={batch_id}, apply=False)"
    )
    expect(progress.get_by_role("heading", name="Đã kiểm tra (chạy thử)")).to_be_visible()
    expect(progress).to_contain_text("Nếu nhập: 2 hồ sơ mới")
    expect(page.get_by_role("button", name="Nhập vào sổ")).to_be_visible()
    page.screenshot(path=screenshots / "registry-import-updated-by-itself-phone.png", full_page=True)
    console.check("the import page, updated by itself", settle=True)
    context.close()
