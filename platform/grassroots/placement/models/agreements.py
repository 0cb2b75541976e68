"""The service agreement of a matched application (Lijiang 第六条、第八条: the tripartite agreement of the
county HR bureau, the service unit and the professional, with the term and the duties of the post)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped
from grassroots.placement.models._columns import JSONType, one_of, same_tenant

# drafted (matched, awaiting the professional's signature) → signing (the other parties sign along the
# chain) → signed (the placement starts); signing → returned → signing; signing → rejected.
AGREEMENT_STATES = ("drafted", "signing", "returned", "signed", "rejected")


class Agreement(TenantScoped, db.Model):
    __tablename__ = "agreements"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "application_id"),
        same_tenant("agreements", "application_id", "applications"),
        same_tenant("agreements", "posting_id", "postings"),
        same_tenant("agreements", "service_unit_id", "units"),
        same_tenant("agreements", "service_area_id", "areas"),
        same_tenant("agreements", "submission_id", "form_submissions"),
        same_tenant("agreements", "chain_instance_id", "chain_instances"),
        one_of("state", AGREEMENT_STATES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(index=True)
    posting_id: Mapped[int] = mapped_column(index=True)
    post_name: Mapped[str] = mapped_column(String(200), default="")
    service_unit_id: Mapped[int] = mapped_column(index=True)
    service_area_id: Mapped[int | None] = mapped_column(index=True)
    start_date: Mapped[date | None] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()  # the planned last day (inclusive)
    duties: Mapped[str] = mapped_column(Text, default="")
    full_time: Mapped[bool] = mapped_column(default=True)
    professional_post: Mapped[bool] = mapped_column(default=True)
    form_data: Mapped[Any] = mapped_column(JSONType, default=dict)  # the agreement form's fields until signed
    submission_id: Mapped[int | None] = mapped_column(index=True)  # the form as signed
    state: Mapped[str] = mapped_column(String(16), default="drafted")
    chain_instance_id: Mapped[int | None] = mapped_column(index=True)
    matched_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # for the professional
    signed_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()

    service_unit = relationship("Unit", viewonly=True,
        primaryjoin="and_(foreign(Agreement.tenant_id) == Unit.tenant_id, "
                    "foreign(Agreement.service_unit_id) == Unit.id)")
