"""The DNA pipeline in a real browser (Chromium), against a real server: a niece of a martyr offers a DNA sample
from her phone; the culture office records the offer in the martyr's maternal-line pedigree (flagged: a living
sister ranks higher), contacts her and records her informed consent; schedules her in a collection round with the
ward police; the police download the round list and record the sample; the laboratory's result matches a grave,
which the registry then records as the martyr's on the basis of DNA. The sister, also scheduled, withdraws her
consent: her collection is cancelled at once and her identity is gone from every page.

The registry records (the martyr, the grave, the sister) and the tip's confirmed link to the martyr are made in
the server's environment (the registry's own browser test covers linking); everything of the DNA pipeline is done
in the browser. Screenshots in var/screenshots/ (dna-*.png).
"""

from __future__ import annotations

import io
import re
import uuid

import pytest

from tests.browser.test_intake_flow import DESKTOP, PHONE, RECEIPT_RE, Console, login, new_page

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.require_browser() skips, or fails under DOANTU_REQUIRE_BROWSER=1
    expect = None

pytestmark = pytest.mark.browser

RUN = uuid.uuid4().hex[:6].upper()  # a server shared with other tests: this run's names
MARTYR = f"Hà Văn Quyết {RUN}"
NIECE = f"Lục Thị Mai {RUN}"
SISTER = f"Hà Thị Lan {RUN}"


def offer_from_phone(browser, live, screenshots) -> str:
    context, page = new_page(browser, live, size=PHONE)
    console = Console(page)
    page.goto("/t/dx-tdp3")
    page.get_by_label("Tôi là người thân của liệt sĩ").check()
    page.fill("#id_account", "Tôi là con của chị gái liệt sĩ, xin đăng ký cho mẫu ADN để tìm mộ cậu tôi.")
    page.fill("#id_m1-name", MARTYR)
    page.select_option("#id_relationship", "sisters_child")
    page.locator("#id_dna_offer").check()
    page.locator("#id_consent_dna").check()
    page.fill("#id_reporter_name", NIECE)
    page.fill("#id_reporter_phone", "0912 555 666")
    page.locator("#id_consent_contact").check()
    page.locator("#id_consent_processing").check()
    page.locator("#submit-btn").click()
    page.wait_for_url("**/bien-nhan/*/")
    code = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT_RE.match(code), code
    console.check("the public form (DNA offer)")
    context.close()
    return code


def test_dna_offer_to_a_matched_grave_with_a_withdrawal(browser, live, screenshots):
    code = offer_from_phone(browser, live, screenshots)
    ids = live.run_python(
        f"""
from doantu.org.models import OrgUnit, User
from doantu.registry import services as registry
from doantu.tips.models import Tip
from doantu.dna import services as dna
staff = User.objects.get(username="vhxh-browser")
m = registry.martyr_create(actor=staff, values={{"full_name": {MARTYR!r}, "birth": "1950"}})
g = registry.grave_create(actor=staff, values={{"cemetery": "NTLS Trường Sơn {RUN}", "number": "7"}})
tip = Tip.objects.get(receipt_code={code!r})
registry.tip_link_decide(tip=tip, actor=staff, decision="confirmed", martyr=m)
sister = dna.donor_add(actor=staff, martyr=m, values={{"full_name": {SISTER!r}, "relationship": "sibling_same_mother",
    "alive": True, "sex": "Nữ", "phone": "0912777888"}}, group=OrgUnit.objects.get(code="tdp-04", parent__code="01840"))
print(m.pk, g.pk, sister.pk)
"""
    )
    martyr_id, grave_id, sister_id = ids.split()

    context, page = new_page(browser, live, size=DESKTOP)
    console = Console(page)
    login(page, live, "vhxh-browser")

    # ---- the offer, from the DNA page into the pedigree; the living sister (priority 3) is flagged
    page.goto("/staff/dna/")
    offer = page.locator("#offers .row-item").filter(has=page.get_by_role("link", name=code))
    expect(offer).to_contain_text("dòng mẹ, ưu tiên 6")
    offer.get_by_role("button", name=f"Ghi vào phả hệ của liệt sĩ {MARTYR}").click()
    page.wait_for_url(re.compile(r"/staff/dna/donors/\d+/$"))
    donor_url = page.url
    expect(page.get_by_test_id("higher-priority")).to_contain_text(
        "chị/em gái cùng mẹ (ưu tiên 3, Tổ dân phố 4)"
    )
    console.check("the donor page (offer)")
    page.goto(f"/staff/dna/martyrs/{martyr_id}/")
    expect(page.get_by_test_id("best-next")).to_have_text(
        "Nên hỏi tiếp: Hỏi người thân, chị/em gái cùng mẹ, ưu tiên 3, còn sống, ở Tổ dân phố 4."
    )
    expect(page.locator(".dna-tree svg")).to_be_visible()
    assert SISTER not in page.content() and NIECE not in page.content()
    page.get_by_role("button", name=re.compile("Xem họ tên, nơi ở, điện thoại")).click()
    expect(page.get_by_test_id("best-next")).to_contain_text(f"Hỏi {SISTER}, chị/em gái cùng mẹ")
    page.screenshot(path=screenshots / "dna-01-pedigree-desktop.png", full_page=True)
    console.check("the pedigree")

    # ---- contacted, then the informed consent (nothing pre-ticked; a witness for an oral consent)
    page.goto(donor_url)
    page.get_by_role("button", name="Ghi: đã liên hệ hôm nay").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi: đã liên hệ.")
    consent = page.locator("#consent")
    assert not consent.locator("input[type=checkbox]:checked").count()
    consent.get_by_label("Đồng ý bằng lời, có người làm chứng").check()
    # not informed: refused (a 400, expected), nothing saved
    console.expected_status[re.sub(r"^https?://[^/]+", "", donor_url) + "consent/"] = 400
    consent.get_by_role("button", name="Lưu sự đồng ý").click()
    expect(page.locator(".messages")).to_contain_text(
        "mục đích, nơi nhận"
    )  # not informed: refused, nothing saved
    consent = page.locator("#consent")
    consent.get_by_label(re.compile("^Đã đọc cho người cho mẫu")).check()
    consent.get_by_label("Công an (đơn vị lấy mẫu, ngân hàng gen)").check()
    consent.get_by_label("Sở Nội vụ tỉnh").check()
    consent.get_by_label("Đồng ý bằng lời, có người làm chứng").check()
    consent.get_by_label(re.compile("^Người làm chứng")).fill("Ma Văn Tiến, tổ trưởng TDP 3")
    consent.get_by_label("Đồng ý được nhắn tin báo kết quả").check()
    consent.get_by_role("button", name="Lưu sự đồng ý").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận sự đồng ý.")
    console.check("consent recorded", settle=True)

    # ---- a collection round with the ward police; the niece on its list
    page.goto("/staff/dna/rounds/")
    page.get_by_label("Tên đợt").fill(f"Đợt lấy mẫu {RUN}")
    page.get_by_label("Ngày lấy mẫu").fill("2026-12-05")
    page.get_by_label("Địa điểm").fill("Nhà văn hóa TDP 3")
    page.get_by_role("button", name="Lập đợt").click()
    page.wait_for_url(re.compile(r"/staff/dna/rounds/\d+/$"))
    round_url = page.url
    page.goto(donor_url)
    page.get_by_label("Đợt", exact=True).select_option(label=f"Đợt lấy mẫu {RUN} (05/12/2026)")
    page.get_by_role("button", name="Xếp đợt").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã xếp vào Đợt lấy mẫu {RUN}")
    # the sister is asked too, consents and is put on the same round (in the server, as the niece was above)
    live.run_python(
        f"""
from doantu.org.models import User
from doantu.dna import services as dna
from doantu.dna.models import CollectionRound, Donor
staff = User.objects.get(username="vhxh-browser")
d = Donor.objects.get(pk={sister_id})
dna.consent_record(actor=staff, donor=d, informed=True, recipients=["police"], method="oral", witness="X")
dna.round_schedule(actor=staff, collection_round=CollectionRound.objects.get(name="Đợt lấy mẫu {RUN}"), donor=d)
"""
    )

    # ---- the sister withdraws: at once, her collection is cancelled and her identity is gone
    page.goto(f"/staff/dna/donors/{sister_id}/")
    withdraw = page.locator("#withdraw")
    withdraw.get_by_label("Người cho mẫu đã yêu cầu rút lại sự đồng ý").check()
    withdraw.get_by_role("button", name="Ghi nhận rút lại đồng ý").click()
    expect(page.locator(".messages")).to_contain_text(
        "Đã ghi nhận rút lại đồng ý: thông tin cá nhân đã xóa. Đã hủy lịch lấy mẫu."
    )
    page.goto(f"/staff/dna/donors/{sister_id}/")
    expect(page.get_by_text("Đã xóa theo yêu cầu rút lại đồng ý.")).to_be_visible()
    page.screenshot(path=screenshots / "dna-02-withdrawn-desktop.png", full_page=True)
    console.check("the withdrawn donor")

    # ---- the police: the round's list (only what they need), then the sample recorded
    police_ctx, police = new_page(browser, live, size=PHONE)
    police_console = Console(police)
    login(police, live, "congan-browser")
    police.goto(round_url)
    rows = police.locator("table tr")
    expect(rows.filter(has_text="Hủy (rút lại đồng ý)")).to_have_count(1)
    with police.expect_download() as download:
        police.get_by_role("link", name="Tải danh sách (Excel)").click()
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read())).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert NIECE in cells and "0912555666" in "".join(cells).replace(" ", "")
    assert SISTER not in cells  # withdrawn: not on the list
    row = rows.filter(has_text="Con của chị/em gái liệt sĩ")
    row.get_by_label("Số hiệu mẫu").fill(f"DX-{RUN}")
    row.get_by_role("button", name="Ghi").click()
    expect(police.locator(".messages")).to_contain_text("Đã ghi.")
    expect(police.locator("table")).to_contain_text(f"Đã lấy mẫu · mẫu DX-{RUN}")
    police.screenshot(path=screenshots / "dna-03-round-police-phone.png", full_page=True)
    police_console.check("the round page (police)")
    police_ctx.close()

    # ---- sent to the laboratory; the result matches the grave
    page.goto(donor_url)
    expect(page.locator("#steps")).to_contain_text(f"mẫu số DX-{RUN}")
    page.get_by_role("button", name="Ghi: đã gửi hôm nay").click()
    result = page.locator("#result")
    result.get_by_label("Kết quả").select_option("match")
    result.get_by_label(re.compile("^Số hiệu mộ")).fill(grave_id)
    result.get_by_label(re.compile("^Số kết luận giám định")).fill(f"{RUN}/GĐ-ADN")
    result.get_by_role("button", name="Lưu kết quả").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi kết quả giám định.")
    expect(page.locator("#steps")).to_contain_text("Trùng khớp với một mộ")
    page.screenshot(path=screenshots / "dna-04-result-desktop.png", full_page=True)
    page.goto(f"/staff/registry/graves/{grave_id}/")
    expect(page.locator("main")).to_contain_text(MARTYR)
    expect(page.locator("main")).to_contain_text(f"Kết quả giám định ADN số {RUN}/GĐ-ADN")
    console.check("the grave identified")
    context.close()
