"""Rows as the API and the pages show them: money as yuan strings, names from the pack, no per-row queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.subsidy import exports
from grassroots.subsidy.columns import Column, columns_for
from grassroots.subsidy.lines import PackView, line_views, pack_view
from grassroots.subsidy.models import DisbursementBatch, Entitlement, Payment, Roster, RosterLine
from grassroots.subsidy.money import yuan
from grassroots.subsidy.rosters import lines_of
from grassroots.tenancy.models import Tenant


def payer_name(view: PackView, payer: str) -> dict[str, str]:
    return (view.payers.get(payer) or {}).get("name") or {"zh": payer, "en": payer}


def entitlement_dict(e: Entitlement, paid: bool = False, roster_id: int | None = None) -> dict[str, Any]:
    return {"id": e.id, "placement_id": e.placement_id, "program_id": e.program_id, "component": e.component,
            "payer": e.payer, "first_year": e.first_year, "last_year": e.last_year, "years": list(e.years or []),
            "due": e.due, "amount": yuan(e.amount_fen), "currency": e.currency, "cite": e.cite or {},
            "status": e.status, "roster_id": roster_id, "decision_record_id": e.decision_record_id,
            "claim_chain": e.claim_chain, "paid": paid}


def entitlement_dicts(rows: list[Entitlement]) -> list[dict[str, Any]]:
    """With whether each is paid and the live roster holding it (two queries for all)."""
    ids = [e.id for e in rows]
    if not ids:
        return []
    paid = set(db.session.execute(select(Payment.entitlement_id).where(Payment.entitlement_id.in_(ids))).scalars())
    held = dict(db.session.execute(select(RosterLine.entitlement_id, RosterLine.roster_id)
                                   .where(RosterLine.entitlement_id.in_(ids), RosterLine.live)).all())
    return [entitlement_dict(e, e.id in paid, held.get(e.id)) for e in rows]


def roster_dict(roster: Roster, view: PackView) -> dict[str, Any]:
    return {"id": roster.id, "payer": roster.payer, "payer_name": payer_name(view, roster.payer), "year": roster.year,
            "state": roster.state, "title": roster.title or {}, "scope": roster.scope or {},
            "claim_chain": roster.claim_chain, "roster_form": roster.roster_form,
            "claim_forms": list(roster.claim_forms or []), "line_count": roster.line_count,
            "total": yuan(roster.total_fen), "currency": roster.currency, "chain_instance_id": roster.chain_instance_id,
            "compiled_by": roster.compiled_by, "compiled_at": roster.compiled_at, "decided_at": roster.decided_at}


def column_dicts(columns: list[Column]) -> list[dict]:
    return [{"key": c.key, "title": c.title} for c in columns]


def line_dict(view: dict[str, Any]) -> dict[str, Any]:
    keep = ("seq", "entitlement_id", "placement_id", "name", "gender", "id_number_masked", "original_unit",
            "service_unit", "service_area", "service_county", "service_start", "service_end", "years", "years_text",
            "component", "amount", "grade", "attachments")
    return {k: view[k] for k in keep}


def batch_dict(batch: DisbursementBatch) -> dict[str, Any]:
    return {"id": batch.id, "roster_id": batch.roster_id, "payer": batch.payer, "state": batch.state,
            "line_count": batch.line_count, "total": yuan(batch.total_fen), "paid_count": batch.paid_count,
            "paid_total": yuan(batch.paid_fen), "currency": batch.currency, "note": batch.note,
            "reference": batch.reference, "created_by": batch.created_by, "created_at": batch.created_at,
            "approved_by": batch.approved_by, "approved_at": batch.approved_at, "paid_by": batch.paid_by,
            "paid_at": batch.paid_at}


def export_roster(roster: Roster, fmt: str) -> tuple[bytes, str, str]:
    """(file bytes, content type, file name) of the whole roster as XLSX or CSV."""
    tenant = db.session.get(Tenant, current_tenant_id())
    view = pack_view(tenant)
    columns = columns_for(roster, view)
    views = line_views(roster, lines_of(roster), view)
    name = f"{tenant.slug}-roster-{roster.id}-{roster.year}"
    if fmt == "csv":
        return exports.csv_bytes(columns, views), exports.CSV_TYPE, f"{name}.csv"
    head = exports.heading(roster, tenant.name_zh, payer_name(view, roster.payer)["zh"])
    return exports.xlsx_bytes(head, columns, views), exports.XLSX_TYPE, f"{name}.xlsx"
