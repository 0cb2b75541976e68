"""A roster's lines as screens, exports and the API show them: masked ID numbers, grades, attached forms.

The line rows hold what was filed (names, years, amounts); the rest is read for a page of lines at once,
in three queries whatever the number of lines: the people (for the masked number and title), the
assessments (the grade of each line's last year, and their form submissions), and the applications
(their form submission). Which forms are attached is the pack's `claim.forms` (第十二条: Annexes 2 and 3).
ID numbers are decrypted only to be masked (first 6 and last 4), never shown whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.identity.models import Person
from grassroots.identity.present import masked_id
from grassroots.packs.effective import current_effective
from grassroots.placement.models import Application, Assessment
from grassroots.subsidy.models import Roster, RosterLine
from grassroots.subsidy.money import yuan
from grassroots.tenancy.models import Tenant

GRADE_ORDER = ("term_end", "annual")  # the term-end appraisal speaks for the period when there is one


@dataclass
class PackView:
    """What the tenant's pack says about codes a roster shows (labels, amounts per year, attached forms)."""

    grades: dict[str, dict] = field(default_factory=dict)
    components: dict[str, dict] = field(default_factory=dict)
    payers: dict[str, dict] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    application_forms: set[str] = field(default_factory=set)
    assessment_forms: dict[str, set[str]] = field(default_factory=dict)  # kind → form ids

    def attaches(self, roster: Roster) -> tuple[bool, set[str]]:
        """(whether the application form is attached, which assessment kinds are)."""
        wanted = set(roster.claim_forms or [])
        return bool(self.application_forms & wanted), {k for k, f in self.assessment_forms.items() if f & wanted}


def pack_view(tenant: Tenant | None = None) -> PackView:
    tenant = tenant or db.session.get(Tenant, current_tenant_id())
    effective = current_effective(tenant)
    if effective is None:
        return PackView()
    pack = effective.pack
    out = PackView(
        grades={g["id"]: g.get("label") or {} for g in (pack.get("vocabulary") or {}).get("grades") or []},
        components={c["id"]: c for c in pack.get("subsidy_components") or []},
        payers={p["id"]: p for p in pack.get("payers") or []},
        forms={f["id"]: f for f in pack.get("forms") or [] if isinstance(f, dict) and "id" in f})
    for program in pack.get("programs") or []:
        application = (program.get("forms") or {}).get("application")
        if application:
            out.application_forms.add(application)
        for spec in program.get("assessments") or []:
            if spec.get("form"):
                out.assessment_forms.setdefault(spec["kind"], set()).add(spec["form"])
    return out


def years_text(years: list[int]) -> str:
    """[1, 2] → "1–2"; [1, 2, 4] → "1–2、4" (服务第几年)."""
    runs: list[list[int]] = []
    for y in sorted(years or []):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def line_views(roster: Roster, lines: list[RosterLine], view: PackView) -> list[dict[str, Any]]:
    """Each line as a dict for templates, exports and the API (three queries for any number of lines)."""
    if not lines:
        return []
    with_application, kinds = view.attaches(roster)
    people = {p.id: p for p in db.session.execute(
        select(Person).where(Person.id.in_({line.person_id for line in lines}))).scalars()}
    marks: dict[int, list] = {}
    for row in db.session.execute(select(Assessment.placement_id, Assessment.kind, Assessment.year_no,
                                         Assessment.grade, Assessment.submission_id)
                                  .where(Assessment.placement_id.in_({line.placement_id for line in lines}))):
        marks.setdefault(row.placement_id, []).append(row)
    applications: dict[int, int | None] = {}
    if with_application:
        applications = dict(db.session.execute(select(Application.id, Application.submission_id).where(
            Application.id.in_({line.application_id for line in lines if line.application_id}))).all())
    return [_view(line, people.get(line.person_id), marks.get(line.placement_id, []), applications, kinds, view)
            for line in lines]


def _grade(marks: list, year: int) -> str | None:
    for kind in GRADE_ORDER:
        found = [m.grade for m in marks if m.kind == kind and m.year_no == year]
        if found:
            return found[-1]
    return None


def _view(line: RosterLine, person: Person | None, marks: list, applications: dict, kinds: set[str],
          view: PackView) -> dict[str, Any]:
    years = [int(y) for y in line.years or []]
    attached = []
    if line.application_id and applications.get(line.application_id):
        attached.append({"kind": "application", "submission_id": applications[line.application_id]})
    attached += [{"kind": m.kind, "year_no": m.year_no, "submission_id": m.submission_id}
                 for m in marks if m.kind in kinds and m.submission_id and m.year_no in years]
    component = view.components.get(line.component) or {}
    grade = _grade(marks, line.last_year)
    return {
        "seq": line.seq, "entitlement_id": line.entitlement_id, "placement_id": line.placement_id,
        "person_id": line.person_id, "name": line.person_name, "gender": line.gender,
        "id_number_masked": masked_id(person) if person is not None else "*" * 18,
        "title_level": person.title_level if person is not None else None,
        "original_unit": line.original_unit, "service_unit": line.service_unit, "service_area": line.service_area,
        "service_county": line.service_county, "service_start": line.service_start, "service_end": line.service_end,
        "full_years": line.last_year, "first_year": line.first_year, "last_year": line.last_year, "years": years,
        "years_text": years_text(years), "component": line.component,
        "component_name": component.get("name") or {"zh": line.component, "en": line.component},
        "amount_per_year": component.get("amount_per_year"), "amount": yuan(line.amount_fen),
        "amount_fen": line.amount_fen, "grade": grade,
        "grade_label": view.grades.get(grade) if grade else None, "attachments": attached,
    }
