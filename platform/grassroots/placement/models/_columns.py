"""Shared column helpers of the placement tables."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKeyConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import JSON

JSONType = JSON().with_variant(JSONB(), "postgresql")


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name or column)


def same_tenant(owner: str, column: str, table: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """(tenant_id, column) → (table.tenant_id, table.id): the referenced row is of the same tenant.

    Named after the column (the naming convention would name every composite key after tenant_id, and
    a table with two keys into `units` would get one name twice)."""
    return ForeignKeyConstraint(["tenant_id", column], [f"{table}.tenant_id", f"{table}.id"], ondelete=ondelete,
                                name=f"fk_{owner}_{column}")
