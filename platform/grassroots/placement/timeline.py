"""A person's timeline: every application, decision, chain step, signature, placement, assessment and
extension, with who, when, the outcome and the article it rests on; a decision links to its "why" (the
reasons with their cites). A constant number of queries whatever the length of the career.

Other modules add their events about the same placements through `event_sources` (subsidy.blueprint adds
what was decided, claimed and paid), so the timeline imports none of them: dependencies keep pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, or_, select

from grassroots.accounts.models import User
from grassroots.db import db, utcnow
from grassroots.identity.services import get_person
from grassroots.packs.labels import value_label
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.errors import forbidden
from grassroots.placement.models import (
    Agreement,
    Application,
    Assessment,
    DecisionRecord,
    Extension,
    Placement,
)
from grassroots.placement.present import (
    STAGE_LABELS,
    STATE_LABELS,
    VERDICT_LABELS,
    grade_label,
    iso,
    open_rules,
    reasons,
)
from grassroots.policy.describe import cite_text
from grassroots.tenancy.models import Tenant
from grassroots.workflow.inbox import task_item
from grassroots.workflow.labels import OUTCOMES, TASK_STATES
from grassroots.workflow.models import ChainInstance, ChainTask

SUBJECTS = {"placement_application": "application", "placement_agreement": "agreement",
            "placement_extension": "extension", "placement_dispatch": "placement"}
TASK_OUTCOME = {"approved": "approve", "rejected": "reject", "returned": "return", "filed": "file"}
# `source(placement_ids, effective)` answers more events of those placements (each with `at`, `kind`, `title`),
# read under `effective` (the pinned pack the timeline reads; None without an application). An event with a
# `decision_id` stands for that decision record (subsidy's 核定补贴 rows: the amounts the 补贴核定 decision
# made, with its cite and "why this amount"), so the timeline leaves out its own row for that decision.
event_sources: list[Callable[[list[int], Any], list[dict]]] = []


def _sort_key(value: date | datetime | None) -> datetime:
    if value is None:
        return datetime.min
    return value if isinstance(value, datetime) else datetime.combine(value, time.min)


def _event(at, kind: str, title: dict, **extra: Any) -> dict:
    return {"at": iso(at), "_sort": _sort_key(at), "kind": kind, "title": title, **extra}


def person_timeline(tenant: Tenant, user, person_id: int) -> dict:
    person = get_person(person_id)
    apps = list(db.session.execute(select(Application).where(Application.person_id == person.id)
                                   .order_by(Application.id)).scalars())
    placements = list(db.session.execute(select(Placement).where(Placement.person_id == person.id)
                                         .order_by(Placement.id)).scalars())
    reach = reach_of(user, tenant, reading=True)
    units = {person.unit_id} | {a.unit_id for a in apps} | {a.service_unit_id for a in apps} | \
        {p.service_unit_id for p in placements}
    own = person.user_id == user.id or any(user.id in (a.applicant_user_id, a.submitted_by) for a in apps)
    if not own and not reach.covers(*units):
        raise forbidden("not_a_reader", "您无权查看该人员的服务记录", "You may not view this person's record")
    app_ids, placement_ids = [a.id for a in apps], [p.id for p in placements]
    agreements = list(db.session.execute(select(Agreement).where(Agreement.application_id.in_(app_ids or [-1]))).scalars())
    assessments = list(db.session.execute(select(Assessment).where(Assessment.placement_id.in_(placement_ids or [-1]))
                                          .order_by(Assessment.assessed_on, Assessment.id)).scalars())
    extensions = list(db.session.execute(select(Extension).where(Extension.placement_id.in_(placement_ids or [-1])))
                      .scalars())
    decisions = list(db.session.execute(select(DecisionRecord).where(or_(
        and_(DecisionRecord.subject_type == "placement_application", DecisionRecord.subject_id.in_(app_ids or [-1])),
        and_(DecisionRecord.subject_type == "placement", DecisionRecord.subject_id.in_(placement_ids or [-1]))))
        .order_by(DecisionRecord.id)).scalars())
    subjects = {("placement_application", i) for i in app_ids} | {("placement_agreement", a.id) for a in agreements} | \
        {("placement_extension", e.id) for e in extensions} | {("placement_dispatch", i) for i in placement_ids}
    instances = _instances(subjects)
    rows = db.session.execute(select(ChainTask, User.display_name).outerjoin(User, User.id == ChainTask.acted_by)
                              .where(ChainTask.instance_id.in_([i.id for i in instances] or [-1]))
                              .order_by(ChainTask.id)).all()
    user_ids = {a.submitted_by for a in apps} | {a.signed_by for a in agreements} | {a.matched_by for a in agreements} | \
        {a.assessed_by for a in assessments} | {e.requested_by for e in extensions} | {p.ended_by for p in placements}
    names = {u.id: u.display_name for u in db.session.execute(
        select(User).where(User.id.in_({i for i in user_ids if i} or {-1}))).scalars()}
    effective = packs.pinned(tenant, apps[0]) if apps else None
    sources = packs.sources(effective) if effective else {}
    extras = [extra for source in event_sources for extra in source(placement_ids, effective)]
    shown = {extra["decision_id"] for extra in extras if extra.get("decision_id")}  # decisions a source stands for
    events: list[dict] = []
    for app in apps:
        events.append(_event(app.created_at, "application.created", {"zh": "填写申请登记表", "en": "Application filled in"},
                             who=names.get(app.submitted_by), link={"type": "application", "id": app.id}))
        if app.submitted_at:
            events.append(_event(app.submitted_at, "application.submitted", {"zh": "提交申请", "en": "Application submitted"},
                                 who=names.get(app.submitted_by), link={"type": "application", "id": app.id}))
    for record in decisions:
        if record.id in shown:
            continue
        stage = STAGE_LABELS.get(record.stage, {"zh": record.stage, "en": record.stage})
        verdict = VERDICT_LABELS[record.verdict]
        events.append(_event(record.created_at, "decision", {"zh": f"资格判定（{stage['zh']}）", "en": f"Decision ({stage['en']})"},
                             outcome=verdict, decision_id=record.id, total=(record.answer or {}).get("total"),
                             why=[r for r in reasons(record.answer or {}, sources, open_rules(record, effective))
                                  if r["passed"] is not True]))
    lookups: dict[int, dict] = {}
    now = utcnow()
    by_instance = {i.id: i for i in instances}
    for row in rows:
        task = row.ChainTask
        instance = by_instance[task.instance_id]
        item = task_item(task, instance.chain_id, instance.definition or {}, instance.subject_type, instance.subject_id,
                         lookups, now)
        outcome = OUTCOMES.get(TASK_OUTCOME.get(task.state, ""), TASK_STATES.get(task.state))
        events.append(_event(task.acted_at or task.opened_at, "task", item.get("step_name") or {"zh": task.step_id, "en": task.step_id},
                             chain=item.get("chain_name"), who=row.display_name, office=task.office, outcome=outcome,
                             state=task.state, reason=task.reason, cite=item.get("cite"), round=task.round,
                             link={"type": SUBJECTS.get(instance.subject_type), "id": instance.subject_id}))
    for agreement in agreements:
        events.append(_event(agreement.matched_at, "agreement.matched", {"zh": "匹配服务岗位", "en": "Matched to a post"},
                             who=names.get(agreement.matched_by), link={"type": "agreement", "id": agreement.id}))
        if agreement.signed_at:
            events.append(_event(agreement.signed_at, "agreement.signed", {"zh": "服务人员签署服务协议", "en": "Agreement signed by the professional"},
                                 who=names.get(agreement.signed_by), link={"type": "agreement", "id": agreement.id}))
    for placement in placements:
        events.append(_event(placement.start_date, "placement.started", {"zh": "到岗服务", "en": "Service began"},
                             link={"type": "placement", "id": placement.id}))
        if placement.end_date and placement.state == "ended":
            events.append(_event(placement.end_date, "placement.ended", {"zh": "服务结束", "en": "Service ended"},
                                 who=names.get(placement.ended_by), reason=placement.end_reason,
                                 link={"type": "placement", "id": placement.id}))
    program_by_placement = {p.id: p.program_id for p in placements}
    program = {}
    if effective is not None:
        for pid in set(program_by_placement.values()):
            program[pid] = next((p for p in effective.pack.get("programs") or [] if p.get("id") == pid), {})
    for row in assessments:
        spec = packs.assessment_spec(program.get(program_by_placement.get(row.placement_id), {}), row.kind) or {}
        zh, en = cite_text(spec.get("cite"), sources)
        kind = value_label(row.kind)
        events.append(_event(row.assessed_on, "assessment", {"zh": f"{kind['zh']}（第{row.year_no}年）",
                                                             "en": f"{kind['en']} assessment, year {row.year_no}"},
                             who=names.get(row.assessed_by), office=row.by_office,
                             outcome=grade_label(row.grade, effective), cite={"zh": zh, "en": en} if zh else None,
                             link={"type": "placement", "id": row.placement_id}))
    for ext in extensions:
        events.append(_event(ext.created_at, "extension", {"zh": f"申请延期 {ext.extension_years} 年",
                                                           "en": f"Extension of {ext.extension_years} year(s) requested"},
                             who=names.get(ext.requested_by), outcome=STATE_LABELS.get(ext.state),
                             link={"type": "extension", "id": ext.id}))
    for extra in extras:
        events.append({**extra, "at": iso(extra.get("at")), "_sort": _sort_key(extra.get("at"))})
    events.sort(key=lambda e: (e["_sort"], e["kind"]))
    for e in events:
        e.pop("_sort")
    return {"person": {"id": person.id, "name": person.name}, "events": events,
            "applications": app_ids, "placements": placement_ids}


def _instances(subjects: set[tuple[str, int]]) -> list[ChainInstance]:
    if not subjects:
        return []
    by_type: dict[str, list[int]] = {}
    for kind, sid in subjects:
        by_type.setdefault(kind, []).append(sid)
    clause = or_(*[and_(ChainInstance.subject_type == kind, ChainInstance.subject_id.in_(ids))
                   for kind, ids in by_type.items()])
    return list(db.session.execute(select(ChainInstance).where(clause).order_by(ChainInstance.id)).scalars())
