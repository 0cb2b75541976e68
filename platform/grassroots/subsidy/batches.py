"""Disbursement batches: prepare one for an approved roster, approve it (a second person), mark it paid.

SECURITY.md's measured traps, designed out:
- approval is one conditional UPDATE: `WHERE state = 'draft' AND created_by <> :approver` (and a CHECK
  constraint says the same), so two approvers at once make one transition and nobody approves their own;
- paying locks the batch row (`SELECT ... FOR UPDATE`), then writes every payment with one
  INSERT ... SELECT ... ON CONFLICT (tenant_id, entitlement_id) DO NOTHING: an entitlement already paid by
  any batch is skipped, never paid twice, whatever runs at the same time; then one conditional UPDATE
  moves the batch approved → paid with what it actually paid.
None of these commit: the API runs them inside an idempotency key's transaction (idempotency.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal, select, update

from grassroots.audit.log import record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.subsidy.errors import conflict, forbidden, not_found
from grassroots.subsidy.models import DisbursementBatch, Payment, RosterLine
from grassroots.subsidy.money import yuan
from grassroots.subsidy.rosters import get_roster
from grassroots.subsidy.sql import dialect_insert

PER_PAGE = 50
OPEN_OR_PAID = ("draft", "approved", "paid")


def get_batch(batch_id: int, *, lock: bool = False) -> DisbursementBatch:
    query = select(DisbursementBatch).where(DisbursementBatch.id == batch_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    found = db.session.execute(query).scalar_one_or_none()
    if found is None:
        raise not_found("没有该拨付批次", "No such disbursement batch")
    return found


def list_batches(*, roster_id: int | None = None, state: str | None = None, page: int = 1) -> tuple[list, bool]:
    query = select(DisbursementBatch)
    if roster_id is not None:
        query = query.where(DisbursementBatch.roster_id == roster_id)
    if state:
        query = query.where(DisbursementBatch.state == state)
    page = min(max(page, 1), 10_000)
    rows = list(db.session.execute(query.order_by(DisbursementBatch.id.desc()).limit(PER_PAGE + 1)
                                   .offset((page - 1) * PER_PAGE)).scalars())
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def create_batch(roster_id: int, user: Any, note: str = "") -> DisbursementBatch:
    """A draft batch paying an approved roster's lines; 409 if the roster is not approved or has one."""
    roster = get_roster(roster_id)
    if roster.state != "approved":
        raise conflict("roster_not_approved", "名册尚未审批通过，不能拨付", "The roster is not approved yet")
    existing = db.session.execute(select(DisbursementBatch.id).where(
        DisbursementBatch.roster_id == roster.id, DisbursementBatch.state.in_(OPEN_OR_PAID)).limit(1)).scalar()
    if existing is not None:
        raise conflict("batch_exists", f"该名册已有拨付批次 #{existing}", f"The roster already has batch #{existing}")
    batch = DisbursementBatch(roster_id=roster.id, payer=roster.payer, state="draft", line_count=roster.line_count,
                              total_fen=roster.total_fen, currency=roster.currency, note=note or "",
                              created_by=user.id, created_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    record("subsidy.batch.create", target_type="disbursement_batches", target_id=batch.id,
           after={"roster": roster.id, "lines": batch.line_count, "total": yuan(batch.total_fen)})
    return batch


def approve_batch(batch_id: int, user: Any) -> DisbursementBatch:
    """draft → approved by someone other than its preparer: one conditional UPDATE."""
    get_batch(batch_id)
    moved = db.session.execute(update(DisbursementBatch).where(
        DisbursementBatch.id == batch_id, DisbursementBatch.tenant_id == current_tenant_id(),
        DisbursementBatch.state == "draft", DisbursementBatch.created_by != user.id,
    ).values(state="approved", approved_by=user.id, approved_at=utcnow()).returning(DisbursementBatch.id)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    if moved is None:
        batch = get_batch(batch_id)
        if batch.state == "draft" and batch.created_by == user.id:
            raise forbidden("own_batch", "不能审批本人编制的拨付批次", "You cannot approve a batch you prepared")
        raise conflict("batch_not_draft", "该批次已审批或已拨付，请刷新", "The batch was already approved or paid; reload")
    record("subsidy.batch.approve", target_type="disbursement_batches", target_id=batch_id,
           before={"state": "draft"}, after={"state": "approved"})
    return get_batch(batch_id)


def pay_batch(batch_id: int, user: Any, reference: str) -> DisbursementBatch:
    """approved → paid: each line's entitlement paid at most once (unique key), under the batch's row lock."""
    batch = get_batch(batch_id, lock=True)
    if batch.state == "paid":
        raise conflict("batch_paid", "该批次已拨付", "The batch has already been paid")
    if batch.state != "approved":
        raise conflict("batch_not_approved", "该批次尚未审批，不能拨付", "The batch is not approved yet")
    tid, now = current_tenant_id(), utcnow()
    lines = (select(literal(tid), RosterLine.entitlement_id, literal(batch.id), RosterLine.amount_fen,
                    literal(reference), literal(user.id), literal(now))
             .where(RosterLine.tenant_id == tid, RosterLine.roster_id == batch.roster_id, RosterLine.live)
             .order_by(RosterLine.entitlement_id))
    stmt = dialect_insert(Payment).from_select(
        ["tenant_id", "entitlement_id", "batch_id", "amount_fen", "reference", "paid_by", "paid_at"], lines)
    stmt = stmt.on_conflict_do_nothing(index_elements=["tenant_id", "entitlement_id"])
    paid = [int(a) for a in db.session.execute(stmt.returning(Payment.amount_fen)).scalars()]
    moved = db.session.execute(update(DisbursementBatch).where(
        DisbursementBatch.id == batch.id, DisbursementBatch.tenant_id == tid, DisbursementBatch.state == "approved",
    ).values(state="paid", paid_count=len(paid), paid_fen=sum(paid), reference=reference, paid_by=user.id,
             paid_at=now).returning(DisbursementBatch.id).execution_options(synchronize_session=False)).scalar_one_or_none()
    if moved is None:  # unreachable while we hold the row lock; refuse rather than guess
        raise conflict("batch_paid", "该批次已拨付", "The batch has already been paid")
    record("subsidy.batch.pay", target_type="disbursement_batches", target_id=batch.id,
           before={"state": "approved"},
           after={"state": "paid", "reference": reference, "paid": len(paid), "paid_total": yuan(sum(paid)),
                  "skipped_already_paid": batch.line_count - len(paid)})
    db.session.flush()
    return get_batch(batch.id)


def payments_of(batch_id: int) -> list[Payment]:
    return list(db.session.execute(select(Payment).where(Payment.batch_id == batch_id)
                                   .order_by(Payment.entitlement_id)).scalars())
