"""A person's money, for their timeline (issue 4 § 7): what was owed, claimed and paid, with who, when and why.

`events_for(placement_ids, effective=None)` answers, in three queries whatever the career's length, one event
per entitlement (when it was decided and by whom), per roster line (when its roster was compiled, by whom, and
the roster's state) and per payment (when, by whom, the batch and roster, the reference). Each event is
`{"at", "kind", "title": {"zh", "en"}, "who", "amount", "component", "component_name", "years", "cite",
"entitlement_id", "decision_id", "url", "why_url", ...}` (a roster line and a payment also name their
`roster` {id, year, title, state, state_label}; a payment its `batch_id` and `reference`): amounts as yuan
strings; `cite` is the pack's citation (`doc`, `article`, `quote`) with its text (`zh`, `en`); `why_url` is
"why this amount" (the entitlement's decision record, with its trace). Component names and citation texts
come from `effective` (the pinned pack the timeline reads) when given, else the tenant's pack in force.
The placement module merges these into its timeline: subsidy.blueprint adds this to
`placement.timeline.event_sources`, so placement never imports subsidy. Every event names its `decision_id`,
so the timeline shows the 补贴核定 decision once: as these rows, not also as a bare decision row.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import aliased

from grassroots.accounts.models import User
from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.packs.effective import Effective, current_effective
from grassroots.placement.models import DecisionRecord
from grassroots.policy.describe import cite_text
from grassroots.subsidy.labels import ROSTER_STATES
from grassroots.subsidy.lines import years_text
from grassroots.subsidy.models import DisbursementBatch, Entitlement, Payment, Roster, RosterLine
from grassroots.subsidy.money import yuan
from grassroots.tenancy.models import Tenant


class _Pack:
    """Component names and citation texts from one pack."""

    def __init__(self, effective: Effective | None):
        pack = effective.pack if effective is not None else {}
        self.components = {c.get("id"): c.get("name") for c in pack.get("subsidy_components") or []
                           if isinstance(c, dict)}
        self.sources = {s["id"]: s for s in (pack.get("jurisdiction") or {}).get("sources") or [] if "id" in s}

    def component(self, code: str | None) -> dict[str, str]:
        return self.components.get(code) or {"zh": code or "", "en": code or ""}

    def cite(self, cite: Any) -> dict[str, Any] | None:
        if not isinstance(cite, dict) or not cite:
            return None
        zh, en = cite_text(cite, self.sources)
        return {**cite, "zh": zh, "en": en}


def _roster(roster_id: int, year: int, title: Any, state: str) -> dict[str, Any]:
    return {"id": roster_id, "year": year, "title": {"zh": (title or {}).get("zh", ""), "en": (title or {}).get("en", "")},
            "state": state, "state_label": ROSTER_STATES.get(state, {"zh": state, "en": state})}


def _entitlement(e: Entitlement, who: str | None, pack: _Pack) -> dict[str, Any]:
    span = years_text(list(e.years or []))
    name = pack.component(e.component)
    why = url_for("subsidy.entitlement", entitlement_id=e.id)
    return {"at": e.created_at, "kind": "subsidy.entitlement", "component": e.component, "component_name": name,
            "payer": e.payer, "years": list(e.years or []), "amount": yuan(e.amount_fen), "currency": e.currency,
            "due": e.due.isoformat(), "status": e.status, "cite": pack.cite(e.cite), "who": who,
            "entitlement_id": e.id, "placement_id": e.placement_id, "decision_id": e.decision_record_id,
            "title": {"zh": f"核定补贴：服务第{span}年，{yuan(e.amount_fen)} 元（{e.due.isoformat()} 应发）",
                      "en": f"Subsidy decided: service years {span}, {yuan(e.amount_fen)} yuan (due {e.due.isoformat()})"},
            "url": why, "why_url": why}


def events_for(placement_ids: list[int], effective: Effective | None = None) -> list[dict[str, Any]]:
    """The subsidy events of these placements (of the current tenant), oldest first."""
    if not placement_ids:
        return []
    if effective is None:
        effective = current_effective(db.session.get(Tenant, current_tenant_id()))
    pack = _Pack(effective)
    decider = aliased(User)
    rows = db.session.execute(
        select(Entitlement, decider.display_name)
        .outerjoin(DecisionRecord, (DecisionRecord.tenant_id == Entitlement.tenant_id)
                   & (DecisionRecord.id == Entitlement.decision_record_id))
        .outerjoin(decider, decider.id == DecisionRecord.created_by)
        .where(Entitlement.placement_id.in_(placement_ids)).order_by(Entitlement.id)).all()
    by_id = {row.Entitlement.id: row.Entitlement for row in rows}
    out = [_entitlement(row.Entitlement, row.display_name, pack) for row in rows]
    compiler = aliased(User)
    lines = db.session.execute(
        select(RosterLine.entitlement_id, RosterLine.amount_fen, RosterLine.live, RosterLine.years, Roster.id,
               Roster.compiled_at, Roster.state, Roster.title, Roster.year, compiler.display_name)
        .join(Roster, (Roster.tenant_id == RosterLine.tenant_id) & (Roster.id == RosterLine.roster_id))
        .outerjoin(compiler, compiler.id == Roster.compiled_by)
        .where(RosterLine.placement_id.in_(placement_ids)).order_by(RosterLine.id)).all()
    for r in lines:
        e = by_id.get(r.entitlement_id)
        roster = _roster(r.id, r.year, r.title, r.state)
        state = roster["state_label"] if r.live else {"zh": "已不再有效", "en": "no longer live"}
        out.append({"at": r.compiled_at, "kind": "subsidy.roster", "roster_id": r.id, "roster": roster,
                    "amount": yuan(r.amount_fen), "years": list(r.years or []), "live": r.live, "who": r.display_name,
                    "component": e.component if e else None, "component_name": pack.component(e.component if e else None),
                    "cite": pack.cite(e.cite) if e else None, "entitlement_id": r.entitlement_id,
                    "decision_id": e.decision_record_id if e else None,
                    "url": url_for("subsidy.roster", roster_id=r.id),
                    "why_url": url_for("subsidy.entitlement", entitlement_id=r.entitlement_id),
                    "title": {"zh": f"列入{r.year}年度《{roster['title']['zh']}》（{state['zh']}）",
                              "en": f"Listed in the {r.year} roster #{r.id} ({state['en']})"}})
    payer = aliased(User)
    payments = db.session.execute(
        select(Payment.entitlement_id, Payment.amount_fen, Payment.paid_at, Payment.reference, DisbursementBatch.id,
               Roster.id.label("roster_id"), Roster.year, Roster.title, Roster.state, payer.display_name)
        .join(DisbursementBatch, (DisbursementBatch.tenant_id == Payment.tenant_id)
              & (DisbursementBatch.id == Payment.batch_id))
        .join(Roster, (Roster.tenant_id == DisbursementBatch.tenant_id) & (Roster.id == DisbursementBatch.roster_id))
        .outerjoin(payer, payer.id == Payment.paid_by)
        .where(Payment.entitlement_id.in_(list(by_id))).order_by(Payment.id)).all() if by_id else []
    for p in payments:
        e = by_id[p.entitlement_id]
        name = pack.component(e.component)
        out.append({"at": p.paid_at, "kind": "subsidy.payment", "amount": yuan(p.amount_fen), "currency": e.currency,
                    "reference": p.reference, "who": p.display_name, "component": e.component, "component_name": name,
                    "years": list(e.years or []), "cite": pack.cite(e.cite), "entitlement_id": e.id,
                    "decision_id": e.decision_record_id, "batch_id": p.id, "roster_id": p.roster_id,
                    "roster": _roster(p.roster_id, p.year, p.title, p.state),
                    "url": url_for("subsidy.batch", batch_id=p.id),
                    "why_url": url_for("subsidy.entitlement", entitlement_id=e.id),
                    "title": {"zh": f"已拨付 {yuan(p.amount_fen)} 元（凭证号 {p.reference}）",
                              "en": f"Paid {yuan(p.amount_fen)} yuan (reference {p.reference})"}})
    return sorted(out, key=lambda e: e["at"])
