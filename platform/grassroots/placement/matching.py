"""Matching an approved application to a published posting (Lijiang 第五条、第六条): the agreement is drafted.

Who matches: when the program has a `matching` chain, the office its first step routes to for this
applicant (Lijiang: the HR bureau at the applicant unit's level, 第五条), within that step's scope; the
match is that step's act, recorded on the agreement and in the audit log (a one-step chain of one's own
act would only ask the same office twice). Without one: a `placement.manage` holder covering the posting's
unit or the applicant's unit.

Matching is a decision too: the placement rules (service unit's level and type, area tags) are now
known, so the application is judged again (stage `match`) and a failing rule refuses the match (422).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from grassroots.audit.log import record
from grassroots.db import db
from grassroots.packs.effective import Effective
from grassroots.packs.versions import china_today
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.applications import SUBJECT as APPLICATION
from grassroots.placement.applications import get_application, ineligible, move, submission_of
from grassroots.placement.decisions import decide
from grassroots.placement.errors import conflict, forbidden, invalid
from grassroots.placement.facts import person_facts
from grassroots.placement.models import Agreement, Application, Posting
from grassroots.placement.orgs import Areas
from grassroots.placement.postings import get_posting
from grassroots.tenancy.models import Tenant, Unit
from grassroots.workflow import chains
from grassroots.workflow.scopes import holders_cover, load_tree, memberships_of

MANAGE = frozenset({"placement.manage"})


def service_facts(effective: Effective, unit: Unit, areas: Areas) -> dict:
    """What the placement rules read about a service post before its dates are agreed."""
    return {"unit_level": unit.level, "unit_type": unit.type,
            "area_tags": areas.tags_of(unit.area_id, packs.area_tags(effective)),
            "professional_post": True, "full_time": True, "continuous": True}


def _check_matcher(user, tenant: Tenant, effective: Effective, program: dict, app: Application, posting: Posting,
                   person: dict) -> None:
    chain = packs.find_chain(effective, packs.chain_of(program, "matching"))
    if chain is None:
        if not reach_of(user, tenant, MANAGE).covers(posting.unit_id, app.unit_id):
            raise forbidden("not_in_scope", "该申请或岗位不在您的管辖范围内", "This application or post is outside your scope")
        return
    tree = load_tree()
    context = tree.derive_context({"applicant_unit": app.unit.code, "service_unit": posting.unit.code})
    specs = chains.step_tasks({"chain": chain}, 0, {"person": person}, context)
    held = memberships_of(user.id, tenant.id)
    if not any(holders_cover(held, s.office, s.scope_kind, s.scope_code, tree) for s in specs):
        names = "、".join(sorted({s.office for s in specs}))
        raise forbidden("not_matching_office", f"本项目由 {names} 负责联系落实岗位（依申请人单位隶属）",
                        f"This program's matching is done by {names} (by the applicant unit's level)")


def taken(posting_id: int) -> int:
    """The posting's places taken: its agreements not rejected."""
    return taken_counts([posting_id])[posting_id]


def taken_counts(posting_ids: Iterable[int]) -> dict[int, int]:
    """{posting id: places taken} for many postings in one query (GROUP BY); 0 for one with none."""
    ids = set(posting_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Agreement.posting_id, func.count(Agreement.id)).where(
        Agreement.posting_id.in_(ids), Agreement.state != "rejected").group_by(Agreement.posting_id)).all()
    return {**dict.fromkeys(ids, 0), **{posting_id: n for posting_id, n in rows}}


def _locked_posting(posting_id: int) -> Posting:
    """The posting's row locked until the transaction ends, re-read after the lock: a concurrent match, the
    close of a rejected demand report or a resubmitted headcount (each writes the row) waits for this one's
    commit, or this waits for theirs and sees what they wrote. PostgreSQL: SELECT … FOR UPDATE. SQLite
    ignores FOR UPDATE, so a no-op UPDATE first takes its database write lock."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Posting).where(Posting.id == posting_id).values(headcount=Posting.headcount)
                           .execution_options(synchronize_session=False))
    return db.session.execute(select(Posting).options(joinedload(Posting.unit)).where(Posting.id == posting_id)
                              .with_for_update(of=Posting)
                              .execution_options(populate_existing=True)).unique().scalar_one()


def match(tenant: Tenant, user, application_id: int, posting_id: int, post_name: str | None = None) -> Agreement:
    """Draft the agreement of an approved application and a published posting; commits."""
    app = get_application(application_id)
    posting = get_posting(posting_id)
    if posting.program_id != app.program_id:
        raise invalid("/posting_id", "other_program", "该岗位不属于申请的项目", "The posting is for another program")
    if app.state != "approved":
        raise conflict("not_approved", "只有审批通过的申请可以匹配岗位", "Only an approved application can be matched")
    effective = packs.pinned(tenant, app)
    program = packs.program_of(effective, app.program_id)
    submission = submission_of(app)
    person = person_facts(app.person, app.unit, submission.form_def if submission else None,
                          submission.data if submission else None)
    _check_matcher(user, tenant, effective, program, app, posting, person)
    # Lock the posting, then judge it: concurrent matches to it queue here, so its state and places are read
    # one match at a time, after any close or resubmit that got there first (never matched once closed,
    # never overfilled). Everything below runs in this transaction, under this lock, up to the commit.
    posting = _locked_posting(posting.id)
    if posting.state == "closed":
        raise conflict("posting_closed", "该岗位需求已关闭，不能再匹配",
                       "The posting is closed; nothing more can be matched to it")
    if posting.state != "published":
        raise conflict("posting_not_published", "该岗位需求尚未发布，不能匹配", "The posting is not published yet; it cannot be matched")
    if taken(posting.id) >= posting.headcount:
        raise conflict("posting_full", "该岗位需求人数已满，不能再匹配", "The posting's places are all taken; nothing more can be matched to it")
    areas = Areas.load()
    facts = {"as_of": china_today().isoformat(), "person": person,
             "placement": service_facts(effective, posting.unit, areas)}
    decision, verdict = decide(effective, app.program_id, facts, subject_type=APPLICATION, subject_id=app.id,
                               stage="match", user=user)
    app.decision_id = decision.id
    if verdict.result is False:
        db.session.commit()
        raise ineligible(verdict, decision.id)
    names = [p.get("post_name") for p in posting.posts or [] if isinstance(p, dict) and p.get("post_name")]
    post = post_name or (names[0] if names else "")
    duties = next((p.get("duties") or "" for p in posting.posts or [] if isinstance(p, dict)
                   and p.get("post_name") == post), "")
    agreement = db.session.execute(select(Agreement).where(Agreement.application_id == app.id)).scalar_one_or_none()
    if agreement is None:
        agreement = Agreement(application_id=app.id)
        db.session.add(agreement)
    elif agreement.state != "rejected":
        raise conflict("already_matched", "该申请已匹配岗位", "The application is already matched")
    agreement.posting_id, agreement.post_name, agreement.duties = posting.id, post[:200], duties
    agreement.service_unit_id, agreement.service_area_id = posting.unit_id, posting.unit.area_id
    agreement.state, agreement.matched_by, agreement.chain_instance_id = "drafted", user.id, None
    agreement.start_date = agreement.end_date = None
    agreement.submission_id, agreement.signed_by, agreement.signed_at, agreement.form_data = None, None, None, {}
    try:
        db.session.flush()
    except IntegrityError:  # matched at the same moment by someone else (one agreement per application)
        db.session.rollback()
        raise conflict("already_matched", "该申请已匹配岗位", "The application is already matched") from None
    move(app, "approved", "matched", service_unit_id=posting.unit_id)
    if submission is not None:  # the form's copy for the service county's HR bureau (一式五份) now reaches it
        submission.scope = {**(submission.scope or {}), "service_unit": posting.unit.code}
    record("placement.match", target_type="agreements", target_id=agreement.id,
           after={"application": app.id, "posting": posting.id, "service_unit": posting.unit.code, "post": post})
    db.session.commit()
    return agreement
