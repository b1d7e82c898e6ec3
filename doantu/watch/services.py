"""Every write of the misinformation watch, in one transaction with its audit entry, and every reading of the
evidence (also audited). Keyword-only ``<entity>_<action>`` functions that check ``watch.access`` themselves;
they raise ``PermissionDenied`` or ``WorkflowError`` (a Vietnamese message) and change nothing when they refuse.
"""

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.services import audit_record, diff
from doantu.org.models import OrgUnit, Role, UnitKind
from doantu.tips.services import WorkflowError
from doantu.tips.uploads import prepare_uploads

from . import access, links
from .models import (
    FIRST_STATUS,
    Action,
    ActionKind,
    ActionStatus,
    ActionStep,
    Assessment,
    Capture,
    CaptureKind,
    Entry,
    EntryStatus,
    Platform,
    Severity,
)

labels.register(
    "watch",
    actions={
        "watch_entry_created": "Ghi nhận tin sai sự thật",
        "watch_entry_edited": "Sửa đánh giá tin sai sự thật",
        "watch_capture_added": "Lưu bản chụp (chứng cứ)",
        "watch_evidence_viewed": "Xem chứng cứ",
        "watch_action_created": "Thêm việc xử lý",
        "watch_action_step": "Cập nhật việc xử lý",
        "watch_entry_closed": "Kết thúc xử lý tin sai sự thật",
        "watch_entry_reopened": "Mở lại tin sai sự thật",
    },
    fields={
        "platform": ("Nền tảng", dict(Platform.choices)),
        "assessment": ("Đánh giá", dict(Assessment.choices)),
        "severity": ("Mức độ", dict(Severity.choices)),
        "status": ("Trạng thái", dict(EntryStatus.choices) | dict(ActionStatus.choices)),
        "kind": ("Việc", dict(ActionKind.choices)),
        "claim": ("Nội dung sai lệch", {}),
        "estimated_reach": ("Lượt tiếp cận ước tính", {}),
        "first_seen": ("Xuất hiện lần đầu", {}),
        "link": ("Đường dẫn", {}),
        "sha256": ("SHA-256", {}),
        "captured_at": ("Chụp lúc", {}),
        "content_ref": ("Tin bài truyền thông", {}),
        "published_url": ("Đường dẫn bài đăng", {}),
    },
)

EDITABLE = ("platform", "link", "first_seen", "estimated_reach", "claim", "assessment", "severity")
MAX_TEXT = 6000


def _text(value: str, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise WorkflowError(f"Hãy ghi {what}.")
    if len(value) > MAX_TEXT:
        raise WorkflowError(f"{what[0].upper()}{what[1:]} quá dài (tối đa 6.000 ký tự).")
    return value


def _check_values(values: dict[str, Any]) -> None:
    if "platform" in values and values["platform"] not in Platform.values:
        raise WorkflowError("Hãy chọn nền tảng trong danh sách.")
    if "assessment" in values and values["assessment"] not in Assessment.values:
        raise WorkflowError("Hãy chọn đánh giá trong danh sách.")
    if "severity" in values and values["severity"] not in Severity.values:
        raise WorkflowError("Hãy chọn mức độ trong danh sách.")
    if "first_seen" in values:
        first_seen = values["first_seen"]
        if not isinstance(first_seen, dt.date):
            raise WorkflowError("Hãy ghi ngày xuất hiện lần đầu.")
        if first_seen > timezone.localdate():
            raise WorkflowError("Ngày xuất hiện lần đầu không được ở tương lai.")
    reach = values.get("estimated_reach")
    if reach is not None and (not isinstance(reach, int) or reach < 0):
        raise WorkflowError("Lượt tiếp cận ước tính phải là số không âm.")
    if values.get("platform") != Platform.WORD_OF_MOUTH and "link" in values and not values["link"]:
        raise WorkflowError("Hãy ghi đường dẫn tới nội dung (trừ tin truyền miệng).")
    if values.get("link"):
        try:
            URLValidator(schemes=["http", "https"])(values["link"])
        except ValidationError:
            raise WorkflowError("Đường dẫn không hợp lệ (dạng https://…).") from None
        if len(values["link"]) > 500:
            raise WorkflowError("Đường dẫn quá dài (tối đa 500 ký tự).")
    if "claim" in values:
        values["claim"] = _text(values["claim"], "tóm tắt nội dung sai lệch")


def _check_url(url: str) -> None:
    if not url:
        return
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise WorkflowError("Đường dẫn bài đăng không hợp lệ (dạng https://…).") from None
    if len(url) > 500:
        raise WorkflowError("Đường dẫn quá dài (tối đa 500 ký tự).")


# ------------------------------------------------------------------------------------------------- entries


def entry_create(
    *, actor, values: dict[str, Any], uploads=(), captured_at: dt.datetime | None = None
) -> Entry:
    """A new entry, with its first captures (optional; more can be added later). ``values``: platform, link,
    first_seen, estimated_reach, claim, assessment, severity, and optionally found_at."""
    access.require(access.can_record(actor))
    ward = actor.ward
    if ward is None:
        raise WorkflowError("Tài khoản này không thuộc phường nào.")
    values = {k: values.get(k) for k in (*EDITABLE, "found_at") if k in values}
    values["link"] = (values.get("link") or "").strip()
    _check_values(values)
    found_at = values.pop("found_at", None) or timezone.now()
    if found_at > timezone.now() + dt.timedelta(minutes=5):
        raise WorkflowError("Thời điểm phát hiện không được ở tương lai.")
    if values["first_seen"] > timezone.localtime(found_at).date():
        raise WorkflowError("Ngày xuất hiện lần đầu phải trước hoặc bằng ngày phát hiện.")
    prepared = _prepare(uploads)
    with transaction.atomic():
        entry = Entry.objects.create(ward=ward, found_by=actor, found_at=found_at, **values)
        audit_record(
            actor=actor,
            action="watch_entry_created",
            obj=entry,
            changes=diff({}, {k: v for k, v in values.items() if v not in (None, "")}),
        )
        for item in prepared:
            _store_capture(entry, actor, item, captured_at=captured_at or found_at, note="")
    return entry


def entry_edit(*, entry: Entry, actor, changes: dict[str, Any]) -> Entry:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise WorkflowError(f"Không sửa được các trường: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        access.require(access.can_manage(actor, entry))
        merged = {k: getattr(entry, k) for k in EDITABLE} | changes
        _check_values(merged)
        changed = {k: merged[k] for k in changes if getattr(entry, k) != merged[k]}
        if not changed:
            return entry
        before = {k: getattr(entry, k) for k in changed}
        for k, v in changed.items():
            setattr(entry, k, v)
        entry.save(update_fields=list(changed))
        audit_record(actor=actor, action="watch_entry_edited", obj=entry, changes=diff(before, changed))
        return entry


def entry_close(*, entry: Entry, actor, note: str) -> Entry:
    note = _text(note, "kết quả xử lý")
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        access.require(access.can_manage(actor, entry))
        if entry.status == EntryStatus.CLOSED:
            raise WorkflowError("Tin này đã kết thúc xử lý.")
        still = [a for a in entry.actions.all() if a.is_open]
        if still:
            names = ", ".join(a.get_kind_display().lower() for a in still)
            raise WorkflowError(f"Còn việc chưa xong ({names}): hãy theo dõi đến khi kết thúc hoặc hủy.")
        entry.status, entry.closed_at, entry.closing_note = EntryStatus.CLOSED, timezone.now(), note
        entry.save(update_fields=["status", "closed_at", "closing_note"])
        audit_record(
            actor=actor,
            action="watch_entry_closed",
            obj=entry,
            changes={"status": [EntryStatus.OPEN, EntryStatus.CLOSED]},
            message=note,
        )
        return entry


def entry_reopen(*, entry: Entry, actor, note: str) -> Entry:
    note = _text(note, "lý do mở lại")
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        access.require(access.can_manage(actor, entry))
        if entry.status != EntryStatus.CLOSED:
            raise WorkflowError("Tin này đang được xử lý.")
        entry.status, entry.closed_at = EntryStatus.OPEN, None
        entry.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="watch_entry_reopened",
            obj=entry,
            changes={"status": [EntryStatus.CLOSED, EntryStatus.OPEN]},
            message=note,
        )
        return entry


# ------------------------------------------------------------------------------------------------ evidence

KIND_OF = {
    "image": CaptureKind.IMAGE,
    "pdf": CaptureKind.PDF,
    "video": CaptureKind.VIDEO,
    "audio": CaptureKind.AUDIO,
}


def _received_hash(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _prepare(uploads) -> list[tuple[Any, str]]:
    """Check and clean the files through the uploads' one gate (``tips.uploads.prepare_uploads``: type by
    content, size and pixel limits before decoding, a bounded decoder, metadata stripped, PDFs with active
    content refused). Returns (prepared file, hash of the bytes as received)."""
    uploads = list(uploads or [])
    if not uploads:
        return []
    received = [_received_hash(u) for u in uploads]
    prepared, errors = prepare_uploads(uploads)
    if errors:
        raise WorkflowError(" ".join(errors))
    return list(zip(prepared, received, strict=True))


def _store_capture(entry: Entry, actor, item, *, captured_at: dt.datetime, note: str) -> Capture:
    prepared, received = item
    if captured_at > timezone.now() + dt.timedelta(minutes=5):
        raise WorkflowError("Thời điểm chụp không được ở tương lai.")
    capture = Capture(
        entry=entry,
        kind=KIND_OF[prepared.kind],
        content_type=prepared.content_type,
        size=prepared.size,
        original_name=prepared.original_name,
        sha256=prepared.sha256,
        received_sha256=received,
        captured_at=captured_at,
        uploaded_by=actor,
        note=(note or "").strip()[:300],
    )
    capture.file.save(f"capture{prepared.extension}", prepared.content, save=False)
    capture.save()
    audit_record(
        actor=actor,
        action="watch_capture_added",
        obj=capture,
        context=entry,
        changes={"sha256": [None, capture.sha256], "captured_at": [None, captured_at.isoformat()]},
        message=f"{capture.get_kind_display()}, {capture.size} byte; SHA-256 tệp nhận {received}",
    )
    return capture


def capture_add(*, entry: Entry, actor, uploads, captured_at: dt.datetime, note: str = "") -> list[Capture]:
    if captured_at is None:
        raise WorkflowError("Hãy ghi thời điểm chụp.")
    access.require(access.can_add_capture(actor, entry))
    prepared = _prepare(uploads)
    if not prepared:
        raise WorkflowError("Hãy chọn ít nhất một tệp ảnh chụp hoặc trang lưu.")
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        access.require(access.can_add_capture(actor, entry))
        stored = [_store_capture(entry, actor, item, captured_at=captured_at, note=note) for item in prepared]
    return stored


def capture_open(*, capture: Capture, actor):
    """The stored file of a capture, for someone who may see its entry; the viewing is written to the audit
    trail first, with whether the file still matches the hash recorded when it was saved."""
    access.require(access.can_view(actor, capture.entry))
    try:
        handle = capture.file.open("rb")
    except FileNotFoundError:
        handle = None
    intact = False
    if handle is not None:
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
        handle.seek(0)
        intact = digest.hexdigest() == capture.sha256
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="watch_evidence_viewed",
            obj=capture,
            context=capture.entry,
            message="tệp khớp mã SHA-256 đã lưu" if intact else "TỆP KHÔNG KHỚP hoặc không còn: cần kiểm tra",
        )
    if handle is None:
        raise WorkflowError("Không tìm thấy tệp của bản chụp này.")
    return handle, intact


def evidence_viewings(*, entry: Entry, actor):
    """Who viewed this entry's evidence and when (the audit trail's entries), for those who see the entry."""
    from doantu.audit.models import AuditEntry

    access.require(access.can_view(actor, entry))
    return AuditEntry.objects.for_context(entry).filter(action="watch_evidence_viewed").order_by("-at")


# ------------------------------------------------------------------------------------------------- actions


def _step(action: Action, actor, status: str, note: str) -> ActionStep:
    return ActionStep.objects.create(action=action, status=status, note=note, by=actor)


def action_create(
    *,
    entry: Entry,
    actor,
    kind: str,
    description: str,
    content_ref: str = "",
    published_url: str = "",
    platform_reference: str = "",
    groups=(),
) -> Action:
    if kind not in ActionKind.values:
        raise WorkflowError("Hãy chọn loại việc xử lý.")
    description = _text(description, "nội dung việc xử lý")
    content_ref = (content_ref or "").strip()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        access.require(access.can_manage(actor, entry))
        if entry.status == EntryStatus.CLOSED:
            raise WorkflowError("Tin này đã kết thúc xử lý; hãy mở lại trước.")
        if content_ref:
            links.check_content(content_ref, actor=actor, ward=entry.ward)
        groups = list(groups or [])
        if kind == ActionKind.GROUP_GUIDANCE:
            if not groups:
                raise WorkflowError("Hãy chọn ít nhất một tổ dân phố nhận hướng dẫn.")
            wrong = [
                g for g in groups if g.parent_id != entry.ward_id or g.kind != UnitKind.RESIDENTIAL_GROUP
            ]
            if wrong:
                raise WorkflowError("Tổ dân phố nhận hướng dẫn phải thuộc phường của tin này.")
        if kind == ActionKind.POLICE_REFERRAL:
            if not access.police_of(entry).exists():
                raise WorkflowError("Phường chưa có đơn vị Công an trong hệ thống.")
            if (
                entry.actions.filter(kind=kind)
                .exclude(status__in=[ActionStatus.RESOLVED, ActionStatus.CANCELLED])
                .exists()
            ):
                raise WorkflowError("Tin này đã được chuyển Công an phường và đang chờ xử lý.")
        _check_url((published_url or "").strip())
        status = FIRST_STATUS[kind]
        action = Action.objects.create(
            entry=entry,
            kind=kind,
            status=status,
            description=description,
            content_ref=content_ref,
            published_url=(published_url or "").strip(),
            platform_reference=(platform_reference or "").strip()[:100],
            created_by=actor,
        )
        if kind == ActionKind.GROUP_GUIDANCE:
            action.groups.set(groups)
        _step(action, actor, status, description)
        audit_record(
            actor=actor,
            action="watch_action_created",
            obj=action,
            context=entry,
            changes={"kind": [None, kind], "status": [None, status]},
            message=description,
        )
        if kind == ActionKind.POLICE_REFERRAL:
            _notify_police(entry, action, actor)
        return action


def action_advance(
    *,
    action: Action,
    actor,
    status: str,
    note: str = "",
    answer: str = "",
    content_ref: str = "",
    published_url: str = "",
    platform_reference: str = "",
) -> Action:
    """Move an action one step along its path (``models.TRANSITIONS``). A rebuttal is published with the
    communication item it became or the address where it is published; the police's "resolved" carries their
    answer."""
    note = _text(note, "ghi chú", required=False)
    with transaction.atomic():
        action = Action.objects.select_for_update().select_related("entry", "entry__ward").get(pk=action.pk)
        access.require(access.can_advance(actor, action))
        if status not in action.next_statuses():
            raise WorkflowError(
                f"Việc “{action.get_kind_display().lower()}” đang “{action.get_status_display().lower()}”: "
                f"không chuyển sang “{ActionStatus(status).label.lower() if status in ActionStatus.values else status}” được."
            )
        before = action.status
        fields = ["status"]
        if status == ActionStatus.PUBLISHED:
            content_ref = (content_ref or action.content_ref).strip()
            published_url = (published_url or action.published_url).strip()
            if not (content_ref or published_url):
                raise WorkflowError(
                    "Hãy gắn tin bài truyền thông hoặc ghi đường dẫn nơi đã đăng bài phản bác."
                )
            if content_ref:
                item = links.check_content(content_ref, actor=actor, ward=action.entry.ward)
                if not item.published:
                    raise WorkflowError(
                        f"Tin bài “{item.title}” chưa được đăng: hãy đăng tin bài (kèm minh chứng) trước khi ghi "
                        "bài phản bác là đã đăng."
                    )
                published_url = published_url or item.public_url
            _check_url(published_url)
            action.content_ref, action.published_url = content_ref, published_url
            action.published_at = timezone.now()
            fields += ["content_ref", "published_url", "published_at"]
        if status == ActionStatus.RESOLVED:
            answer = _text(answer or note, "kết quả xử lý của Công an")
            action.answer = answer
            fields.append("answer")
        if platform_reference:
            action.platform_reference = platform_reference.strip()[:100]
            fields.append("platform_reference")
        action.status = status
        if not action.is_open:
            action.ended_at = timezone.now()
            fields.append("ended_at")
        action.save(update_fields=fields)
        _step(action, actor, status, answer if status == ActionStatus.RESOLVED else note)
        changes = {"kind": [action.kind, action.kind], "status": [before, status]}
        if status == ActionStatus.PUBLISHED:
            changes |= {
                "content_ref": [None, action.content_ref],
                "published_url": [None, action.published_url],
            }
        audit_record(
            actor=actor,
            action="watch_action_step",
            obj=action,
            context=action.entry,
            changes=changes,
            message=answer if status == ActionStatus.RESOLVED else note,
        )
        if action.kind == ActionKind.POLICE_REFERRAL and actor.role == Role.POLICE:
            _notify_referrer(action, actor)
        return action


# ------------------------------------------------------------------------------------------- notifications


def _entry_link(entry: Entry) -> str:
    return reverse("watch:entry", args=[entry.pk])


def _notify_police(entry: Entry, action: Action, actor) -> None:
    from doantu.notify.services import notify_message

    police = get_user_model().objects.filter(
        is_active=True, role=Role.POLICE, unit__in=access.police_of(entry)
    )
    notify_message(
        users=police,
        actor=actor,
        text=f"{entry.ward.name} chuyển Công an phường xử lý tin sai sự thật {entry.code} "
        f"({entry.get_platform_display()}, mức độ {entry.get_severity_display().lower()}). Cần tiếp nhận.",
        link=_entry_link(entry),
    )


def _notify_referrer(action: Action, actor) -> None:
    from doantu.notify.services import notify_message

    entry = action.entry
    managers = get_user_model().objects.filter(
        is_active=True, role=Role.CAMPAIGN, unit__parent_id=entry.ward_id
    )
    notify_message(
        users=managers,
        actor=actor,
        text=f"Công an phường cập nhật việc xử lý tin {entry.code}: {action.get_status_display().lower()}.",
        link=_entry_link(entry),
    )


def residential_groups(entry: Entry):
    return OrgUnit.objects.filter(parent_id=entry.ward_id, kind=UnitKind.RESIDENTIAL_GROUP, active=True)


__all__ = [
    "PermissionDenied",
    "WorkflowError",
    "action_advance",
    "action_create",
    "capture_add",
    "capture_open",
    "entry_close",
    "entry_create",
    "entry_edit",
    "entry_reopen",
]
