"""The weekly loudspeaker script (plan VIII.8, appendix II.1): drafted from a template with the current figures and
the call for information (IV.3), saved as a content item (kind "broadcast script") that staff edit, submit and
the culture office approves like any other; downloaded as plain text or DOCX (``doantu.documents`` when present)."""

import datetime as dt
import io

from django.db import transaction
from django.urls import reverse

from . import access
from .models import Channel, ChannelKind, ContentItem, ContentKind, Production, Topic
from .services import CommsError, item_save

TEMPLATE = """Kính thưa toàn thể Nhân dân phường {ward}!

Thực hiện Chiến dịch 500 ngày đêm đẩy mạnh thực hiện tìm kiếm, quy tập và xác định danh tính hài cốt liệt sĩ, \
UBND phường {ward} xin thông tin kết quả đến hết ngày {day}:
- Số thông tin Nhân dân đã cung cấp: {received};
- Số thông tin đã được xác minh: {verified};
- Số thân nhân liệt sĩ đăng ký cho mẫu sinh phẩm ADN: {dna}.

UBND phường trân trọng cảm ơn các gia đình, cựu chiến binh, nhân chứng lịch sử đã cung cấp thông tin.

Phường tiếp tục kêu gọi bà con Nhân dân, cựu chiến binh, thân nhân liệt sĩ và nhân chứng lịch sử cung cấp \
thông tin, manh mối, kỷ vật, bản đồ vẽ tay, lời kể, hình ảnh, video về liệt sĩ và mộ liệt sĩ; thân nhân liệt sĩ \
còn thiếu thông tin đăng ký cho mẫu ADN để xác định danh tính.

Bà con có thể quét mã QR trên băng-rôn, pa-nô tại nhà văn hóa tổ dân phố, gửi qua trang {link}, hoặc đến trực \
tiếp UBND phường{contact}.

Xin trân trọng cảm ơn!"""


def figures(ward, viewer=None) -> dict[str, int]:
    """The figures the script reads out, from the indicators registry (the one source of figures), for the whole
    campaign so far: tips received, verified, DNA offers."""
    from django.utils import timezone

    from doantu import indicators

    campaign = ward.campaigns.order_by("starts").first()
    today = timezone.localdate()
    start = min(campaign.starts, today) if campaign else today.replace(month=1, day=1)
    period = indicators.Period.custom(start, today)
    viewer = viewer or indicators.SYSTEM
    names = {"received": "tips.received", "verified": "tips.verified", "dna": "tips.dna_offers"}
    return {
        key: indicators.compute(name, viewer=viewer, unit=ward, period=period) or 0
        for key, name in names.items()
    }


def script_text(ward, day: dt.date, viewer=None) -> str:
    from django.conf import settings

    from doantu.tips.models import Source

    source = Source.objects.filter(ward=ward, kind="loudspeaker", active=True).first()
    link = settings.SITE_URL.rstrip("/") + (reverse("public:intake", args=[source.code]) if source else "/")
    link = link.replace("https://", "").replace("http://", "")
    contact = f", điện thoại {ward.contact_phone}" if ward.contact_phone else ""
    return TEMPLATE.format(
        ward=ward.short_name or ward.name, day=f"{day:%d/%m/%Y}", link=link, contact=contact, **figures(ward)
    )


@transaction.atomic
def script_draft(*, actor, ward, week_of: dt.date) -> ContentItem:
    access.require(access.can_make_script(actor) and access.can_view_ward(actor, ward))
    monday = week_of - dt.timedelta(days=week_of.weekday())
    day = max(monday, week_of)
    channel = Channel.objects.filter(ward=ward, kind=ChannelKind.LOUDSPEAKER, active=True).first()
    if channel is None:
        raise CommsError("Phường chưa có kênh truyền thanh cơ sở.")
    owner_unit = actor.unit if actor.unit_id and not actor.is_admin else channel.responsible_unit or ward
    item = ContentItem(
        ward=ward,
        title=f"Bài phát thanh tuần {monday:%d/%m} – {monday + dt.timedelta(days=6):%d/%m/%Y}",
        kind=ContentKind.BROADCAST_SCRIPT,
        topic=Topic.CALL,
        planned_date=day,
        owner_unit=owner_unit,
        owner=actor,
        production=Production.OWN,
        summary=script_text(ward, week_of, actor),
    )
    return item_save(actor=actor, item=item, channels=[channel])


def plain_text(item: ContentItem) -> str:
    return f"{item.title.upper()}\n\n{item.summary}\n"


def blocks(text: str) -> list[tuple[str, object]]:
    """Paragraphs (blank-line separated) and runs of dash lines ("- …") as bullet lists, as staff typed them."""
    out: list[tuple[str, object]] = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            out.append(("break", ""))
        elif line.startswith(("- ", "+ ", "• ")):
            if out and out[-1][0] == "bullets":
                out[-1][1].append(line[2:].strip())
            else:
                out.append(("bullets", [line[2:].strip()]))
        elif out and out[-1][0] == "paragraph":
            out[-1] = ("paragraph", out[-1][1] + " " + line)
        else:
            out.append(("paragraph", line))
    return [b for b in out if b[0] != "break"]


def docx_bytes(item: ContentItem) -> bytes:
    ward = item.ward
    try:
        from doantu.documents.official import OfficialDocument
    except ImportError:
        OfficialDocument = None  # noqa: N806
    if OfficialDocument is not None:
        doc = OfficialDocument(
            issuer_parent=f"UBND {ward.name.upper()}",
            issuer=item.owner_unit.name.upper(),
            kind="BÀI PHÁT THANH",
            number=None,
            symbol="",
            place=ward.short_name or ward.name,
            date=item.planned_date,
            title=item.title,
            draft_label="" if item.status in ("approved", "published") else "DỰ THẢO",
            recipients=["Hệ thống truyền thanh cơ sở (để phát);", f"Lưu: VT, {item.owner_unit.label}."],
        )
        for kind, content in blocks(item.summary):
            if kind == "bullets":
                doc.bullets(content)
            else:
                doc.paragraph(content)
        return doc.to_docx()
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    document.add_heading(item.title, level=1)
    for kind, content in blocks(item.summary):
        for para in content if kind == "bullets" else [content]:
            document.add_paragraph(("- " if kind == "bullets" else "") + para)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
