"""Give the application's database role what it needs, and nothing it could tamper with.

Run as the owner of the tables (the role that runs ``migrate``), after every migration:
``python manage.py grant_app_role uvisa_app``. The application then connects as ``uvisa_app``,
which owns nothing: it cannot ALTER a table, switch a trigger off or drop one (only an owner
or a superuser can), it may only read and append to the audit tables, and it cannot TRUNCATE
anything (C9: audit records protected from modification and deletion; CJIS 5.4.1.1 / NIST
800-53 AU-9, separation of the database owner from the application).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

# Append-only tables: the application reads them and inserts rows, never changes them.
APPEND_ONLY = [
    "cases_caseevent",
    "cases_accesslog",
    "cases_designationevent",
    "federal_requests_auditevent",
    "federal_requests_accesslog",
]
# Schema bookkeeping the application only reads.
READ_ONLY = ["django_migrations", "django_content_type", "auth_permission"]


def statements(role: str) -> list[str]:
    quoted = connection.ops.quote_name(role)
    existing = set(connection.introspection.table_names())
    sql = [
        f"REVOKE ALL ON SCHEMA public FROM {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]
    for table in APPEND_ONLY:
        if table in existing:
            sql.append(f"REVOKE UPDATE, DELETE ON {table} FROM {quoted}")
    for table in READ_ONLY:
        if table in existing:
            sql.append(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {quoted}")
    return sql


def owned_by(role: str) -> list[str]:
    """Tables, sequences and functions of the schema that ``role`` owns (must be none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = %s "
            "UNION ALL SELECT p.proname FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
            "AND pg_get_userbyid(p.proowner) = %s",
            [role, role],
        )
        return [row[0] for row in cursor.fetchall()]


class Command(BaseCommand):
    help = "Grant the application role its privileges (PostgreSQL; run as the tables' owner)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("role", help="the role the application connects as, e.g. uvisa_app")

    def handle(self, *args: Any, role: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL deployment feature.")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
            raise CommandError("A role name is lower-case letters, digits and underscores.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"No role {role}: CREATE ROLE {role} LOGIN PASSWORD '...'.")
            if row[0]:
                raise CommandError(f"{role} is a superuser: it could switch triggers off.")
            owned = owned_by(role)
            if owned:
                raise CommandError(f"{role} owns {', '.join(owned[:5])}: it must own nothing.")
            for sql in statements(role):
                cursor.execute(sql)
        self.stdout.write(f"{role}: privileges granted; it owns nothing.")
