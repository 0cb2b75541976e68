"""Applications (申请登记表, Lijiang 第四条): a professional's request to serve, pinned to the pack version
in force when it was opened, with its eligibility decision and its approval chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped
from grassroots.placement.models._columns import JSONType, one_of, same_tenant

# draft → submitted → approved → matched → placed; submitted → returned → submitted; → rejected (final);
# draft/submitted/returned → withdrawn.
APPLICATION_STATES = ("draft", "submitted", "returned", "approved", "rejected", "withdrawn", "matched", "placed")


class Application(TenantScoped, db.Model):
    __tablename__ = "applications"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        same_tenant("applications", "pack_version_id", "pack_versions", "RESTRICT"),
        same_tenant("applications", "person_id", "people"),
        same_tenant("applications", "unit_id", "units"),
        same_tenant("applications", "service_unit_id", "units"),
        same_tenant("applications", "submission_id", "form_submissions"),
        same_tenant("applications", "chain_instance_id", "chain_instances"),
        same_tenant("applications", "decision_id", "decision_records"),
        one_of("state", APPLICATION_STATES),
        Index("ix_applications_tenant_id_state", "tenant_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[str] = mapped_column(String(64))
    pack_version_id: Mapped[int] = mapped_column(index=True)
    ancestors: Mapped[Any] = mapped_column(JSONType, default=list)  # parents' versions pinned with it
    person_id: Mapped[int | None] = mapped_column(index=True)
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # who filled it (self or HR)
    unit_id: Mapped[int] = mapped_column(index=True)  # the applicant's own unit (所在单位)
    service_unit_id: Mapped[int | None] = mapped_column(index=True)  # set when matched to a posting
    submission_id: Mapped[int | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    chain_instance_id: Mapped[int | None] = mapped_column(index=True)
    decision_id: Mapped[int | None] = mapped_column(index=True)  # the latest eligibility decision
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()

    person = relationship("Person", viewonly=True,
        primaryjoin="and_(foreign(Application.tenant_id) == Person.tenant_id, "
                    "foreign(Application.person_id) == Person.id)")
    unit = relationship("Unit", viewonly=True,
        primaryjoin="and_(foreign(Application.tenant_id) == Unit.tenant_id, "
                    "foreign(Application.unit_id) == Unit.id)")
    service_unit = relationship("Unit", viewonly=True,
        primaryjoin="and_(foreign(Application.tenant_id) == Unit.tenant_id, "
                    "foreign(Application.service_unit_id) == Unit.id)")
    decision = relationship("DecisionRecord", viewonly=True,
        primaryjoin="and_(foreign(Application.tenant_id) == DecisionRecord.tenant_id, "
                    "foreign(Application.decision_id) == DecisionRecord.id)")
