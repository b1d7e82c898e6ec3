"""False or distorted information about the campaign found online or by word of mouth (plan I.2, IV.5, VIII.1,
VIII.3, VIII.5), the evidence kept of it, and what the ward does about it.

State changes never happen here: they go through ``watch.services``, which checks ``watch.access`` and writes
the audit trail. Captures (the evidence) are write-once: the model, its queryset and database triggers refuse
to change or delete a saved capture.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from doantu.org.models import OrgUnit


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    ZALO = "zalo", "Zalo"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    WEBSITE = "website", "Trang web"
    WORD_OF_MOUTH = "word_of_mouth", "Truyền miệng"


class Assessment(models.TextChoices):
    # Plan I.2 / II.4 / IV.5: "sai sự thật", "xuyên tạc", "chưa được kiểm chứng"; and what is true but must
    # be handled with care (a family's grief, an unconfirmed identification).
    FALSE = "false", "Sai sự thật"
    DISTORTED = "distorted", "Xuyên tạc, sai lệch"
    UNVERIFIED = "unverified", "Chưa được kiểm chứng"
    TRUE_SENSITIVE = "true_sensitive", "Đúng nhưng nhạy cảm"


class Severity(models.TextChoices):
    LOW = "low", "Thấp"
    MEDIUM = "medium", "Trung bình"
    HIGH = "high", "Cao"


class EntryStatus(models.TextChoices):
    OPEN = "open", "Đang xử lý"
    CLOSED = "closed", "Đã kết thúc"


class Entry(models.Model):
    """One piece of false information, as found."""

    ward = models.ForeignKey(OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="+")
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người phát hiện", on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField("phát hiện lúc", default=timezone.now)
    platform = models.CharField("nền tảng", max_length=20, choices=Platform.choices)
    link = models.URLField("đường dẫn", max_length=500, blank=True)
    first_seen = models.DateField("xuất hiện lần đầu")
    estimated_reach = models.PositiveIntegerField(
        "lượt tiếp cận ước tính", null=True, blank=True, help_text="Lượt xem, chia sẻ, thành viên nhóm…"
    )
    claim = models.TextField("nội dung sai lệch (tóm tắt)")
    assessment = models.CharField("đánh giá", max_length=20, choices=Assessment.choices)
    severity = models.CharField("mức độ", max_length=10, choices=Severity.choices)
    status = models.CharField(
        "trạng thái", max_length=10, choices=EntryStatus.choices, default=EntryStatus.OPEN, db_index=True
    )
    closed_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    closing_note = models.TextField("kết quả xử lý", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = "tin sai sự thật"
        verbose_name_plural = "tin sai sự thật"

    def __str__(self) -> str:
        return f"TSL-{self.pk}: {self.claim[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("watch:entry", args=[self.pk])

    @property
    def code(self) -> str:
        return f"TSL-{self.pk}"


class CaptureError(Exception):
    """A capture is evidence: it is never changed or deleted once saved."""


class CaptureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise CaptureError("Bản chụp là chứng cứ: không được sửa.")

    def delete(self):
        raise CaptureError("Bản chụp là chứng cứ: không được xóa.")


def capture_path(instance: "Capture", filename: str) -> str:
    # Random names: the path says nothing of the entry.
    return f"watch/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class CaptureKind(models.TextChoices):
    IMAGE = "image", "Ảnh chụp màn hình"
    PDF = "pdf", "Trang lưu (PDF)"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Ghi âm"


class Capture(models.Model):
    """A screenshot or saved page of the information, as evidence: stored once (metadata stripped on arrival,
    as every upload) with the SHA-256 of the stored file and of the file as received, and when it was captured."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="captures")
    file = models.FileField(upload_to=capture_path, max_length=200, editable=False)
    kind = models.CharField("loại", max_length=10, choices=CaptureKind.choices, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField("dung lượng", editable=False)
    original_name = models.CharField("tên tệp gốc", max_length=200, blank=True, editable=False)
    sha256 = models.CharField("SHA-256 của tệp lưu", max_length=64, editable=False)
    received_sha256 = models.CharField("SHA-256 của tệp nhận", max_length=64, editable=False)
    captured_at = models.DateTimeField("chụp lúc", editable=False)
    uploaded_at = models.DateTimeField("lưu lúc", default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    note = models.CharField("ghi chú", max_length=300, blank=True, editable=False)

    objects = CaptureQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "uploaded_at", "id"]
        verbose_name = "bản chụp (chứng cứ)"
        verbose_name_plural = "bản chụp (chứng cứ)"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}…"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise CaptureError("Bản chụp là chứng cứ: không được sửa.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("watch:capture", args=[self.entry_id, self.pk])

    def delete(self, *args, **kwargs):
        raise CaptureError("Bản chụp là chứng cứ: không được xóa.")


class ActionKind(models.TextChoices):
    REBUTTAL = "rebuttal", "Phản bác, đính chính"
    PLATFORM_REPORT = "platform_report", "Báo cáo nền tảng"
    POLICE_REFERRAL = "police_referral", "Chuyển Công an phường"
    GROUP_GUIDANCE = "group_guidance", "Hướng dẫn tổ dân phố"


class ActionStatus(models.TextChoices):
    DRAFTING = "drafting", "Đang soạn"
    PUBLISHED = "published", "Đã đăng"
    REPORTED = "reported", "Đã báo cáo, chờ nền tảng"
    REMOVED = "removed", "Nền tảng đã gỡ"
    REFUSED = "refused", "Nền tảng không gỡ"
    SENT = "sent", "Đã chuyển, chờ tiếp nhận"
    RECEIVED = "received", "Đã tiếp nhận"
    HANDLING = "handling", "Đang xử lý"
    RESOLVED = "resolved", "Đã xử lý xong"
    GUIDED = "guided", "Đã gửi hướng dẫn"
    CONFIRMED = "confirmed", "Tổ đã phổ biến"
    CANCELLED = "cancelled", "Hủy"


# Each kind's path, from its first status to its ends (a status not reachable from another is refused).
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    ActionKind.REBUTTAL: {ActionStatus.DRAFTING: (ActionStatus.PUBLISHED, ActionStatus.CANCELLED)},
    ActionKind.PLATFORM_REPORT: {
        ActionStatus.REPORTED: (ActionStatus.REMOVED, ActionStatus.REFUSED, ActionStatus.CANCELLED)
    },
    ActionKind.POLICE_REFERRAL: {
        ActionStatus.SENT: (ActionStatus.RECEIVED, ActionStatus.CANCELLED),
        ActionStatus.RECEIVED: (ActionStatus.HANDLING, ActionStatus.RESOLVED),
        ActionStatus.HANDLING: (ActionStatus.RESOLVED,),
    },
    ActionKind.GROUP_GUIDANCE: {ActionStatus.GUIDED: (ActionStatus.CONFIRMED, ActionStatus.CANCELLED)},
}
FIRST_STATUS = {kind: next(iter(path)) for kind, path in TRANSITIONS.items()}
END_STATUSES = {
    ActionStatus.PUBLISHED,
    ActionStatus.REMOVED,
    ActionStatus.REFUSED,
    ActionStatus.RESOLVED,
    ActionStatus.CONFIRMED,
    ActionStatus.CANCELLED,
}


class Action(models.Model):
    """Something done about an entry, followed to its end through its steps."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField("việc", max_length=20, choices=ActionKind.choices)
    status = models.CharField("trạng thái", max_length=20, choices=ActionStatus.choices)
    description = models.TextField("nội dung")
    # A rebuttal: the communication item it is published as (a generic reference the owning app resolves,
    # "comms.contentitem:12", see watch.links) and where it can be read.
    content_ref = models.CharField("tin bài truyền thông", max_length=60, blank=True)
    published_url = models.URLField("đường dẫn bài đăng", max_length=500, blank=True)
    published_at = models.DateTimeField("đăng lúc", null=True, blank=True)
    # A report to a platform: its ticket or reference number.
    platform_reference = models.CharField("mã báo cáo của nền tảng", max_length=100, blank=True)
    # Guidance: the residential groups it went to.
    groups = models.ManyToManyField(OrgUnit, verbose_name="tổ dân phố", blank=True, related_name="+")
    # A referral: the police's answer.
    answer = models.TextField("trả lời", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)

    class Meta:
        ordering = ["entry", "created_at", "id"]
        verbose_name = "việc xử lý"
        verbose_name_plural = "việc xử lý"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status not in END_STATUSES

    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS[self.kind].get(self.status, ())


class ActionStep(models.Model):
    """One step of an action (each status it passed through, by whom, with what note)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField("trạng thái", max_length=20, choices=ActionStatus.choices)
    note = models.TextField("ghi chú", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "at", "id"]
        verbose_name = "bước xử lý"
        verbose_name_plural = "bước xử lý"

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%d/%m/%Y}"
