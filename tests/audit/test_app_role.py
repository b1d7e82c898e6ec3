"""The application's PostgreSQL role (manage.py grant_app_role) can append to the audit trail and read it, work
on every other table, and do nothing else to the trail: no UPDATE, DELETE, TRUNCATE, no disabling or dropping
its triggers, no session_replication_role."""

import io
import os
import subprocess
import sys

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from doantu.audit.models import AuditEntry
from doantu.audit.services import audit_record

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (SQLite has no roles)"),
    pytest.mark.django_db(transaction=True),  # the role and its rights must be visible to another connection
]


@pytest.fixture
def app_role():
    role = f"doantu_app_test_{os.getpid()}"
    yield role
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def connect_as(role: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"], user=role, host=s["HOST"] or None, port=s["PORT"] or None, autocommit=True
    )


def test_the_app_role_can_append_and_nothing_more(app_role, ward):
    entry = audit_record(actor=None, action="before_role", obj=ward)
    before = AuditEntry.objects.count()  # with what the seed's own steps recorded
    out = io.StringIO()
    call_command("grant_app_role", app_role, "--create", stdout=out)
    assert "SELECT/INSERT only on audit_auditentry" in out.getvalue()

    with connect_as(app_role) as app:
        assert app.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0] == before
        app.execute(  # INSERT is allowed (the chain tells a forged one apart; see test_chain)
            "INSERT INTO audit_auditentry (at, actor_label, action, object_type, object_id, context_type, context_id,"
            " changes, message, prev_hash, entry_hash) VALUES (now(), 'x', 'y', 'a.b', '1', 'a.b', '1', '{}', '', '', '')"
        )
        app.execute("UPDATE org_orgunit SET name = name WHERE id = %s", [ward.pk])  # normal rights elsewhere
        refused = [
            f"UPDATE audit_auditentry SET message = 'x' WHERE id = {entry.pk}",
            f"DELETE FROM audit_auditentry WHERE id = {entry.pk}",
            "TRUNCATE audit_auditentry",
            "TRUNCATE org_orgunit CASCADE",
            "ALTER TABLE audit_auditentry DISABLE TRIGGER USER",
            "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_no_update_delete",
            "DROP TRIGGER audit_no_update_delete ON audit_auditentry",
            "DROP TABLE audit_auditentry",
            "SET session_replication_role = replica",
            "CREATE TRIGGER t BEFORE INSERT ON audit_auditentry FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
        ]
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
    assert AuditEntry.objects.filter(pk=entry.pk, message="").exists()
    assert AuditEntry.objects.count() == before + 1

    call_command("grant_app_role", app_role, stdout=io.StringIO())  # idempotent, after every migrate


def test_the_application_runs_as_the_app_role(app_role, ward, tmp_path, settings):
    """The system itself, started with DATABASE_URL naming the app role: it writes (an audit entry, chained
    under the advisory lock) and verifies the trail; and it cannot rewrite it even if it tries."""
    call_command("grant_app_role", app_role, "--create", stdout=io.StringIO())
    audit_record(actor=None, action="by_owner", obj=ward)
    expected = AuditEntry.objects.count() + 1  # with what the seed's own steps recorded, and the app's entry
    s = connection.settings_dict
    url = f"postgres://{app_role}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.db import DatabaseError, connection\n"
        "from doantu.audit.services import audit_record\n"
        "from doantu.org.models import OrgUnit\n"
        f"audit_record(actor=None, action='by_app', obj=OrgUnit.objects.get(pk={ward.pk}))\n"
        "call_command('verify_audit')\n"
        "try:\n"
        "    connection.cursor().execute('ALTER TABLE audit_auditentry DISABLE TRIGGER USER')\n"
        "except DatabaseError as exc:\n"
        "    print('refused:', type(exc.__cause__).__name__)\n"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DOANTU_ENV"}}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "doantu.settings",
        "DATABASE_URL": url,
        "DOANTU_DATA_DIR": str(tmp_path),
        "SECRET_KEY": settings.SECRET_KEY,
        "AUDIT_CHAIN_KEYS": ",".join(settings.AUDIT_CHAIN_KEYS),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"audit chain OK: {expected} entries" in result.stdout
    assert "refused: InsufficientPrivilege" in result.stdout
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[-2:] == [
        "by_owner",
        "by_app",
    ]


def test_grant_app_role_refuses_a_superuser_or_the_owner(app_role):
    user = connection.settings_dict["USER"] or "postgres"
    with pytest.raises(CommandError, match="superuser|owns the tables"):
        call_command("grant_app_role", user, stdout=io.StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", app_role, stdout=io.StringIO())
