"""Chain instances and their tasks. States move only by conditional UPDATEs (engine.py), never by a
read-then-write, so two people acting on one task at once make exactly one transition.

An instance keeps a snapshot of its chain (`definition`: the chain's steps and the sources its cites
name) as the pinned pack version had it, so a later pack never changes a running chain and an inbox
reads step names without merging packs. Neither table is `__audited__`: every transition writes its
own decision entry (`workflow.<outcome>`), which says more than a column diff would.
"""

from __future__ import annotations

from datetime import datetime
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

INSTANCE_STATES = ("in_progress", "approved", "rejected", "returned", "withdrawn")
TASK_STATES = ("pending", "approved", "rejected", "returned", "filed", "cancelled")
TASK_KINDS = ("approve", "review", "file")
SCOPE_KINDS = ("tenant", "area", "unit")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ChainInstance(TenantScoped, db.Model):
    """One run of a pack chain for one subject (an application, a leave request, a claim)."""

    __tablename__ = "chain_instances"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "pack_version_id"], ["pack_versions.tenant_id", "pack_versions.id"],
                             ondelete="RESTRICT"),
        Index("ix_chain_instances_tenant_id_subject", "tenant_id", "subject_type", "subject_id"),
        CheckConstraint(_in("state", INSTANCE_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_version_id: Mapped[int] = mapped_column(index=True)
    chain_id: Mapped[str] = mapped_column(String(64))
    definition: Mapped[Any] = mapped_column(JSONType)  # {"chain": {...}, "sources": {doc id: source}}
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column()
    submitter_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="in_progress")
    round: Mapped[int] = mapped_column(default=1)
    facts: Mapped[Any] = mapped_column(JSONType, default=dict)
    context: Mapped[Any] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # touched by every transition (its row lock)
    finished_at: Mapped[datetime | None] = mapped_column()


class ChainTask(TenantScoped, db.Model):
    """One step occurrence in one round: who (office within a scope) must act, and what they did."""

    __tablename__ = "chain_tasks"
    __table_args__ = (
        UniqueConstraint("tenant_id", "instance_id", "round", "step_id"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "instance_id"], ["chain_instances.tenant_id", "chain_instances.id"],
                             ondelete="CASCADE"),
        Index("ix_chain_tasks_tenant_id_state_office", "tenant_id", "state", "office"),
        CheckConstraint(_in("state", TASK_STATES), name="state"),
        CheckConstraint(_in("kind", TASK_KINDS), name="kind"),
        CheckConstraint(_in("scope_kind", SCOPE_KINDS), name="scope_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(index=True)
    round: Mapped[int] = mapped_column()
    step_index: Mapped[int] = mapped_column()
    step_id: Mapped[str] = mapped_column(String(64))
    parent_step_id: Mapped[str | None] = mapped_column(String(64))  # the parallel group of a sub-step
    kind: Mapped[str] = mapped_column(String(16))
    office: Mapped[str] = mapped_column(String(64))
    scope_kind: Mapped[str] = mapped_column(String(8))
    scope_code: Mapped[str] = mapped_column(String(40), default="")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column()
    acted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acted_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
