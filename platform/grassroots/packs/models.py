"""A tenant's policy pack: one editable draft, immutable published versions, and cases pinned to one.

The pack text is stored exactly as authored (`content`, a JSON document kept as text): key order and
layout survive, so the editor shows what the author wrote and an export is byte-equal to what was
imported or published. `content_hash` is the sha256 of its canonical form (see canonical.py), so a
reformatted but equal pack has the same hash, and caches key on meaning rather than whitespace.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped

JSONType = JSON().with_variant(JSONB(), "postgresql")

DRAFT_STATUSES = ("draft", "submitted", "published")
SYSTEM_IMPORT = "system import"


class PackDraft(TenantScoped, db.Model):
    """The one draft a tenant's authors edit; submitted for publishing, published by a second person.

    Status moves only by conditional UPDATEs (drafts.py): draft → submitted → published, and an edit
    after submitting returns it to draft (the submission is withdrawn, never silently replaced).
    """

    __tablename__ = "pack_drafts"
    __audited__ = True
    __audit_ignore__ = ("content",)  # an edit records its new hash, not 100 kB of text per save
    __table_args__ = (
        UniqueConstraint("tenant_id"),
        UniqueConstraint("tenant_id", "id"),
        CheckConstraint("status IN ('draft', 'submitted', 'published')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    base_version: Mapped[int | None] = mapped_column()  # the version number the draft started from
    status: Mapped[str] = mapped_column(String(16), default="draft")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_label: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column()
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column()


class PackVersion(TenantScoped, db.Model):
    """A published pack: never updated or deleted (triggers refuse it on both databases).

    `extends_chain` records the ancestors the version was checked against when it was published
    ([{"tenant", "number", "hash"}] root first, or {"file", "hash"} for an import from policy_packs/).
    """

    __tablename__ = "pack_versions"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        UniqueConstraint("tenant_id", "id"),
        Index("ix_pack_versions_tenant_id_content_hash", "tenant_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column()
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    effective_date: Mapped[date] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(100))
    publisher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    publisher_label: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    extends_chain: Mapped[Any] = mapped_column(JSONType, default=list)

    def ref(self) -> dict:
        """How an answer names this version: number and hash (and when it took effect)."""
        return {"number": self.number, "hash": self.content_hash, "effective_date": self.effective_date.isoformat()}


class PackCase(TenantScoped, db.Model):
    """A minimal case: facts evaluated under the version in force when it was opened, forever.

    `ancestors` pins the parent tenants' versions too ([{"tenant_id", "tenant", "number", "hash"}],
    root first), so a province publishing a new baseline does not change a city's running case either.
    """

    __tablename__ = "pack_cases"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "pack_version_id"], ["pack_versions.tenant_id", "pack_versions.id"],
                             ondelete="RESTRICT"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[str] = mapped_column(String(64))
    pack_version_id: Mapped[int] = mapped_column(index=True)
    ancestors: Mapped[Any] = mapped_column(JSONType, default=list)
    facts: Mapped[Any] = mapped_column(JSONType)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_label: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
