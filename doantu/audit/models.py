"""The append-only audit trail: who did what, when, to which record, and what changed from → to.

Append-only is enforced three times: the model refuses to update or delete, its queryset refuses bulk
update/delete, and a database trigger (see the migrations) refuses UPDATE and DELETE on the table itself,
so not even a raw SQL statement from the application can rewrite history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được xóa.")

    def for_context(self, obj):
        return self.filter(context_type=obj._meta.label_lower, context_id=str(obj.pk))


class AuditEntry(models.Model):
    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # A snapshot, so the trail still reads right after an account is renamed or moved.
    actor_label = models.CharField("người thực hiện (lúc ghi)", max_length=200)
    action = models.CharField("hành động", max_length=40, db_index=True)
    # The record that changed ...
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    # ... and the record whose timeline it belongs on (a forward's or a note's tip).
    context_type = models.CharField(max_length=60)
    context_id = models.CharField(max_length=40)
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    message = models.TextField("ghi chú", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        indexes = [
            models.Index(fields=["context_type", "context_id", "at"], name="audit_context_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được xóa.")
