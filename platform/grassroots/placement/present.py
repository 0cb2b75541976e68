"""How placement records are shown (API answers and pages alike): plain dicts, names in zh and en,
codes with their labels, every decision with its reasons and the articles they rest on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from grassroots.identity.present import masked_id
from grassroots.packs.effective import Effective
from grassroots.packs.labels import value_label
from grassroots.placement import program as packs
from grassroots.placement.eligibility import stage_verdict
from grassroots.placement.models import (
    Agreement,
    Application,
    Assessment,
    DecisionRecord,
    Extension,
    Placement,
    Posting,
)
from grassroots.placement.orgs import unit_name
from grassroots.policy.describe import cite_text
from grassroots.workflow.labels import INSTANCE_STATES

STATE_LABELS: dict[str, dict[str, str]] = {
    "draft": {"zh": "草稿", "en": "Draft"}, "published": {"zh": "已发布", "en": "Published"},
    "closed": {"zh": "已关闭", "en": "Closed"}, "submitted": {"zh": "审批中", "en": "Under approval"},
    "returned": {"zh": "退回修改", "en": "Returned for revision"}, "approved": {"zh": "已批准", "en": "Approved"},
    "rejected": {"zh": "已驳回", "en": "Rejected"}, "withdrawn": {"zh": "已撤回", "en": "Withdrawn"},
    "matched": {"zh": "已匹配岗位", "en": "Matched to a post"}, "placed": {"zh": "已到岗服务", "en": "Serving"},
    "drafted": {"zh": "待服务人员签署", "en": "Awaiting the professional's signature"},
    "signing": {"zh": "签署中", "en": "Being signed"}, "signed": {"zh": "已签订", "en": "Signed"},
    "serving": {"zh": "服务中", "en": "Serving"}, "ended": {"zh": "已结束", "en": "Ended"},
}
# A placement's dispatch recognition (Kunming 八), one label per `Placement.dispatch_state`.
DISPATCH_LABELS: dict[str, dict[str, str]] = {
    "none": {"zh": "无需认可", "en": "No recognition needed"}, "pending": {"zh": "待认可", "en": "Awaiting recognition"},
    "returned": {"zh": "已退回修改", "en": "Returned for revision"},
    "recognised": {"zh": "已认可", "en": "Recognised"}, "refused": {"zh": "未获认可", "en": "Not recognised"},
}
VERDICT_LABELS = {"eligible": {"zh": "符合条件", "en": "Eligible"}, "ineligible": {"zh": "不符合条件", "en": "Not eligible"},
                  "undecided": {"zh": "已判定条件均符合，其余待后续环节确认",
                                "en": "Every rule decided so far holds; the rest is decided later"}}
STAGE_LABELS = {"application": {"zh": "申请", "en": "Application"}, "match": {"zh": "岗位匹配", "en": "Matching"},
                "placement": {"zh": "到岗服务", "en": "Start of service"},
                "recognition": {"zh": "选派认可", "en": "Recognition"},
                "entitlement": {"zh": "补贴核定", "en": "Subsidy entitlement"}}


def state(code: str | None) -> dict:
    return {"code": code, "label": STATE_LABELS.get(code or "", {"zh": code or "", "en": code or ""})}


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def unit_ref(unit) -> dict | None:
    return {"id": unit.id, "code": unit.code, "name": unit_name(unit), "level": unit.level, "type": unit.type} if unit else None


def person_ref(person) -> dict | None:
    if person is None:
        return None
    return {"id": person.id, "name": person.name, "id_number_masked": masked_id(person)}


def labelled(code: str | None, labels: dict[str, dict[str, str]]) -> dict:
    return {"code": code, "label": labels.get(code or "") or {"zh": code or "", "en": code or ""}}


def report_summary(posting: Posting) -> dict | None:
    """The demand report as lists show it: its chain, state and round (the posting's joined chain row)."""
    instance = posting.chain_instance if posting.chain_instance_id is not None else None
    if instance is None:
        return None
    return {"instance_id": instance.id, "chain_id": instance.chain_id, "state": labelled(instance.state, INSTANCE_STATES),
            "round": instance.round}


def posting_dict(posting: Posting, taken: int | None = None, tenant_slug: str | None = None,
                 report: dict | None = None, staff: bool = False) -> dict:
    """`report`: the demand report's progress (demand.report_detail) for one posting; lists get its summary.
    `staff` (HR offices and overseers, demand.HANDLERS): who closed the posting and why, as for who acted on
    its report (a rejection's closing reason is the rejecting officer's); everyone sees when."""
    out = {"id": posting.id, "program": posting.program_id, "year": posting.year, "state": state(posting.state),
           "unit": unit_ref(posting.unit),
           "county": {"code": posting.county.code, "name": {"zh": posting.county.name_zh,
                                                            "en": posting.county.name_en or posting.county.name_zh}}
           if posting.county else None,
           "posts": list(posting.posts or []), "headcount": posting.headcount, "submission_id": posting.submission_id,
           "pack_version_id": posting.pack_version_id, "created_at": iso(posting.created_at),
           "published_at": iso(posting.published_at), "chain_instance_id": posting.chain_instance_id,
           "demand_report": report if report is not None else report_summary(posting),
           "closed_at": iso(posting.closed_at)}
    if staff:
        out["closed_by"] = ({"id": posting.closed_by, "name": posting.closer.display_name if posting.closer else None}
                            if posting.closed_by is not None else None)
        out["close_reason"] = posting.close_reason
    if taken is not None:
        out["open_places"] = max(posting.headcount - taken, 0)
    if tenant_slug:
        out["tenant"] = tenant_slug
    return out


def reasons(answer: dict, sources: dict, open_rules: frozenset[str] = frozenset()) -> list[dict]:
    """The engine's reasons with each cite as readable text (《title》第N条); `open` marks a rule not decided
    at the decision's stage (its fact comes later), which the engine reports as failing for want of it."""
    out = []
    for r in answer.get("reasons") or []:
        zh, en = cite_text(r.get("cite"), sources)
        out.append({"rule": r.get("rule"), "passed": r.get("passed"), "message": r.get("message"),
                    "cite": r.get("cite"), "cite_text": {"zh": zh, "en": en}, "open": r.get("rule") in open_rules})
    return out


def open_rules(record: DecisionRecord, effective: Effective | None) -> frozenset[str]:
    if effective is None:
        return frozenset()
    program = next((p for p in effective.pack.get("programs") or [] if p.get("id") == record.program_id), {})
    verdict = stage_verdict(program, record.answer or {}, record.facts or {})
    return frozenset(r.get("rule") for r in verdict.open)


def decision_view(record: DecisionRecord, effective: Effective | None, full: bool = False) -> dict:
    """A decision as pages and the API show it, its stage's open rules marked (from the pinned pack)."""
    return decision_dict(record, packs.sources(effective) if effective else {}, full, open_rules(record, effective))


def decision_dict(record: DecisionRecord, sources: dict | None = None, full: bool = False,
                  opened: frozenset[str] = frozenset()) -> dict:
    answer = record.answer or {}
    out = {"id": record.id, "subject": {"type": record.subject_type, "id": record.subject_id},
           "stage": {"code": record.stage, "label": STAGE_LABELS.get(record.stage, {"zh": record.stage, "en": record.stage})},
           "program": record.program_id, "verdict": {"code": record.verdict, "label": VERDICT_LABELS[record.verdict]},
           "eligible": answer.get("eligible"), "failed_rules": answer.get("failed_rules") or [],
           "as_of": iso(record.as_of), "pack_version_id": record.pack_version_id, "pack_hash": record.pack_hash,
           "pack_version": answer.get("pack_version"), "created_at": iso(record.created_at),
           "reasons": reasons(answer, sources or {}, opened)}
    if full:
        out.update(facts=record.facts, answer=answer)
    return out


def application_dict(app: Application, decision_sources: dict | None = None) -> dict:
    return {"id": app.id, "program": app.program_id, "state": state(app.state), "person": person_ref(app.person),
            "unit": unit_ref(app.unit), "service_unit": unit_ref(app.service_unit), "submission_id": app.submission_id,
            "chain_instance_id": app.chain_instance_id, "pack_version_id": app.pack_version_id,
            "submitted_by": app.submitted_by, "applicant_user_id": app.applicant_user_id,
            "decision": decision_dict(app.decision, decision_sources) if app.decision else None,
            "created_at": iso(app.created_at), "submitted_at": iso(app.submitted_at), "decided_at": iso(app.decided_at)}


def agreement_dict(agreement: Agreement) -> dict:
    return {"id": agreement.id, "application_id": agreement.application_id, "posting_id": agreement.posting_id,
            "post_name": agreement.post_name, "service_unit": unit_ref(agreement.service_unit),
            "start_date": iso(agreement.start_date), "end_date": iso(agreement.end_date), "duties": agreement.duties,
            "full_time": agreement.full_time, "professional_post": agreement.professional_post,
            "form": dict(agreement.form_data or {}), "submission_id": agreement.submission_id,
            "state": state(agreement.state), "chain_instance_id": agreement.chain_instance_id,
            "matched_by": agreement.matched_by, "matched_at": iso(agreement.matched_at),
            "signed_by": agreement.signed_by, "signed_at": iso(agreement.signed_at),
            "completed_at": iso(agreement.completed_at)}


def grade_label(grade: str, effective: Effective | None) -> dict:
    found = packs.grades(effective).get(grade) if effective else None
    return (found or {}).get("label") or value_label(grade)


def assessment_dict(row: Assessment, effective: Effective | None = None) -> dict:
    grade = packs.grades(effective).get(row.grade) if effective else None
    return {"id": row.id, "placement_id": row.placement_id, "kind": {"code": row.kind, "label": value_label(row.kind)},
            "year_no": row.year_no, "grade": {"code": row.grade, "label": grade_label(row.grade, effective),
                                              "passes": grade.get("passes") if grade else None},
            "assessed_on": iso(row.assessed_on), "by_office": row.by_office, "assessed_by": row.assessed_by,
            "submission_id": row.submission_id, "copy_unit_id": row.copy_unit_id, "note": row.note,
            "created_at": iso(row.created_at)}


def extension_dict(row: Extension) -> dict:
    return {"id": row.id, "placement_id": row.placement_id, "extension_years": row.extension_years,
            "previous_end_date": iso(row.previous_end_date), "new_end_date": iso(row.new_end_date),
            "reason": row.reason, "state": state(row.state), "submission_id": row.submission_id,
            "chain_instance_id": row.chain_instance_id, "requested_by": row.requested_by,
            "created_at": iso(row.created_at), "decided_at": iso(row.decided_at)}


def placement_dict(placement: Placement, *, assessments: list[Assessment] | None = None,
                   extensions: list[Extension] | None = None, due: list[dict] | None = None,
                   served: int | None = None, effective: Effective | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": placement.id, "program": placement.program_id, "state": state(placement.state),
        "person": person_ref(placement.person), "original_unit": unit_ref(placement.original_unit),
        "service_unit": unit_ref(placement.service_unit), "area_tags": list(placement.area_tags or []),
        "unit_level": placement.unit_level, "unit_type": placement.unit_type,
        "professional_post": placement.professional_post, "full_time": placement.full_time,
        "continuous": placement.continuous, "start_date": iso(placement.start_date),
        "planned_end_date": iso(placement.planned_end_date), "end_date": iso(placement.end_date),
        "end_reason": placement.end_reason, "recognised_by": placement.recognised_by,
        "dispatch": labelled(placement.dispatch_state, DISPATCH_LABELS), "dispatch_instance_id": placement.dispatch_instance_id,
        "application_id": placement.application_id, "agreement_id": placement.agreement_id,
        "pack_version_id": placement.pack_version_id, "created_at": iso(placement.created_at),
    }
    if served is not None:
        out["full_years"] = served
    if assessments is not None:
        out["assessments"] = [assessment_dict(a, effective) for a in assessments]
    if extensions is not None:
        out["extensions"] = [extension_dict(e) for e in extensions]
    if due is not None:
        out["assessments_due"] = due
    return out
