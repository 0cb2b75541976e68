"""Roll-ups: how a parent tenant reads its children, one child tenant context at a time.

Isolation is never switched off for this: each child's rows are counted inside that child's context,
so the ORM wall and PostgreSQL row-level security both apply exactly as they do for the child itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from grassroots.accounts.models import Membership
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Area, Tenant, Unit


@dataclass(frozen=True)
class ChildSummary:
    slug: str
    name_zh: str
    name_en: str
    level: str
    status: str
    pack: str | None
    areas: int
    units: int
    staff: int

    def as_dict(self) -> dict:
        return {"slug": self.slug, "name": {"zh": self.name_zh, "en": self.name_en}, "level": self.level,
                "status": self.status, "pack": self.pack,
                "counts": {"areas": self.areas, "units": self.units, "staff": self.staff}}


def children_of(parent: Tenant) -> list[Tenant]:
    return list(db.session.execute(db.select(Tenant).filter_by(parent_id=parent.id).order_by(Tenant.slug)).scalars())


def count_in(tenant: Tenant) -> tuple[int, int, int]:
    """(areas, units, staff) of one tenant, read in its own context; staff = distinct member users."""
    with tenant_context(tenant.id, db.session):
        # Count a column, not `count(*)`: a bare count has no mapper for the tenant filter to bind to.
        areas = db.session.scalar(db.select(func.count(Area.id)))
        units = db.session.scalar(db.select(func.count(Unit.id)))
        staff = db.session.scalar(db.select(func.count(func.distinct(Membership.user_id)))
                                  .where(Membership.tenant_id == tenant.id))
    return int(areas or 0), int(units or 0), int(staff or 0)


def children_summary(parent: Tenant) -> list[ChildSummary]:
    """Every direct child of `parent` with its counts."""
    out = []
    for child in children_of(parent):
        areas, units, staff = count_in(child)
        out.append(ChildSummary(child.slug, child.name_zh, child.name_en, child.level, child.status,
                                child.pack_slug, areas, units, staff))
    return out
