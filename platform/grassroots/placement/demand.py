"""The demand report (Lijiang 第三条): a published posting reported up its program's demand chain.

第三条: 各县（区）人力资源和社会保障部门……征集乡镇企事业本位专业技术人才需求信息，填写《需求信息表》，并在县（区）
政务信息网上公布，并同时上报市人力资源和社会保障局，再由市人力资源和社会保障局汇总本地区需求信息后，在市政务信息网上
公布，并报送省人力资源和社会保障厅，由省人力资源和社会保障厅汇总全省需求信息后，在省人民政府政务信息网上公布。

What each part means for the posting (docs/placement.md § Demand report):
- Publishing (postings.publish) is the county's act: it collects, publishes in its area and reports to the
  city at the same time ("并在县（区）政务信息网上公布，并同时上报"), so applicants see the posting and may be
  matched to it at once, and the same act is the submission of the pack's `chains.demand` (workflow), the
  publisher its submitter (the pack's interpretation on the chain; there is no county step for a second
  officer of the bureau to take). Lijiang: the city's compilation (`city_compile`, review, city_hr), then
  the province's filing (`province_compile`, 备案, province_hr: held in the city tenant by the province's
  officers).
- Returned by any step: the posting stays published (the county's publication stands); whoever published
  it corrects the 需求信息表 if need be and resubmits, and the chain runs again from its first step.
- Rejected by any step: the demand is not taken into the report, so the posting is closed (no new
  matches; agreements already made stand), its closed_by/close_reason the rejecting officer and reason.
- Closed by its managing officer (postings.close) while the report is still along its chain: the report is
  withdrawn in the same act (by its submitter, the publisher; anyone else is refused).
- Approved (the last step done): the posting is part of the province-wide compilation; nothing else
  changes.
The chain's own rules hold throughout: routing, scopes, inboxes, one conditional UPDATE per act,
approver ≠ submitter (workflow.transitions).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from grassroots.accounts.models import User
from grassroots.audit.log import acting_as, record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.errors import UserError
from grassroots.forms.models import FormSubmission
from grassroots.forms.services import submit as submit_form
from grassroots.placement import program as packs
from grassroots.placement.errors import conflict, forbidden, invalid_many, prefixed
from grassroots.placement.matching import taken
from grassroots.placement.models import Posting
from grassroots.placement.models.postings import CLOSE_REASON_MAX
from grassroots.placement.orgs import Areas
from grassroots.placement.postings import (
    SUBJECT,
    chain_context,
    checked_demand,
    get_posting,
    headcount_of,
    pack_of,
)
from grassroots.placement.present import iso, labelled, report_summary
from grassroots.placement.returns import returned_step
from grassroots.policy.describe import cite_text
from grassroots.tenancy.models import Tenant
from grassroots.workflow import chains
from grassroots.workflow.engine import resubmit as resubmit_chain
from grassroots.workflow.labels import KINDS, TASK_STATES
from grassroots.workflow.models import ChainInstance, ChainTask

NOTE_MAX = 2000
# Who sees who acted on a report, and why (others see each step's state, when and cite): HR offices and overseers.
HANDLERS = ("posting.manage", "audit.view", "member.manage")
NOT_REACHED = {"zh": "尚未到达", "en": "Not reached yet"}


# --- Resubmitting a returned report ----------------------------------------------------------------------


def _revised(posting: Posting, effective, data: Any, user) -> tuple[list[dict], int | None]:
    """The corrected 需求信息表 as a new submission of the form the posting was filled on (the returned one
    is kept as filed): (posts, new submission id). 422 at `/data/...` with every error."""
    old = db.session.get(FormSubmission, posting.submission_id) if posting.submission_id else None
    form = old.form_def if old is not None else packs.form_of(effective, packs.program_of(effective, posting.program_id),
                                                               "demand")
    data, posts = checked_demand(form, data, posting.unit, Areas.load())
    if form is None:
        return posts, None
    try:
        submission = submit_form(form, data, {}, posting.pack_version_id, SUBJECT, posting.id, user,
                                 scope={"service_unit": posting.unit.code})
    except UserError as exc:
        if exc.status != 422:
            raise
        raise invalid_many(prefixed(exc.errors, "/data"), "需求信息表填写有误", "The demand form has errors") from None
    return posts, submission.id


def resubmit_report(tenant: Tenant, user, posting_id: int, data: dict | None = None, note: str | None = None) -> Posting:
    """returned → in progress from the first step, by whoever published (and so reported) it; commits.

    `data`, when given, is the whole corrected 需求信息表 (checked against the form the posting was filled
    on; its posts and headcount replace the posting's, never below the places already matched). 404
    another tenant's posting, 403 anyone but the publisher, 409 no report / not returned (or moved
    meanwhile: two resubmits move it once) / a posting no longer published, 422 a bad form; nothing is
    written unless everything passes."""
    posting = get_posting(posting_id)
    instance = db.session.get(ChainInstance, posting.chain_instance_id) if posting.chain_instance_id else None
    if instance is None:
        raise conflict("no_demand_report", "该岗位需求没有上报流程", "This posting has no demand report")
    if instance.submitter_user_id != user.id:
        raise forbidden("not_publisher", "只有发布（上报）该岗位需求的人可以修改并重新上报",
                        "Only whoever published (and so reported) this posting can correct and resubmit it")
    if instance.state != "returned":
        raise conflict("not_returned", "只有退回修改的需求上报可以重新上报", "Only a returned demand report can be resubmitted")
    if posting.state != "published":
        raise conflict("not_published", "该岗位需求已不在发布中", "This posting is no longer published")
    note = (note or "").strip()[:NOTE_MAX] or None
    effective = pack_of(tenant, posting)
    before = {"report": "returned", "headcount": posting.headcount, "submission_id": posting.submission_id}
    after: dict[str, Any] = {"report": "in_progress"}
    with acting_as(getattr(user, "username", None) or f"user:{user.id}", user.id):
        try:
            if data is not None:
                posts, submission_id = _revised(posting, effective, data, user)
                values: dict[str, Any] = {"posts": posts, "headcount": headcount_of(posts)}
                if submission_id is not None:
                    values["submission_id"] = submission_id
                # The posting's row first (as a match touches it): a concurrent match or resubmit waits here.
                moved = db.session.execute(update(Posting).where(
                    Posting.id == posting.id, Posting.tenant_id == current_tenant_id(), Posting.state == "published",
                    Posting.chain_instance_id == instance.id).values(**values).returning(Posting.id)
                    .execution_options(synchronize_session=False)).scalar_one_or_none()
                if moved is None:
                    raise conflict("state_changed", "岗位需求状态已变化，请刷新", "The posting changed; reload")
                matched = taken(posting.id)
                if matched > values["headcount"]:
                    raise invalid_many([{"path": "/data/posts", "code": "below_matched",
                                         "message": {"zh": f"需求人数不能少于已匹配的 {matched} 人",
                                                     "en": f"The headcount cannot fall below the {matched} already matched"}}],
                                       "需求信息表填写有误", "The demand form has errors")
                after.update(headcount=values["headcount"], submission_id=values.get("submission_id", posting.submission_id))
            facts, context = chain_context(posting)
            resubmit_chain(instance.id, user, facts, context, commit=False)
            record("placement.posting.resubmit", target_type="postings", target_id=posting.id, before=before,
                   after=after, note=note)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
    return get_posting(posting.id)


# --- The chain's word ------------------------------------------------------------------------------------


def on_chain_complete(instance: ChainInstance) -> None:
    """workflow completion hook (inside the acting transaction): a rejected report closes its posting."""
    if instance.state != "rejected":
        return  # approved: compiled and filed; returned: waits for the publisher; withdrawn: not offered
    posting = db.session.execute(select(Posting).where(Posting.id == instance.subject_id)).scalar_one_or_none()
    if posting is None or posting.chain_instance_id != instance.id:
        return
    rejected = db.session.execute(select(ChainTask.reason, ChainTask.acted_by).where(
        ChainTask.instance_id == instance.id, ChainTask.round == instance.round, ChainTask.state == "rejected")
        .order_by(ChainTask.id.desc()).limit(1)).first()
    reason, rejected_by = (rejected.reason, rejected.acted_by) if rejected is not None else (None, None)
    closed = db.session.execute(update(Posting).where(
        Posting.id == posting.id, Posting.tenant_id == current_tenant_id(), Posting.state == "published",
        Posting.chain_instance_id == instance.id).values(
            state="closed", closed_at=utcnow(), closed_by=rejected_by,
            close_reason=(reason or "")[:CLOSE_REASON_MAX] or None).returning(Posting.id)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    if closed is not None:
        record("placement.posting.close", target_type="postings", target_id=posting.id,
               before={"state": "published"}, after={"state": "closed", "chain_instance_id": instance.id},
               note=f"demand report rejected: {reason}" if reason else "demand report rejected")


def subject_url(posting_id: int) -> str | None:
    from flask import url_for

    return url_for("placement.posting", posting_id=posting_id)


# --- How the posting shows it ----------------------------------------------------------------------------


def _leaves(definition: dict) -> list[tuple[dict, dict | None]]:
    out = []
    for step in chains.steps_of(definition):
        if step.get("kind") == "parallel":
            out += [(sub, step) for sub in step.get("steps") or []]
        else:
            out.append((step, None))
    return out


def report_detail(posting: Posting, offices: dict[str, dict], *, staff: bool) -> dict | None:
    """The report's progress for the posting page and API: every step of the current round in chain order
    with its state, when, the article it rests on (and, for `staff`, who acted and their reason), plus the
    return awaiting a resubmission. Two queries: the round's tasks with their actors, the returned step."""
    summary = report_summary(posting)
    if summary is None:
        return None
    instance = posting.chain_instance
    definition = instance.definition or {}
    sources = definition.get("sources") or {}
    rows = db.session.execute(
        select(ChainTask, User.display_name).outerjoin(User, User.id == ChainTask.acted_by)
        .where(ChainTask.instance_id == instance.id, ChainTask.round == instance.round)
        .order_by(ChainTask.step_index, ChainTask.id)).all()
    tasks = {r.ChainTask.step_id: r for r in rows}
    steps = []
    for step, group in _leaves(definition):
        row = tasks.get(step.get("id"))
        task = row.ChainTask if row is not None else None
        office = task.office if task is not None else step.get("office")
        zh, en = cite_text(step.get("cite"), sources)
        cite = step.get("cite") if isinstance(step.get("cite"), dict) else {}
        entry = {"step_id": step.get("id"), "name": step.get("name"), "group": (group or {}).get("name"),
                 "kind": labelled(step.get("kind"), KINDS),
                 "office": {"code": office, "name": offices.get(office or "") or ({"zh": office, "en": office} if office else None)},
                 "state": labelled(task.state, TASK_STATES) if task is not None else {"code": "not_reached", "label": NOT_REACHED},
                 "opened_at": iso(task.opened_at) if task else None, "due_at": iso(task.due_at) if task else None,
                 "acted_at": iso(task.acted_at) if task else None,
                 "cite": {"zh": zh, "en": en} if zh else None, "quote": cite.get("quote")}
        if staff:
            entry["acted_by"] = ({"id": task.acted_by, "name": row.display_name}
                                 if task is not None and task.acted_by is not None else None)
            entry["reason"] = task.reason if task is not None else None
        steps.append(entry)
    returned = returned_step(instance.id) if instance.state == "returned" else None
    if returned is not None and not staff:
        returned = {k: v for k, v in returned.items() if k not in ("reason", "resubmit_by")}
    return {**summary, "name": (definition.get("chain") or {}).get("name"), "created_at": iso(instance.created_at),
            "finished_at": iso(instance.finished_at), "steps": steps, "returned": returned}
