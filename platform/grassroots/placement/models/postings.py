"""Demand postings (需求信息, Lijiang 第三条): a county's township units post their needs each year."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped
from grassroots.placement.models._columns import JSONType, one_of, same_tenant

POSTING_STATES = ("draft", "published", "closed")
CLOSE_REASON_MAX = 500


class Posting(TenantScoped, db.Model):
    """One demanding unit's needs for a year; `posts` lists the posts with headcount and term.

    `submission_id` is the filled 需求信息表 when the program's pack has that form (its data is the
    record; `posts` is read out of it so lists need no form data). `chain_instance_id` is the demand
    report's chain (the program's `chains.demand`, Lijiang 第三条), started when the posting is published;
    None for a draft or a program without one.
    """

    __tablename__ = "postings"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        same_tenant("postings", "pack_version_id", "pack_versions", "RESTRICT"),
        same_tenant("postings", "unit_id", "units"),
        same_tenant("postings", "county_area_id", "areas"),
        same_tenant("postings", "submission_id", "form_submissions"),
        same_tenant("postings", "chain_instance_id", "chain_instances"),
        one_of("state", POSTING_STATES),
        Index("ix_postings_tenant_id_state_year", "tenant_id", "state", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[str] = mapped_column(String(64))
    pack_version_id: Mapped[int] = mapped_column(index=True)
    year: Mapped[int] = mapped_column()
    unit_id: Mapped[int] = mapped_column(index=True)
    county_area_id: Mapped[int | None] = mapped_column(index=True)
    posts: Mapped[Any] = mapped_column(JSONType, default=list)
    headcount: Mapped[int] = mapped_column(default=0)
    submission_id: Mapped[int | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column()
    chain_instance_id: Mapped[int | None] = mapped_column(index=True)  # the demand report (migration 0011)
    # published → closed (migration 0013): by a managing officer (postings.close), or by the demand report's
    # rejection (demand.on_chain_complete: the rejecting officer and their reason).
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    close_reason: Mapped[str | None] = mapped_column(String(CLOSE_REASON_MAX))

    unit = relationship("Unit", viewonly=True,
        primaryjoin="and_(foreign(Posting.tenant_id) == Unit.tenant_id, "
                    "foreign(Posting.unit_id) == Unit.id)")
    county = relationship("Area", viewonly=True,
        primaryjoin="and_(foreign(Posting.tenant_id) == Area.tenant_id, "
                    "foreign(Posting.county_area_id) == Area.id)")
    chain_instance = relationship("ChainInstance", viewonly=True,
        primaryjoin="and_(foreign(Posting.tenant_id) == ChainInstance.tenant_id, "
                    "foreign(Posting.chain_instance_id) == ChainInstance.id)")
    closer = relationship("User", viewonly=True, foreign_keys=[closed_by])
