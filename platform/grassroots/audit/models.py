"""The audit log: one hash chain per tenant plus one platform chain, append-only.

`tenant_id` is NULL for platform-level entries (operators, logins, the tenant registry). A unique key
on a nullable column would let two NULL rows share a `seq`, so each row also carries a non-null chain
key, `chain` = `tenant_id` or 0, checked to agree with `tenant_id`; (`chain`, `seq`) is unique, which
is what makes a forked chain impossible even if the lock is bypassed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from grassroots.db import db, wallclock

# None is stored as SQL NULL (not JSON 'null') so "no before" reads the same on both databases.
AuditJSON = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

PLATFORM_CHAIN = 0
# Suggested in the page's filter; any lower-case dotted name is a valid action.
ACTIONS = ("insert", "update", "delete", "decision", "onboard", "login", "login.failed", "logout",
           "password.change", "token.create", "token.revoke", "view", "export", "id.reveal", "id.lookup",
           "id.rekey")


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        CheckConstraint("chain = COALESCE(tenant_id, 0)", name="chain_matches_tenant"),
        Index("ix_audit_entries_chain_action", "chain", "action"),
        Index("ix_audit_entries_chain_target_type", "chain", "target_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column()
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="RESTRICT"), index=True)
    seq: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(default=wallclock)
    # No foreign key: a user's later deletion must not rewrite (and so break) the chain.
    actor_user_id: Mapped[int | None] = mapped_column()
    actor_label: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[Any] = mapped_column(AuditJSON, nullable=True)
    after: Mapped[Any] = mapped_column(AuditJSON, nullable=True)
    note: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) rows for display; every key of either side, in name order."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))]
