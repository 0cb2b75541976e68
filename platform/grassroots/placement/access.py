"""Who reaches which cases: offices with a case-handling permission, within their org-unit scope.

A membership reaches a case when its office grants one of the permissions asked for and its scope covers
the case's applicant unit or service unit: tenant-wide covers all; an area covers the units located in it
and below it; a unit covers itself and its child units (workflow/scopes.py's rule). The applicant and
whoever filed the application for them reach their own cases. `audit.view` reads everything (overseers,
the platform operator). Two small queries (areas, units) per request, whatever the number of cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g, has_request_context
from sqlalchemy import select

from grassroots.db import db
from grassroots.tenancy.access import user_permissions
from grassroots.tenancy.models import Area, Tenant, Unit
from grassroots.tenancy.permissions import permissions_of
from grassroots.workflow.scopes import memberships_of

CASE_STAFF = frozenset({"application.review", "application.approve", "application.file", "placement.manage",
                        "assessment.record", "posting.manage"})
OVERSEER = "audit.view"


@dataclass
class Reach:
    user_id: int
    everywhere: bool = False
    unit_ids: set[int] = field(default_factory=set)

    def covers(self, *unit_ids: int | None) -> bool:
        return self.everywhere or any(u in self.unit_ids for u in unit_ids if u is not None)


@dataclass
class _Tree:
    unit_parent: dict[int, int | None]
    unit_area: dict[int, int | None]
    unit_code: dict[str, int]
    area_parent: dict[int, int | None]
    area_code: dict[str, int]

    def area_closure(self, area_id: int) -> set[int]:
        children: dict[int | None, list[int]] = {}
        for a, parent in self.area_parent.items():
            children.setdefault(parent, []).append(a)
        return _closure([area_id], children)

    def unit_closure(self, unit_id: int) -> set[int]:
        children: dict[int | None, list[int]] = {}
        for u, parent in self.unit_parent.items():
            children.setdefault(parent, []).append(u)
        return _closure([unit_id], children)


def _closure(start: Iterable[int], children: dict) -> set[int]:
    out: set[int] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node in out:
            continue
        out.add(node)
        stack.extend(children.get(node, []))
    return out


def load_tree() -> _Tree:
    areas = db.session.execute(select(Area.id, Area.code, Area.parent_id)).all()
    units = db.session.execute(select(Unit.id, Unit.code, Unit.parent_id, Unit.area_id)).all()
    return _Tree({u.id: u.parent_id for u in units}, {u.id: u.area_id for u in units}, {u.code: u.id for u in units},
                 {a.id: a.parent_id for a in areas}, {a.code: a.id for a in areas})


def reach_of(user, tenant: Tenant, permissions: frozenset[str] = CASE_STAFF, *, reading: bool = False) -> Reach:
    """The units whose cases `user` handles in `tenant` with one of `permissions` (memo'd per request).

    `reading`: overseers (a tenant-wide office granting audit.view, or the platform operator) reach all."""
    memo_key = (user.id, tenant.id, permissions, reading)
    memo = g.setdefault("placement_reach", {}) if has_request_context() else {}
    if memo_key in memo:
        return memo[memo_key]
    reach = Reach(user.id)
    memberships = memberships_of(user.id, tenant.id)
    tenant_wide = [m for m in memberships if (m.scope_kind or "tenant") == "tenant"]
    if reading and (getattr(user, "is_operator", False) and OVERSEER in user_permissions(tenant)
                    or any(OVERSEER in permissions_of(tenant, m.office) for m in tenant_wide)):
        reach.everywhere = True
    held = [m for m in memberships if permissions_of(tenant, m.office) & permissions]
    if any((m.scope_kind or "tenant") == "tenant" for m in held):
        reach.everywhere = True
    scoped = [m for m in held if (m.scope_kind or "tenant") != "tenant"]
    if scoped and not reach.everywhere:
        tree = load_tree()
        for m in scoped:
            if m.scope_kind == "unit" and m.scope_code in tree.unit_code:
                reach.unit_ids |= tree.unit_closure(tree.unit_code[m.scope_code])
            elif m.scope_kind == "area" and m.scope_code in tree.area_code:
                areas = tree.area_closure(tree.area_code[m.scope_code])
                reach.unit_ids |= {u for u, a in tree.unit_area.items() if a in areas}
    memo[memo_key] = reach
    return reach


def own_unit_ids(user, tenant: Tenant, office: str) -> set[int]:
    """Units where `user` holds `office` itself (a professional's own unit from their membership scope)."""
    tree = None
    out: set[int] = set()
    for m in memberships_of(user.id, tenant.id):
        if m.office != office or m.scope_kind != "unit":
            continue
        tree = tree or load_tree()
        if m.scope_code in tree.unit_code:
            out.add(tree.unit_code[m.scope_code])
    return out


def may_read_case(user, tenant: Tenant, *, applicant_user_id: int | None, submitted_by: int | None,
                  unit_ids: Iterable[int | None]) -> bool:
    if user.id in (applicant_user_id, submitted_by):
        return True
    return reach_of(user, tenant, reading=True).covers(*unit_ids)
