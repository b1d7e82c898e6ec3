"""Notifications for staff (in the app, by email, by SMS), each user's choice of how to receive them, and the
outbox of messages to send.

Rows are written by ``notify.events`` inside the transaction of the change they report (a refused or rolled-back
change leaves none); messages leave the system only after that transaction commits (``notify.tasks``).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Kind(models.TextChoices):
    FORWARDED = "forwarded", "Được chuyển xác minh"
    ANSWERED = "answered", "Cơ quan đã trả lời"
    OVERDUE = "overdue", "Quá hạn trả lời"
    STATUS = "status", "Thay đổi trạng thái"
    # Work of the other capabilities (a referral to answer, an answer received...): a text and a link.
    WORK = "work", "Việc cần xử lý"
    PLAN_DUE = "plan_due", "Sắp đến hạn báo cáo kế hoạch"
    PLAN_OVERDUE = "plan_overdue", "Quá hạn báo cáo kế hoạch"


class Notification(models.Model):
    """One item in one user's list. ``text`` was written for that user alone, by the need-to-know rule
    (``tips.access.visible_fields``) at the time of the event; the list checks again that the user may still see
    the tip before showing it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    tip = models.ForeignKey(
        "tips.Tip", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    forward = models.ForeignKey(
        "tips.Forward", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.TextField("nội dung")
    # Where the notification leads when it is not about a tip (a path on this site, e.g. a watch entry).
    link = models.CharField("đường dẫn", max_length=300, blank=True, default="")
    created_at = models.DateTimeField("lúc", default=timezone.now)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="notify_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"

    def get_absolute_url(self) -> str:
        if self.tip_id:
            return self.tip.get_absolute_url()
        return self.link if self.link.startswith("/") else reverse("notify:list")


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", "Gửi ngay từng thông báo"
    DIGEST = "digest", "Gộp thành một bản tin mỗi ngày"
    OFF = "off", "Không gửi"


class ChannelName(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS/Zalo"


class Preference(models.Model):
    """How one user wants notifications outside the app, per channel. In the app they always appear."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    email = models.CharField("thư điện tử", max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)
    sms = models.CharField("tin nhắn SMS/Zalo", max_length=10, choices=Mode.choices, default=Mode.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cách nhận thông báo"
        verbose_name_plural = "cách nhận thông báo"

    def __str__(self) -> str:
        return str(self.user)

    def mode(self, channel: str) -> str:
        return getattr(self, channel)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi lỗi"


class Delivery(models.Model):
    """A notification to send by one channel, now or in the day's digest."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=ChannelName.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "lượt gửi"
        verbose_name_plural = "lượt gửi"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} ({self.get_status_display()})"


class OverdueNotice(models.Model):
    """A forward whose lateness has been notified (once)."""

    forward = models.OneToOneField("tips.Forward", on_delete=models.CASCADE, related_name="overdue_notice")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.forward_id)
