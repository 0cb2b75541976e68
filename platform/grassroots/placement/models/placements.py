"""A placement: the service period itself, from the signed agreement to its end (or while serving).

What the rules read about it is kept here as it was when it started: the service unit's level and type
and the service area's tags (snapshotted, so re-tagging an area later does not change a running case).
The subsidy module builds on this model and `grassroots.placement.facts.facts_for`; keep both stable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped
from grassroots.placement.models._columns import JSONType, one_of, same_tenant

PLACEMENT_STATES = ("serving", "ended")
DISPATCH_STATES = ("none", "pending", "returned", "recognised", "refused")  # returned: migration 0012


class Placement(TenantScoped, db.Model):
    __tablename__ = "placements"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "application_id"),
        UniqueConstraint("tenant_id", "agreement_id"),
        same_tenant("placements", "pack_version_id", "pack_versions", "RESTRICT"),
        same_tenant("placements", "application_id", "applications"),
        same_tenant("placements", "agreement_id", "agreements"),
        same_tenant("placements", "person_id", "people"),
        same_tenant("placements", "original_unit_id", "units"),
        same_tenant("placements", "service_unit_id", "units"),
        same_tenant("placements", "service_area_id", "areas"),
        same_tenant("placements", "dispatch_instance_id", "chain_instances"),
        one_of("state", PLACEMENT_STATES),
        one_of("dispatch_state", DISPATCH_STATES),
        Index("ix_placements_tenant_id_state", "tenant_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[str] = mapped_column(String(64))
    pack_version_id: Mapped[int] = mapped_column(index=True)
    ancestors: Mapped[Any] = mapped_column(JSONType, default=list)
    application_id: Mapped[int] = mapped_column(index=True)
    agreement_id: Mapped[int] = mapped_column(index=True)
    person_id: Mapped[int] = mapped_column(index=True)
    original_unit_id: Mapped[int] = mapped_column(index=True)  # 原单位: copies of assessments go back to it
    service_unit_id: Mapped[int] = mapped_column(index=True)
    service_area_id: Mapped[int | None] = mapped_column(index=True)
    area_tags: Mapped[Any] = mapped_column(JSONType, default=list)
    unit_level: Mapped[str] = mapped_column(String(16))
    unit_type: Mapped[str] = mapped_column(String(32))
    professional_post: Mapped[bool] = mapped_column(default=True)
    full_time: Mapped[bool] = mapped_column(default=True)
    continuous: Mapped[bool] = mapped_column(default=True)
    start_date: Mapped[date] = mapped_column()
    planned_end_date: Mapped[date | None] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()
    end_reason: Mapped[str | None] = mapped_column(Text)
    recognised_by: Mapped[str | None] = mapped_column(String(64))  # office that recognised the dispatch
    dispatch_state: Mapped[str] = mapped_column(String(16), default="none")
    dispatch_instance_id: Mapped[int | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), default="serving")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column()

    person = relationship("Person", viewonly=True,
        primaryjoin="and_(foreign(Placement.tenant_id) == Person.tenant_id, "
                    "foreign(Placement.person_id) == Person.id)")
    service_unit = relationship("Unit", viewonly=True,
        primaryjoin="and_(foreign(Placement.tenant_id) == Unit.tenant_id, "
                    "foreign(Placement.service_unit_id) == Unit.id)")
    original_unit = relationship("Unit", viewonly=True,
        primaryjoin="and_(foreign(Placement.tenant_id) == Unit.tenant_id, "
                    "foreign(Placement.original_unit_id) == Unit.id)")

    @property
    def last_day(self) -> date | None:
        """The last day of service as agreed so far: the actual end, else the planned end."""
        return self.end_date or self.planned_end_date
