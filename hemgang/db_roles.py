"""The app's database role owns nothing (issue 12). After every migration the owner grants it what the
app needs: to read and write the tables — but only to INSERT and SELECT the append-only logs: the access
log, the case event log, the account events and the retention records (HSLF-FS 2016:40 4 kap. 9 §: a log
nobody can change). Not being their owner, it cannot TRUNCATE, ALTER or DROP them, disable their triggers
or switch to replica mode; only the owner role can, and the app never runs as it (migrations and the
access log's retention do).

With one role for both (a developer's superuser) there is nothing to grant."""

from django.conf import settings
from django.db import connections
from psycopg import sql

# Tables the app may only add to and read.
APPEND_ONLY_TABLES = (
    "cases_accesslog",
    "cases_caseevent",
    "audit_accountevent",
    "retention_retentionrun",
    "retention_retentionrecord",
)


def grant_app_privileges(using: str = "owner", **kwargs) -> None:
    """post_migrate: the app role's privileges on every table and sequence of the schema, granted by the
    connection that migrated (the owner). Idempotent."""
    app_role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == app_role:
            return
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
        if cursor.fetchone() is None:
            return
        role = sql.Identifier(app_role)
        # Only the logs that exist yet (a migration of one app, before the others' tables are made).
        cursor.execute(
            "SELECT t FROM unnest(%s::text[]) t WHERE to_regclass(t) IS NOT NULL", [list(APPEND_ONLY_TABLES)]
        )
        logs = sql.SQL(", ").join(sql.Identifier(table) for (table,) in cursor.fetchall())
        for statement in (
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role),
            sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(logs, role),
        ):
            cursor.execute(statement)
