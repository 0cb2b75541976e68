"""The province's view of its cities' rosters for the payers it funds (Lijiang 第十二条: 省人社厅汇总全省情况).

Like tenancy/rollup.py, this never switches isolation off: each child city's rosters are read inside that
city's tenant context, so the ORM wall and row-level security apply exactly as for the city itself. The
province's payers are those of its pack at its own level (yunnan_finance for Yunnan): a city's own
payers (Kunming's city-paid township subsidy) are the city's business and never appear here. Totals are
summed from the lines in integer fen, so the province's total is exactly the sum of its cities' rosters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs.effective import current_effective
from grassroots.subsidy.models import LIVE_ROSTER_STATES, Roster, RosterLine
from grassroots.subsidy.money import total_fen, yuan
from grassroots.tenancy.models import Tenant
from grassroots.tenancy.rollup import children_of


@dataclass
class CityRosters:
    slug: str
    name: dict[str, str]
    rosters: list[dict] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return sum(r["lines"] for r in self.rosters)

    @property
    def total_fen(self) -> int:
        return total_fen(r["total_fen"] for r in self.rosters)

    def as_dict(self) -> dict:
        return {"tenant": self.slug, "name": self.name, "lines": self.lines, "total": yuan(self.total_fen),
                "rosters": [{k: v for k, v in r.items() if k != "total_fen"} for r in self.rosters]}


def own_payers(province: Tenant) -> list[str]:
    """The payers the province's pack declares at the province's own level."""
    effective = current_effective(province)
    if effective is None:
        return []
    return sorted(p["id"] for p in effective.pack.get("payers") or [] if p.get("level") == province.level)


def _city(child: Tenant, payers: list[str], year: int) -> CityRosters:
    out = CityRosters(child.slug, {"zh": child.name_zh, "en": child.name_en})
    with tenant_context(child.id, db.session):
        sums = (select(RosterLine.roster_id, func.count(RosterLine.id).label("lines"),
                       func.coalesce(func.sum(RosterLine.amount_fen), 0).label("fen"))
                .group_by(RosterLine.roster_id).subquery())
        rows = db.session.execute(
            select(Roster.id, Roster.payer, Roster.state, Roster.title, Roster.scope, sums.c.lines, sums.c.fen)
            .outerjoin(sums, sums.c.roster_id == Roster.id)
            .where(Roster.payer.in_(payers), Roster.year == year, Roster.state.in_(LIVE_ROSTER_STATES))
            .order_by(Roster.id)).all()
    for r in rows:
        fen = int(r.fen or 0)
        out.rosters.append({"id": r.id, "payer": r.payer, "state": r.state, "title": r.title, "scope": r.scope,
                            "lines": int(r.lines or 0), "total": yuan(fen), "total_fen": fen})
    return out


def province_rollup(province: Tenant, year: int) -> dict:
    """Every child city's live rosters of the province's payers for `year`, with exact totals."""
    payers = own_payers(province)
    cities = [_city(child, payers, year) for child in children_of(province)] if payers else []
    return {"tenant": province.slug, "year": year, "payers": payers,
            "cities": [c.as_dict() for c in cities], "lines": sum(c.lines for c in cities),
            "total": yuan(total_fen(c.total_fen for c in cities))}
