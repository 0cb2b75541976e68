"""The subsidy tables (migration 0010): what is owed, what is claimed, what is paid.

Money is integer fen everywhere (never a float); every reference is a composite (tenant_id, x_id) key so a
row can only point at rows of its own tenant. The unique keys are the guarantees, not the code:
- an entitlement is one per (placement, component, first year of its schedule period): recomputing can
  never add a second row for the same period;
- an entitlement sits in at most one live roster at a time: a partial unique index on its live roster line
  (a roster's lines stay when it is rejected or withdrawn, no longer live);
- a payment is one per entitlement, whatever the concurrency (INSERT ... ON CONFLICT DO NOTHING);
- an idempotency key is one per tenant: a replayed request answers what the first one answered.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped

JSONType = JSON().with_variant(JSONB(), "postgresql")

ENTITLEMENT_STATUSES = ("due", "void")
ROSTER_STATES = ("in_review", "returned", "approved", "rejected", "withdrawn")
LIVE_ROSTER_STATES = ("in_review", "returned", "approved")
BATCH_STATES = ("draft", "approved", "paid")
LIVE_INDEX = "ux_roster_lines_live_entitlement"
# The partial index's condition as each database's planner must see it to use the index (SQLite matches
# `roster_lines.live = 1`, which is how a boolean column reads in a query there, not a bare `live`).
LIVE_WHERE = {"sqlite": "live = 1", "postgresql": "live"}


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


def same_tenant(owner: str, column: str, table: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """(tenant_id, column) → (table.tenant_id, table.id), named after the column."""
    return ForeignKeyConstraint(["tenant_id", column], [f"{table}.tenant_id", f"{table}.id"], ondelete=ondelete,
                                name=f"fk_{owner}_{column}")


class Entitlement(TenantScoped, db.Model):
    """One payment the engine says a placement is owed: its component, payer, years, due date and amount."""

    __tablename__ = "entitlements"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "placement_id", "component", "first_year"),
        same_tenant("entitlements", "placement_id", "placements"),
        same_tenant("entitlements", "pack_version_id", "pack_versions", "RESTRICT"),
        same_tenant("entitlements", "decision_record_id", "decision_records"),
        one_of("status", ENTITLEMENT_STATUSES),
        CheckConstraint("amount_fen >= 0", name="amount"),
        CheckConstraint("last_year >= first_year", name="years"),
        Index("ix_entitlements_tenant_id_payer_due", "tenant_id", "payer", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(index=True)
    program_id: Mapped[str] = mapped_column(String(64))
    pack_version_id: Mapped[int] = mapped_column(index=True)  # the placement's pinned version
    component: Mapped[str] = mapped_column(String(64))
    payer: Mapped[str] = mapped_column(String(64))
    first_year: Mapped[int] = mapped_column()  # first service year of the schedule period
    last_year: Mapped[int] = mapped_column()  # the year whose anniversary is the due date
    years: Mapped[Any] = mapped_column(JSONType)  # the service years actually paid within the period
    due: Mapped[date] = mapped_column()
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    cite: Mapped[Any] = mapped_column(JSONType)
    claim_chain: Mapped[str | None] = mapped_column(String(64))  # from the pinned pack's `claim`
    roster_form: Mapped[str | None] = mapped_column(String(64))
    claim_forms: Mapped[Any] = mapped_column(JSONType, default=list)
    decision_record_id: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(8), default="due")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Roster(TenantScoped, db.Model):
    """A year-end roster of one payer's entitlements (Lijiang Annexes 4+5, Annex 6), sent along its claim chain."""

    __tablename__ = "rosters"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        same_tenant("rosters", "pack_version_id", "pack_versions", "RESTRICT"),
        same_tenant("rosters", "chain_instance_id", "chain_instances"),
        one_of("state", ROSTER_STATES),
        CheckConstraint("total_fen >= 0", name="total"),
        Index("ix_rosters_tenant_id_year_payer", "tenant_id", "year", "payer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_version_id: Mapped[int] = mapped_column(index=True)  # the version in force when compiled
    payer: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column()
    claim_chain: Mapped[str] = mapped_column(String(64))
    roster_form: Mapped[str | None] = mapped_column(String(64))
    claim_forms: Mapped[Any] = mapped_column(JSONType, default=list)
    scope: Mapped[Any] = mapped_column(JSONType, default=dict)  # the chain context it was split by
    title: Mapped[Any] = mapped_column(JSONType, default=dict)  # {"zh", "en", "annex"} of the roster form
    state: Mapped[str] = mapped_column(String(16), default="in_review")
    line_count: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    chain_instance_id: Mapped[int | None] = mapped_column(index=True)
    compiled_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compiled_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()


class RosterLine(TenantScoped, db.Model):
    """One line as filed: the entitlement's money and the names of the person and places at compile time.

    A live line is the claim on its entitlement: the partial unique index on (tenant_id, entitlement_id)
    WHERE live lets a compile write lines with INSERT ... ON CONFLICT DO NOTHING, so two compiles at once
    never put one entitlement in two live rosters. A rejected or withdrawn roster keeps its lines as filed,
    no longer live. Written tens of thousands at a time, so it carries only the indexes its reads use
    (their tenant_id prefix serves every query; no separate tenant_id index) and one composite key, to its
    roster. Its entitlement, placement and person are copied from rows the same statement joined (and
    entitlements are never deleted), so foreign keys to them, a trigger per row on PostgreSQL, would
    check nothing the INSERT ... SELECT did not already establish.
    """

    __tablename__ = "roster_lines"
    __table_args__ = (
        UniqueConstraint("tenant_id", "roster_id", "seq"),
        Index(LIVE_INDEX, "tenant_id", "entitlement_id", unique=True, sqlite_where=text(LIVE_WHERE["sqlite"]),
              postgresql_where=text(LIVE_WHERE["postgresql"])),
        same_tenant("roster_lines", "roster_id", "rosters", "CASCADE"),
        CheckConstraint("amount_fen >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column()  # its tenant is its roster's (the composite key says so)
    roster_id: Mapped[int] = mapped_column()
    seq: Mapped[int] = mapped_column()  # 序号
    entitlement_id: Mapped[int] = mapped_column()
    placement_id: Mapped[int] = mapped_column()
    person_id: Mapped[int] = mapped_column()
    application_id: Mapped[int | None] = mapped_column()
    component: Mapped[str] = mapped_column(String(64))
    person_name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(8))
    original_unit: Mapped[str] = mapped_column(String(120), default="")
    service_unit: Mapped[str] = mapped_column(String(120), default="")
    service_area: Mapped[str] = mapped_column(String(100), default="")
    service_county: Mapped[str] = mapped_column(String(100), default="")
    service_start: Mapped[date] = mapped_column()
    service_end: Mapped[date | None] = mapped_column()
    first_year: Mapped[int] = mapped_column()
    last_year: Mapped[int] = mapped_column()
    years: Mapped[Any] = mapped_column(JSONType)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    live: Mapped[bool] = mapped_column(default=True)  # false once its roster is rejected or withdrawn


class DisbursementBatch(TenantScoped, db.Model):
    """Paying an approved roster: prepared, approved by a second person, then marked paid with a reference."""

    __tablename__ = "disbursement_batches"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        same_tenant("disbursement_batches", "roster_id", "rosters"),
        one_of("state", BATCH_STATES),
        CheckConstraint("approved_by IS NULL OR approved_by <> created_by", name="two_people"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(index=True)
    payer: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    line_count: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # what the roster claims
    paid_count: Mapped[int] = mapped_column(default=0)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # what this batch actually paid
    currency: Mapped[str] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column()
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime | None] = mapped_column()


class Payment(TenantScoped, db.Model):
    """Money out for one entitlement: unique per entitlement, so it is paid at most once."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "entitlement_id"),
        same_tenant("payments", "entitlement_id", "entitlements"),
        same_tenant("payments", "batch_id", "disbursement_batches"),
        CheckConstraint("amount_fen >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entitlement_id: Mapped[int] = mapped_column()
    batch_id: Mapped[int] = mapped_column(index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100))
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyKey(TenantScoped, db.Model):
    """A payment request's key, the hash of what it asked and the answer it got (replayed on a retry)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status_code: Mapped[int | None] = mapped_column()  # NULL while the first request is still running
    response: Mapped[Any] = mapped_column(JSONType, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
