"""Posters and what each piece brought in, in a real browser against a real server.

A campaign officer gives a content item its own QR code, prints its A4 poster from the staff page (the PDF made
by the task, downloaded), and the poster's QR code is decoded from the rendered page; a person with a phone
opens that address and sends a tip; the item's row then counts one visit and one tip. The source's QR print
view has its code centred. The public campaign page at phone and laptop width. Screenshots in var/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.test_intake_flow import DESKTOP, PHONE, Console, horizontal_overflow, login, new_page
from tests.comms.test_posters_pdf import _render_and_decode

pytestmark = pytest.mark.browser

ITEM_TITLE = "Video: Hành trình tìm đồng đội của cựu chiến binh Đức Xuân"

_MAKE_ITEM = f"""
from django.utils import timezone
from doantu.comms import services
from doantu.comms.models import Channel, ContentItem
from doantu.org.models import OrgUnit, User
user = User.objects.get(username="vhxh-browser")
ward = user.ward
if not ContentItem.objects.filter(title={ITEM_TITLE!r}).exists():
    item = ContentItem(ward=ward, title={ITEM_TITLE!r}, kind="video", topic="iv3",
                       planned_date=timezone.localdate(), owner_unit=OrgUnit.objects.get(parent=ward, code="ttdvth"))
    services.item_save(actor=user, item=item, channels=list(Channel.objects.filter(ward=ward, code="facebook")))
print(ContentItem.objects.get(title={ITEM_TITLE!r}).pk)
"""


def _row(page, text):
    return page.locator("table.ranking tr", has=page.get_by_text(text, exact=False)).first


def test_item_qr_poster_decodes_and_counts_the_tip(browser, live, screenshots):
    item_pk = int(live.run_python(_MAKE_ITEM).strip().splitlines()[-1])

    # ---- the campaign officer gives the item its own QR code
    context, page = new_page(browser, live, size=DESKTOP)
    console = Console(page)
    login(page, live, "vhxh-browser")
    page.goto("/staff/comms/thu-ve/")
    page.get_by_role("button", name=f"Tạo mã QR riêng cho {ITEM_TITLE}").click()
    page.wait_for_url("**/staff/comms/thu-ve/")
    assert "Đã tạo mã QR riêng" in page.locator(".messages").inner_text()
    row = _row(page, ITEM_TITLE)
    code = re.search(r"/t/([a-z0-9-]+)", row.inner_text()).group(1)
    cells = row.locator("td").all_inner_texts()
    assert cells[2:5] == ["0", "0", "0"], cells  # visits, tips, verified
    console.check("the ranking page")

    # ---- its A4 poster: chosen on the batch page, made by the task, downloaded
    source_pk = live.run_python(
        f"from doantu.tips.models import Source; print(Source.objects.get(code={code!r}).pk)"
    ).strip()
    page.goto(f"/staff/comms/ap-phich/?source={source_pk}")
    assert page.locator("input[name=source]:checked").count() == 1
    page.screenshot(path=screenshots / "posters-batch-page.png", full_page=True)
    # the immediate task backend makes the PDF within the request: LibreOffice on a busy machine takes its time
    with page.expect_navigation(url=re.compile(r"/staff/comms/ap-phich/[\w-]+/$"), timeout=240_000):
        page.get_by_role("button", name=re.compile("Tạo tệp PDF")).click(no_wait_after=True)
    download_link = page.get_by_role("link", name="Tải tệp PDF")
    download_link.wait_for(timeout=180_000)  # LibreOffice on a busy machine
    with page.expect_download(timeout=60_000) as download:
        download_link.click()
    pdf = Path(download.value.path()).read_bytes()
    console.check("the poster batch")

    # ---- the printed code decodes to the item's address (the public SITE_URL), nothing else
    (codes,) = _render_and_decode(pdf, "browser-item-poster", browser=browser)
    assert len(codes) == 1
    printed = urlsplit(codes[0])
    assert printed.path == f"/t/{code}"

    # ---- a person scans it with a phone and sends a tip (the same path on the server under test)
    phone, public = new_page(browser, live, size=PHONE)
    public_console = Console(public)
    public.goto(printed.path)
    public.get_by_label("Tôi có kỷ vật, giấy tờ (thư, giấy báo tử…)").check()
    public.fill("#id_account", "Nhà tôi giữ lá thư năm 1972 của liệt sĩ, xem video trên Facebook của phường.")
    public.fill("#id_reporter_name", "Lê Thị Hoa")
    public.fill("#id_reporter_phone", "0912 000 111")
    public.locator("#id_consent_contact").check()
    public.locator("#id_consent_processing").check()
    public.locator("#submit-btn").click()
    public.wait_for_url("**/bien-nhan/*/")
    public_console.check("the tip through the item's QR code")
    phone.close()

    # ---- the item's row counts the visit and the tip
    page.goto("/staff/comms/thu-ve/")
    cells = _row(page, ITEM_TITLE).locator("td").all_inner_texts()
    assert cells[2:5] == ["1", "1", "0"], cells
    page.screenshot(path=screenshots / "posters-ranking.png", full_page=True)
    console.check("the ranking after the tip")
    assert item_pk  # the item the row is about

    # ---- the source's QR print view: the code centred on the page
    page.goto(f"/staff/sources/{source_pk}/qr/")
    page.emulate_media(media="print")
    poster = page.locator(".poster").bounding_box()
    qr = page.locator(".qr svg").bounding_box()
    drawn = page.locator(".qr svg path").bounding_box()
    centre = poster["x"] + poster["width"] / 2
    assert abs(qr["x"] + qr["width"] / 2 - centre) < 2, (poster, qr)
    assert abs(drawn["x"] + drawn["width"] / 2 - centre) < 3, (poster, drawn)
    assert drawn["width"] > 0.8 * qr["width"]  # the drawing fills its box (a viewBox), not a corner of it
    page.screenshot(path=screenshots / "source-qr-print.png", full_page=True)
    context.close()


_PUBLISH_STORIES = """
from django.utils import timezone
from doantu.comms import public, services
from doantu.comms.models import Channel, ContentItem
from doantu.org.models import OrgUnit, User
user = User.objects.get(username="vhxh-browser")
ward = user.ward
for title, topic, summary in (
    ("Cảnh báo: không có chuyện thu phí lấy mẫu ADN thân nhân liệt sĩ", "iv5",
     "Việc lấy mẫu ADN thân nhân liệt sĩ là miễn phí; không ai được thu tiền. Gặp trường hợp như vậy, hãy báo UBND phường."),
    ("Hành trình 50 năm tìm mộ liệt sĩ Nguyễn Văn Hùng", "iv2",
     "Nhờ lá thư gia đình còn giữ và lời kể của đồng đội, phần mộ liệt sĩ đã được tìm thấy."),
):
    if ContentItem.objects.filter(title=title).exists():
        continue
    item = ContentItem(ward=ward, title=title, kind="article", topic=topic, summary=summary,
                       planned_date=timezone.localdate(), owner_unit=OrgUnit.objects.get(parent=ward, code="ttdvth"))
    services.item_save(actor=user, item=item, channels=list(Channel.objects.filter(ward=ward, code="cong-ttdt")))
    services.item_submit(actor=user, item=item)
    services.item_approve(actor=user, item=item)
    services.item_publish(actor=user, item=item, evidence_url="https://ducxuan.thainguyen.gov.vn/tin/1")
    public.item_set_public(actor=user, item=item, public=True)
"""


def test_public_campaign_page_on_a_phone_and_a_laptop(browser, live, screenshots):
    live.run_python(_PUBLISH_STORIES)
    for name, size in (("phone", PHONE), ("laptop", DESKTOP)):
        context, page = new_page(browser, live, size=size)
        console = Console(page)
        response = page.goto("/chien-dich/")
        assert response.status == 200
        assert page.locator("script").count() == 0  # nothing needs JavaScript
        assert page.get_by_role("link", name="Cung cấp thông tin ngay").is_visible()
        assert "thông tin đã tiếp nhận" in page.locator(".figures").inner_text()
        assert "không có chuyện thu phí" in page.locator(".rebuttals").inner_text()
        assert "Hành trình 50 năm" in page.locator("#st-h + article").inner_text()
        if name == "phone":
            assert horizontal_overflow(page) == 0
        page.screenshot(path=screenshots / f"campaign-page-{name}.png", full_page=True)
        console.check(f"the campaign page ({name})")
        context.close()
