"""Cases pin a version: the rules in force when a case was opened are the rules it is evaluated under.

A later version (or a parent's later baseline) never silently changes a running case; moving a case
onto a new version would be an explicit, audited act of a module (not provided here). The secondment
module builds its real cases on this model and these two functions.
"""

from __future__ import annotations

from typing import Any

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs.effective import current_effective, pinned_effective
from grassroots.packs.evaluation import answer, no_pack
from grassroots.packs.models import PackCase
from grassroots.tenancy.models import Tenant


def open_case(tenant: Tenant, program_id: str, facts: dict, actor: Any = None) -> PackCase:
    """A case under the version in force now (with its parents' versions), its facts checked (flush only)."""
    effective = current_effective(tenant)
    if effective is None:
        raise no_pack()
    answer(effective, program_id, facts)  # refuses an unknown program and malformed facts up front
    with tenant_context(tenant.id, db.session):
        case = PackCase(program_id=program_id, pack_version_id=effective.version_id, ancestors=list(effective.ancestors),
                        facts=facts, opened_by=getattr(actor, "id", None),
                        opened_label=(getattr(actor, "username", None) or "system")[:100])
        db.session.add(case)
        db.session.flush()
    return case


def evaluate_case(tenant: Tenant, case: PackCase, facts: Any = None) -> dict:
    """The case evaluated under its pinned versions (with `facts` if given: later facts, same rules)."""
    with tenant_context(tenant.id, db.session):  # the row may have expired at a commit
        version_id, ancestors, program_id = case.pack_version_id, case.ancestors or [], case.program_id
        facts = case.facts if facts is None else facts
    return answer(pinned_effective(tenant, version_id, ancestors), program_id, facts)


def get_case(tenant: Tenant, case_id: int) -> PackCase | None:
    with tenant_context(tenant.id, db.session):
        return db.session.get(PackCase, case_id)
