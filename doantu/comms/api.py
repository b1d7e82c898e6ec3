"""The JSON API of the communication work (for a future Zalo mini-app): channels, content items, the calendar,
per-item figures and targets. Same selectors and access rules as the pages."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from doantu.tips.api import STAFF_AUTH

from . import access, brought, selectors
from .models import ContentStatus

comms_router = Router(tags=["Cán bộ: truyền thông"])
MAX_RANGE_DAYS = 400  # a calendar query covers at most the campaign's year and a bit


class ChannelOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    social: bool
    responsible_unit: str | None


class ItemOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    topic: str
    topic_label: str
    status: str
    status_label: str
    planned_date: dt.date
    planned_time: dt.time | None
    channels: list[int]
    owner_unit: str
    owner: str | None
    production: str
    published_at: dt.datetime | None
    evidence_url: str
    public: bool


class FiguresOut(Schema):
    views: int
    reactions: int
    shares: int
    comments: int
    broadcasts: int


class BroughtOut(Schema):
    """What an item's own QR code brought in (tips.visits): the figures of its page and of the ranking."""

    short_url: str = Field(..., description="Đường dẫn ngắn in dưới mã QR riêng của sản phẩm")
    visits: int = Field(..., description="Lượt mở biểu mẫu qua mã QR riêng")
    tips: int = Field(..., description="Thông tin nhận được")
    verified: int = Field(..., description="Thông tin đã xác minh")
    dna_offers: int | None = Field(
        ..., description="Thân nhân đăng ký cho mẫu ADN (null: tài khoản này không được biết)"
    )


class ItemDetailOut(ItemOut):
    summary: str
    place: str
    attendance: int | None
    reach: FiguresOut
    brought: BroughtOut | None = Field(..., description="null: sản phẩm chưa có mã QR riêng")


class RankedItemOut(Schema):
    id: int
    title: str
    channels: list[str]
    brought: BroughtOut


class TargetOut(Schema):
    code: str
    name: str
    period: str
    period_start: dt.date
    period_end: dt.date
    done: int
    minimum: int
    maximum: int | None
    days_left: int
    text: str = Field(..., description="Như trên trang: “2/3 — còn 9 ngày”")


class CalendarQuery(Schema):
    start: dt.date | None = Field(None, description="Từ ngày (mặc định: đầu tháng này)")
    end: dt.date | None = Field(None, description="Đến ngày (mặc định: cuối tháng này)")
    channel: int | None = None
    unit: int | None = None
    status: str = Field("", max_length=12, description="Một trong: " + ", ".join(ContentStatus.values))


def _item_out(item) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "topic": item.topic,
        "topic_label": item.get_topic_display(),
        "status": item.status,
        "status_label": item.get_status_display(),
        "planned_date": item.planned_date,
        "planned_time": item.planned_time,
        "channels": [c.pk for c in item.channels.all()],
        "owner_unit": item.owner_unit.label,
        "owner": item.owner.display_name if item.owner_id else None,
        "production": item.production,
        "published_at": item.published_at,
        "evidence_url": item.evidence_url,
        "public": item.public,
    }


def _viewer(request):
    access.require(access.can_view(request.user), "Tài khoản này không theo dõi công tác truyền thông.")
    return request.user


@comms_router.get("/comms/channels", response=list[ChannelOut], auth=STAFF_AUTH, summary="Kênh truyền thông")
def list_channels(request):
    user = _viewer(request)
    return [
        {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "social": c.social,
            "responsible_unit": c.responsible_unit.label if c.responsible_unit_id else None,
        }
        for c in access.channels_visible_to(user).select_related("responsible_unit")
    ]


@comms_router.get(
    "/comms/items",
    response=list[ItemOut],
    auth=STAFF_AUTH,
    summary="Lịch: sản phẩm truyền thông theo ngày dự kiến",
)
def list_items(request, filters: Query[CalendarQuery]):
    user = _viewer(request)
    today = timezone.localdate()
    start = filters.start or today.replace(day=1)
    end = filters.end or selectors.period_of_month(today)[1]
    if end < start:
        raise HttpError(400, "“Đến ngày” phải sau “Từ ngày”.")
    if (end - start).days > MAX_RANGE_DAYS:
        raise HttpError(400, f"Khoảng thời gian tối đa {MAX_RANGE_DAYS} ngày.")
    if filters.status and filters.status not in ContentStatus.values:
        raise HttpError(400, "Trạng thái không hợp lệ.")
    channel = access.channels_visible_to(user).filter(pk=filters.channel).first() if filters.channel else None
    if filters.channel and channel is None:
        return []
    items = selectors.calendar_items(user, start, end, channel=channel, status=filters.status)
    if filters.unit:
        items = items.filter(owner_unit_id=filters.unit)
    return [_item_out(i) for i in items]


@comms_router.get(
    "/comms/items/{item_id}", response=ItemDetailOut, auth=STAFF_AUTH, summary="Một sản phẩm và số liệu"
)
def get_item(request, item_id: int):
    user = _viewer(request)
    item = get_object_or_404(
        access.items_visible_to(user)
        .select_related("owner_unit", "owner", "source")
        .prefetch_related("channels"),
        pk=item_id,
    )
    return {
        **_item_out(item),
        "summary": item.summary,
        "place": item.place,
        "attendance": item.attendance,
        "reach": selectors.item_reach_totals(user, item),
        "brought": _brought_out(item.source, brought.item_figures(user, item)),
    }


def _brought_out(source, figures) -> dict | None:
    if source is None or figures is None:
        return None
    from .posters import short_address, source_url

    return {
        "short_url": short_address(source_url(source)),
        "visits": figures.visits,
        "tips": figures.tips,
        "verified": figures.verified,
        "dna_offers": figures.dna_offers,
    }


@comms_router.get(
    "/comms/ranking",
    response=list[RankedItemOut],
    auth=STAFF_AUTH,
    summary="Sản phẩm nào mang lại thông tin (xếp hạng theo mã QR riêng)",
)
def item_ranking(request, ward: int | None = None):
    user = _viewer(request)
    wards = access.wards_visible_to(user)
    own = access.ward_of(user)
    if ward:
        chosen = wards.filter(pk=ward).first()
    else:
        chosen = (own and wards.filter(pk=own.pk).first()) or wards.order_by("path").first()
    if chosen is None:
        raise HttpError(404, "Không có phường này.")
    return [
        {
            "id": row.item.pk,
            "title": row.item.title,
            "channels": row.channels,
            "brought": _brought_out(row.source, row.figures),
        }
        for row in brought.item_ranking(user, ward=chosen, limit=None)
    ]


@comms_router.get("/comms/targets", response=list[TargetOut], auth=STAFF_AUTH, summary="Chỉ tiêu kỳ này")
def list_targets(request):
    user = _viewer(request)
    return [
        {
            "code": p.target.code,
            "name": p.target.name,
            "period": p.target.period,
            "period_start": p.period_start,
            "period_end": p.period_end,
            "done": p.done,
            "minimum": p.target.minimum,
            "maximum": p.target.maximum,
            "days_left": p.days_left,
            "text": p.text,
        }
        for p in selectors.targets_for(user)
    ]
