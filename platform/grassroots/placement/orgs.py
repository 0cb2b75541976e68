"""The tenant's units and areas as the placement rules see them: a unit's county, its area's tags.

Areas are few (a city has a few hundred), so they are read whole in one query and walked in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from grassroots.db import db
from grassroots.tenancy.models import Area, Unit

COUNTY_KINDS = frozenset({"county", "district"})


def unit_by_code(code: str | None) -> Unit | None:
    if not code:
        return None
    return db.session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()


def units_by_id(ids: set[int]) -> dict[int, Unit]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(select(Unit).where(Unit.id.in_(ids))).scalars()}


@dataclass
class Areas:
    by_id: dict[int, Area]

    @classmethod
    def load(cls) -> Areas:
        return cls({a.id: a for a in db.session.execute(select(Area)).scalars()})

    def chain(self, area_id: int | None) -> list[Area]:
        out: list[Area] = []
        while area_id is not None and area_id in self.by_id and all(a.id != area_id for a in out):
            out.append(self.by_id[area_id])
            area_id = self.by_id[area_id].parent_id
        return out

    def county_of(self, area_id: int | None) -> Area | None:
        return next((a for a in self.chain(area_id) if a.kind in COUNTY_KINDS), None)

    def tags_of(self, area_id: int | None, declared: set[str]) -> list[str]:
        """Tags of the area and of the areas above it (a remote county's townships are remote), those the
        pack declares only (vocabulary.area_tags: the engine reads no other)."""
        tags = {t for a in self.chain(area_id) for t in (a.tags or [])}
        return sorted(tags & declared)

    def name(self, area_id: int | None) -> dict | None:
        area = self.by_id.get(area_id) if area_id is not None else None
        return {"zh": area.name_zh, "en": area.name_en or area.name_zh} if area else None


def unit_name(unit: Unit | None) -> dict | None:
    return {"zh": unit.name_zh, "en": unit.name_en or unit.name_zh} if unit else None
