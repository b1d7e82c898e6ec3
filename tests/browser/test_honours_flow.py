"""A commendation, in a real browser: the culture officer nominates a residential group, a veteran and the service
centre with their achievements (the service centre's drawn from the system: a plan task it reported done) and sends
them up; the ward's vice-chairman decides (a certificate of merit, with the decision's number
and date) on a phone; the list is downloaded as DOCX in the official layout, rendered to PNG to be looked at."""

from __future__ import annotations

import datetime as dt

import pytest

from .test_intake_flow import PHONE, Console, horizontal_overflow, login, logout, new_page

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.require_browser() skips, or fails under DOANTU_REQUIRE_BROWSER=1
    expect = None

pytestmark = pytest.mark.browser
LAPTOP = dict(viewport={"width": 1366, "height": 900})
LEADER = "lanhdao-browser"

MAKE_LEADER = f"""
from doantu.org.models import OrgUnit, Role, UnitKind, User
ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
if not User.objects.filter(username={LEADER!r}).exists():
    User.objects.create_user(username={LEADER!r}, password={{password!r}}, full_name="Vũ Thị Phó Chủ Tịch",
                             unit=OrgUnit.objects.get(parent=ward, code="lanh-dao"), role=Role.LEADERSHIP)
"""


# The service centre reports the banners of the peaks (plan II.4) done, through the plan's own service.
TASK_DONE = """
from doantu.org.models import OrgUnit, Role, UnitKind, User
from doantu.plan import services
from doantu.plan.models import Plan
ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
centre = OrgUnit.objects.get(parent=ward, code="ttdvth")
user = User.objects.filter(username="ttdvth-honours").first() or User.objects.create_user(
    username="ttdvth-honours", password="x-unused-4817", full_name="Trung tâm DVTH", unit=centre, role=Role.CHANNEL)
task = Plan.objects.get(ward=ward).tasks.get(section="II", number=4)
services.update_post(actor=user, task=task, status="done", narrative="Đã treo 12 băng-rôn, 4 pa-nô có mã QR.")
"""


def nominate(page, *, kind, category, name, position, summary, unit=None, cite=None):
    page.goto("/staff/honours/new/")
    form = page.locator("#nomination-form")
    form.get_by_label("Tập thể / cá nhân").select_option(label=kind)
    form.get_by_label("Đối tượng").select_option(label=category)
    form.get_by_label("Tên tập thể / họ và tên").fill(name)
    if unit:
        form.get_by_label("Đơn vị trong hệ thống").select_option(label=unit)
    form.get_by_label("Chức vụ, nơi công tác / địa chỉ").fill(position)
    form.get_by_label("Tóm tắt thành tích").fill(summary)
    form.get_by_label("Hình thức đề nghị").select_option(label="Giấy khen của Chủ tịch UBND phường")
    form.get_by_label("Đợt").select_option(label="Tổng kết Chiến dịch năm 2027")
    form.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#nomination-status")).to_have_text("Đang lập")
    page.locator("#achievements summary", has_text="Thêm thành tích").click()
    add = page.locator("form[action$='/achievement/']")
    add.get_by_label("Nội dung (tự ghi)").fill(
        "Vận động 12 hộ cung cấp thư, giấy báo tử của liệt sĩ (năm 2026)."
    )
    add.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.locator("#achievements li").first).to_contain_text("Vận động 12 hộ")
    if cite:  # an achievement the system offers, cited with its own button
        page.locator("#from-system summary").click()
        offered = page.locator("#from-system .candidates li", has_text=cite)
        offered.get_by_role("button", name="Dẫn vào hồ sơ").click()
        expect(page.locator("#achievements")).to_contain_text(cite)
    page.locator("#propose").click()
    expect(page.locator("#nomination-status")).to_have_text("Đã trình lãnh đạo")


def test_commendation_from_nomination_to_docx(browser, live, screenshots, tmp_path):
    from doantu.documents.pdf import docx_to_pdf, pdf_to_pngs

    live.run_python(MAKE_LEADER.format(password=live.password))
    live.run_python(TASK_DONE)
    context, page = new_page(browser, live, size=LAPTOP)
    console = Console(page)
    login(page, live, "vhxh-browser")
    nominate(
        page,
        kind="Tập thể",
        category="Tổ dân phố",
        name="Tổ dân phố 3",
        position="Phường Đức Xuân",
        summary="Rà soát, tổng hợp thông tin về 9 liệt sĩ và thân nhân trên địa bàn tổ; vận động 5 gia đình đăng ký lấy mẫu ADN.",
        unit="Tổ dân phố 3",
    )
    nominate(
        page,
        kind="Cá nhân",
        category="Cựu chiến binh",
        name="Ông Hoàng Văn Sơn",
        position="Hội viên Hội Cựu chiến binh phường, tổ dân phố 5",
        summary="Cung cấp sơ đồ vẽ tay vị trí 3 ngôi mộ liệt sĩ tại đồi Khuổi Lặng; cùng đoàn khảo sát thực địa.",
    )
    nominate(
        page,
        kind="Tập thể",
        category="Cơ quan, tổ chức, đoàn thể",
        name="Trung tâm Dịch vụ tổng hợp phường",
        position="Phường Đức Xuân",
        summary="Thực hiện tuyên truyền trực quan, đăng tải mã QR tiếp nhận thông tin tại các địa điểm công cộng.",
        cite="hoàn thành nhiệm vụ II.4",
    )
    page.screenshot(path=screenshots / "honours-nomination-laptop.png", full_page=True)
    console.check("nominating")
    logout(page)
    context.close()

    # ---- the vice-chairman decides, on a phone
    context, page = new_page(browser, live, size=PHONE)
    console = Console(page)
    login(page, live, LEADER)
    page.get_by_role("link", name="Khen thưởng").click()
    for name in ("Tổ dân phố 3", "Ông Hoàng Văn Sơn", "Trung tâm Dịch vụ tổng hợp phường"):
        page.goto("/staff/honours/")
        page.get_by_role("link", name=name, exact=True).click()
        decide = page.locator("#decide")
        decide.get_by_label("Tặng Giấy khen của Chủ tịch UBND phường").check()
        decide.get_by_label("Số quyết định / tờ trình").fill("125/QĐ-UBND")
        decide.get_by_label("Ngày").fill((dt.date.today() - dt.timedelta(days=1)).isoformat())
        decide.get_by_role("button", name="Lưu quyết định").click()
        expect(page.locator("#nomination-status")).to_have_text("Đã quyết định khen thưởng")
        expect(page.locator("#decision")).to_contain_text("125/QĐ-UBND")
    assert horizontal_overflow(page) == 0
    page.screenshot(path=screenshots / "honours-decided-phone.png", full_page=True)
    page.goto("/staff/honours/")
    assert horizontal_overflow(page) == 0
    page.screenshot(path=screenshots / "honours-list-phone.png", full_page=True)

    # ---- the list for the decision, as DOCX
    page.get_by_label("Danh sách").select_option(label="Danh sách tập thể, cá nhân được khen thưởng")
    with page.expect_download() as download:
        page.locator("#export-docx").click()
    path = tmp_path / "danh-sach.docx"
    download.value.save_as(path)
    console.check("deciding and exporting")
    context.close()

    from docx import Document

    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "125/QĐ-UBND",
        "Tổ dân phố 3",
        "Ông Hoàng Văn Sơn",
        "báo cáo hoàn thành nhiệm vụ II.4",
        "Nơi nhận:",
    ):
        assert expected in text
    pngs = pdf_to_pngs(docx_to_pdf(path.read_bytes()), dpi=110)
    assert pngs
    for i, png in enumerate(pngs, start=1):
        (screenshots / f"honours-list-docx-page{i}.png").write_bytes(png)
