"""Form submissions and their attachments (tables form_submissions, attachments; migration 0008).

A submission keeps a snapshot of the form it was validated against (`form_def`): printing, reading and
resubmitting after a return use exactly that form, whatever the tenant publishes later. Resident ID
numbers never sit in `data` in clear: `data` holds them masked and `sealed` holds them encrypted
(see sensitive.py; `identity rekey` moves them to a rotated key, see rekey.py). Files live on disk
under UPLOAD_DIR/<tenant id>/<stored_name>; the row keeps the client's (sanitised) name only for display.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped

JSONType = JSON().with_variant(JSONB(), "postgresql")
STATUSES = ("draft", "submitted")


class FormSubmission(TenantScoped, db.Model):
    __tablename__ = "form_submissions"
    __audited__ = True
    __audit_ignore__ = ("form_def",)  # the pack holds it; entries stay small
    __audit_mask__ = ("sealed",)
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        ForeignKeyConstraint(["tenant_id", "pack_version_id"], ["pack_versions.tenant_id", "pack_versions.id"],
                             ondelete="RESTRICT"),
        Index("ix_form_submissions_tenant_id_subject", "tenant_id", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_version_id: Mapped[int] = mapped_column(index=True)
    form_id: Mapped[str] = mapped_column(String(64))
    form_def: Mapped[Any] = mapped_column(JSONType)
    data: Mapped[Any] = mapped_column(JSONType)
    sealed: Mapped[Any] = mapped_column(JSONType, default=dict)
    scope: Mapped[Any] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    # Bumped by every ORM UPDATE; a stale writer gets StaleDataError. Key rotation's re-encryption of `sealed`
    # (rekey.py: same numbers, new ciphertext) leaves it, so an open resubmission is not refused for it.
    revision: Mapped[int] = mapped_column()
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column()
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    attachments: Mapped[list[Attachment]] = relationship(back_populates="submission", order_by="Attachment.id")

    __mapper_args__ = {"version_id_col": revision}


class Attachment(TenantScoped, db.Model):
    __tablename__ = "attachments"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "submission_id", "attachment_id"),
        UniqueConstraint("tenant_id", "stored_name"),
        ForeignKeyConstraint(["tenant_id", "submission_id"], ["form_submissions.tenant_id", "form_submissions.id"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(index=True)
    attachment_id: Mapped[str] = mapped_column(String(64))  # the pack form's attachment id
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[FormSubmission] = relationship(back_populates="attachments")
