"""Print-ready posters of QR sources: A4 and A3 posters and a 3:1 banner, one page per source, as one PDF.

Each page carries the ward's call to action, a large QR code of the source's address (error correction H, so a
poster with a torn corner, a fold or some rain still scans), the short address printed under it for people who
type it, and the source's name in small print (which poster is this, when a tip comes in). Pages are laid out as
a DOCX and turned into a PDF by ``doantu.documents`` (LibreOffice), the one renderer of the system's documents.

The QR code is a PNG drawn module by module at a resolution far above the print's (each module an exact number
of pixels, no smoothing): it stays sharp after LibreOffice's export.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.urls import reverse

# The call to action, in plain words, from the plan's section IV.3 ("Kêu gọi cung cấp thông tin, manh mối, kỷ
# vật, bản đồ vẽ tay, lời kể nhân chứng, hình ảnh, video, định vị GPS và mẫu sinh phẩm ADN") and the campaign's
# motto as the ward's public pages show it (doantu/templates/web/base_public.html).
# No-break spaces keep the closing words together: a wrapped line breaks before "về với đất mẹ" and before "hay gia
# đình của liệt sĩ?", never leaving "đất mẹ" or "liệt sĩ?" alone on the last line (seen on the rendered A4 and A3).
HEADLINE = "Chung tay đưa các anh về\u00a0với\u00a0đất\u00a0mẹ"
QUESTION = "Bạn biết về một liệt sĩ, một ngôi mộ liệt sĩ, hay\u00a0gia\u00a0đình\u00a0của\u00a0liệt\u00a0sĩ?"
ASK = (
    "Xin hãy cho chúng tôi biết: một manh mối, một kỷ vật, lá thư, tấm bản đồ vẽ tay, lời kể của nhân chứng, "
    "hình ảnh, video hay vị trí trên điện thoại. Thân nhân liệt sĩ có thể đăng ký cho mẫu ADN để tìm lại "
    "người thân."
)
SCAN = "Quét mã bằng camera điện thoại — không cần tài khoản, có thể giấu tên"
BANNER_ASK = "Cung cấp thông tin về liệt sĩ, mộ liệt sĩ, thân nhân liệt sĩ"


@dataclass(frozen=True)
class Layout:
    """A page: its size and the sizes of what is on it (millimetres, points)."""

    key: str
    label: str
    width_mm: float
    height_mm: float
    margin_mm: float
    qr_mm: float
    ward_pt: int
    headline_pt: int
    body_pt: int
    address_pt: int
    small_pt: int
    banner: bool = False


# Paper sizes: ISO 216 (A4 210 × 297 mm, A3 297 × 420 mm). The banner is the usual 3 m × 1 m băng-rôn drawn at a
# tenth of its size (300 × 100 mm, 3:1): a print shop scales the PDF up; the QR code is vector-sharp enough
# (see ``qr_png``) at 10×.
LAYOUTS = {
    "a4": Layout("a4", "A4 (dọc)", 210, 297, 14, 150, 14, 30, 14, 26, 9),
    "a3": Layout("a3", "A3 (dọc)", 297, 420, 20, 212, 20, 44, 20, 38, 12),
    "banner": Layout(
        "banner", "Băng-rôn 3:1 (3 m × 1 m, bản 300 × 100 mm)", 300, 100, 6, 84, 13, 30, 17, 24, 8, True
    ),
}


def public_base_url() -> str:
    """The address the public reaches the site at (``SITE_URL``): printed posters must carry it, not whatever
    host a member of staff happened to open the staff site on."""
    return settings.SITE_URL.rstrip("/")


def source_url(source) -> str:
    return public_base_url() + reverse("public:intake", args=[source.code])


def short_address(url: str) -> str:
    """What is printed under the QR code for people who type it: no scheme, no trailing slash."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")


def qr_png(url: str, *, target_px: int = 1600) -> bytes:
    """The QR code of ``url`` with error correction H and the standard 4-module quiet zone, as a 1-bit PNG of
    about ``target_px`` pixels a side (≈ 300 dpi on an A4 poster), each module an exact square of pixels:
    drawn at one pixel per module and enlarged without smoothing, so its edges stay sharp at any print size."""
    from PIL import Image

    qr = segno.make(url, error="h", micro=False, boost_error=False)
    small = io.BytesIO()
    qr.save(small, kind="png", scale=1, border=4)
    small.seek(0)
    image = Image.open(small).convert("1")
    scale = max(1, math.ceil(target_px / image.width))
    big = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    big.save(out, "PNG")
    return out.getvalue()


@dataclass(frozen=True)
class PosterPage:
    """What one page says (the source's part)."""

    url: str
    source_name: str
    ward_name: str
    contact: str = ""

    @property
    def address(self) -> str:
        return short_address(self.url)


def page_for(source) -> PosterPage:
    ward = source.ward
    bits = []
    if ward.contact_phone:
        bits.append(f"Điện thoại: {ward.contact_phone}")
    if ward.contact_address:
        bits.append(ward.contact_address)
    return PosterPage(
        url=source_url(source),
        source_name=f"{source.name} · /t/{source.code}",
        ward_name=ward.name,
        # "UBND phường Đức Xuân": the unit's kind in lower case inside a sentence (the header prints it in capitals)
        contact="Hoặc đến UBND "
        + ward.name[:1].lower()
        + ward.name[1:]
        + (" — " + " · ".join(bits) if bits else ""),
    )


# ------------------------------------------------------------------------------------------------- layout


# A plain sans-serif reads from across a street; Word has Arial, LibreOffice draws it with the metric-compatible
# Liberation Sans (fonts-liberation2, installed by ./run) with every Vietnamese glyph.
FONT = "Arial"


def _sans(element) -> None:
    """Every script of a run (or of a style) in ``FONT``: Vietnamese letters are not all "ascii" to Word."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _document(layout: Layout):
    """An empty DOCX of the layout's page size and margins, from ``doantu.documents`` (one renderer)."""
    from docx.shared import Mm, Pt

    from doantu.documents.official import blank_document

    doc = blank_document(
        (layout.width_mm, layout.height_mm),
        dict.fromkeys(("top", "bottom", "left", "right"), layout.margin_mm),
        landscape=layout.width_mm > layout.height_mm,
    )
    section = doc.sections[0]
    section.header_distance = section.footer_distance = Mm(0)
    style = doc.styles["Normal"]
    _sans(style.element)
    style.font.size = Pt(layout.body_pt)
    style.paragraph_format.line_spacing = 1.1
    return doc


# The campaign's colour on the public pages (a deep red; site.css --accent) and near-black text.
RED = (0x9B, 0x1C, 0x1C)
INK = (0x1A, 0x1A, 0x1A)


def _para(container, text: str, *, size: int, bold=False, color=INK, align="center", before=0, after=0):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    p = container.add_paragraph()
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.keep_with_next = True
    run = p.add_run(text)
    _sans(run._element)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor(*color)
    return p


def _qr(container, page: PosterPage, layout: Layout, *, align="center"):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    p = container.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(qr_png(page.url)), width=Mm(layout.qr_mm), height=Mm(layout.qr_mm))
    return p


# Average advance of a bold Liberation Sans character of an address (lower-case letters, dots, slashes) in ems.
_ADDRESS_EM = 0.58


def _fit(text: str, size: int, width_mm: float) -> int:
    """The largest size up to ``size`` at which ``text`` stays on one line of ``width_mm``: an address broken in
    two is easily mistyped."""
    width_pt = width_mm / 25.4 * 72
    return max(8, min(size, int(width_pt / (_ADDRESS_EM * max(1, len(text))))))


def _poster_page(doc, page: PosterPage, layout: Layout) -> None:
    """A portrait poster: ward, headline, question, the ask, the QR code, the address, how to scan, contact,
    and the source in small print at the foot."""
    s = layout.body_pt
    _para(doc, "UBND " + page.ward_name.upper(), size=layout.ward_pt, bold=True, after=s * 0.6)
    _para(doc, HEADLINE, size=layout.headline_pt, bold=True, color=RED, after=s * 0.8)
    _para(doc, QUESTION, size=round(s * 1.25), bold=True, after=s * 0.4)
    _para(doc, ASK, size=s, after=s * 0.3)
    _qr(doc, page, layout)
    _para(
        doc,
        page.address,
        size=_fit(page.address, layout.address_pt, layout.width_mm - 2 * layout.margin_mm),
        bold=True,
        after=s * 0.3,
    )
    _para(doc, SCAN, size=s, after=s * 0.6)
    _para(doc, page.contact, size=round(s * 0.85))
    _para(doc, "Mã QR: " + page.source_name, size=layout.small_pt, color=(0x55, 0x55, 0x55), before=s * 0.6)


def _banner_page(doc, page: PosterPage, layout: Layout) -> None:
    """A 3:1 banner: the words on the left two thirds, the QR code on the right, side by side (a table without
    borders keeps them together at any scale)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    inner = layout.width_mm - 2 * layout.margin_mm
    qr_col = layout.qr_mm + 2
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Mm(inner - qr_col), Mm(qr_col))
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    left, right = table.rows[0].cells
    s = layout.body_pt
    left.paragraphs[0].text = ""
    _para(left, "UBND " + page.ward_name.upper(), size=layout.ward_pt, bold=True, after=s * 0.3)
    _para(left, HEADLINE, size=layout.headline_pt, bold=True, color=RED, after=s * 0.4)
    _para(left, BANNER_ASK, size=round(s * 1.2), bold=True, after=s * 0.4)
    _para(left, SCAN, size=s, after=s * 0.2)
    width = layout.width_mm - 2 * layout.margin_mm - layout.qr_mm - 4
    _para(left, page.address, size=_fit(page.address, layout.address_pt, width), bold=True, after=s * 0.2)
    _para(left, "Mã QR: " + page.source_name, size=layout.small_pt, color=(0x55, 0x55, 0x55))
    left._tc.remove(left.paragraphs[0]._p)  # the cell's own empty first paragraph
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].add_run().add_picture(
        io.BytesIO(qr_png(page.url)), width=Mm(layout.qr_mm), height=Mm(layout.qr_mm)
    )
    _vertical_centre(left)
    _vertical_centre(right)


def _vertical_centre(cell) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _new_page(doc) -> None:
    """The next poster starts a new page: a paragraph of no height with "page break before" (a break at the
    end of a full page would spill an empty page of its own)."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.page_break_before = True
    fmt.line_spacing = Pt(1)
    fmt.keep_with_next = True


def posters_docx(pages: list[PosterPage], *, size: str = "a4") -> bytes:
    """One page per poster, as a DOCX."""
    layout = LAYOUTS[size]
    doc = _document(layout)
    for i, page in enumerate(pages):
        if i:
            _new_page(doc)
        (_banner_page if layout.banner else _poster_page)(doc, page, layout)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def posters_pdf(pages: list[PosterPage], *, size: str = "a4") -> bytes:
    """The posters as one PDF (LibreOffice through ``doantu.documents``)."""
    from doantu.documents.pdf import docx_to_pdf

    return docx_to_pdf(posters_docx(pages, size=size))


# ------------------------------------------------------------------------------------- sources and batches

SIZES = {key: layout.label for key, layout in LAYOUTS.items()}


def printable_sources(user, ward):
    """The active sources of ``ward`` whose posters ``user`` may print: the ward's sources for those who manage
    them, a group's or a school's own for its leader (``tips.access.can_print_slip``, the rule of the paper
    slip: whoever hands out a source's paper may print it)."""
    from doantu.tips import access as tips_access
    from doantu.tips.models import Source

    if ward is None:
        return []
    sources = Source.objects.filter(ward=ward, active=True).select_related("ward", "owner_unit")
    return [s for s in sources.order_by("kind", "name") if tips_access.can_print_slip(user, s)]


def ward_posters_pdf(sources, *, size: str) -> bytes:
    """One page per source, in the order given."""
    if size not in LAYOUTS:
        raise ValueError(f"unknown poster size {size!r}")
    return posters_pdf([page_for(s) for s in sources], size=size)
