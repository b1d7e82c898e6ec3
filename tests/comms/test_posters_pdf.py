"""Print-ready posters: one page per source, each QR code decodes (zxing-cpp, a real decoder) to exactly that
source's address — in the DOCX that is laid out, and on the PDF's pages as rendered to images (LibreOffice makes
the PDF, Chromium's PDF viewer draws its pages). Page PNGs are kept in var/screenshots/ for a human look."""

import io
import os
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from doantu.comms import posters
from doantu.documents.pdf import pdf_available
from doantu.tips.models import Source
from tests.comms.test_posters_brought import login

pytestmark = pytest.mark.django_db
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots")


def decode(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def docx_qr_codes(docx: bytes) -> list[str]:
    """The QR codes of a DOCX's pictures, in document order."""
    import re

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="(media/[^"]+)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="(media/[^"]+)"[^>]*Id="(rId\d+)"', rels)})
        body = z.read("word/document.xml").decode()
        return [
            c
            for rid in re.findall(r'r:embed="(rId\d+)"', body)
            for c in decode(z.read("word/" + targets[rid]))
        ]


def require_pdf():
    if not pdf_available():
        if os.environ.get("DOANTU_REQUIRE_BROWSER") == "1":
            pytest.fail("LibreOffice (soffice) is required")
        pytest.skip("LibreOffice (soffice) is not installed")


@pytest.mark.parametrize("size", ["a4", "a3", "banner"])
def test_each_page_of_the_docx_carries_its_own_code(ward, size):
    sources = list(Source.objects.filter(ward=ward, active=True).select_related("ward")[:3])
    docx = posters.posters_docx([posters.page_for(s) for s in sources], size=size)
    assert docx_qr_codes(docx) == [posters.source_url(s) for s in sources]


def test_qr_code_is_error_correction_h_and_short_address(ward, settings):
    settings.SITE_URL = "https://thongtin.ducxuan.thainguyen.gov.vn/"
    source = Source.objects.get(code="dx-tdp1")
    url = posters.source_url(source)
    assert url == "https://thongtin.ducxuan.thainguyen.gov.vn/t/dx-tdp1"
    assert posters.short_address(url) == "thongtin.ducxuan.thainguyen.gov.vn/t/dx-tdp1"
    import segno

    assert segno.make(url, error="h", boost_error=False).error == "H"
    assert decode(posters.qr_png(url)) == [url]


def _render_and_decode(pdf: bytes, name: str, *, dpi: int = 100, browser=None) -> list[list[str]]:
    """Each page of ``pdf`` drawn by Chromium's PDF viewer (PDFium) on its own, as a PNG; what each decodes to.
    ``browser``: a running Playwright browser (the browser tests' own); else one is started here.

    Not ``documents.pdf_to_pngs``: it waits a fixed 1.5 s per page, and on a busy machine the viewer has not drawn
    yet (blank pages). Here each page is a one-page PDF at its own size, screenshot until something is drawn."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, require_browser

        require_browser()
        with sync_playwright() as pw:
            own = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--headless=new"])
            try:
                return _render_and_decode(pdf, name, dpi=dpi, browser=own)
            finally:
                own.close()
    from pypdf import PdfReader, PdfWriter

    os.makedirs(SCREENSHOTS, exist_ok=True)
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
            writer = PdfWriter()
            writer.add_page(page)
            path = Path(tmp) / f"page-{i}.pdf"
            with path.open("wb") as fh:
                writer.write(fh)
            w_pt, h_pt = (float(v) for v in page.mediabox.upper_right)
            view = browser.new_page(
                viewport={"width": round(w_pt / 72 * dpi), "height": round(h_pt / 72 * dpi)}
            )
            view.goto(f"{path.as_uri()}#toolbar=0&navpanes=0&view=Fit")
            png, codes, deadline = b"", [], time.monotonic() + 30
            while time.monotonic() < deadline:
                view.wait_for_timeout(500)
                png = view.screenshot()
                if codes := decode(png):
                    break
            view.close()
            with open(os.path.join(SCREENSHOTS, f"{name}-{i}.png"), "wb") as fh:
                fh.write(png)
            found.append(codes)
    return found


def test_command_prints_one_decodable_page_per_active_source(ward, tmp_path, settings):
    require_pdf()
    from pypdf import PdfReader

    settings.SITE_URL = "https://thongtin.ducxuan.thainguyen.gov.vn"
    Source.objects.filter(code="dx-tdp9").update(active=False)  # a switched-off source gets no poster
    active = list(Source.objects.filter(ward=ward, active=True).order_by("kind", "name"))
    out = tmp_path / "posters.pdf"
    call_command("qr_posters", ward="01840", size="a4", out=str(out), stdout=io.StringIO())
    pdf = out.read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(active)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    for page, source in zip(reader.pages, active, strict=True):
        text = " ".join(page.extract_text().split())
        assert posters.short_address(posters.source_url(source)) in text  # printed under the code
        assert source.name in text and "Chung tay đưa các anh về với" in text
    decoded = _render_and_decode(pdf, "posters-a4")
    assert decoded == [[posters.source_url(s)] for s in active]


def test_command_banner_and_a3_sizes_and_chosen_sources(ward, tmp_path):
    require_pdf()
    from pypdf import PdfReader

    for size, (w_mm, h_mm) in {"banner": (300, 100), "a3": (297, 420)}.items():
        out = tmp_path / f"{size}.pdf"
        call_command(
            "qr_posters",
            ward="01840",
            size=size,
            out=str(out),
            source=["dx-tdp2", "dx"],
            stdout=io.StringIO(),
        )
        reader = PdfReader(str(out))
        assert len(reader.pages) == 2
        width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
        assert abs(width - w_mm / 25.4 * 72) < 2 and abs(height - h_mm / 25.4 * 72) < 2
        decoded = _render_and_decode(out.read_bytes(), f"posters-{size}")
        assert decoded == [[posters.source_url(Source.objects.get(code=c))] for c in ("dx-tdp2", "dx")]


def test_command_refuses_unknown_ward_and_source(ward, tmp_path):
    with pytest.raises(CommandError, match="Không có phường"):
        call_command("qr_posters", ward="00000", out=str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="khong-co"):
        call_command("qr_posters", ward="01840", out=str(tmp_path / "x.pdf"), source=["khong-co"])
    assert not (tmp_path / "x.pdf").exists()


def test_staff_batch_page_makes_the_pdf_through_the_task(ward, users):
    require_pdf()
    from pypdf import PdfReader

    client = login(users["campaign"])
    page = client.get("/staff/comms/ap-phich/")
    assert page.status_code == 200
    chosen = [Source.objects.get(code=c) for c in ("dx-tdp3", "dx-tdp1")]
    response = client.post("/staff/comms/ap-phich/", {"size": "a4", "source": [s.pk for s in chosen]})
    assert response.status_code == 302
    status_url = response["Location"]
    status = client.get(status_url)  # the task ran at once (tests use the immediate backend)
    assert "Tải tệp PDF" in status.content.decode()
    pdf = client.get(status_url + "ap-phich.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    reader = PdfReader(io.BytesIO(data))
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert len(texts) == 2
    # in the order the sources were listed on the page (kind, name), each page its own source
    # each page is one of the chosen sources, each source on one page
    assert sorted(next(s.code for s in chosen if f"/t/{s.code}" in t) for t in texts) == sorted(
        s.code for s in chosen
    ), texts
    # nobody else reads the batch
    assert login(users["campaign2"]).get(status_url).status_code == 403
    assert Client().get(status_url + "ap-phich.pdf").status_code == 302  # to the sign-in page


def test_staff_batch_refusals(ward, users, other_source):
    client = login(users["campaign"])
    # a source of another ward is refused; nothing is queued
    response = client.post("/staff/comms/ap-phich/", {"size": "a4", "source": [other_source.pk]})
    assert response.status_code == 403
    response = client.post("/staff/comms/ap-phich/", {"size": "a4"})
    assert response.status_code == 400 and "Hãy chọn ít nhất một mã QR" in response.content.decode()
    response = client.post(
        "/staff/comms/ap-phich/", {"size": "a0", "source": [Source.objects.get(code="dx").pk]}
    )
    assert response.status_code == 400 and "Khổ in không hợp lệ" in response.content.decode()
    # a group leader prints his own group's code only; agencies print none
    leader = login(users["group_leader"])
    body = leader.get("/staff/comms/ap-phich/").content.decode()
    assert "/t/dx-tdp1" in body and "/t/dx-tdp2" not in body
    assert (
        leader.post(
            "/staff/comms/ap-phich/", {"size": "a4", "source": [Source.objects.get(code="dx-tdp2").pk]}
        ).status_code
        == 403
    )
    assert login(users["police"]).get("/staff/comms/ap-phich/").status_code == 403
