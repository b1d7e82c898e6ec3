"""Test-suite only: let Django's test flush empty the audit table, which refuses it by design.

Django empties every table between transactional tests (TransactionTestCase, pytest-django's
``transactional_db``): TRUNCATE on PostgreSQL, which the audit table's statement trigger refuses, and DELETE
on SQLite, which its row trigger refuses. Here the flush is allowed to go through, and only the flush:

- PostgreSQL: the flush's transaction first sets ``session_replication_role = replica`` (SET LOCAL: until it
  commits), under which ordinary triggers do not fire. Only a superuser may set it, which the test runner's
  role is. The application's production role is not a superuser (``manage.py grant_app_role`` refuses one)
  and has no TRUNCATE right on the table anyway, so it cannot do the same.
- SQLite: the audit triggers are dropped and re-created, word for word, around the DELETEs, in the flush's
  transaction.

Called once from tests/conftest.py; nothing in the application imports this module.
"""

from __future__ import annotations

AUDIT_TABLE = "audit_auditentry"


def allow_test_flush() -> None:
    from django.db.backends.sqlite3.base import DatabaseOperations as SQLiteOperations

    sqlite_flush = SQLiteOperations.sql_flush

    def sqlite_sql_flush(self, style, tables, *args, **kwargs):
        sql = sqlite_flush(self, style, tables, *args, **kwargs)
        # The audit table and any other write-once table (watch_capture: evidence) guard themselves with
        # triggers: those of the flushed tables are dropped and re-created around the DELETEs.
        if not sql or not tables:
            return sql
        marks = ", ".join(["%s"] * len(tables))
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                list(tables),
            )
            triggers = cursor.fetchall()
        if not triggers:
            return sql
        return [f'DROP TRIGGER "{name}";' for name, _ in triggers] + sql + [text for _, text in triggers]

    SQLiteOperations.sql_flush = sqlite_sql_flush

    try:
        from django.db.backends.postgresql.base import DatabaseOperations as PostgresOperations
    except ImportError:  # no psycopg: no PostgreSQL tests either
        return
    postgres_flush = PostgresOperations.sql_flush

    def postgres_sql_flush(self, style, tables, *args, **kwargs):
        sql = postgres_flush(self, style, tables, *args, **kwargs)
        return ["SET LOCAL session_replication_role = replica;", *sql] if sql else sql

    PostgresOperations.sql_flush = postgres_sql_flush
