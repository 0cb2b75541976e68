"""Who may read a placement's money: the subsidy offices, the case's own handlers, and the professional.

Rosters and batches are read with `roster.review` (their decorators say so); a placement's entitlements
and the trace behind one are read by any member who is one of: a holder of a subsidy permission, someone
who reaches the case (placement.access: the applicant, who filed it, or an office covering its units), or
the person it pays. Anyone else in the tenant gets 403; another tenant's placement is 404.
"""

from __future__ import annotations

from sqlalchemy import select

from grassroots.db import db
from grassroots.identity.models import Person
from grassroots.placement.access import may_read_case
from grassroots.placement.models import Application, Placement
from grassroots.subsidy.errors import forbidden, not_found
from grassroots.subsidy.models import Entitlement
from grassroots.tenancy.access import user_permissions
from grassroots.tenancy.models import Tenant

SUBSIDY_READERS = frozenset({"roster.compile", "roster.review", "payment.disburse", "report.view"})


def placement_or_404(placement_id: int) -> Placement:
    found = db.session.execute(select(Placement).where(Placement.id == placement_id)).scalar_one_or_none()
    if found is None:
        raise not_found("没有该服务记录", "No such placement")
    return found


def entitlement_or_404(entitlement_id: int) -> Entitlement:
    found = db.session.execute(select(Entitlement).where(Entitlement.id == entitlement_id)).scalar_one_or_none()
    if found is None:
        raise not_found("没有该补贴记录", "No such entitlement")
    return found


def check_may_read(user, tenant: Tenant, placement: Placement) -> None:
    """403 unless `user` may see what `placement` is owed and why."""
    if user_permissions(tenant) & SUBSIDY_READERS:
        return
    person_user = db.session.execute(select(Person.user_id).where(Person.id == placement.person_id)).scalar()
    if person_user is not None and person_user == user.id:
        return
    app = db.session.execute(select(Application.applicant_user_id, Application.submitted_by)
                             .where(Application.id == placement.application_id)).first()
    if may_read_case(user, tenant, applicant_user_id=app.applicant_user_id if app else None,
                     submitted_by=app.submitted_by if app else None,
                     unit_ids=[placement.original_unit_id, placement.service_unit_id]):
        return
    raise forbidden("not_a_reader", "您无权查看该人员的补贴", "You may not view this person's subsidies")
