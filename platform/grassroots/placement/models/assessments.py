"""Assessment records of a placement: annual (by the service unit, Lijiang 第十条) and term-end (考核鉴定,
by the service county's HR bureau, 第十一条), graded on the pack's scale."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped
from grassroots.placement.models._columns import one_of, same_tenant

ASSESSMENT_KINDS = ("annual", "term_end")


class Assessment(TenantScoped, db.Model):
    """One assessment per kind and service year; `copy_unit_id` is the original unit that gets a copy."""

    __tablename__ = "assessments"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "placement_id", "kind", "year_no"),
        same_tenant("assessments", "placement_id", "placements"),
        same_tenant("assessments", "submission_id", "form_submissions"),
        same_tenant("assessments", "copy_unit_id", "units"),
        one_of("kind", ASSESSMENT_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    year_no: Mapped[int] = mapped_column()
    grade: Mapped[str] = mapped_column(String(32))
    assessed_on: Mapped[date] = mapped_column()
    by_office: Mapped[str] = mapped_column(String(64))
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_id: Mapped[int | None] = mapped_column(index=True)
    copy_unit_id: Mapped[int | None] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
