"""Every write of the communication work: one service per change. Each checks ``comms.access`` inside itself,
runs in one transaction, and writes the audit trail (``doantu.audit``). Keyword-only, ``<entity>_<action>``.
Bad input raises ``CommsError`` with a Vietnamese message; nothing is half-saved."""

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.services import audit_record, diff
from doantu.org.services import save_audited, snapshot

from . import access
from .models import (
    ACTIVITY_KINDS,
    CalendarFeed,
    Channel,
    ChecklistCategory,
    ChecklistItem,
    ContentFile,
    ContentItem,
    ContentKind,
    ContentStatus,
    FileKind,
    Production,
    Reach,
    ReachOrigin,
    Target,
    Topic,
)

labels.register(
    "comms",
    actions={
        "content_item_created": "Lập sản phẩm truyền thông",
        "content_item_updated": "Sửa sản phẩm truyền thông",
        "content_item_submitted": "Gửi duyệt",
        "content_item_approved": "Duyệt",
        "content_item_returned": "Trả lại để sửa",
        "content_item_published": "Đăng / thực hiện (có minh chứng)",
        "content_item_withdrawn": "Gỡ / hủy",
        "content_file_added": "Thêm tệp",
        "reach_created": "Nhập số liệu lan tỏa",
        "reach_updated": "Sửa số liệu lan tỏa",
        "reach_imported": "Nhập số liệu từ Facebook Insights",
        "checklist_item_created": "Thêm việc dịp cao điểm",
        "checklist_item_updated": "Sửa việc dịp cao điểm",
        "checklist_item_done": "Hoàn thành việc dịp cao điểm",
        "checklist_item_reopened": "Mở lại việc dịp cao điểm",
        "target_created": "Đặt chỉ tiêu truyền thông",
        "target_updated": "Sửa chỉ tiêu truyền thông",
        "target_warned": "Nhắc chỉ tiêu chưa đạt",
        "calendar_feed_created": "Tạo đường dẫn lịch riêng",
        "calendar_feed_revoked": "Thu hồi đường dẫn lịch riêng",
    },
    fields={
        "status": ("Trạng thái", dict(ContentStatus.choices)),
        "kind": ("Loại", dict(ContentKind.choices)),
        "topic": ("Nội dung", dict(Topic.choices)),
        "production": ("Nguồn sản xuất", dict(Production.choices)),
        "category": ("Nhóm việc", dict(ChecklistCategory.choices)),
        "title": ("Tiêu đề", {}),
        "planned_date": ("Ngày dự kiến", {}),
        "planned_time": ("Giờ dự kiến", {}),
        "channels": ("Kênh", {}),
        "owner_unit": ("Đơn vị thực hiện", {}),
        "owner": ("Người phụ trách", {}),
        "published_at": ("Đăng lúc", {}),
        "evidence_url": ("Đường dẫn bài đăng", {}),
        "done": ("Đã xong", {True: "có", False: "chưa"}),
    },
)


class CommsError(Exception):
    """A request that makes no sense (bad input, wrong state). The message is for the user, in Vietnamese."""


def _locked(item: ContentItem) -> ContentItem:
    return ContentItem.objects.select_for_update().get(pk=item.pk)


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


# ------------------------------------------------------------------------------------------------ items


def _channel_names(ids) -> list[str]:
    return sorted(Channel.objects.filter(pk__in=ids).values_list("name", flat=True))


@transaction.atomic
def item_save(*, actor, item: ContentItem, channels=None) -> ContentItem:
    """Create or edit an item's plan. ``channels``: the channels it goes out on (None keeps them)."""
    stored = _locked(item) if item.pk else None
    if stored is None:
        access.require(
            access.can_create(
                actor, kind=item.kind, owner_unit=item.owner_unit if item.owner_unit_id else None
            ),
            "Bạn không lập được sản phẩm loại này.",
        )
        if not actor.is_admin:
            item.ward = access.ward_of(actor)
        item.created_by = actor
        item.status = ContentStatus.DRAFT
    else:
        access.require(
            access.can_edit(actor, stored), "Sản phẩm này không sửa được nữa (đã đăng hoặc đã gỡ)."
        )
        access.require(
            access.can_create(actor, kind=item.kind, owner_unit=item.owner_unit),
            "Bạn không đổi được sang loại này.",
        )
        item.ward_id, item.status = (
            stored.ward_id,
            stored.status,
        )  # the workflow changes only through its steps
    if item.owner_unit_id and not (
        item.owner_unit_id == item.ward_id or item.owner_unit.path.startswith(item.ward.path + "/")
    ):
        raise CommsError("Đơn vị thực hiện phải thuộc phường.")
    if item.owner_id and item.owner.ward != item.ward:
        raise CommsError("Người phụ trách phải là cán bộ của phường.")
    if item.production == Production.RELAYED and not item.relayed_from.strip():
        raise CommsError("Sản phẩm tiếp sóng từ cấp trên cần ghi rõ nguồn (cơ quan, chương trình).")
    if item.kind in ACTIVITY_KINDS and not item.place.strip():
        raise CommsError("Hoạt động (hội nghị, họp tổ, sinh hoạt dưới cờ…) cần có địa điểm.")
    if item.source_id and item.source.ward_id != item.ward_id:
        raise CommsError("Mã QR riêng phải là mã của phường.")
    if item.planned_date:  # the phase of the ward's plan (VI) the date falls in, kept with the date
        campaign = item.ward.campaigns.order_by("-starts").first()
        item.phase = campaign.phase_on(item.planned_date) if campaign else None
    before_channels = set(stored.channels.values_list("pk", flat=True)) if stored else set()
    new_channels = before_channels if channels is None else {c.pk for c in channels}
    if any(c.ward_id != item.ward_id for c in (channels or [])):
        raise CommsError("Kênh không thuộc phường.")
    extra = {}
    if new_channels != before_channels:
        extra["channels"] = [
            ", ".join(_channel_names(before_channels)),
            ", ".join(_channel_names(new_channels)),
        ]
    try:
        save_audited(actor=actor, obj=item, stored=stored, prefix="content_item", extra=extra)
    except ValidationError as exc:
        raise CommsError(_validation_message(exc)) from exc
    if channels is not None:
        item.channels.set(channels)
    return item


def _step(item: ContentItem, actor, action: str, fields: dict, message: str = "") -> ContentItem:
    """One workflow step: set the fields, save, record what changed."""
    before = snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    audit_record(
        actor=actor,
        action=action,
        obj=item,
        changes=diff(before, snapshot(item)),
        message=message or str(item),
    )
    return item


@transaction.atomic
def item_submit(*, actor, item: ContentItem) -> ContentItem:
    item = _locked(item)
    access.require(access.can_submit(actor, item), "Chỉ bản nháp mới gửi duyệt được.")
    if not item.channels.exists() and item.kind not in ACTIVITY_KINDS:
        raise CommsError("Chọn ít nhất một kênh trước khi gửi duyệt.")
    return _step(
        item,
        actor,
        "content_item_submitted",
        {"status": ContentStatus.SUBMITTED, "submitted_at": timezone.now()},
    )


@transaction.atomic
def item_approve(*, actor, item: ContentItem, note: str = "") -> ContentItem:
    item = _locked(item)
    access.require(
        access.can_approve(actor, item), "Chỉ Phòng Văn hóa - Xã hội duyệt sản phẩm đang chờ duyệt."
    )
    return _step(
        item,
        actor,
        "content_item_approved",
        {
            "status": ContentStatus.APPROVED,
            "approved_at": timezone.now(),
            "approved_by": actor,
            "review_note": note,
        },
        note,
    )


@transaction.atomic
def item_return(*, actor, item: ContentItem, note: str) -> ContentItem:
    item = _locked(item)
    access.require(
        access.can_approve(actor, item), "Chỉ Phòng Văn hóa - Xã hội trả lại sản phẩm đang chờ duyệt."
    )
    if not (note or "").strip():
        raise CommsError("Ghi rõ cần sửa gì khi trả lại.")
    return _step(
        item,
        actor,
        "content_item_returned",
        {"status": ContentStatus.DRAFT, "review_note": note.strip()},
        note,
    )


def _evidence_file(upload, what: str):
    from doantu.tips.uploads import UploadError, prepare_upload

    try:
        prepared = prepare_upload(upload)
    except UploadError as exc:
        raise CommsError(str(exc)) from exc
    if prepared.kind != "image":
        raise CommsError(f"{what} phải là ảnh (JPEG, PNG, WebP).")
    prepared.content.name = f"minh-chung.{prepared.extension.lstrip('.')}"
    return prepared.content


@transaction.atomic
def item_publish(
    *,
    actor,
    item: ContentItem,
    evidence_url: str = "",
    evidence_photo=None,
    published_at: dt.datetime | None = None,
    held_on: dt.date | None = None,
    place: str = "",
    attendance: int | None = None,
) -> ContentItem:
    """Published (or, for an activity, held) with evidence: a link to the post, or a photo."""
    item = _locked(item)
    access.require(access.can_publish(actor, item), "Chỉ sản phẩm đã được duyệt mới đăng được.")
    evidence_url = (evidence_url or "").strip()
    if not evidence_url and not evidence_photo:
        raise CommsError("Cần minh chứng: đường dẫn bài đăng hoặc ảnh chụp.")
    if evidence_url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError as exc:
            raise CommsError("Đường dẫn bài đăng không hợp lệ (bắt đầu bằng https://).") from exc
    now = timezone.now()
    published_at = published_at or now
    if published_at > now + dt.timedelta(minutes=5):
        raise CommsError("Thời điểm đăng không thể ở tương lai.")
    fields = {"status": ContentStatus.PUBLISHED, "published_at": published_at, "evidence_url": evidence_url}
    if item.kind in ACTIVITY_KINDS:
        if attendance is not None and attendance < 0:
            raise CommsError("Số người tham dự không hợp lệ.")
        fields.update(
            held_on=held_on or timezone.localtime(published_at).date(),
            place=(place or item.place).strip(),
            attendance=attendance,
        )
    if evidence_photo:
        photo = _evidence_file(evidence_photo, "Ảnh minh chứng")
        target = "activity_photo" if item.kind in ACTIVITY_KINDS else "evidence_photo"
        getattr(item, target).save(photo.name, photo, save=False)
        fields[target] = getattr(item, target)
    return _step(item, actor, "content_item_published", fields)


@transaction.atomic
def item_withdraw(*, actor, item: ContentItem, reason: str) -> ContentItem:
    item = _locked(item)
    access.require(access.can_withdraw(actor, item), "Bạn không gỡ được sản phẩm này.")
    if not (reason or "").strip():
        raise CommsError("Ghi lý do gỡ / hủy.")
    return _step(
        item,
        actor,
        "content_item_withdrawn",
        {
            "status": ContentStatus.WITHDRAWN,
            "withdrawn_at": timezone.now(),
            "withdrawn_reason": reason.strip(),
        },
        reason,
    )


# A script or article is written in Word or as plain text; the tips' upload checks take images, video, audio
# and PDF only. Limits: a broadcast script is a few pages (the ward's DOCX template is ~40 KB); 10 MB leaves room
# for pictures in it, and 50 MB unpacked / 2,000 parts bounds a zip bomb while passing any real Word file.
SCRIPT_MAX_BYTES = 10 * 1024 * 1024
SCRIPT_MAX_UNPACKED = 50 * 1024 * 1024
SCRIPT_MAX_PARTS = 2000
TEXT_MAX_BYTES = 1024 * 1024


def _script_upload(upload):
    """(display name, extension, content) of a Word (.docx) or plain-text script, or None if it is neither.
    Raises CommsError for a file that claims to be one and is not (or carries macros)."""
    import zipfile

    from django.core.files.base import ContentFile as DjangoFile

    name = (getattr(upload, "name", "") or "tep").rsplit("/", 1)[-1][:200]
    lower = name.lower()
    if lower.endswith((".doc", ".docm", ".dotm")):
        raise CommsError(
            f"Tệp “{name}” là tệp Word cũ hoặc có macro; hãy lưu lại dưới dạng “Word Document (.docx)”."
        )
    if lower.endswith(".docx"):
        if upload.size > SCRIPT_MAX_BYTES:
            raise CommsError(f"Tệp “{name}” vượt quá {SCRIPT_MAX_BYTES // (1024 * 1024)} MB.")
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = z.infolist()
                names = {i.filename for i in infos}
                types = (
                    z.read("[Content_Types].xml").decode("utf-8", "replace")
                    if "[Content_Types].xml" in names
                    else ""
                )
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise CommsError(f"Tệp “{name}” không phải tệp Word (.docx) đọc được.") from exc
        if "word/document.xml" not in names or "wordprocessingml" not in types:
            raise CommsError(f"Tệp “{name}” không phải tệp Word (.docx) đọc được.")
        if any(n.lower().endswith("vbaproject.bin") for n in names) or "macroEnabled" in types:
            raise CommsError(
                f"Tệp “{name}” có macro (mã tự chạy) nên không được nhận; hãy lưu dạng .docx thường."
            )
        if len(infos) > SCRIPT_MAX_PARTS or sum(i.file_size for i in infos) > SCRIPT_MAX_UNPACKED:
            raise CommsError(f"Tệp “{name}” khi giải nén quá lớn nên không được nhận.")
        return name, "docx", DjangoFile(data)
    if lower.endswith(".txt"):
        if upload.size > TEXT_MAX_BYTES:
            raise CommsError(f"Tệp văn bản “{name}” vượt quá 1 MB.")
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommsError(
                f"Tệp “{name}” không phải văn bản UTF-8; hãy lưu lại với bảng mã UTF-8."
            ) from exc
        if "\x00" in text:
            raise CommsError(f"Tệp “{name}” không phải văn bản thuần.")
        return name, "txt", DjangoFile(text.encode("utf-8"))
    return None


@transaction.atomic
def item_add_file(*, actor, item: ContentItem, upload, kind: str = FileKind.OTHER) -> ContentFile:
    """A file of the item: a script (Word .docx or plain text), or an image, video, recording or PDF checked
    and cleaned like a tip's attachment (EXIF and metadata removed)."""
    item = _locked(item)
    access.require(
        access.can_edit(actor, item) or access.can_publish(actor, item), "Bạn không thêm tệp được."
    )
    from doantu.tips.uploads import UploadError, prepare_upload

    script = _script_upload(upload)
    if script is not None:
        name, extension, content = script
        record = ContentFile(item=item, kind=FileKind.SCRIPT, name=name, size=content.size, uploaded_by=actor)
    else:
        try:
            prepared = prepare_upload(upload)
        except UploadError as exc:
            raise CommsError(f"{exc} Kịch bản, bài viết: tệp Word (.docx) hoặc văn bản (.txt).") from exc
        kind = {"image": FileKind.IMAGE, "video": FileKind.VIDEO, "audio": FileKind.AUDIO}.get(
            prepared.kind, kind
        )
        name, extension, content = prepared.original_name[:255], prepared.extension, prepared.content
        record = ContentFile(item=item, kind=kind, name=name, size=prepared.size, uploaded_by=actor)
    record.file.save(f"tep.{extension.lstrip('.')}", content, save=False)
    record.save()
    audit_record(actor=actor, action="content_file_added", obj=record, context=item, message=record.name)
    return record


# ------------------------------------------------------------------------------------------------ reach

REACH_FIELDS = ("views", "reactions", "shares", "comments", "broadcasts")


@transaction.atomic
def reach_save(
    *, actor, item: ContentItem, measured_on: dt.date, figures: dict, channel=None, origin=ReachOrigin.TYPED
) -> Reach:
    access.require(access.can_enter_reach(actor, item), "Chỉ nhập số liệu cho sản phẩm đã đăng.")
    if channel is not None and channel.ward_id != item.ward_id:
        raise CommsError("Kênh không thuộc phường.")
    if measured_on > timezone.localdate():
        raise CommsError("Ngày số liệu không thể ở tương lai.")
    values = {}
    for name in REACH_FIELDS:
        value = figures.get(name) or 0
        if not isinstance(value, int) or value < 0:
            raise CommsError("Số liệu phải là số nguyên không âm.")
        values[name] = value
    stored = (
        Reach.objects.select_for_update()
        .filter(item=item, channel=channel, measured_on=measured_on, origin=origin)
        .first()
    )
    reach = stored or Reach(
        item=item, channel=channel, measured_on=measured_on, origin=origin, entered_by=actor
    )
    before = snapshot(stored) if stored else {}
    for name, value in values.items():
        setattr(reach, name, value)
    reach.entered_by = actor
    reach.save()
    changes = diff(before, snapshot(reach))
    if stored is None or changes:
        audit_record(
            actor=actor,
            action="reach_updated" if stored else "reach_created",
            obj=reach,
            context=item,
            changes=changes,
            message=f"Số liệu ngày {measured_on:%d/%m/%Y}",
        )
    return reach


# ----------------------------------------------------------------------------------------------- peaks


@transaction.atomic
def checklist_tick(
    *,
    actor,
    entry: ChecklistItem,
    evidence_url: str = "",
    evidence_photo=None,
    evidence_item=None,
    note: str = "",
) -> ChecklistItem:
    entry = ChecklistItem.objects.select_for_update().select_related("peak").get(pk=entry.pk)
    access.require(access.can_tick(actor, entry), "Việc này giao cho đơn vị khác.")
    if entry.done:
        raise CommsError("Việc này đã được đánh dấu hoàn thành.")
    evidence_url = (evidence_url or "").strip()
    if evidence_item is not None and (
        evidence_item.ward_id != entry.peak.ward_id or evidence_item.status != ContentStatus.PUBLISHED
    ):
        raise CommsError("Sản phẩm minh chứng phải là sản phẩm đã đăng của phường.")
    if not (evidence_url or evidence_photo or evidence_item):
        raise CommsError("Cần minh chứng: đường dẫn, ảnh chụp, hoặc sản phẩm đã đăng.")
    if evidence_url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError as exc:
            raise CommsError("Đường dẫn minh chứng không hợp lệ (bắt đầu bằng https://).") from exc
    before = snapshot(entry)
    entry.done, entry.done_at, entry.done_by = True, timezone.now(), actor
    entry.evidence_url, entry.evidence_item = evidence_url, evidence_item
    if note:
        entry.note = (entry.note + "\n" + note.strip()).strip()
    if evidence_photo:
        photo = _evidence_file(evidence_photo, "Ảnh minh chứng")
        entry.evidence_photo.save(photo.name, photo, save=False)
    entry.save()
    audit_record(
        actor=actor,
        action="checklist_item_done",
        obj=entry,
        context=entry.peak,
        changes=diff(before, snapshot(entry)),
        message=entry.title,
    )
    return entry


@transaction.atomic
def checklist_reopen(*, actor, entry: ChecklistItem, reason: str) -> ChecklistItem:
    entry = ChecklistItem.objects.select_for_update().select_related("peak").get(pk=entry.pk)
    access.require(access.can_manage_peak(actor, entry.peak), "Chỉ Phòng Văn hóa - Xã hội mở lại được.")
    if not entry.done:
        raise CommsError("Việc này chưa hoàn thành.")
    entry.done, entry.done_at, entry.done_by = False, None, None
    entry.save()
    audit_record(
        actor=actor,
        action="checklist_item_reopened",
        obj=entry,
        context=entry.peak,
        changes={"done": [True, False]},
        message=reason,
    )
    return entry


@transaction.atomic
def checklist_item_save(*, actor, entry: ChecklistItem) -> ChecklistItem:
    stored = ChecklistItem.objects.select_for_update().get(pk=entry.pk) if entry.pk else None
    access.require(
        access.can_manage_peak(actor, entry.peak), "Chỉ Phòng Văn hóa - Xã hội giao việc dịp cao điểm."
    )
    ward = entry.peak.ward
    if not (entry.unit_id == ward.pk or entry.unit.path.startswith(ward.path + "/")):
        raise CommsError("Đơn vị thực hiện phải thuộc phường.")
    try:
        return save_audited(
            actor=actor, obj=entry, stored=stored, prefix="checklist_item", context=entry.peak
        )
    except ValidationError as exc:
        raise CommsError(_validation_message(exc)) from exc


# --------------------------------------------------------------------------------------------- targets


@transaction.atomic
def target_save(*, actor, target: Target) -> Target:
    stored = Target.objects.select_for_update().get(pk=target.pk) if target.pk else None
    access.require(access.can_manage_targets(actor, target.ward), "Chỉ Phòng Văn hóa - Xã hội đặt chỉ tiêu.")
    bad = set(target.kinds) - set(ContentKind.values)
    if bad:
        raise CommsError("Loại sản phẩm không hợp lệ: " + ", ".join(sorted(bad)))
    if target.maximum is not None and target.maximum < target.minimum:
        raise CommsError("Mức phấn đấu phải từ mức tối thiểu trở lên.")
    if not 1 <= target.warn_from_day <= 31:
        raise CommsError("Ngày bắt đầu nhắc phải từ 1 đến 31.")
    try:
        return save_audited(actor=actor, obj=target, stored=stored, prefix="target")
    except ValidationError as exc:
        raise CommsError(_validation_message(exc)) from exc


def targets_warn(*, today: dt.date | None = None) -> int:
    """Tell the owner unit's staff, once per period, that a target is behind (from its ``warn_from_day``).
    Run daily by the notify round's caller (``comms.tasks.warn_targets``). Returns how many targets warned."""
    from doantu.audit.models import AuditEntry

    from . import notices, selectors

    today = today or timezone.localdate()
    warned = 0
    for target in Target.objects.filter(active=True).select_related("ward", "owner_unit"):
        progress = selectors.target_progress(target, today=today)
        if not progress.behind or not progress.warn_now:
            continue
        with transaction.atomic():
            already = AuditEntry.objects.filter(
                action="target_warned",
                object_type=target._meta.label_lower,
                object_id=str(target.pk),
                message__startswith=progress.period_key,
            ).exists()
            if already:
                continue
            text = (
                f"Chỉ tiêu “{target.name}” {progress.period_label} mới đạt {progress.done}/{target.minimum}"
                f" — còn {progress.days_left} ngày."
            )
            told = notices.tell_unit(target.owner_unit, text)
            audit_record(
                actor=None,
                label=notices.SYSTEM_LABEL,
                action="target_warned",
                obj=target,
                message=f"{progress.period_key}: {text} Đã báo {told} người.",
            )
            warned += 1
    return warned


# ------------------------------------------------------------------------------------------- ICS feeds


@transaction.atomic
def feed_create(*, actor, unit=None) -> CalendarFeed:
    access.require(access.can_own_feed(actor, unit), "Bạn chỉ tạo được lịch của mình hoặc của đơn vị mình.")
    feed = CalendarFeed.objects.create(user=actor, unit=unit)
    audit_record(actor=actor, action="calendar_feed_created", obj=feed, message=str(feed))
    return feed


@transaction.atomic
def feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    access.require(access.can_revoke_feed(actor, feed), "Đường dẫn lịch này không phải của bạn.")
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="calendar_feed_revoked", obj=feed, message=str(feed))
    return feed
