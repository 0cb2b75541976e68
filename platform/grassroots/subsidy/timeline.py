"""A person's money, for their timeline (issue 4 § 7): what was owed, claimed and paid, with when and why.

`events_for(placement_ids)` answers, in three queries whatever the career's length, one event per
entitlement (when it was decided; links to "why this amount"), per roster line (when its roster was
compiled, and the roster's state) and per payment (when, the reference). Each event is
`{"at", "kind", "title": {"zh", "en"}, "amount", "component", "years", "url", ...}`, amounts as yuan strings;
the placement module merges them into its timeline.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select

from grassroots.db import db
from grassroots.subsidy.labels import ROSTER_STATES
from grassroots.subsidy.lines import years_text
from grassroots.subsidy.models import DisbursementBatch, Entitlement, Payment, Roster, RosterLine
from grassroots.subsidy.money import yuan


def _entitlement(e: Entitlement) -> dict[str, Any]:
    span = years_text(list(e.years or []))
    return {"at": e.created_at, "kind": "subsidy.entitlement", "component": e.component, "payer": e.payer,
            "years": list(e.years or []), "amount": yuan(e.amount_fen), "due": e.due.isoformat(),
            "status": e.status, "cite": e.cite or {}, "decision_id": e.decision_record_id,
            "title": {"zh": f"核定补贴：服务第{span}年，{yuan(e.amount_fen)} 元（{e.due.isoformat()} 应发）",
                      "en": f"Subsidy decided: service years {span}, {yuan(e.amount_fen)} yuan (due {e.due.isoformat()})"},
            "url": url_for("subsidy.entitlement", entitlement_id=e.id)}


def events_for(placement_ids: list[int]) -> list[dict[str, Any]]:
    """The subsidy events of these placements (of the current tenant), oldest first."""
    if not placement_ids:
        return []
    entitlements = list(db.session.execute(select(Entitlement).where(Entitlement.placement_id.in_(placement_ids))
                                           .order_by(Entitlement.id)).scalars())
    by_id = {e.id: e for e in entitlements}
    out = [_entitlement(e) for e in entitlements]
    lines = db.session.execute(
        select(RosterLine.entitlement_id, RosterLine.amount_fen, RosterLine.live, Roster.id, Roster.compiled_at,
               Roster.state, Roster.title, Roster.year)
        .join(Roster, (Roster.tenant_id == RosterLine.tenant_id) & (Roster.id == RosterLine.roster_id))
        .where(RosterLine.placement_id.in_(placement_ids))).all()
    for r in lines:
        state = ROSTER_STATES.get(r.state, {"zh": r.state, "en": r.state})
        name = (r.title or {}).get("zh") or ""
        out.append({"at": r.compiled_at, "kind": "subsidy.roster", "roster_id": r.id, "amount": yuan(r.amount_fen),
                    "component": by_id[r.entitlement_id].component if r.entitlement_id in by_id else None,
                    "live": r.live, "url": url_for("subsidy.roster", roster_id=r.id),
                    "title": {"zh": f"列入{r.year}年度《{name}》（{state['zh']}）",
                              "en": f"Listed in the {r.year} roster #{r.id} ({state['en']})"}})
    payments = db.session.execute(
        select(Payment.entitlement_id, Payment.amount_fen, Payment.paid_at, Payment.reference, DisbursementBatch.id)
        .join(DisbursementBatch, (DisbursementBatch.tenant_id == Payment.tenant_id)
              & (DisbursementBatch.id == Payment.batch_id))
        .where(Payment.entitlement_id.in_(list(by_id)))).all() if by_id else []
    for p in payments:
        out.append({"at": p.paid_at, "kind": "subsidy.payment", "amount": yuan(p.amount_fen), "reference": p.reference,
                    "component": by_id[p.entitlement_id].component, "url": url_for("subsidy.batch", batch_id=p.id),
                    "title": {"zh": f"已拨付 {yuan(p.amount_fen)} 元（凭证号 {p.reference}）",
                              "en": f"Paid {yuan(p.amount_fen)} yuan (reference {p.reference})"}})
    return sorted(out, key=lambda e: e["at"])
