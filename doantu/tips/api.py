"""The JSON API for tips: the public intake (for a Zalo mini-app, a hotline operator's screen) and the staff
workflow. Same forms, same services, same access rules as the web pages."""

import datetime as dt
import hashlib
import json
import uuid
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from ninja import Field, File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import HttpBearer, SessionAuth

from doantu.api_errors import Detail, ErrorsOut
from doantu.org.models import OrgUnit, UnitKind

from . import access, receipts, selectors, services
from .forms import StaffTipForm, TipForm
from .models import (
    MARTYR_DETAIL_FIELDS,
    PRIVACY_HELP,
    STAFF_CHANNELS,
    ApiToken,
    ConsentMethod,
    Forward,
    Privacy,
    Relationship,
    Source,
    Tip,
    TipKind,
)
from .services import MAX_MARTYRS
from .throttle import (
    CODE_LOCKED_MESSAGE,
    RATE_MESSAGE,
    STATUS_RATE_MESSAGE,
    allow_status_lookup,
    allow_submission,
    status_code_locked,
    status_failed,
)

public_router = Router(tags=["Công khai: gửi thông tin"])
staff_router = Router(tags=["Cán bộ: xử lý thông tin"])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` for machine clients acting as a staff account."""

    def authenticate(self, request, token):
        digest = hashlib.sha256(token.encode()).hexdigest()
        found = ApiToken.objects.select_related("user").filter(digest=digest, revoked=False).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class StaffSession(SessionAuth):
    """The signed-in session (CSRF-checked), once any required second step is done."""

    def authenticate(self, request, key):
        from doantu.org.twofactor import needs_second_step

        user = super().authenticate(request, key)
        return user if user is not None and needs_second_step(request) is None else None


STAFF_AUTH = [TokenAuth(), StaffSession()]


# ------------------------------------------------------------------------------------------------ schemas


class Choice(Schema):
    value: str
    label: str


class GroupOut(Schema):
    id: int
    name: str


class PrivacyChoice(Schema):
    value: str
    label: str
    explanation: str = Field(..., description="Một dòng, lời lẽ giản dị, để hiện cạnh lựa chọn")


class SourceOut(Schema):
    code: str
    name: str
    ward: str
    kinds: list[Choice]
    privacy_choices: list[PrivacyChoice]
    relationships: list[Choice]
    residential_groups: list[GroupOut]
    max_files: int
    max_mb: dict[str, int]
    max_total_mb: int


class TipIn(Schema):
    """Multipart form fields. Attach files as repeated ``files`` parts."""

    kinds: list[Annotated[str, Field(max_length=20)]] = Field(
        [],
        max_length=len(TipKind.values),
        description="Bắt buộc, một hoặc nhiều (gửi lặp lại trường kinds): " + ", ".join(TipKind.values),
    )
    kind: str = Field(
        "",
        max_length=20,
        description="Cách gửi cũ (một loại): đọc như kinds=[kind]; các trường martyr_* cũ "
        "được đọc như liệt sĩ thứ nhất.",
    )
    account: str = Field(..., max_length=10000, description="Lời kể, nguyên văn")
    consent_processing: bool = Field(..., description="Bắt buộc: đồng ý xử lý và chuyển cơ quan xác minh")
    anonymous: bool = False
    privacy: str = Field(
        "",
        max_length=10,
        description="Ai được biết tên và số điện thoại: "
        + "; ".join(f"{c.value} = {PRIVACY_HELP[c]}" for c in Privacy)
        + f" Bỏ trống: {Privacy.ANONYMOUS.value} nếu anonymous, nếu không {Privacy.WARD.value}.",
    )
    reporter_name: str = Field("", max_length=150)
    reporter_phone: str = Field("", max_length=20)
    reporter_address: str = Field("", max_length=300)
    residential_group: int | None = None
    relationship: str = Field("", max_length=30)
    dna_offer: bool = False
    consent_contact: bool = False
    consent_dna: bool = False
    martyrs: str = Field(
        "",
        max_length=40000,
        description="Các liệt sĩ được nêu: mảng JSON, mỗi phần tử một đối tượng với các khóa "
        + ", ".join(MARTYR_DETAIL_FIELDS)
        + " (đều không bắt buộc; enlistment_year là năm 4 chữ số). Mỗi liệt sĩ được đối chiếu riêng với sổ.",
    )
    latitude: float | None = None
    longitude: float | None = None
    location_accuracy_m: int | None = None
    location_source: str = Field("", max_length=10)
    location_description: str = Field("", max_length=2000)
    submission_key: str = Field(
        "", max_length=64, description="Khóa chống gửi trùng; có thể thay bằng header Idempotency-Key"
    )


class ReceiptOut(Schema):
    receipt_code: str
    status: str
    status_label: str
    created: bool
    status_url: str = Field(..., description="Trang tra cứu, đã điền sẵn mã biên nhận")
    receipt_image_url: str = Field(..., description="Ảnh PNG của biên nhận (mã, đường dẫn tra cứu, mã QR)")


class StatusIn(Schema):
    receipt_code: str = Field(..., max_length=12)
    phone_digits: str = Field("", max_length=4)


class StatusOut(Schema):
    receipt_code: str
    status: str
    status_label: str
    received_at: dt.datetime
    updated_at: dt.datetime
    message: str
    next_step: str = Field(..., description="Tiếp theo sẽ thế nào, bằng lời lẽ giản dị")


# --------------------------------------------------------------------------------------------- public

# A QR source's code, as in /t/<code>: a slug of at most 40 characters (Source.code), matched as the page's URL
# pattern matches it.
SourceCode = Annotated[str, Path(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")]
# Paging through a list: beyond this an inbox is searched, not paged (and databases refuse huge offsets).
MAX_OFFSET = 100_000


def _source(code: str) -> Source:
    source = selectors.active_source(code)
    if source is None:
        raise Http404
    return source


@public_router.get(
    "/sources/{code}", response=SourceOut, summary="Thông tin một nguồn (mã QR) và các lựa chọn"
)
def source_info(request, code: SourceCode):
    source = _source(code)
    groups = OrgUnit.objects.filter(parent=source.ward, kind=UnitKind.RESIDENTIAL_GROUP, active=True)
    return {
        "code": source.code,
        "name": source.name,
        "ward": source.ward.name,
        "kinds": [{"value": v, "label": label} for v, label in TipKind.choices],
        "privacy_choices": [
            {"value": c.value, "label": c.label, "explanation": PRIVACY_HELP[c]} for c in Privacy
        ],
        "relationships": [{"value": v, "label": label} for v, label in Relationship.choices if v],
        "residential_groups": [{"id": g.pk, "name": g.name} for g in groups.order_by("sort_order", "name")],
        "max_files": settings.TIP_MAX_FILES,
        "max_mb": settings.TIP_MAX_MB,
        "max_total_mb": settings.TIP_MAX_TOTAL_MB,
    }


@public_router.post(
    "/sources/{code}/tips",
    response={201: ReceiptOut, 200: ReceiptOut, 409: Detail, 422: ErrorsOut, 429: Detail},
    summary="Gửi thông tin (multipart/form-data, có thể kèm tệp)",
    description=(
        "Gửi lại cùng khóa chống gửi trùng (Idempotency-Key) với cùng nội dung trả về biên nhận lần đầu (200); "
        "cùng khóa với nội dung khác bị từ chối (409), không lưu gì. Khóa có phạm vi trong một nguồn. "
        "Mỗi thiết bị nên gửi header X-Device-Id (ngẫu nhiên, cố định) để có hạn mức riêng."
    ),
)
def submit_tip(request, code: SourceCode, payload: Form[TipIn], files: File[list[UploadedFile]] = None):
    source = _source(code)
    # Without a key from the client a retry cannot be recognised; the tip is still taken.
    key = request.headers.get("Idempotency-Key") or payload.submission_key or uuid.uuid4().hex
    payload_hash = services.submission_fingerprint(
        dict(request.POST.lists()), [("files", f) for f in request.FILES.getlist("files")]
    )
    try:
        if tip := services.tip_for_retry(source=source, submission_key=key, payload_hash=payload_hash):
            return Status(200, _receipt(request, tip, created=False))
    except services.SubmissionKeyConflict as conflict:
        return Status(409, {"detail": str(conflict)})
    if not allow_submission(request):
        return Status(429, {"detail": RATE_MESSAGE})
    data = request.POST.copy()
    data["submission_key"] = key
    try:
        _martyr_blocks(data)
    except ValueError as exc:
        return Status(422, {"detail": "Thông tin gửi chưa hợp lệ.", "errors": {"martyrs": [str(exc)]}})
    form = TipForm(data, MultiValueDict({"files": request.FILES.getlist("files")}), ward=source.ward)
    if not form.is_valid():
        return Status(422, {"detail": "Thông tin gửi chưa hợp lệ.", "errors": form.error_dict()})
    try:
        tip, created = services.tip_submit(
            source=source,
            submission=form.submission(),
            files=form.prepared_files,
            submission_key=form.cleaned_data["submission_key"],
            payload_hash=payload_hash,
            channel="api",
        )
    except services.SubmissionKeyConflict as conflict:  # the same key, other content, at the same moment
        return Status(409, {"detail": str(conflict)})
    return Status(201 if created else 200, _receipt(request, tip, created=created))


def _martyr_blocks(data) -> None:
    """The API's ``martyrs`` (a JSON array) as the web form's blocks (``m1-name``, …), in place."""
    raw = data.pop("martyrs", [""])[-1] if "martyrs" in data else ""
    if not raw.strip():
        return
    try:
        items = json.loads(raw)
    except ValueError:
        raise ValueError("martyrs phải là một mảng JSON.") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError("martyrs phải là một mảng JSON các đối tượng.")
    if len(items) > MAX_MARTYRS:
        raise ValueError(f"Mỗi lần gửi nêu được tối đa {MAX_MARTYRS} liệt sĩ.")
    for n, item in enumerate(items, start=1):
        unknown = set(item) - set(MARTYR_DETAIL_FIELDS)
        if unknown:
            raise ValueError(f"Liệt sĩ thứ {n}: không có mục {', '.join(sorted(unknown))}.")
        for name, value in item.items():
            data[f"m{n}-{name}"] = "" if value is None else str(value)
    data["martyr_count"] = str(max(1, len(items)))


def _receipt(request, tip: Tip, *, created: bool) -> dict:
    return {
        "receipt_code": tip.receipt_code,
        "status": tip.status,
        "status_label": tip.public_status,
        "created": created,
        "status_url": receipts.status_url(request, tip),
        "receipt_image_url": request.build_absolute_uri(
            reverse("public:receipt_image", args=[tip.receipt_code])
        ),
    }


@public_router.post(
    "/status",
    response={200: StatusOut, 404: Detail, 429: Detail},
    summary="Tra cứu tiến độ bằng mã biên nhận và 4 số cuối điện thoại",
)
def public_status(request, payload: StatusIn):
    if not allow_status_lookup(request):  # its own budget: a guessing surface, not a submission
        return Status(429, {"detail": STATUS_RATE_MESSAGE})
    if status_code_locked(payload.receipt_code):
        return Status(429, {"detail": CODE_LOCKED_MESSAGE})
    tip = services.tip_public_status(receipt_code=payload.receipt_code, phone_digits=payload.phone_digits)
    if tip is None:
        status_failed(payload.receipt_code)
        return Status(404, {"detail": "Không tìm thấy: kiểm tra lại mã biên nhận và 4 số cuối điện thoại."})
    return {
        "receipt_code": tip.receipt_code,
        "status": tip.status,
        "status_label": tip.public_status,
        "received_at": tip.created_at,
        "updated_at": tip.updated_at,
        "message": tip.public_note,
        "next_step": tip.public_next,
    }


# ---------------------------------------------------------------------------------------------- staff


class NamedMartyrOut(Schema):
    position: int
    name: str
    alias: str
    birth_year: str
    home_place: str
    unit: str
    enlistment_year: int | None
    death_date: str
    death_place: str
    burial_place: str


class TipSummary(Schema):
    id: int
    receipt_code: str
    kinds: list[str]
    status: str
    created_at: dt.datetime
    source: str | None
    residential_group: str | None
    martyr_names: str = Field(..., description="Họ tên các liệt sĩ được nêu, cách nhau bởi “; ”")
    assignee: str | None
    overdue: bool


class ForwardOut(Schema):
    id: int
    agency: str
    question: str | None = Field(..., description="null: chỉ cán bộ phường và cơ quan được hỏi được xem")
    due_date: dt.date
    status: str
    outcome: str | None
    answer: str | None
    overdue: bool


class TipDetail(TipSummary):
    account: str
    martyrs: list[NamedMartyrOut] = Field(..., description="Từng liệt sĩ được nêu, theo thứ tự")
    location_description: str
    latitude: float | None
    longitude: float | None
    anonymous: bool
    privacy: str = Field(..., description="Người gửi cho ai biết danh tính: " + ", ".join(Privacy.values))
    identity_withdrawn: bool = Field(..., description="Người gửi đã rút lại sự đồng ý; danh tính đã bị xóa")
    relationship: str | None = Field(..., description="null: không thuộc phạm vi được xem")
    dna_offer: bool | None = Field(..., description="null: không thuộc phạm vi được xem")
    outcome_note: str
    forwards: list[ForwardOut]
    attachments: int
    withheld: list[str] = Field(
        ..., description="Các nhóm thông tin không thuộc phạm vi được xem (location, identity, relative, …)"
    )


class TimelineEntry(Schema):
    at: dt.datetime
    actor: str
    action: str
    changes: dict
    message: str
    withheld: bool = Field(..., description="Một phần nội dung không thuộc phạm vi được xem")


class ReporterOut(Schema):
    name: str
    phone: str
    address: str


class ForwardIn(Schema):
    agency_id: int
    question: str = Field(..., max_length=4000)
    due_date: dt.date | None = None


class ConcludeIn(Schema):
    outcome: str = Field(..., max_length=20)
    note: str = Field(..., max_length=6000)
    duplicate_of: str = Field("", max_length=12)


class AnswerIn(Schema):
    outcome: str = Field(..., max_length=20)
    answer: str = Field(..., max_length=6000)
    duplicate_of: str = Field("", max_length=12)


class NoteIn(Schema):
    body: str = Field(..., max_length=6000)


class ReasonIn(Schema):
    note: str = Field("", max_length=4000)


class AssignIn(Schema):
    assignee_id: int | None = None


def _summary(tip: Tip, view: access.TipView) -> dict:
    return {
        "id": tip.pk,
        "receipt_code": tip.receipt_code,
        "kinds": list(tip.kinds or []),
        "status": tip.status,
        "created_at": tip.created_at,
        "source": tip.source.name if tip.source_id else None,
        "residential_group": tip.residential_group.name if tip.residential_group_id else None,
        "martyr_names": tip.martyr_names,
        "assignee": tip.assignee.display_name if tip.assignee_id and view.internal else None,
        "overdue": bool(getattr(tip, "is_overdue", False)),
    }


def _visible(request, tip_id: int) -> Tip:
    tip = (
        access.tips_visible_to(request.user)
        .filter(pk=tip_id)
        .select_related("source", "residential_group", "assignee", "ward")
        .first()
    )
    if tip is None:
        raise Http404
    return tip


def _detail(request, tip: Tip) -> dict:
    view = access.visible_fields(request.user, tip)
    exact = view.location
    forwards = tip.forwards.select_related("agency")
    return _summary(tip, view) | {
        "account": tip.account,
        **{
            f: getattr(tip, f)
            for f in (
                "anonymous",
                "privacy",
                "identity_withdrawn",
                "outcome_note",
            )
        },
        "martyrs": [{"position": m.position, **m.values()} for m in tip.martyrs.all()],
        "relationship": tip.relationship if view.relative else None,
        "dna_offer": tip.dna_offer if view.relative else None,
        "location_description": tip.location_description if exact else "",
        "latitude": float(tip.latitude) if exact and tip.latitude is not None else None,
        "longitude": float(tip.longitude) if exact and tip.longitude is not None else None,
        "overdue": any(f.is_overdue for f in forwards),
        "forwards": [
            {
                "id": f.pk,
                "agency": str(f.agency),
                "due_date": f.due_date,
                "status": f.status,
                "overdue": f.is_overdue,
                **(
                    {"question": f.question, "outcome": f.outcome, "answer": f.answer}
                    if view.sees_forward(f)
                    else {"question": None, "outcome": None, "answer": None}
                ),
            }
            for f in forwards
        ],
        "attachments": tip.attachments.count(),
        "withheld": view.withheld,
    }


@staff_router.get(
    "/tips", response=list[TipSummary], auth=STAFF_AUTH, summary="Hộp thư: thông tin trong phạm vi của bạn"
)
def list_tips(
    request,
    status: str = Query("", max_length=20),
    kind: str = Query("", max_length=20),
    q: str = Query("", max_length=200),
    overdue: bool = False,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    tips = list(
        selectors.inbox(request.user, q=q, status=status, kind=kind, overdue=overdue)[offset : offset + limit]
    )
    views = access.views_for(request.user, tips)
    return [_summary(t, views[t.pk]) for t in tips]


@staff_router.get("/tips/{tip_id}", response=TipDetail, auth=STAFF_AUTH)
def get_tip(request, tip_id: int):
    tip = _visible(request, tip_id)
    tip = selectors.inbox(request.user).filter(pk=tip.pk).first()
    return _detail(request, tip)


@staff_router.get("/tips/{tip_id}/timeline", response=list[TimelineEntry], auth=STAFF_AUTH)
def get_timeline(request, tip_id: int):
    tip = _visible(request, tip_id)
    return [
        {
            "at": e.at,
            "actor": e.actor_label,
            "action": e.action,
            "changes": changes,
            "message": message,
            "withheld": withheld,
        }
        for e, changes, message, withheld in selectors.timeline_for(tip, request.user)
    ]


@staff_router.post(
    "/tips/{tip_id}/reporter",
    response=ReporterOut,
    auth=STAFF_AUTH,
    summary="Xem thông tin người cung cấp (được ghi nhật ký)",
)
def reveal_reporter(request, tip_id: int):
    return services.tip_reveal_reporter(tip=_visible(request, tip_id), actor=request.user)


def _act(request, tip_id: int, fn) -> dict:
    tip = _visible(request, tip_id)
    fn(tip)
    return _detail(request, selectors.inbox(request.user).get(pk=tip.pk))


def _dup(tip: Tip, code: str) -> Tip | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    found = Tip.objects.filter(receipt_code=code, ward=tip.ward).first()
    if found is None:
        raise services.WorkflowError(f"Không tìm thấy thông tin có mã biên nhận {code} trong phường.")
    return found


@staff_router.post("/tips/{tip_id}/review", response=TipDetail, auth=STAFF_AUTH)
def start_review(request, tip_id: int):
    return _act(request, tip_id, lambda tip: services.tip_start_review(tip=tip, actor=request.user))


@staff_router.post("/tips/{tip_id}/assign", response=TipDetail, auth=STAFF_AUTH)
def assign(request, tip_id: int, payload: AssignIn):
    from django.contrib.auth import get_user_model

    assignee = (
        get_user_model().objects.filter(pk=payload.assignee_id).first() if payload.assignee_id else None
    )
    return _act(
        request, tip_id, lambda tip: services.tip_assign(tip=tip, actor=request.user, assignee=assignee)
    )


@staff_router.post("/tips/{tip_id}/forward", response=TipDetail, auth=STAFF_AUTH)
def forward(request, tip_id: int, payload: ForwardIn):
    agency = get_object_or_404(OrgUnit, pk=payload.agency_id)
    return _act(
        request,
        tip_id,
        lambda tip: services.tip_forward(
            tip=tip, actor=request.user, agency=agency, question=payload.question, due_date=payload.due_date
        ),
    )


@staff_router.post("/tips/{tip_id}/conclude", response=TipDetail, auth=STAFF_AUTH)
def conclude(request, tip_id: int, payload: ConcludeIn):
    return _act(
        request,
        tip_id,
        lambda tip: services.tip_conclude(
            tip=tip,
            actor=request.user,
            outcome=payload.outcome,
            note=payload.note,
            duplicate_of=_dup(tip, payload.duplicate_of),
        ),
    )


@staff_router.post("/tips/{tip_id}/close", response=TipDetail, auth=STAFF_AUTH)
def close(request, tip_id: int, payload: ReasonIn):
    return _act(
        request, tip_id, lambda tip: services.tip_close(tip=tip, actor=request.user, note=payload.note)
    )


@staff_router.post("/tips/{tip_id}/reopen", response=TipDetail, auth=STAFF_AUTH)
def reopen(request, tip_id: int, payload: ReasonIn):
    return _act(
        request, tip_id, lambda tip: services.tip_reopen(tip=tip, actor=request.user, note=payload.note)
    )


@staff_router.post("/tips/{tip_id}/notes", response=TipDetail, auth=STAFF_AUTH)
def add_note(request, tip_id: int, payload: NoteIn):
    return _act(
        request, tip_id, lambda tip: services.tip_add_note(tip=tip, actor=request.user, body=payload.body)
    )


@staff_router.post("/forwards/{forward_id}/answer", response=TipDetail, auth=STAFF_AUTH)
def answer(request, forward_id: int, payload: AnswerIn):
    fwd = Forward.objects.select_related("tip").filter(pk=forward_id).first()
    if fwd is None or not access.can_view_tip(request.user, fwd.tip):
        raise Http404
    return _act(
        request,
        fwd.tip_id,
        lambda tip: services.forward_answer(
            forward=fwd,
            actor=request.user,
            outcome=payload.outcome,
            answer=payload.answer,
            duplicate_of=_dup(tip, payload.duplicate_of),
        ),
    )


class EntryIn(TipIn):
    """Multipart form fields, as the staff entry screen's: the public form's (``TipIn``) plus where the tip came
    from and how the person consented. Attach photos as repeated ``files`` parts and the signed slip's photo as
    ``consent_slip``."""

    source: int = Field(..., description="Nguồn (mã QR, kênh) mà bạn được nhập hộ: id")
    channel: str = Field(
        ..., max_length=10, description="Nhận qua: " + ", ".join(c.value for c in STAFF_CHANNELS)
    )
    consent_method: str = Field(
        ...,
        max_length=20,
        description=f"{ConsentMethod.SIGNED_SLIP.value} (kèm ảnh phiếu consent_slip) hoặc "
        f"{ConsentMethod.ORAL.value} (ghi người chứng kiến consent_witness)",
    )
    consent_witness: str = Field("", max_length=200)


@staff_router.post(
    "/entries",
    response={201: TipDetail, 200: TipDetail, 403: Detail, 409: Detail, 422: ErrorsOut},
    auth=STAFF_AUTH,
    summary="Nhập hộ thông tin nhận qua phiếu giấy, điện thoại hoặc trực tiếp (multipart/form-data)",
    description=(
        "Như màn hình nhập hộ: cùng quy tắc với biểu mẫu công khai và cùng dịch vụ tiếp nhận, người nhập là "
        "người thực hiện; không giới hạn số lần gửi. Gửi lại cùng Idempotency-Key với cùng nội dung trả về "
        "thông tin đã lưu (200); cùng khóa với nội dung khác bị từ chối (409)."
    ),
)
def enter_tip(
    request,
    payload: Form[EntryIn],
    files: File[list[UploadedFile]] = None,
    consent_slip: File[UploadedFile] = None,
):
    user = request.user
    if not access.can_enter_tips(user):
        raise PermissionDenied("Tài khoản này không nhập thông tin hộ người khác.")
    key = request.headers.get("Idempotency-Key") or payload.submission_key or uuid.uuid4().hex
    data = request.POST.copy()
    data["submission_key"] = key
    try:
        _martyr_blocks(data)
    except ValueError as exc:
        return Status(422, {"detail": "Thông tin gửi chưa hợp lệ.", "errors": {"martyrs": [str(exc)]}})
    uploads = MultiValueDict(
        {"files": request.FILES.getlist("files"), "consent_slip": request.FILES.getlist("consent_slip")}
    )
    form = StaffTipForm(data, uploads, user=user)
    if not form.is_valid():
        return Status(422, {"detail": "Thông tin gửi chưa hợp lệ.", "errors": form.error_dict()})
    try:
        tip, created = form.enter(request, user)
    except services.SubmissionKeyConflict as conflict:
        return Status(409, {"detail": str(conflict)})
    except services.WorkflowError as exc:
        return Status(422, {"detail": str(exc), "errors": {"__all__": [str(exc)]}})
    return Status(201 if created else 200, _detail(request, selectors.inbox(user).get(pk=tip.pk)))


class AgencyOut(Schema):
    id: int
    name: str


@staff_router.get(
    "/tips/{tip_id}/agencies",
    response=list[AgencyOut],
    auth=STAFF_AUTH,
    summary="Các cơ quan có thể chuyển xác minh",
)
def agencies(request, tip_id: int):
    tip = _visible(request, tip_id)
    if not access.can_triage(request.user, tip):
        raise PermissionDenied
    return [{"id": a.pk, "name": a.name} for a in access.forward_targets(tip)]


class CountsOut(Schema):
    total: int
    by_status: dict[str, int]
    by_kind: dict[str, int]


@staff_router.get("/stats", response=CountsOut, auth=STAFF_AUTH, summary="Số liệu trong phạm vi của bạn")
def stats(request):
    return selectors.tip_counts(access.tips_visible_to(request.user))
