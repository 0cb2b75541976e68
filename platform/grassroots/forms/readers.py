"""Who may open a submission: its copy recipients (一式N份), the submitter, and the reviewers.

A membership reads a submission when its office is one of the form's `copies[].office` or grants
`application.review`, and its scope covers the submission's scope. Offices of level `person` (the
applicant's own copy, office `professional`) are the submitter alone: otherwise every professional of
the tenant would read every application. A submission's `scope` is the context the caller gives
(workflow's keys: `applicant_unit`, `service_county`…; keys naming a unit hold unit codes, the others
area codes). Without one, an office reads tenant-wide; with one, a unit-scoped membership must hold
one of those units or a parent of one, an area-scoped one an area (or a parent) of them or of their units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grassroots.db import db
from grassroots.packs.programs import effective_or_none
from grassroots.tenancy.models import Area, Unit
from grassroots.tenancy.permissions import permissions_of

REVIEW = "application.review"
PERSON_OFFICES = frozenset({"professional"})
MAX_DEPTH = 8  # org trees are province → city → county → township → unit; deeper means a cycle


@dataclass(frozen=True)
class Readers:
    offices: frozenset[str]
    submitter_id: int | None
    scope: dict = field(default_factory=dict)
    permission: str = REVIEW


def person_offices(tenant: Any) -> frozenset[str]:
    """Offices of level `person` in the tenant's pack in force (always including `professional`)."""
    effective = effective_or_none(tenant) if tenant is not None else None
    offices = effective.pack.get("vocabulary", {}).get("offices", []) if effective else []
    return PERSON_OFFICES | {o["id"] for o in offices if isinstance(o, dict) and o.get("level") == "person"}


def readers(form: dict, submission: Any, person: frozenset[str] = PERSON_OFFICES) -> Readers:
    copies = form.get("copies") if isinstance(form, dict) else None
    offices = {c.get("office") for c in copies or [] if isinstance(c, dict) and isinstance(c.get("office"), str)}
    scope = submission.scope if isinstance(getattr(submission, "scope", None), dict) else {}
    return Readers(frozenset(offices - set(person)), submission.submitted_by, scope)


def _lineage(model: type, codes: set[str], ids: frozenset[int] = frozenset()) -> tuple[set[str], set[int]]:
    """Codes of the rows named by `codes` or `ids` and of all their parents; and those units' area ids."""
    found: set[str] = set()
    area_ids: set[int] = set()
    condition = model.code.in_(codes) | model.id.in_(ids)
    rows = list(db.session.execute(db.select(model).where(condition)).scalars()) if codes or ids else []
    for _ in range(MAX_DEPTH):
        if not rows:
            break
        found |= {r.code for r in rows}
        area_ids |= {r.area_id for r in rows if getattr(r, "area_id", None)}
        parents = {r.parent_id for r in rows if r.parent_id}
        rows = list(db.session.execute(db.select(model).where(model.id.in_(parents))).scalars()) if parents else []
    return found, area_ids


def covers(membership: Any, scope: dict) -> bool:
    kind = getattr(membership, "scope_kind", "tenant") or "tenant"
    if kind == "tenant" or not scope:
        return True
    units = {str(v) for k, v in scope.items() if "unit" in k and v}
    areas = {str(v) for k, v in scope.items() if "unit" not in k and v}
    unit_codes, unit_areas = _lineage(Unit, units)
    if kind == "unit":
        return membership.scope_code in unit_codes
    area_codes, _ = _lineage(Area, areas, frozenset(unit_areas))
    return kind == "area" and membership.scope_code in area_codes


def can_read(user: Any, tenant: Any, submission: Any, form: dict | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or tenant is None:
        return False
    who = readers(form or submission.form_def or {}, submission, person_offices(tenant))
    if who.submitter_id is not None and who.submitter_id == user.id:
        return True
    candidates = [m for m in user.memberships if m.tenant_id == tenant.id
                  and (m.office in who.offices or who.permission in permissions_of(tenant, m.office))]
    return any(covers(m, who.scope) for m in candidates)
