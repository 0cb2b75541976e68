"""The evaluation input of a case (pack-format.md § Evaluation input), built from what the platform holds.

- person: the identity register's facts (identity.services.facts_of), the applicant unit's level and
  sector, then every `x-fact: person.*` field of the application form as submitted (the applicant's
  declaration for this application wins over the register);
- placement: the placement row: dates, the service unit's level and type and the service area's tags as
  snapshotted when it started, full-time, professional post, continuity, recognition;
- assessments: the assessment records, `{kind, year_no, grade}`.

`facts_for(placement, as_of)` is what the subsidy module evaluates (grassroots.policy.evaluate under
the placement's pinned pack version); `facts_for_many` builds many in a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grassroots.db import db
from grassroots.forms.models import FormSubmission
from grassroots.identity.models import Person
from grassroots.identity.present import facts_of
from grassroots.placement.models import Application, Assessment, Placement
from grassroots.tenancy.models import Unit

DERIVED_PERSON = ("age",)  # the engine derives these; giving them could only disagree


def form_facts(form_def: Mapping | None, data: Mapping | None, section: str = "person") -> dict[str, Any]:
    """The `x-fact: <section>.*` fields of a form's data, keyed without the section prefix."""
    properties = ((form_def or {}).get("schema") or {}).get("properties") or {}
    out: dict[str, Any] = {}
    for key, prop in properties.items():
        fact = prop.get("x-fact") if isinstance(prop, dict) else None
        if not isinstance(fact, str) or not fact.startswith(section + "."):
            continue
        value = (data or {}).get(key)
        if value is not None and value != "":
            out[fact.split(".", 1)[1]] = value
    return out


def person_facts(person: Person | None, unit: Unit | None, form_def: Mapping | None, data: Mapping | None,
                 as_of: date | None = None) -> dict[str, Any]:
    """Person facts: the register, the applicant unit (level, sector), then the application form."""
    facts: dict[str, Any] = {}
    if person is not None:
        facts.update(facts_of(person, as_of))
    for key in DERIVED_PERSON:
        facts.pop(key, None)
    if unit is not None:
        facts["unit_level"], facts["sector"] = unit.level, unit.sector
    facts.update(form_facts(form_def, data))
    return facts


def placement_facts(placement: Placement) -> dict[str, Any]:
    """The placement section. `end_date` is the actual end, else the agreed one: service beyond the agreed
    term counts only once an extension moves it (Lijiang 第十一条)."""
    facts: dict[str, Any] = {
        "start_date": placement.start_date.isoformat(),
        "unit_level": placement.unit_level,
        "unit_type": placement.unit_type,
        "area_tags": sorted(placement.area_tags or []),
        "professional_post": bool(placement.professional_post),
        "full_time": bool(placement.full_time),
        "continuous": bool(placement.continuous),
    }
    if placement.last_day is not None:
        facts["end_date"] = placement.last_day.isoformat()
    if placement.recognised_by:
        facts["recognised_by"] = placement.recognised_by
    return facts


def assessment_facts(assessments: Iterable[Assessment]) -> list[dict[str, Any]]:
    return [{"kind": a.kind, "year_no": a.year_no, "grade": a.grade}
            for a in sorted(assessments, key=lambda a: (a.year_no, a.kind, a.id))]


def facts_for_many(placements: list[Placement], as_of: date) -> list[dict[str, Any]]:
    """`facts_for` of each placement (same order), in five queries whatever their number."""
    if not placements:
        return []
    app_ids = {p.application_id for p in placements}
    apps = {a.id: a for a in db.session.execute(select(Application).where(Application.id.in_(app_ids))).scalars()}
    sub_ids = {a.submission_id for a in apps.values() if a.submission_id}
    subs = {s.id: s for s in db.session.execute(select(FormSubmission).where(FormSubmission.id.in_(sub_ids))).scalars()} \
        if sub_ids else {}
    people = {p.id: p for p in db.session.execute(
        select(Person).options(joinedload(Person.unit)).where(Person.id.in_({p.person_id for p in placements}))).scalars()}
    units = {u.id: u for u in db.session.execute(
        select(Unit).where(Unit.id.in_({a.unit_id for a in apps.values()}))).scalars()}
    grouped: dict[int, list[Assessment]] = {}
    for row in db.session.execute(select(Assessment).where(
            Assessment.placement_id.in_({p.id for p in placements}))).scalars():
        grouped.setdefault(row.placement_id, []).append(row)
    out = []
    for placement in placements:
        app = apps.get(placement.application_id)
        person = people.get(placement.person_id)
        unit = units.get(app.unit_id) if app else None
        submission = subs.get(app.submission_id) if app and app.submission_id else None
        out.append({"as_of": as_of.isoformat(), "person": person_facts(person, unit, submission.form_def if submission else None,
                                                          submission.data if submission else None, as_of),
                    "placement": placement_facts(placement),
                    "assessments": assessment_facts(grouped.get(placement.id, []))})
    return out


def facts_for(placement: Placement, as_of: date) -> dict[str, Any]:
    """The evaluation input of `placement` on `as_of`: {"as_of", "person", "placement", "assessments"}.

    Call within the placement's tenant context. Evaluate it under the placement's pinned pack
    (`grassroots.placement.program.pinned(tenant, placement)`); see decisions.decide.
    """
    return facts_for_many([placement], as_of)[0]
