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


def figures(ward) -> dict[str, int]:
    """The figures the script reads out. Until the indicators registry exists this is the one place in comms that
    counts tips: received, verified, DNA offers of the ward."""
    try:  # the registry of figures (doantu/indicators), when installed, is the one source
        from doantu.indicators import registry  # type: ignore[import-not-found]

        return {
            "received": registry.value("tips_received", unit=ward),
            "verified": registry.value("tips_verified", unit=ward),
            "dna": registry.value("dna_offers", unit=ward),
        }
    except ImportError:
        from doantu.tips.models import Tip, TipStatus

        tips = Tip.objects.filter(ward=ward)
        return {
            "received": tips.count(),
            "verified": tips.filter(status=TipStatus.VERIFIED).count(),
            "dna": tips.filter(dna_offer=True).count(),
        }


def script_text(ward, day: dt.date) -> str:
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
        summary=script_text(ward, week_of),
    )
    return item_save(actor=actor, item=item, channels=[channel])


def plain_text(item: ContentItem) -> str:
    return f"{item.title.upper()}\n\n{item.summary}\n"


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
        )
        for para in item.summary.split("\n\n"):
            doc.paragraph(para.strip())
        return doc.to_docx()
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    document.add_heading(item.title, level=1)
    for para in item.summary.split("\n\n"):
        document.add_paragraph(para.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
