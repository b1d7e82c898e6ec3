"""PostgreSQL: TRUNCATE on the audit table is refused as well (a statement trigger; the row triggers of 0003
do not fire on TRUNCATE, nor on a TRUNCATE ... CASCADE from a table it references). SQLite has no TRUNCATE.

The test suite empties tables with TRUNCATE between transactional tests; it does so with
session_replication_role = replica (doantu/audit/testing.py), which only a superuser may set."""

from django.db import migrations

POSTGRES = """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditentry
              FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();"""
POSTGRES_REVERSE = "DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditentry;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
