"""The PostgreSQL role the app connects as: neither superuser nor owner, so row-level security binds it.

Run as the owner (the role migrations run as) after every `db upgrade`: `grassroots db-roles grant ROLE`.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Tables the app may append to but never rewrite (the audit chain).
APPEND_ONLY = ("audit_entries",)


class UnsafeAppRole(RuntimeError):
    """The role would bypass row-level security (superuser, BYPASSRLS, or owner of a table)."""


def _checked(role: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"bad role name {role!r}")
    return role


def role_problems(conn: Connection, role: str) -> list[str]:
    """Why `role` would escape row-level security; empty when it is fit to be the app's role."""
    row = conn.execute(text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if row is None:
        return [f"role {role} does not exist"]
    problems = []
    if row.rolsuper:
        problems.append(f"{role} is a superuser")
    if row.rolbypassrls:
        problems.append(f"{role} has BYPASSRLS")
    owned = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = :r ORDER BY 1"),
        {"r": role},
    ).scalars().all()
    if owned:
        problems.append(f"{role} owns tables: {', '.join(owned)}")
    return problems


def grant_app_role(conn: Connection, role: str) -> None:
    """Grant the app role DML on every table (and future ones), minus UPDATE/DELETE on append-only ones.

    Default privileges cover tables the current (owner) role creates later; append-only tables
    created later still need this function run again, which `grassroots db-roles grant` does.
    """
    role = _checked(role)
    problems = role_problems(conn, role)
    if problems:
        raise UnsafeAppRole("; ".join(problems))
    conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
    conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'))
    conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    conn.execute(text(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{role}"'
    ))
    conn.execute(text(f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{role}"'))
    if conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar():
        conn.execute(text(f'REVOKE ALL ON alembic_version FROM "{role}"'))
        conn.execute(text(f'GRANT SELECT ON alembic_version TO "{role}"'))
    for table in APPEND_ONLY:
        if conn.execute(text("SELECT to_regclass(:t)"), {"t": f"public.{table}"}).scalar():
            conn.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM "{role}"'))
