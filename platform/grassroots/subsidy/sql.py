"""SQL the ORM does not write for us: INSERT ... ON CONFLICT DO NOTHING on both databases.

The tenant wall (`with_loader_criteria`) does not reach INSERTs or the SELECT inside an INSERT ... SELECT,
so every statement built with these names `tenant_id` itself; on PostgreSQL row-level security checks it
again.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from grassroots.db import db


def dialect_insert(model):
    """The session database's INSERT construct, which has `.on_conflict_do_nothing(index_elements=...)`."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"
