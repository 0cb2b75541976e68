"""Reading one chain for the audit pages: newest first, filtered, one query per page.

AuditEntry is not a TenantScoped model (the platform chain has no tenant), so the chain is always
named here explicitly; on PostgreSQL row-level security confines the read to it as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from grassroots.audit.models import AuditEntry
from grassroots.db import db

PER_PAGE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    number: int
    has_next: bool


def page_of(chain: int, number: int = 1, action: str | None = None, target_type: str | None = None,
            per_page: int = PER_PAGE) -> Page:
    """One page; fetches one extra row to know whether a next page exists (no COUNT query)."""
    number = min(max(number, 1), MAX_PAGE)
    query = select(AuditEntry).where(AuditEntry.chain == chain)
    if action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    query = query.order_by(AuditEntry.seq.desc()).limit(per_page + 1).offset((number - 1) * per_page)
    rows = list(db.session.execute(query).scalars())
    return Page(rows[:per_page], number, len(rows) > per_page)
