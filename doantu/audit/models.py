"""The append-only audit trail: who did what, when, to which record, and what changed from → to.

Append-only is enforced three times: the model refuses to update or delete, its queryset refuses bulk
update/delete, and database triggers (see the migrations) refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE on
the table itself, so not even a raw SQL statement from the application can rewrite history. In production the
application connects as a role that may only SELECT and INSERT here (``manage.py grant_app_role``), so it
cannot drop or disable those triggers either. Whoever can (the owner, a superuser) still cannot remove or
rewrite an entry unnoticed: entries form a keyed hash chain (chain.py, ``manage.py verify_audit``).
"""

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from . import chain


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được xóa.")

    def bulk_create(self, objs, *args, **kwargs):
        """Only for rows that are already chained (a restore of a backup, in order); new entries go one by one
        through save(), which chains them."""
        objs = list(objs)
        if any(not obj.entry_hash or not obj.prev_hash for obj in objs):
            raise AppendOnlyError("Mục nhật ký mới phải được ghi từng mục qua audit_record (chuỗi băm).")
        return super().bulk_create(objs, *args, **kwargs)

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
    # The hash chain (chain.py): the previous entry's entry_hash, and this entry's HMAC over it and its content.
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        indexes = [
            models.Index(fields=["context_type", "context_id", "at"], name="audit_context_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The figures read the actions of a period ("concluded" in November: doantu.tips.indicators), a
            # fifth of the period's entries; by ``at`` alone every entry of the period is read and filtered.
            models.Index(fields=["action", "at"], name="audit_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được sửa.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # No savepoint: if the insert fails, the caller's transaction fails with it (as it must).
        with transaction.atomic(using=using, savepoint=False):
            # The lock is held until the outermost transaction commits: no two entries chain onto one head.
            chain.lock(using)
            head = chain.head(using, self._meta.db_table)
            self.changes = chain.plain_json(self.changes)
            self.prev_hash = head or chain.GENESIS
            values = {name: getattr(self, name) for name in chain.FIELDS}
            self.entry_hash = chain.entry_hash(self.prev_hash, values, chain.keys()[0])
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được xóa.")
