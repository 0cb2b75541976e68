"""Entitlements: the payments the engine says a placement is owed, stored once per schedule period.

The amounts are never computed here. One placement is evaluated with its full trace through
`placement.decisions.decide` (the evaluation API's path), which stores a decision record; many placements
are screened with `policy.evaluate_batch` (no traces) and only those whose entitlements change are then
decided with a full trace, so every stored row points at the decision record that produced it.

Keys and writes:
- a row is one schedule period of one component: (placement, component, first year of the period). The
  period, not the years paid, is the key: a year left out for a missing assessment and added later can
  never open a second row that pays its other years again;
- rows are written with INSERT ... ON CONFLICT DO NOTHING; a stored row whose amount the engine now sees
  differently is refreshed (or voided, when no longer owed) only while no roster has claimed it and no
  payment exists, by one conditional UPDATE. Once claimed it is frozen, and the difference is reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import exists, select, update

from grassroots.audit.log import record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.errors import UserError
from grassroots.packs.effective import Effective
from grassroots.placement.decisions import decide
from grassroots.placement.facts import facts_for, facts_for_many
from grassroots.placement.models import DecisionRecord, Placement
from grassroots.placement.program import pinned
from grassroots.policy import EvaluationInputError, evaluate_batch
from grassroots.policy.money import fen_to_str, parse_money, to_fen
from grassroots.subsidy.models import Entitlement, Payment, RosterLine
from grassroots.subsidy.sql import dialect_insert
from grassroots.tenancy.models import Tenant

STAGE = "entitlement"
CHUNK = 500
# What must agree between a stored row and the engine's answer for the row to stand as it is.
COMPARED = ("payer", "last_year", "years", "due", "amount_fen", "currency")


@dataclass
class Outcome:
    """What one computation did: rows created, refreshed, voided; differences it could not apply."""

    created: list[int] = field(default_factory=list)
    refreshed: list[int] = field(default_factory=list)
    voided: list[int] = field(default_factory=list)
    frozen: list[int] = field(default_factory=list)  # claimed or paid rows the engine now sees differently
    decisions: list[int] = field(default_factory=list)
    unreadable: dict[int, list] = field(default_factory=dict)  # placement id → its input errors (skipped)
    placements: int = 0

    def as_dict(self) -> dict:
        return {"placements": self.placements, "created": len(self.created), "refreshed": len(self.refreshed),
                "voided": len(self.voided), "frozen": len(self.frozen), "decisions": len(self.decisions),
                "unreadable": sorted(self.unreadable)}


def _claims(effective: Effective, program_id: str) -> dict[str, dict]:
    """component → the program's `claim` ({chain, roster_form, forms}) in the pinned pack."""
    program = effective.compiled.programs[program_id]
    return {s["component"]: s.get("claim") or {} for s in program.spec.get("subsidies") or []}


def _first_year(effective: Effective, program_id: str, component: str, start: date, due: date,
                years: Sequence[int]) -> int:
    """The first service year of the schedule period ending on `due` (the period's key)."""
    schedule = effective.compiled.programs[program_id].subsidy_of[component].schedule
    end = due.year - start.year  # due = A(start, end): the anniversary keeps the year offset exactly
    for block, block_end in schedule.blocks:
        if block_end == end:
            return block[0]
    return min(years)


def _row(placement: Placement, effective: Effective, claims: dict, payment: dict, decision_id: int | None) -> dict:
    """A row for one payment of the engine's answer (`{component, payer, years, due, amount, currency, cite}`)."""
    due = date.fromisoformat(payment["due"])
    years = [int(y) for y in payment["years"]]
    claim = claims.get(payment["component"]) or {}
    return {
        "tenant_id": placement.tenant_id, "placement_id": placement.id, "program_id": placement.program_id,
        "pack_version_id": placement.pack_version_id, "component": payment["component"], "payer": payment["payer"],
        "first_year": _first_year(effective, placement.program_id, payment["component"], placement.start_date, due,
                                  years),
        "last_year": due.year - placement.start_date.year, "years": years, "due": due,
        "amount_fen": to_fen(parse_money(payment["amount"])), "currency": payment["currency"],
        "cite": payment.get("cite") or {}, "claim_chain": claim.get("chain"), "roster_form": claim.get("roster_form"),
        "claim_forms": list(claim.get("forms") or []), "decision_record_id": decision_id, "status": "due",
    }


def _batch_rows(placement: Placement, effective: Effective, result) -> list[dict]:
    """Rows from a batch result (payer, currency and cite are the component's), without a decision yet."""
    program = effective.compiled.programs[placement.program_id]
    claims = _claims(effective, placement.program_id)
    out = []
    for p in result.payments:
        sub = program.subsidy_of[p.component]
        out.append(_row(placement, effective, claims, {
            "component": p.component, "payer": sub.payer, "years": list(p.years), "due": p.due.isoformat(),
            "amount": fen_to_str(p.amount_fen), "currency": sub.currency,
            "cite": dict(sub.cite)}, None))
    return out


def _differs(stored: Entitlement, row: dict) -> bool:
    return stored.status != "due" or any(getattr(stored, k) != row[k] for k in COMPARED)


def _stored(placement_ids: Iterable[int]) -> dict[int, dict[tuple[str, int], Entitlement]]:
    ids = list(placement_ids)
    out: dict[int, dict[tuple[str, int], Entitlement]] = {i: {} for i in ids}
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(select(Entitlement).where(Entitlement.placement_id.in_(ids[start:start + CHUNK])))
        for row in rows.scalars():
            out[row.placement_id][(row.component, row.first_year)] = row
    return out


def _pending_changes(rows: list[dict], stored: dict[tuple[str, int], Entitlement], as_of: date) -> bool:
    keys = {(r["component"], r["first_year"]) for r in rows}
    if any((r["component"], r["first_year"]) not in stored or _differs(stored[(r["component"], r["first_year"])], r)
           for r in rows):
        return True
    return any(key not in keys and row.status == "due" and row.due <= as_of for key, row in stored.items())


def _unclaimed(entitlement_id: int):
    """The WHERE that lets a stored row change: no live roster line holds it and nothing was paid on it."""
    tid = current_tenant_id()
    paid = exists().where(Payment.tenant_id == tid, Payment.entitlement_id == entitlement_id)
    held = exists().where(RosterLine.tenant_id == tid, RosterLine.entitlement_id == entitlement_id, RosterLine.live)
    return Entitlement.id == entitlement_id, Entitlement.tenant_id == tid, ~held, ~paid


def _apply(rows: list[dict], stored: dict[tuple[str, int], Entitlement], as_of: date, out: Outcome) -> None:
    """Insert new periods (ON CONFLICT DO NOTHING), refresh or void unclaimed ones, report frozen ones."""
    new = [r for r in rows if (r["component"], r["first_year"]) not in stored]
    if new:
        now = utcnow()
        stmt = dialect_insert(Entitlement).values([{**r, "created_at": now, "updated_at": now} for r in new])
        stmt = stmt.on_conflict_do_nothing(index_elements=["tenant_id", "placement_id", "component", "first_year"])
        out.created.extend(db.session.execute(stmt.returning(Entitlement.id)).scalars())
    keys = set()
    for row in rows:
        key = (row["component"], row["first_year"])
        keys.add(key)
        old = stored.get(key)
        if old is None or not _differs(old, row):
            continue
        changes = {k: row[k] for k in (*COMPARED, "cite", "decision_record_id", "status")}
        moved = db.session.execute(update(Entitlement).where(*_unclaimed(old.id)).values(**changes, updated_at=utcnow())
                                   .returning(Entitlement.id).execution_options(synchronize_session=False))
        (out.refreshed if moved.scalar_one_or_none() else out.frozen).append(old.id)
    for key, old in stored.items():
        if key in keys or old.status != "due" or old.due > as_of:
            continue
        moved = db.session.execute(update(Entitlement).where(*_unclaimed(old.id)).values(status="void", updated_at=utcnow())
                                   .returning(Entitlement.id).execution_options(synchronize_session=False))
        (out.voided if moved.scalar_one_or_none() else out.frozen).append(old.id)


def _same_decision(placement: Placement, effective: Effective, facts: dict) -> DecisionRecord | None:
    """The placement's latest 补贴核定 record when it was made under this very pack (text hash and parents)
    from these very facts: the engine is deterministic, so its answer stands and is not stored twice."""
    latest = db.session.execute(select(DecisionRecord).where(
        DecisionRecord.subject_type == "placement", DecisionRecord.subject_id == placement.id,
        DecisionRecord.stage == STAGE).order_by(DecisionRecord.id.desc()).limit(1)).scalar_one_or_none()
    if latest is None or latest.pack_hash != effective.hash or list(latest.ancestors or []) != list(effective.ancestors):
        return None
    return latest if _canonical(latest.facts) == _canonical(facts) else None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _decide(tenant: Tenant, placement: Placement, effective: Effective, facts: dict, user: Any,
            stored: dict[tuple[str, int], Entitlement], as_of: date, out: Outcome) -> None:
    """Full trace, decision record (the last one again when nothing it rests on changed: computing twice
    on a day writes one record), then the rows from exactly that answer."""
    decision = _same_decision(placement, effective, facts)
    if decision is None:
        decision, _verdict = decide(effective, placement.program_id, facts, subject_type="placement",
                                    subject_id=placement.id, stage=STAGE, user=user)
    out.decisions.append(decision.id)
    answer = decision.answer
    payments = (answer.get("payments") or []) if answer.get("eligible") is True else []
    claims = _claims(effective, placement.program_id)
    _apply([_row(placement, effective, claims, p, decision.id) for p in payments], stored, as_of, out)


def compute_entitlements(placement: Placement, as_of: date, user: Any = None) -> Outcome:
    """Evaluate one placement with its full trace under its pinned pack and store what is owed (flush only)."""
    tenant = db.session.get(Tenant, current_tenant_id())
    effective = pinned(tenant, placement)
    out = Outcome(placements=1)
    _decide(tenant, placement, effective, facts_for(placement, as_of), user,
            _stored([placement.id])[placement.id], as_of, out)
    _audit(out, as_of)
    return out


def refresh_entitlements(as_of: date, placements: list[Placement] | None = None, user: Any = None) -> Outcome:
    """Screen many placements with the batch path; decide (full trace) only those whose rows change (flush only)."""
    tenant = db.session.get(Tenant, current_tenant_id())
    if placements is None:
        placements = list(db.session.execute(select(Placement).where(Placement.start_date <= as_of)
                                             .order_by(Placement.id)).scalars())
    out = Outcome(placements=len(placements))
    for start in range(0, len(placements), CHUNK):
        _refresh_chunk(tenant, placements[start:start + CHUNK], as_of, user, out)
    _audit(out, as_of)
    return out


def _refresh_chunk(tenant: Tenant, chunk: list[Placement], as_of: date, user: Any, out: Outcome) -> None:
    facts = facts_for_many(chunk, as_of)
    stored = _stored(p.id for p in chunk)
    groups: dict[tuple, list[int]] = {}
    for n, placement in enumerate(chunk):
        key = (placement.pack_version_id, repr(placement.ancestors or []), placement.program_id)
        groups.setdefault(key, []).append(n)
    for members in groups.values():
        effective = pinned(tenant, chunk[members[0]])
        program_id = chunk[members[0]].program_id
        for n, result in _screen(effective, program_id, [(n, chunk[n].id) for n in members], facts, as_of, out):
            placement = chunk[n]
            rows = _batch_rows(placement, effective, result) if result.eligible is True else []
            if not _pending_changes(rows, stored[placement.id], as_of):
                continue
            try:
                _decide(tenant, placement, effective, facts[n], user, stored[placement.id], as_of, out)
            except UserError as exc:  # the full read refuses a fact the batch path never reached
                if exc.status != 422:
                    raise
                out.unreadable[placement.id] = exc.errors


def _screen(effective: Effective, program_id: str, members: list[tuple[int, int]], facts: list[dict], as_of: date,
            out: Outcome) -> list[tuple[int, Any]]:
    """Batch results of `members` ((index in the chunk, placement id)); a case whose stored facts do not read
    is skipped and reported in `out.unreadable`, not allowed to stop a whole city's year-end run (the
    single path answers 422 for it)."""
    try:
        results = evaluate_batch(effective.compiled, program_id, [facts[n] for n, _ in members], today=as_of)
        return [(n, r) for (n, _), r in zip(members, results, strict=True)]
    except EvaluationInputError:
        pass
    kept: list[tuple[int, Any]] = []
    for n, placement_id in members:
        try:
            kept.append((n, evaluate_batch(effective.compiled, program_id, [facts[n]], today=as_of)[0]))
        except EvaluationInputError as exc:
            out.unreadable[placement_id] = [e.to_dict() for e in exc.errors]
    return kept


def _audit(out: Outcome, as_of: date) -> None:
    if out.created or out.refreshed or out.voided:
        record("subsidy.entitlements", target_type="entitlements", after={**out.as_dict(), "as_of": as_of.isoformat(),
               "created_ids": out.created[:100], "refreshed_ids": out.refreshed[:100], "voided_ids": out.voided[:100]})


def entitlements_of(placement_id: int) -> list[Entitlement]:
    return list(db.session.execute(select(Entitlement).where(Entitlement.placement_id == placement_id)
                                   .order_by(Entitlement.due, Entitlement.component)).scalars())
