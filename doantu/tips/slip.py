"""The paper slip (phiếu cung cấp thông tin): the public form's own questions and consent statements laid out for
paper, read from ``TipForm`` itself, so the slip cannot drift from the web form's wording."""

from dataclasses import dataclass, field

from django import forms
from django.forms.widgets import ChoiceWidget

from .forms import TipForm

# Fields that make no sense on paper: files are handed over with the slip, coordinates come from a phone, the
# rest is machinery of the web form.
NOT_ON_PAPER = frozenset({"files", "latitude", "longitude"})


@dataclass
class SlipItem:
    name: str
    label: str
    kind: str  # "choices" (tick boxes), "check" (one box + statement), "lines" (ruled lines to write on)
    help_text: str = ""
    choices: list[tuple[str, bool]] = field(default_factory=list)  # (label, ticked)
    rows: int = 1
    consent: bool = False


def slip_items(*, form: TipForm, preset: dict | None = None) -> list[SlipItem]:
    """The form's visible fields in form order, each as what a person fills in on paper. ``preset`` ticks
    choices already known (the residential group of the group's own slip): field name -> value."""
    preset = preset or {}
    items = []
    fields = list(form.fields.items())
    # the first martyr block's questions come after the account, as on the web form (the slip has room for one;
    # a second martyr is written in the account or on a second slip)
    at = next(i for i, (name, _) in enumerate(fields) if name == "account") + 1
    block = form.martyr_forms[0]
    fields[at:at] = [(f"martyr_{name}", f) for name, f in block.fields.items()]
    for name, f in fields:
        if name in NOT_ON_PAPER or f.widget.is_hidden:
            continue
        help_text = str(f.help_text or "")
        if isinstance(f, forms.BooleanField):
            items.append(
                SlipItem(name, str(f.label), "check", help_text, consent=name.startswith("consent_"))
            )
        elif isinstance(f, forms.ChoiceField) or isinstance(f.widget, ChoiceWidget):
            # a ChoiceField, or a plain field drawn as radio buttons (``privacy``): the widget has the choices
            chosen = preset.get(name)
            choices = [
                (str(label), chosen is not None and str(value) == str(chosen))
                for value, label in (f.choices if isinstance(f, forms.ChoiceField) else f.widget.choices)
                if value not in ("", None)
            ]
            if chosen is not None:
                choices = [c for c in choices if c[1]]  # known already: print only that one, ticked
            items.append(SlipItem(name, str(f.label), "choices", help_text, choices=choices))
        else:
            rows = int(f.widget.attrs.get("rows", 1)) if isinstance(f.widget, forms.Textarea) else 1
            items.append(SlipItem(name, str(f.label), "lines", help_text, rows=rows))
    return items


# ------------------------------------------------------------------------------------------------ as a document
# The A4 slip as DOCX (python-docx, through the shared ``documents`` app's house font and page) and PDF
# (LibreOffice, ``documents.pdf``). Sizes: text for elderly eyes, 12 pt at least (issue 8: hints >= 16 px on a
# screen ~ 12 pt on paper); the QR code 3.5 cm, which a phone reads from arm's length.
SLIP_MARGINS_MM = {"top": 14, "bottom": 12, "left": 16, "right": 14}
SLIP_PT = 12
SLIP_SMALL_PT = 10.5
SLIP_TITLE_PT = 15
QR_CM = 3.5
BOX, TICKED = "☐", "☒"  # ballot boxes (DejaVu Sans has them, LibreOffice falls back to it)
HOW = (
    "Điền những gì bạn biết (không cần điền hết), rồi gửi lại phiếu cho tổ trưởng tổ dân phố hoặc UBND phường. "
    "Có thể gửi kèm bản sao thư, giấy báo tử, ảnh, bản đồ vẽ tay. Nếu dùng điện thoại, quét mã QR để gửi trực tuyến."
)


def slip_docx(*, source, url: str, items: list[SlipItem]) -> bytes:
    """The paper slip of ``source`` as a one-sheet A4 DOCX: the web form's questions (``items``, from
    ``slip_items``) and consent statements word for word, the source's QR code (``url``, its public form)."""
    import io

    import segno
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from doantu.documents.official import blank_document, styled_run

    ward = source.ward
    doc = blank_document("A4", SLIP_MARGINS_MM)
    section = doc.sections[0]
    width_cm = (section.page_width - section.left_margin - section.right_margin) / 360000

    def para(text="", *, size=SLIP_PT, bold=False, italic=False, after=2, before=0, align=None, cell=None):
        p = (cell or doc).add_paragraph()
        p.paragraph_format.space_after = Pt(after)
        p.paragraph_format.space_before = Pt(before)
        if align:
            p.alignment = align
        if text:
            styled_run(p, text, size=size, bold=bold, italic=italic)
        return p

    # ---- head: who asks and how, and the QR code on the right
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Cm(width_cm - QR_CM - 0.6), Cm(QR_CM + 0.6)
    left.paragraphs[0].text = ""
    styled_run(left.paragraphs[0], f"UBND {ward.name}".upper(), size=SLIP_PT, bold=True)
    para(
        "Phiếu cung cấp thông tin về liệt sĩ, mộ liệt sĩ, thân nhân liệt sĩ",
        size=SLIP_TITLE_PT,
        bold=True,
        before=4,
        cell=left,
    )
    para(HOW, size=SLIP_SMALL_PT, cell=left)
    contact = " · ".join(x for x in (ward.contact_phone, ward.contact_address, ward.contact_hours) if x)
    if contact:
        para(f"Liên hệ: {contact}", size=SLIP_SMALL_PT, cell=left)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=10, border=2)
    qr.seek(0)
    picture = right.paragraphs[0]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(qr, width=Cm(QR_CM))
    para(url, size=8, align=WD_ALIGN_PARAGRAPH.CENTER, cell=right)

    # ---- the questions, in the web form's order and words
    for item in items:
        if item.consent:
            continue
        if item.kind == "check":
            p = para(before=5)
            styled_run(p, f"{BOX} ", size=SLIP_PT + 2)
            styled_run(p, item.label, size=SLIP_PT, bold=True)
            if item.help_text:
                para(item.help_text, size=SLIP_SMALL_PT, italic=True)
            continue
        p = para(before=5)
        styled_run(p, item.label, size=SLIP_PT, bold=True)
        if item.help_text:
            styled_run(p, f" {item.help_text}", size=SLIP_SMALL_PT, italic=True)
        if item.kind == "choices" and any(len(label) > 60 for label, _ in item.choices):
            for label, ticked in item.choices:  # sentences: one a line
                p = para()
                styled_run(p, f"{TICKED if ticked else BOX} ", size=SLIP_PT + 2)
                styled_run(p, label, size=SLIP_PT)
        elif item.kind == "choices":
            p = para()
            for label, ticked in item.choices:  # short words: side by side, never broken inside one
                styled_run(p, f"{TICKED if ticked else BOX}\u00a0", size=SLIP_PT + 2)
                styled_run(p, label.replace(" ", "\u00a0") + "      ", size=SLIP_PT)
        else:
            for _ in range(max(item.rows, 1)):
                para("." * 150, size=SLIP_PT, after=0, before=6)

    # ---- the consents, word for word
    para("Sự đồng ý (đánh dấu ✓ vào ô bạn đồng ý)", size=SLIP_PT, bold=True, before=8)
    for item in items:
        if item.consent:
            p = para(before=2)
            styled_run(p, f"{BOX} ", size=SLIP_PT + 2)
            styled_run(p, item.label, size=SLIP_PT)

    # ---- signatures and the source
    para(before=10)
    sign = doc.add_table(rows=1, cols=2)
    for cell, who in zip(sign.rows[0].cells, ("Người cung cấp thông tin", "Người nhận phiếu"), strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        styled_run(
            cell.paragraphs[0], "Ngày ...... tháng ...... năm 20......", size=SLIP_SMALL_PT, italic=True
        )
        para(who, size=SLIP_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, cell=cell)
        para(
            "(ký, ghi rõ họ tên)", size=SLIP_SMALL_PT, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, cell=cell
        )
    owner = f" · {source.owner_unit}" if source.owner_unit and source.owner_unit.name != source.name else ""
    para(
        f"{source.name} · mã nguồn {source.code}{owner} · Thông tin được bảo vệ theo Luật Bảo vệ dữ liệu cá nhân.",
        size=9,
        italic=True,
        before=40,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def slip_pdf(docx: bytes) -> bytes:
    """The slip's PDF (LibreOffice through ``documents.pdf``), kept in the cache by the DOCX's content: a
    conversion takes seconds, and a group leader prints the same slip again and again. Raises
    ``documents.pdf.DocumentsUnavailable`` (its message in Vietnamese) without LibreOffice."""
    import hashlib

    from django.core.cache import cache

    from doantu.documents.pdf import docx_to_pdf

    key = "tips:slip-pdf:" + hashlib.sha256(docx).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = docx_to_pdf(docx)
        cache.set(key, pdf, SLIP_PDF_CACHE_SECONDS)
    return pdf


SLIP_PDF_CACHE_SECONDS = 7 * 24 * 3600  # the same DOCX gives the same PDF: a week, then converted again
