"""Applications (Lijiang 第四条): the program's application form filled by the professional (own login) or
by an HR officer for them, the applicant found or registered in the people register by resident ID, an
eligibility decision under the pinned pack, then the program's application chain.

Decided here:
- An application pins the pack version in force when it is opened (draft); every later step reads it.
- Submitting refuses (422, code `ineligible`) when a rule on the applicant's own facts already fails
  (第二条: title, licence, unit level): the reasons with their cites come back, the decision is stored
  (so an appeal can replay it) and the application stays a draft to correct. Rules on facts not known
  before matching (the service unit's type, a recognition) stay open and do not refuse (eligibility.py).
- A program without an application chain is approved on submission: its eligibility is the only gate.
- A returned application is edited and resubmitted by whoever submitted it (workflow.resubmit).
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.errors import UserError
from grassroots.forms import sensitive
from grassroots.forms.models import FormSubmission
from grassroots.forms.services import check as check_form
from grassroots.forms.services import resubmit as resubmit_form
from grassroots.forms.services import submit as submit_form
from grassroots.identity.models import Person
from grassroots.packs.effective import Effective
from grassroots.packs.versions import china_today
from grassroots.placement import program as packs
from grassroots.placement.access import may_read_case, reach_of
from grassroots.placement.applicants import applicant_unit, prefilled, resolve_person, role_of
from grassroots.placement.decisions import decide
from grassroots.placement.eligibility import StageVerdict
from grassroots.placement.errors import conflict, forbidden, invalid, invalid_many, not_found, prefixed
from grassroots.placement.facts import person_facts
from grassroots.placement.models import Application
from grassroots.placement.uploads import rewind, rewindable
from grassroots.tenancy.models import Tenant
from grassroots.workflow.engine import resubmit as resubmit_chain
from grassroots.workflow.engine import start_chain

SUBJECT = "placement_application"
CHAIN_STATES = {"approved": "approved", "rejected": "rejected", "returned": "returned", "withdrawn": "withdrawn"}


# --- Loading and reading ---------------------------------------------------------------------------------


def get_application(application_id: int) -> Application:
    """One application of the current tenant (404 exactly like a missing one otherwise)."""
    found = db.session.execute(
        select(Application).options(joinedload(Application.person), joinedload(Application.unit),
                                    joinedload(Application.service_unit), joinedload(Application.decision))
        .where(Application.id == application_id, Application.tenant_id == current_tenant_id())
    ).unique().scalar_one_or_none()
    if found is None:
        raise not_found("没有该申请", "No such application")
    return found


def may_read(user, tenant: Tenant, app: Application) -> bool:
    return may_read_case(user, tenant, applicant_user_id=app.applicant_user_id, submitted_by=app.submitted_by,
                         unit_ids=(app.unit_id, app.service_unit_id))


def readable(user, tenant: Tenant, app: Application) -> Application:
    if not may_read(user, tenant, app):
        raise forbidden("not_a_reader", "您无权查看该申请", "You may not view this application")
    return app


PER_PAGE = 50  # a list page's rows; the next page is known by fetching one more (no COUNT query)
MAX_PAGE = 10_000


def _reachable(query, user, tenant: Tenant, state: str | None = None, program: str | None = None):
    reach = reach_of(user, tenant, reading=True)
    if not reach.everywhere:
        units = reach.unit_ids or {-1}
        query = query.where(or_(Application.applicant_user_id == user.id, Application.submitted_by == user.id,
                                Application.unit_id.in_(units), Application.service_unit_id.in_(units)))
    if state:
        query = query.where(Application.state == state)
    if program:
        query = query.where(Application.program_id == program)
    return query


def count_applications(user, tenant: Tenant, states: tuple[str, ...]) -> dict[str, int]:
    """How many applications in each of `states` the user reaches (the tenant home's cards): one query."""
    query = _reachable(select(Application.state, func.count(Application.id)), user, tenant).where(
        Application.state.in_(states)).group_by(Application.state)
    return {state: count for state, count in db.session.execute(query).all()}


def list_applications(user, tenant: Tenant, *, state: str | None = None, program: str | None = None, page: int = 1,
                      per_page: int | None = None) -> tuple[list[Application], bool]:
    """One page of the applications the user reaches (own, filed by them, or within their offices' scope),
    newest first, and whether another follows.

    One query with the applicant, units and decision joined, plus the scope lookup (at most three)."""
    query = _reachable(select(Application).options(
        joinedload(Application.person), joinedload(Application.unit), joinedload(Application.service_unit),
        joinedload(Application.decision)).order_by(Application.id.desc()), user, tenant, state, program)
    page, per_page = min(max(page, 1), MAX_PAGE), per_page or PER_PAGE
    rows = list(db.session.execute(query.limit(per_page + 1).offset((page - 1) * per_page)).unique().scalars())
    return rows[:per_page], len(rows) > per_page


def submission_of(app: Application) -> FormSubmission | None:
    if app.submission_id is None:
        return None
    return db.session.execute(select(FormSubmission).where(FormSubmission.id == app.submission_id)).scalar_one_or_none()


def editable_submission(app: Application, user) -> FormSubmission:
    """The form of a draft or returned application, for whoever filed it (403 / 409 otherwise)."""
    _own(app, user)
    if app.state not in ("draft", "returned"):
        raise conflict("not_editable", "只有草稿或退回修改的申请可以修改", "Only a draft or returned application can be edited")
    submission = submission_of(app)
    if submission is None:
        raise conflict("no_form", "该申请没有可修改的申请表", "This application has no form to edit")
    return submission


# --- Creating, editing, submitting ----------------------------------------------------------------------


def create(tenant: Tenant, user, program_id: str, data: dict, files: Any = None, unit_code: str | None = None,
           *, submit: bool = False) -> Application:
    """A draft application (or, with `submit`, a submitted one) under the pack in force; commits."""
    role = role_of(user, tenant)
    effective = packs.current(tenant)
    program = packs.program_of(effective, program_id)
    form = packs.form_of(effective, program, "application")
    if form is None:
        raise invalid("/program", "no_application_form", "该项目没有申请表", "This program has no application form")
    unit = applicant_unit(user, tenant, role, unit_code)
    data, errors = prefilled(form, data, unit)
    if errors:
        raise invalid_many(errors)
    files = rewindable(files)
    if submit:
        _check(form, data, files)
    person = resolve_person(user, role, form, data, unit)
    app = Application(program_id=program["id"], pack_version_id=effective.version_id,
                      ancestors=list(effective.ancestors), person_id=person.id if person else None,
                      applicant_user_id=user.id if role == "self" else (person.user_id if person else None),
                      submitted_by=user.id, unit_id=unit.id, state="draft")
    db.session.add(app)
    db.session.flush()
    try:
        submission = submit_form(form, data, rewind(files), effective.version_id, SUBJECT, app.id, user,
                                 scope={"applicant_unit": unit.code}, status="draft")
    except UserError as exc:
        raise invalid_many(prefixed(exc.errors, "/data"), exc.message["zh"], exc.message["en"]) from None
    app.submission_id = submission.id
    db.session.flush()
    if submit:
        return submit_application(tenant, app, user)
    db.session.commit()
    return app


def _check(form: dict, data: dict, files: dict, present: frozenset[str] = frozenset()) -> None:
    errors, _ = check_form(form, data, rewind(files), present)
    rewind(files)
    if errors:
        raise invalid_many(_as_body_paths(errors), "申请表填写有误，请按提示修改", "The form has errors; please correct them")


def _as_body_paths(errors: list[dict]) -> list[dict]:
    return [e if str(e.get("path", "")).startswith("/attachments/") else {**e, "path": "/data" + (e.get("path") or "")}
            for e in errors]


def _own(app: Application, user) -> None:
    if app.submitted_by != user.id:
        raise forbidden("not_submitter", "只有填报人可以修改或提交该申请", "Only whoever filed this application can do this")


def _current_data(app: Application, submission: FormSubmission, data: dict | None) -> dict:
    """The data to use: the new data, or the stored; masked numbers left as shown mean "unchanged"."""
    schema = (submission.form_def or {}).get("schema") or {}
    new = copy.deepcopy(submission.data if data is None else data)
    return sensitive.restore_unchanged(schema, new, submission.data or {}, submission.sealed or {}, submission.tenant_id)


def update_draft(tenant: Tenant, app: Application, user, data: dict | None, files: Any = None) -> Application:
    """New data and/or files for a draft (or returned) application, by whoever filed it; commits."""
    submission = editable_submission(app, user)
    form = submission.form_def or {}
    data, errors = prefilled(form, _current_data(app, submission, data), app.unit)
    if errors:
        raise invalid_many(errors)
    if app.person_id is None:
        person = resolve_person(user, role_of(user, tenant), form, data, app.unit)
        if person is not None:
            app.person_id = person.id
            app.applicant_user_id = app.applicant_user_id or person.user_id
    status = "draft" if app.state == "draft" else "submitted"
    try:
        resubmit_form(submission, data, rewindable(files), user, status=status)
    except UserError as exc:
        if exc.status != 422:
            raise
        raise invalid_many(_as_body_paths(exc.errors), exc.message["zh"], exc.message["en"]) from None
    db.session.commit()
    return app


def _facts(app: Application, form: dict, data: dict, person: Person | None) -> dict:
    return {"as_of": china_today().isoformat(), "person": person_facts(person, app.unit, form, data)}


def _judge(tenant: Tenant, effective: Effective, app: Application, facts: dict, user) -> StageVerdict:
    """Store the decision; refuse (422 `ineligible`, the decision committed) when a decided rule fails."""
    record, verdict = decide(effective, app.program_id, facts, subject_type=SUBJECT, subject_id=app.id,
                             stage="application", user=user)
    app.decision_id = record.id
    if verdict.result is False:
        db.session.commit()
        raise ineligible(verdict, record.id)
    return verdict


def ineligible(verdict: StageVerdict, decision_id: int) -> UserError:
    errors = [{"path": f"/eligibility/{r['rule']}", "code": "ineligible", "message": r["message"], "cite": r["cite"],
               "decision_id": decision_id} for r in verdict.blocking]
    error = UserError(422, "ineligible", {"zh": "不符合申请条件（见各项理由及所依据的条款）",
                                          "en": "Not eligible (see each reason and the article it rests on)"}, errors)
    error.decision_id = decision_id  # type: ignore[attr-defined]
    return error


def _chain_facts(facts: dict) -> dict:
    return {"person": dict(facts.get("person") or {})}


def submit_application(tenant: Tenant, app: Application, user, data: dict | None = None, files: Any = None) -> Application:
    """draft → submitted (or approved without a chain): full validation, identity, eligibility, chain. Commits."""
    _own(app, user)
    if app.state != "draft":
        raise conflict("not_draft", "只有草稿可以提交", "Only a draft can be submitted")
    effective = packs.pinned(tenant, app)
    program = packs.program_of(effective, app.program_id)
    submission = editable_submission(app, user)
    form = submission.form_def or {}
    data, errors = prefilled(form, _current_data(app, submission, data), app.unit)
    if errors:
        raise invalid_many(errors)
    files = rewindable(files)
    _check(form, data, files, frozenset(a.attachment_id for a in submission.attachments))
    person = db.session.get(Person, app.person_id) if app.person_id else None
    if person is None:
        person = resolve_person(user, role_of(user, tenant), form, data, app.unit)
        app.person_id = person.id if person else None
        app.applicant_user_id = app.applicant_user_id or (person.user_id if person else None)
    facts = _facts(app, form, data, person)
    _judge(tenant, effective, app, facts, user)
    resubmit_form(submission, data, rewind(files), user, status="submitted")
    chain = packs.chain_of(program, "application")
    now = utcnow()
    if chain is None:
        move(app, "draft", "approved", submitted_at=now, decided_at=now)
    else:
        instance = start_chain(chain, app.pack_version_id, SUBJECT, app.id, user.id, _chain_facts(facts),
                               {"applicant_unit": app.unit.code}, pack=effective)
        move(app, "draft", "submitted", submitted_at=now, chain_instance_id=instance.id)
    db.session.commit()
    return app


def resubmit_application(tenant: Tenant, app: Application, user, data: dict | None = None, files: Any = None) -> Application:
    """returned → submitted: the corrected form, a new decision, the chain from its first step. Commits."""
    _own(app, user)
    if app.state != "returned":
        raise conflict("not_returned", "只有退回修改的申请可以重新提交", "Only a returned application can be resubmitted")
    effective = packs.pinned(tenant, app)
    submission = editable_submission(app, user)
    form = submission.form_def or {}
    data, errors = prefilled(form, _current_data(app, submission, data), app.unit)
    if errors:
        raise invalid_many(errors)
    files = rewindable(files)
    _check(form, data, files, frozenset(a.attachment_id for a in submission.attachments))
    person = db.session.get(Person, app.person_id) if app.person_id else None
    facts = _facts(app, form, data, person)
    _judge(tenant, effective, app, facts, user)
    resubmit_form(submission, data, rewind(files), user, status="submitted")
    resubmit_chain(app.chain_instance_id, user, _chain_facts(facts), {"applicant_unit": app.unit.code}, commit=False)
    move(app, "returned", "submitted", submitted_at=utcnow())
    db.session.commit()
    return app


def move(app: Application, expected: str | tuple[str, ...], to: str, **values: Any) -> None:
    """One conditional UPDATE (SECURITY.md): 409 when the application is no longer in `expected`."""
    expected = (expected,) if isinstance(expected, str) else expected
    moved = db.session.execute(update(Application).where(
        Application.id == app.id, Application.tenant_id == current_tenant_id(), Application.state.in_(expected))
        .values(state=to, **values).returning(Application.id).execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if moved is None:
        raise conflict("state_changed", "申请状态已变化，请刷新", "The application changed state; reload")
    db.session.refresh(app, ["state", *values])


# --- The chain's word -----------------------------------------------------------------------------------


def on_chain_complete(instance) -> None:
    """workflow completion hook: the application follows its chain (rejected stays rejected)."""
    to = CHAIN_STATES.get(instance.state)
    if to is None:
        return
    app = db.session.execute(select(Application).where(Application.id == instance.subject_id)).scalar_one_or_none()
    if app is None or app.chain_instance_id != instance.id:
        return
    values: dict[str, Any] = {"decided_at": utcnow()} if to in ("approved", "rejected") else {}
    move(app, "submitted", to, **values)


def subject_url(application_id: int) -> str | None:
    from flask import url_for

    return url_for("placement.application", application_id=application_id)
