"""Give the application's own PostgreSQL role what it needs, and nothing over the audit trail.

Run as the role that owns the tables (the one that runs ``migrate``), after every ``migrate``:

    DATABASE_URL=postgres://doantu_owner:…@host/doantu manage.py migrate
    DATABASE_URL=postgres://doantu_owner:…@host/doantu manage.py grant_app_role doantu_app

The application then runs with DATABASE_URL=postgres://doantu_app:…@host/doantu. That role reads and writes
every table, except the audit trail, where it may only SELECT and INSERT: it cannot UPDATE, DELETE or TRUNCATE
it, nor drop or disable its triggers (only the owner can), nor set session_replication_role (only a superuser).
``--print`` shows the SQL instead of running it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql as pgsql

AUDIT_TABLE = "audit_auditentry"


class Command(BaseCommand):
    help = (
        "Cấp quyền cho vai trò CSDL của ứng dụng: đọc/ghi mọi bảng, nhật ký chỉ đọc và ghi thêm (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the application's login role (created with --create if missing)")
        parser.add_argument(
            "--create", action="store_true", help="create the role (LOGIN) if it does not exist"
        )
        parser.add_argument("--print", action="store_true", help="print the SQL, change nothing")

    def statements(self, role: str, owner: str) -> list:
        r = pgsql.Identifier(role)
        db = pgsql.Identifier(connection.settings_dict["NAME"])
        return [
            pgsql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, r),
            pgsql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
            pgsql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(r),
            pgsql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(r),
            # Tables and sequences that later migrations create (as the owner) get the same rights.
            pgsql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
            ).format(pgsql.Identifier(owner), r),
            pgsql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
            ).format(pgsql.Identifier(owner), r),
            # The audit trail: read and append only.
            pgsql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(pgsql.Identifier(AUDIT_TABLE), r),
            pgsql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(pgsql.Identifier(AUDIT_TABLE), r),
        ]

    def handle(self, *args, role, create, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL (production); SQLite has no roles.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = %s", [AUDIT_TABLE])
            found = cursor.fetchone()
            if found is None:
                raise CommandError("the audit table does not exist: run migrate (as the owner) first")
            owner = found[0]
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            existing = cursor.fetchone()
        plan = self.statements(role, owner)
        if existing is None:
            if not create:
                raise CommandError(f"role {role!r} does not exist (add --create, or have the DBA create it)")
            plan.insert(0, pgsql.SQL("CREATE ROLE {} LOGIN").format(pgsql.Identifier(role)))
        elif existing[0]:
            raise CommandError(f"role {role!r} is a superuser: the application must not run as one")
        if role == owner:
            raise CommandError(f"role {role!r} owns the tables: the application must run as another role")
        if options["print"]:
            for statement in plan:
                self.stdout.write(statement.as_string(connection.connection) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in plan:
                cursor.execute(statement.as_string(connection.connection))
            cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"role {role!r} is a member of the owner {owner!r}: it could alter the audit table"
                )
        self.stdout.write(
            f"role {role}: read/write on every table, SELECT/INSERT only on {AUDIT_TABLE} (owner: {owner})"
        )
