import pytest
from django.db import DatabaseError, connection, transaction

from doantu.audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def test_audit_entries_cannot_be_changed_or_deleted(tip):
    entry = AuditEntry.objects.for_context(tip).get()
    entry.message = "sửa lịch sử"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(message="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_database_refuses_raw_update_and_delete(tip):
    entry = AuditEntry.objects.for_context(tip).get()
    for sql in (
        "UPDATE audit_auditentry SET message = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).message == entry.message
