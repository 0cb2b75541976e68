"""Decision records: every eligibility (and, for the subsidy module, entitlement) decision, kept with the
pack version it was made under, the exact input and the full answer with its trace, so
`grassroots decisions replay` can recompute it and an appeal re-runs exactly what was decided."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped
from grassroots.placement.models._columns import JSONType, one_of, same_tenant

VERDICTS = ("eligible", "ineligible", "undecided")


class DecisionRecord(TenantScoped, db.Model):
    """Append-only: a new decision is a new row (the subject points at its latest)."""

    __tablename__ = "decision_records"
    __audited__ = True
    __audit_ignore__ = ("facts", "answer")  # the row itself is the record; the audit entry names it
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        same_tenant("decision_records", "pack_version_id", "pack_versions", "RESTRICT"),
        one_of("verdict", VERDICTS),
        Index("ix_decision_records_tenant_id_subject", "tenant_id", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column()
    stage: Mapped[str] = mapped_column(String(24))  # application | match | placement | entitlement ...
    program_id: Mapped[str] = mapped_column(String(64))
    pack_version_id: Mapped[int] = mapped_column(index=True)
    pack_hash: Mapped[str] = mapped_column(String(64))  # the version's content hash
    ancestors: Mapped[Any] = mapped_column(JSONType, default=list)  # parents' versions it was merged with
    as_of: Mapped[date] = mapped_column()
    facts: Mapped[Any] = mapped_column(JSONType)  # the evaluation input exactly as evaluated
    answer: Mapped[Any] = mapped_column(JSONType)  # the engine's answer, reasons and cites included
    verdict: Mapped[str] = mapped_column(String(16))  # for this stage (see eligibility.py)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
