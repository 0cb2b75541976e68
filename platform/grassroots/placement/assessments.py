"""Assessments during service: the annual one by the service unit (Lijiang 第十条: 年度考核工作在服务单位进行，
考核结果反馈原单位存档) and the term-end appraisal by the service county's HR bureau (第十一条, 考核鉴定表),
each on the pack's grade scale, by the office the pack names, with the pack's form when it has one.

The original unit gets its copy: the form's copy list names it (`applicant_unit`) and the submission's
scope carries the original unit, so its office opens the record; `copy_unit_id` says where it went.
Who records: a holder of `assessment.record` whose office is the assessment's `by_office` and whose scope
covers the service unit. Which years: from the pack's `from_year`; an annual assessment up to the year in
progress, a term-end one only for a year fully served. One per kind and year (a second is 409).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from grassroots.audit.log import record
from grassroots.db import db
from grassroots.errors import UserError
from grassroots.forms.services import submit as submit_form
from grassroots.identity.models import Person
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.errors import conflict, forbidden, invalid, invalid_many, prefixed
from grassroots.placement.models import Assessment, Placement
from grassroots.placement.placements import get_placement, served_full_years
from grassroots.policy.describe import cite_text
from grassroots.tenancy.models import Tenant, Unit
from grassroots.workflow.scopes import holders_cover, load_tree, memberships_of

SUBJECT = "placement_assessment"
RECORD = frozenset({"assessment.record"})


def _form_values(form: dict, placement: Placement, kind: str, year_no: int, grade: str, assessed_on: date,
                 extra: dict | None) -> dict:
    props = (form.get("schema") or {}).get("properties") or {}
    person = db.session.get(Person, placement.person_id)
    service, original = db.session.get(Unit, placement.service_unit_id), db.session.get(Unit, placement.original_unit_id)
    known: dict[str, Any] = {
        "name": person.name if person else None, "gender": person.gender if person else None,
        "birth_date": person.birth_date.isoformat() if person else None,
        "service_unit": service.name_zh if service else None, "original_unit": original.name_zh if original else None,
        "service_start": placement.start_date.isoformat(),
        "service_end": placement.last_day.isoformat() if placement.last_day else None,
    }
    values = {k: v for k, v in known.items() if k in props and v is not None}
    values.update({k: v for k, v in (extra or {}).items() if k in props})
    forced = {"year_no": year_no, "grade": grade, "assessed_on": assessed_on.isoformat()}  # the record's own
    values.update({k: v for k, v in forced.items() if k in props})
    return values


def assessor_offices(user, tenant: Tenant, placement: Placement, offices: set[str]) -> set[str]:
    """Those of `offices` (assessors the pack names) that `user` holds covering the service unit."""
    if not offices or not reach_of(user, tenant, RECORD).covers(placement.service_unit_id):
        return set()
    service = db.session.get(Unit, placement.service_unit_id)
    held, tree = memberships_of(user.id, tenant.id), load_tree()
    return {office for office in offices if holders_cover(held, office, "unit", service.code, tree)}


def _check_assessor(user, tenant: Tenant, placement: Placement, office: str) -> None:
    if office not in assessor_offices(user, tenant, placement, {office}):
        raise forbidden("not_assessor", f"该考核由 {office} 负责（服务单位所在范围内）",
                        f"This assessment is made by {office} covering the service unit")


def record_assessment(tenant: Tenant, user, placement_id: int, kind: str, year_no: int, grade: str,
                      assessed_on: date, note: str = "", form: dict | None = None) -> Assessment:
    """Record one assessment (and its form); 422 for a kind, grade or year the pack does not allow. Commits."""
    placement = get_placement(placement_id)
    effective = packs.pinned(tenant, placement)
    program = packs.program_of(effective, placement.program_id)
    spec = packs.assessment_spec(program, kind)
    if spec is None:
        raise invalid("/kind", "no_such_assessment", "该项目没有此类考核", "This program has no assessment of this kind")
    _check_assessor(user, tenant, placement, spec["by_office"])
    errors = []
    if grade not in packs.grades(effective):
        errors.append({"path": "/grade", "code": "invalid_choice", "message": {
            "zh": "考核等次不在本地区的等次表中", "en": "Not a grade of this jurisdiction's scale"}})
    if assessed_on < placement.start_date:
        errors.append({"path": "/assessed_on", "code": "before_start", "message": {
            "zh": "考核日期早于服务起始日期", "en": "The assessment date is before the service began"}})
    served = served_full_years(placement, assessed_on)
    latest = served if kind == "term_end" else served + (1 if placement.state == "serving" else 0)
    first = int(spec.get("from_year") or 1)
    if year_no < first or year_no > max(latest, 0):
        errors.append({"path": "/year_no", "code": "year_out_of_range", "message": {
            "zh": f"可考核的服务年度为第 {first}–{latest} 年", "en": f"Service years {first}–{latest} can be assessed"}})
    if errors:
        raise invalid_many(errors, "考核信息有误", "The assessment is invalid")
    if db.session.execute(select(Assessment.id).where(Assessment.placement_id == placement.id, Assessment.kind == kind,
                                                      Assessment.year_no == year_no)).first() is not None:
        raise conflict("already_assessed", "该年度的此类考核已录入", "This assessment is already recorded")
    submission_id = None
    form_def = form_by_id(effective, spec.get("form"))
    if form_def is not None:
        data = _form_values(form_def, placement, kind, year_no, grade, assessed_on, form)
        original = db.session.get(Unit, placement.original_unit_id)
        service = db.session.get(Unit, placement.service_unit_id)
        try:
            submission = submit_form(form_def, data, {}, placement.pack_version_id, SUBJECT, placement.id, user,
                                     scope={"applicant_unit": original.code, "service_unit": service.code})
        except UserError as exc:
            if exc.status != 422:
                raise
            raise invalid_many(prefixed(exc.errors, "/form"), "考核表填写有误", "The assessment form has errors") from None
        submission_id = submission.id
    row = Assessment(placement_id=placement.id, kind=kind, year_no=year_no, grade=grade, assessed_on=assessed_on,
                     by_office=spec["by_office"], assessed_by=user.id, submission_id=submission_id,
                     copy_unit_id=placement.original_unit_id, note=(note or "").strip()[:2000])
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise conflict("already_assessed", "该年度的此类考核已录入", "This assessment is already recorded") from None
    zh, _en = cite_text(spec.get("cite"), packs.sources(effective))
    record("placement.assessment", target_type="assessments", target_id=row.id,
           after={"placement": placement.id, "kind": kind, "year_no": year_no, "grade": grade,
                  "copy_to_unit": placement.original_unit_id}, note=zh or None)
    db.session.commit()
    return row


def form_by_id(effective, form_id: str | None) -> dict | None:
    if not form_id:
        return None
    return next((f for f in effective.pack.get("forms") or [] if isinstance(f, dict) and f.get("id") == form_id), None)
