"""The receipt a person keeps: its code and the link to check progress, as text, a QR code and a PNG image.

Nothing here holds anything personal: a receipt names the code, the ward and the link, never the person or the
content (whoever holds the code sees the receipt page anyway; the progress needs the phone's last digits).

Sending the receipt by SMS or Zalo is the notifications' job (``notify.services.receipt_send``): a channel
sends ``receipt_text(tip, url)`` to the contact the person gave on that tip, when they ask for it on the receipt
page (``tips.services.tip_receipt_send``). This module builds no channel.
"""

import io
import logging
import unicodedata
from functools import cache
from pathlib import Path

import segno
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from .models import Tip

log = logging.getLogger(__name__)

# Fonts with Vietnamese glyphs (Debian: fonts-dejavu-core, fonts-liberation2). Without one the image is written
# without diacritics rather than with empty boxes.
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
BOLD_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
)


def status_url(request, tip: Tip) -> str:
    """The status page with the code filled in (the person adds the phone's last four digits)."""
    return request.build_absolute_uri(f"{reverse('public:status')}?ma={tip.receipt_code}")


def receipt_text(tip: Tip, url: str) -> str:
    """The receipt in one short message (an SMS fits it): for the notification channels."""
    check = " và 4 số cuối điện thoại" if tip.status_check else ""
    return (
        f"UBND {tip.ward.name} đã nhận thông tin của bạn. Mã biên nhận: {tip.receipt_code}. "
        f"Tra cứu tiến độ: {url} (nhập mã{check})."
    )


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (no XML declaration, for the page itself)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title="Mã QR trang tra cứu")


@cache
def _font(bold: bool, size: int):
    for path in BOLD_PATHS if bold else FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    log.warning("receipt image: no font with Vietnamese glyphs found; writing without diacritics")
    return ImageFont.load_default(size=size), False


def _plain(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def receipt_png(tip: Tip, url: str) -> bytes:
    """The receipt as a PNG a phone keeps in its photos: the code, the ward, the link and its QR code."""
    width, pad = 720, 40
    qr = segno.make(url, error="m")
    qr_out = io.BytesIO()
    qr.save(qr_out, kind="png", scale=8, border=2)
    qr_image = Image.open(io.BytesIO(qr_out.getvalue())).convert("RGB")
    lines = [
        (False, 26, f"UBND {tip.ward.name}"),
        (False, 26, "Biên nhận thông tin về liệt sĩ"),
        (True, 64, tip.receipt_code),
        (False, 24, f"Ngày gửi: {timezone.localtime(tip.created_at):%d/%m/%Y}"),
        (False, 24, "Tra cứu tiến độ: quét mã QR hoặc mở"),
        (False, 20, url),
    ]
    if tip.status_check:
        lines.append((False, 24, "rồi nhập 4 số cuối số điện thoại bạn đã để lại."))
    height = pad * 2 + sum(size + 18 for _, size, _ in lines) + qr_image.height + 20
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    y = pad
    for bold, size, text in lines:
        font, full = _font(bold, size)
        text = text if full else _plain(text)
        while draw.textlength(text, font=font) > width - 2 * pad and size > 10:  # a long link
            size -= 2
            font, _ = _font(bold, size)
        draw.text((pad, y), text, fill="black", font=font)
        y += size + 18
    image.paste(qr_image, ((width - qr_image.width) // 2, y + 10))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


# A4 at 150 dots per inch: the receipt image printed at about 12 cm wide, top centre, like a slip on a page.
A4_150DPI = (1240, 1754)


def receipt_pdf(tip: Tip, url: str) -> bytes:
    """The receipt as a one-page A4 PDF (the same picture as ``receipt_png``), to keep or print."""
    picture = Image.open(io.BytesIO(receipt_png(tip, url))).convert("RGB")
    page = Image.new("RGB", A4_150DPI, "white")
    page.paste(picture, ((A4_150DPI[0] - picture.width) // 2, 150))
    out = io.BytesIO()
    page.save(
        out, "PDF", resolution=150, title=f"Biên nhận {tip.receipt_code}", author=f"UBND {tip.ward.name}"
    )
    return out.getvalue()
