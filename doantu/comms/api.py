"""The JSON API of the communication work (for a future Zalo mini-app): channels, content items, the calendar,
per-item figures and targets; and the staff's writes: a draft item created or edited, its workflow steps (submit,
approve, return, publish with an evidence link, withdraw), reach figures, a peak checklist item ticked done.
Same forms, same audited services (``comms.services``) and access rules (``comms.access``) as the pages; bad
input answers 422 in Vietnamese and saves nothing."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from doantu.api_errors import INVALID_REQUEST, Detail, ErrorsOut, form_errors
from doantu.org.models import OrgUnit
from doantu.tips.api import STAFF_AUTH

from . import access, brought, selectors, services
from .forms import ItemForm, PublishForm, ReachForm, TickForm
from .models import ChecklistItem, ContentItem, ContentStatus

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
    return _item_detail(_viewer(request), item_id)


def _item_detail(user, item_id: int) -> dict:
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


# ------------------------------------------------------------------------------------------------- writes
# Each operation fills the page's form (same fields, same checks) and calls the page's audited service; the
# service checks comms.access itself (PermissionDenied -> 403) and refuses bad input with CommsError (-> 422,
# doantu.api). Photos of evidence and files are sent from the page (multipart); here evidence is a link.


class FormInvalid(Exception):
    """A form of the pages did not validate: its errors, field -> Vietnamese messages."""

    def __init__(self, errors: dict):
        super().__init__(INVALID_REQUEST)
        self.errors = errors


def _valid(form):
    if not form.is_valid():
        raise FormInvalid(form_errors(form))
    return form.cleaned_data


class ItemIn(Schema):
    """A content item's plan, as the page's form (ids for units, people, channels and the peak)."""

    title: str = Field(..., max_length=300)
    kind: str = Field(..., max_length=20, description="Loại sản phẩm (như trường kind của /comms/items)")
    topic: str = Field(..., max_length=4, description="Nội dung theo mục IV của kế hoạch, ví dụ iv1")
    planned_date: dt.date
    planned_time: str = Field(
        "",
        max_length=8,
        pattern=r"^(\d{2}:\d{2}(:\d{2})?)?$",
        description="Giờ dự kiến HH:MM (để trống: cả ngày)",
    )
    channels: list[int] = Field([], max_length=50, description="id các kênh của phường")
    owner_unit: int | None = Field(None, description="id đơn vị thực hiện (thuộc phường)")
    owner: int | None = Field(None, description="id người phụ trách (cán bộ của phường)")
    production: str = Field("own", max_length=20)
    relayed_from: str = Field("", max_length=300)
    summary: str = Field("", max_length=10000)
    place: str = Field("", max_length=300)
    peak: int | None = Field(None, description="id dịp cao điểm")
    public: bool = False


class ItemCreateIn(ItemIn):
    ward: int | None = Field(None, description="id phường (mặc định: phường của tài khoản)")


class ReviewNoteIn(Schema):
    note: str = Field("", max_length=5000, description="Ý kiến duyệt (khi trả lại: bắt buộc)")


class WithdrawReasonIn(Schema):
    reason: str = Field(..., max_length=5000)


class PublishIn(Schema):
    evidence_url: str = Field(..., max_length=500, description="Đường dẫn bài đăng (https://…)")
    published_at: dt.datetime | None = Field(None, description="Đăng / thực hiện lúc (mặc định: bây giờ)")
    attendance: int | None = Field(None, ge=0, le=1_000_000, description="Số người tham dự (hoạt động)")


class ReachIn(Schema):
    measured_on: dt.date
    channel: int | None = Field(None, description="id kênh của sản phẩm (để trống: chung)")
    views: int = Field(0, ge=0, le=2_000_000_000)
    reactions: int = Field(0, ge=0, le=2_000_000_000)
    shares: int = Field(0, ge=0, le=2_000_000_000)
    comments: int = Field(0, ge=0, le=2_000_000_000)
    broadcasts: int = Field(0, ge=0, le=2_000_000_000)


class ReachOut(Schema):
    id: int
    item_id: int
    channel: int | None
    measured_on: dt.date
    reach: FiguresOut = Field(..., description="Số liệu ngày này")
    totals: FiguresOut = Field(..., description="Tổng của sản phẩm")


class TickIn(Schema):
    evidence_url: str = Field(..., max_length=500, description="Đường dẫn minh chứng (https://…)")
    note: str = Field("", max_length=5000)


class ChecklistOut(Schema):
    id: int
    peak_id: int
    title: str
    unit: str | None
    due_date: dt.date
    done: bool
    done_at: dt.datetime | None
    evidence_url: str
    note: str


def _editable_item(request, item_id: int) -> ContentItem:
    _viewer(request)
    return get_object_or_404(
        access.items_visible_to(request.user).select_related("ward", "owner_unit", "owner", "source", "peak"),
        pk=item_id,
    )


def _item_data(payload: ItemIn) -> dict:
    data = payload.dict()
    data.pop("ward", None)
    for name in ("owner_unit", "owner", "peak"):
        if data[name] is None:
            data[name] = ""
    if not data["public"]:
        data.pop("public")
    return data


def _save_item(request, item: ContentItem, ward, payload: ItemIn) -> ContentItem:
    form = ItemForm(_item_data(payload), instance=item, user=request.user, ward=ward)
    data = _valid(form)
    obj = form.save(commit=False)
    obj.ward = ward
    return services.item_save(actor=request.user, item=obj, channels=list(data["channels"]))


CREATE_RESPONSES = {201: ItemDetailOut, 400: ErrorsOut, 401: Detail, 403: Detail, 404: Detail}
CREATE_RESPONSES |= {409: Detail, 413: Detail, 422: ErrorsOut, 429: Detail}


@comms_router.post(
    "/comms/items",
    response=CREATE_RESPONSES,
    auth=STAFF_AUTH,
    summary="Lập sản phẩm truyền thông (bản nháp)",
    description=(
        "Như màn hình lập sản phẩm: cùng biểu mẫu, cùng dịch vụ (ghi nhật ký). Không có khóa chống gửi trùng: "
        "gửi lại lập thêm một bản nháp (gỡ bản thừa bằng /withdraw)."
    ),
)
def create_item(request, payload: ItemCreateIn):
    user = _viewer(request)
    owner_unit = OrgUnit.objects.filter(pk=payload.owner_unit).first() if payload.owner_unit else None
    access.require(
        access.can_create(user, kind=payload.kind, owner_unit=owner_unit),
        "Bạn không lập được sản phẩm loại này.",
    )
    wards = access.wards_visible_to(user)
    ward = wards.filter(pk=payload.ward).first() if payload.ward else access.ward_of(user)
    if ward is None:
        raise HttpError(404, "Không có phường này.")
    item = _save_item(request, ContentItem(ward=ward), ward, payload)
    return Status(201, _item_detail(user, item.pk))


@comms_router.post(
    "/comms/items/{item_id}",
    response=ItemDetailOut,
    auth=STAFF_AUTH,
    summary="Sửa kế hoạch của một sản phẩm (trước khi đăng)",
)
def edit_item(request, item_id: int, payload: ItemIn):
    item = _editable_item(request, item_id)
    access.require(access.can_edit(request.user, item), "Sản phẩm này không sửa được.")
    _save_item(request, item, item.ward, payload)
    return _item_detail(request.user, item.pk)


@comms_router.post(
    "/comms/items/{item_id}/submit", response=ItemDetailOut, auth=STAFF_AUTH, summary="Gửi duyệt"
)
def submit_item(request, item_id: int):
    services.item_submit(actor=request.user, item=_editable_item(request, item_id))
    return _item_detail(request.user, item_id)


@comms_router.post(
    "/comms/items/{item_id}/approve",
    response=ItemDetailOut,
    auth=STAFF_AUTH,
    summary="Duyệt (Phòng Văn hóa - Xã hội)",
)
def approve_item(request, item_id: int, payload: ReviewNoteIn):
    services.item_approve(actor=request.user, item=_editable_item(request, item_id), note=payload.note)
    return _item_detail(request.user, item_id)


@comms_router.post(
    "/comms/items/{item_id}/return",
    response=ItemDetailOut,
    auth=STAFF_AUTH,
    summary="Trả lại để sửa (Phòng Văn hóa - Xã hội; ghi rõ cần sửa gì)",
)
def return_item(request, item_id: int, payload: ReviewNoteIn):
    services.item_return(actor=request.user, item=_editable_item(request, item_id), note=payload.note)
    return _item_detail(request.user, item_id)


@comms_router.post(
    "/comms/items/{item_id}/publish",
    response=ItemDetailOut,
    auth=STAFF_AUTH,
    summary="Ghi nhận đã đăng / đã thực hiện, với đường dẫn minh chứng",
)
def publish_item(request, item_id: int, payload: PublishIn):
    item = _editable_item(request, item_id)
    data = _valid(PublishForm(payload.dict()))
    services.item_publish(
        actor=request.user,
        item=item,
        evidence_url=data["evidence_url"],
        published_at=data["published_at"],
        attendance=data["attendance"],
    )
    return _item_detail(request.user, item_id)


@comms_router.post(
    "/comms/items/{item_id}/withdraw",
    response=ItemDetailOut,
    auth=STAFF_AUTH,
    summary="Gỡ / hủy (ghi lý do)",
)
def withdraw_item(request, item_id: int, payload: WithdrawReasonIn):
    services.item_withdraw(actor=request.user, item=_editable_item(request, item_id), reason=payload.reason)
    return _item_detail(request.user, item_id)


@comms_router.post(
    "/comms/items/{item_id}/reach",
    response=ReachOut,
    auth=STAFF_AUTH,
    summary="Nhập số liệu lan tỏa của một ngày",
    description="Gửi lại cùng sản phẩm, kênh và ngày thì sửa số liệu đã nhập (không tạo bản ghi mới).",
)
def record_reach(request, item_id: int, payload: ReachIn):
    item = _editable_item(request, item_id)
    form = ReachForm({k: ("" if v is None else v) for k, v in payload.dict().items()}, item=item)
    data = _valid(form)
    reach = services.reach_save(
        actor=request.user,
        item=item,
        channel=data["channel"],
        measured_on=data["measured_on"],
        figures={k: data[k] or 0 for k in services.REACH_FIELDS},
    )
    return {
        "id": reach.pk,
        "item_id": item.pk,
        "channel": reach.channel_id,
        "measured_on": reach.measured_on,
        "reach": {k: getattr(reach, k) for k in services.REACH_FIELDS},
        "totals": selectors.item_reach_totals(request.user, item),
    }


@comms_router.post(
    "/comms/checklist/{entry_id}/tick",
    response=ChecklistOut,
    auth=STAFF_AUTH,
    summary="Đánh dấu xong một việc dịp cao điểm, với đường dẫn minh chứng",
)
def tick_checklist(request, entry_id: int, payload: TickIn):
    _viewer(request)
    entry = get_object_or_404(
        ChecklistItem.objects.select_related("peak").filter(peak__in=access.peaks_visible_to(request.user)),
        pk=entry_id,
    )
    data = _valid(TickForm(payload.dict(), ward=entry.peak.ward))
    entry = services.checklist_tick(actor=request.user, entry=entry, **data)
    return {
        "id": entry.pk,
        "peak_id": entry.peak_id,
        "title": entry.title,
        "unit": entry.unit.label if entry.unit_id else None,
        "due_date": entry.due_date,
        "done": entry.done,
        "done_at": entry.done_at,
        "evidence_url": entry.evidence_url,
        "note": entry.note,
    }
