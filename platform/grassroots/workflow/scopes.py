"""Who covers a task's scope: the tenant's area and unit trees, read once (two queries) per call.

A membership covers a task when it holds the task's office and:
- its scope is the tenant (covers every task of that office);
- its scope is an area, and the task's area is that area or below it, or the task's unit is located in
  such an area (a county HR officer sees the units of the county);
- its scope is a unit, and the task's unit is that unit or one of its descendant units.
A tenant-wide task is covered only by tenant-wide memberships.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from grassroots.accounts.models import Membership
from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.tenancy.models import Area, Unit

COUNTY_KINDS = frozenset({"county", "district"})
CITY_KINDS = frozenset({"city"})


@dataclass
class OrgTree:
    """The tenant's areas (code → parent code, kind) and units (code → parent code, area code)."""

    areas: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    units: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    # -- upwards ---------------------------------------------------------------------------------------

    def area_chain(self, code: str | None) -> list[str]:
        out: list[str] = []
        while code is not None and code in self.areas and code not in out:
            out.append(code)
            code = self.areas[code][0]
        return out

    def unit_chain(self, code: str | None) -> list[str]:
        out: list[str] = []
        while code is not None and code in self.units and code not in out:
            out.append(code)
            code = self.units[code][0]
        return out

    def _area_of_kind(self, area: str | None, kinds: frozenset[str]) -> str | None:
        return next((c for c in self.area_chain(area) if self.areas[c][1] in kinds), None)

    # -- coverage --------------------------------------------------------------------------------------

    def covers(self, m_kind: str, m_code: str, t_kind: str, t_code: str) -> bool:
        if m_kind == "tenant":
            return True
        if t_kind == "tenant":
            return False
        if m_kind == "area":
            area = t_code if t_kind == "area" else (self.units.get(t_code) or (None, None))[1]
            return m_code in self.area_chain(area)
        if m_kind == "unit" and t_kind == "unit":
            return m_code in self.unit_chain(t_code)
        return False

    def area_descendants(self, codes: Iterable[str]) -> set[str]:
        children: dict[str | None, list[str]] = {}
        for code, (parent, _kind) in self.areas.items():
            children.setdefault(parent, []).append(code)
        return _closure(codes, children, self.areas)

    def unit_descendants(self, codes: Iterable[str]) -> set[str]:
        children: dict[str | None, list[str]] = {}
        for code, (parent, _area) in self.units.items():
            children.setdefault(parent, []).append(code)
        return _closure(codes, children, self.units)

    def units_in_areas(self, areas: set[str]) -> set[str]:
        return {code for code, (_parent, area) in self.units.items() if area in areas}

    # -- the case's context ----------------------------------------------------------------------------

    def derive_context(self, context: dict) -> dict:
        """Fill in what the applicant's and service units imply (given values win)."""
        out = {k: v for k, v in (context or {}).items() if v not in (None, "")}
        applicant, service = out.get("applicant_unit"), out.get("service_unit")
        if applicant in self.units:
            parent, area = self.units[applicant]
            out.setdefault("applicant_unit_parent", parent)
            out.setdefault("applicant_county", self._area_of_kind(area, COUNTY_KINDS))
            out.setdefault("applicant_city", self._area_of_kind(area, CITY_KINDS))
        if service in self.units:
            out.setdefault("service_county", self._area_of_kind(self.units[service][1], COUNTY_KINDS))
        return {k: v for k, v in out.items() if v not in (None, "")}


def _closure(codes: Iterable[str], children: dict, known: dict) -> set[str]:
    out: set[str] = set()
    stack = [c for c in codes if c in known]
    while stack:
        code = stack.pop()
        if code in out:
            continue
        out.add(code)
        stack.extend(children.get(code, []))
    return out


def load_tree(units: bool = True) -> OrgTree:
    """The current tenant's trees (two small queries, columns only)."""
    area_rows = db.session.execute(select(Area.id, Area.code, Area.parent_id, Area.kind)).all()
    area_code = {row.id: row.code for row in area_rows}
    tree = OrgTree(areas={row.code: (area_code.get(row.parent_id), row.kind) for row in area_rows})
    if units:
        unit_rows = db.session.execute(select(Unit.id, Unit.code, Unit.parent_id, Unit.area_id)).all()
        unit_code = {row.id: row.code for row in unit_rows}
        tree.units = {row.code: (unit_code.get(row.parent_id), area_code.get(row.area_id)) for row in unit_rows}
    return tree


def memberships_of(user_id: int, tenant_id: int | None = None) -> list[Membership]:
    """The user's memberships in the tenant, read fresh (threads and API tokens included)."""
    tid = current_tenant_id() if tenant_id is None else tenant_id
    query = select(Membership).where(Membership.user_id == user_id, Membership.tenant_id == tid)
    return list(db.session.execute(query).scalars())


def holders_cover(memberships: Iterable[Membership], office: str, t_kind: str, t_code: str,
                  tree: OrgTree) -> bool:
    return any(m.office == office and tree.covers(m.scope_kind or "tenant", m.scope_code or "", t_kind, t_code)
               for m in memberships)


@dataclass(frozen=True)
class Coverage:
    """What a user's memberships cover, per office: everything, or sets of area and unit codes."""

    everywhere: frozenset[str]
    areas: dict[str, set[str]]
    units: dict[str, set[str]]

    def offices(self) -> set[str]:
        return set(self.everywhere) | set(self.areas) | set(self.units)


def coverage_of(memberships: list[Membership]) -> Coverage:
    """Per-office covered codes; loads the trees only when some membership is area- or unit-scoped."""
    everywhere = frozenset(m.office for m in memberships if (m.scope_kind or "tenant") == "tenant")
    scoped = [m for m in memberships if m.office not in everywhere]
    areas: dict[str, set[str]] = {}
    units: dict[str, set[str]] = {}
    if not scoped:
        return Coverage(everywhere, areas, units)
    tree = load_tree(units=True)
    for m in scoped:
        if m.scope_kind == "area":
            covered = tree.area_descendants([m.scope_code])
            areas.setdefault(m.office, set()).update(covered)
            units.setdefault(m.office, set()).update(tree.units_in_areas(covered))
        elif m.scope_kind == "unit":
            units.setdefault(m.office, set()).update(tree.unit_descendants([m.scope_code]))
    return Coverage(everywhere, areas, units)


def scope_names(items: Iterable[dict]) -> dict[str, dict[str, str]]:
    """{"area:530724": {"zh", "en"}, "unit:<code>": ...} for the scopes `items` name (two queries at most)."""
    items = list(items)
    out: dict[str, dict[str, str]] = {}
    for kind, model in (("area", Area), ("unit", Unit)):
        codes = sorted({i["scope_code"] for i in items if i.get("scope_kind") == kind})
        if codes:
            rows = db.session.execute(select(model.code, model.name_zh, model.name_en).where(model.code.in_(codes)))
            out.update({f"{kind}:{r.code}": {"zh": r.name_zh, "en": r.name_en or r.name_zh} for r in rows})
    return out
