"""Database-level guard for the evidence: a saved capture row is never updated or deleted (as the audit trail,
audit/migrations/0003). The model and its queryset refuse too; this stops a raw statement as well."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER watch_capture_no_update BEFORE UPDATE ON watch_capture
       BEGIN SELECT RAISE(ABORT, 'evidence is write-once'); END;""",
    """CREATE TRIGGER watch_capture_no_delete BEFORE DELETE ON watch_capture
       BEGIN SELECT RAISE(ABORT, 'evidence is write-once'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS watch_capture_no_update;", "DROP TRIGGER IF EXISTS watch_capture_no_delete;"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION watch_capture_write_once() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'evidence is write-once'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER watch_capture_no_update_delete BEFORE UPDATE OR DELETE ON watch_capture
       FOR EACH ROW EXECUTE FUNCTION watch_capture_write_once();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS watch_capture_no_update_delete ON watch_capture;",
    "DROP FUNCTION IF EXISTS watch_capture_write_once();",
]


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("watch", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
