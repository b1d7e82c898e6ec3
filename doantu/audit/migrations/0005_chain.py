"""The hash chain (doantu/audit/chain.py): two columns, and the existing entries chained in id order.

Chaining the existing rows is the one UPDATE the trail ever gets: the append-only triggers are set aside for it,
inside this migration's transaction (PostgreSQL) or dropped and re-created around it (SQLite).

SQLite adds the columns by rebuilding the table (new table, copy, drop, rename), which drops its triggers: they
are re-created here, as 0003 made them. Any later migration that rebuilds this table on SQLite must do the same
(tests/audit/test_append_only.py fails otherwise)."""

from django.db import migrations, models

from doantu.audit import chain

SQLITE_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditentry'"
SQLITE_APPEND_ONLY = [  # as in 0003
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;""",
]


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    AuditEntry = apps.get_model("audit", "AuditEntry")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_no_update_delete")
        elif connection.vendor == "sqlite":
            cursor.execute(SQLITE_TRIGGERS)
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        prev = chain.GENESIS
        key = chain.keys()[0]
        rows = AuditEntry.objects.using(connection.alias).order_by("id").values("id", *chain.FIELDS)
        for row in rows.iterator(chunk_size=2000):
            digest = chain.entry_hash(prev, row, key)
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s", [prev, digest, row["id"]]
            )
            prev = digest
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_no_update_delete")
        elif connection.vendor == "sqlite":
            for sql in SQLITE_APPEND_ONLY:
                cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_block_truncate")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
