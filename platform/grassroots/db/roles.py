"""The PostgreSQL role the app connects as: neither superuser nor owner, so row-level security binds it."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Tables the app may append to but never rewrite (the audit chain).
APPEND_ONLY = ("audit_entries",)


def grant_app_role(conn: Connection, role: str) -> None:
    """Grant the app role DML on every table (and future ones), minus UPDATE/DELETE on append-only ones."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"bad role name {role!r}")
    conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
    conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'))
    conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    conn.execute(text(f'REVOKE ALL ON alembic_version FROM "{role}"'))
    conn.execute(text(f'GRANT SELECT ON alembic_version TO "{role}"'))
    for table in APPEND_ONLY:
        exists = conn.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar()
        if exists:
            conn.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM "{role}"'))
