"""Appending to the audit log, inside the caller's transaction.

`record()` writes one entry; the flush hook (`hooks.py`) calls `append()` for every audited row
change. Reading a chain's head and inserting after it must be one step per chain, or concurrent
writers fork it (SECURITY.md measured 461 forks in 800 appends without a lock):
- PostgreSQL: `pg_advisory_xact_lock(<audit namespace>, <chain>)`, held until the transaction ends,
  so the next appender reads the head this transaction wrote.
- SQLite: one writer at a time holds the database write lock; a second appender that read the same
  head fails on the unique (chain, seq) key (or SQLITE_BUSY) instead of forking.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from grassroots.audit.chain import GENESIS, entry_hash, jsonable
from grassroots.audit.models import PLATFORM_CHAIN, AuditEntry
from grassroots.db import db, wallclock
from grassroots.db.tenant_scope import CrossTenantWrite, peek_tenant_id, sync_pg_setting

LOCK_NAMESPACE = 0x61756469  # "audi": the first key of the two-int advisory lock
_CURRENT = object()
_actor: ContextVar[tuple[int | None, str] | None] = ContextVar("grassroots_audit_actor", default=None)


@contextmanager
def acting_as(label: str, user_id: int | None = None) -> Iterator[None]:
    """Name the actor explicitly (background jobs, scripted onboarding)."""
    token = _actor.set((user_id, label))
    try:
        yield
    finally:
        _actor.reset(token)


def cli_label() -> str:
    """The CLI actor: GRASSROOTS_ACTOR if set, else the operating-system user."""
    explicit = os.environ.get("GRASSROOTS_ACTOR")
    if explicit:
        return explicit[:100]
    try:
        return f"cli:{getpass.getuser()}"[:100]
    except (KeyError, OSError):
        return "cli"


def current_actor() -> tuple[int | None, str]:
    """(user id, label): the explicit actor, else the signed-in user of the request, else the CLI."""
    explicit = _actor.get()
    if explicit is not None:
        return explicit
    if has_request_context():
        from flask_login import current_user

        user = current_user._get_current_object()
        if getattr(user, "is_authenticated", False):
            return user.id, user.username
        return None, "anonymous"
    return None, cli_label()


def chain_of(tenant_id: int | None) -> int:
    return PLATFORM_CHAIN if tenant_id is None else tenant_id


def lock_chain(conn: Connection, chain: int) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:ns, :chain)"), {"ns": LOCK_NAMESPACE, "chain": chain})


def append(conn: Connection, tenant_id: int | None, entries: list[dict[str, Any]]) -> list[dict]:
    """Append entries (action, target_type, target_id, before, after, note) to one chain, in order."""
    chain = chain_of(tenant_id)
    lock_chain(conn, chain)
    table = AuditEntry.__table__
    head = conn.execute(
        select(table.c.seq, table.c.hash).where(table.c.chain == chain).order_by(table.c.seq.desc()).limit(1)
    ).first()
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    user_id, label = current_actor()
    rows = []
    for entry in entries:
        seq += 1
        row = {
            "chain": chain, "seq": seq, "tenant_id": tenant_id, "at": wallclock(),
            "actor_user_id": user_id, "actor_label": label[:100], "action": entry["action"],
            "target_type": entry.get("target_type"),
            "target_id": None if entry.get("target_id") is None else str(entry["target_id"])[:64],
            "before": jsonable(entry.get("before")), "after": jsonable(entry.get("after")),
            "note": entry.get("note"), "prev_hash": prev,
        }
        row["hash"] = prev = entry_hash(row)
        rows.append(row)
    if rows:
        conn.execute(insert(table), rows)
    return rows


def record(action: str, target_type: str | None = None, target_id: Any = None, before: Any = None,
           after: Any = None, note: str | None = None, tenant_id: Any = _CURRENT,
           session: Session | None = None) -> dict:
    """Append one entry (a decision, a login, a view of sensitive data) in the caller's transaction.

    The chain is the current tenant's (the platform chain when none is set). Writing to another
    tenant's chain is refused here as RLS refuses it on PostgreSQL, so both databases behave alike.
    """
    current = peek_tenant_id()
    if tenant_id is _CURRENT:
        tenant_id = current
    elif tenant_id != current:
        raise CrossTenantWrite(f"audit entry for tenant {tenant_id} written in the context of {current}")
    session = session or db.session()
    sync_pg_setting(session)
    conn = session.connection()
    entry = {"action": action, "target_type": target_type, "target_id": target_id,
             "before": before, "after": after, "note": note}
    return append(conn, tenant_id, [entry])[0]
