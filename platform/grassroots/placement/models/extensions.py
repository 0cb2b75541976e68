"""Extensions of service (延期申请表, Lijiang 第十一条): a longer term, through the program's chain."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped
from grassroots.placement.models._columns import one_of, same_tenant

EXTENSION_STATES = ("submitted", "returned", "approved", "rejected", "withdrawn")


class Extension(TenantScoped, db.Model):
    __tablename__ = "extensions"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        same_tenant("extensions", "placement_id", "placements"),
        same_tenant("extensions", "submission_id", "form_submissions"),
        same_tenant("extensions", "chain_instance_id", "chain_instances"),
        one_of("state", EXTENSION_STATES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(index=True)
    extension_years: Mapped[int] = mapped_column()
    previous_end_date: Mapped[date] = mapped_column()
    new_end_date: Mapped[date] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    submission_id: Mapped[int | None] = mapped_column(index=True)
    chain_instance_id: Mapped[int | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
