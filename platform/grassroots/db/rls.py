"""Row-level security, the second isolation wall (PostgreSQL only; a no-op on SQLite).

Each tenant table gets ENABLE and FORCE (owners bypass RLS without FORCE) and one policy, for reads
(USING) and writes (WITH CHECK) alike, on the per-transaction setting `app.tenant_id`. An ended
`set_config(..., true)` reads '' rather than NULL, hence NULLIF: with no tenant set, nothing matches.

Exceptions, on purpose:
- `memberships` has no RLS: it is the access-control table, read by user id across tenants to list a
  person's jurisdictions before any tenant is chosen (see accounts/models.py).
- `audit_entries` holds the platform chain (tenant_id NULL) beside the tenant chains; its policy lets a
  transaction see and append to exactly one chain: the set tenant's, or the platform's when none is set.

Migrations call `enable_tenant_rls(op, "table")` for every table they create with a tenant_id column;
tests/db/test_rls.py fails for any such table left without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import MetaData, text

POLICY = "tenant_isolation"
SETTING = "NULLIF(current_setting('app.tenant_id', true), '')::int"
RLS_EXEMPT: dict[str, str] = {
    "memberships": "access-control table, read by user id across tenants",
}
PLATFORM_ROWS = frozenset({"audit_entries"})


def _runner(op_or_conn) -> tuple[str, Callable[[str], object]]:
    """(dialect name, execute) for an Alembic `op` or a SQLAlchemy Connection."""
    if hasattr(op_or_conn, "get_context"):  # alembic.op: works offline (--sql) too
        return op_or_conn.get_context().dialect.name, op_or_conn.execute
    return op_or_conn.dialect.name, lambda sql: op_or_conn.execute(text(sql))


def _table(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"bad table name {name!r}")
    return name


def policy_condition(platform_rows: bool = False) -> str:
    mine = f"tenant_id = {SETTING}"
    if platform_rows:
        return f"({mine} OR (tenant_id IS NULL AND {SETTING} IS NULL))"
    return f"({mine})"


def enable_tenant_rls(op_or_conn, table: str, platform_rows: bool | None = None) -> None:
    """ENABLE + FORCE row-level security on `table` with the tenant policy (idempotent)."""
    dialect, execute = _runner(op_or_conn)
    if dialect != "postgresql":
        return
    table = _table(table)
    condition = policy_condition(table in PLATFORM_ROWS if platform_rows is None else platform_rows)
    execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    execute(f"CREATE POLICY {POLICY} ON {table} USING {condition} WITH CHECK {condition}")


def disable_tenant_rls(op_or_conn, table: str) -> None:
    """The downgrade of enable_tenant_rls."""
    dialect, execute = _runner(op_or_conn)
    if dialect != "postgresql":
        return
    table = _table(table)
    execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def tenant_tables(metadata: MetaData | None = None) -> list[str]:
    """Every table of the models with a tenant_id column, minus the documented exceptions."""
    if metadata is None:
        import grassroots.models  # noqa: F401  (registers every table)
        from grassroots.db import db

        metadata = db.metadata
    return sorted(name for name, table in metadata.tables.items()
                  if "tenant_id" in table.c and name not in RLS_EXEMPT)
