"""The tripartite service agreement (Lijiang 第六条、第八条): terms, the parties' signatures, the placement.

The professional signs first, by submitting the agreement (its form, if the pack has one: the program's
`tripartite_agreement` form, else its `agreement` form); that starts the program's `agreement` chain,
whose steps are the other parties' signatures and filings (Lijiang: the service county's HR bureau
receives the applicant, the service unit signs, the city files, the original unit records the leave,
then the county HR bureau and the service unit co-sign in parallel). A pack without an agreement chain
gets the platform's default: the service county's `county_hr` and the `service_unit` co-sign in parallel
(when the pack declares both offices; otherwise the professional's signature completes the agreement).
Every signature is an act: the professional's is audited here, the others are chain acts (audited by the
workflow, with the step's cite). When the chain is approved the placement starts.

Who signs for the professional: the applicant's own login; for an applicant without one, whoever filed
the application for them (who then records the paper signature).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from grassroots.audit.log import record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.errors import UserError
from grassroots.forms import sensitive
from grassroots.forms.models import FormSubmission
from grassroots.forms.services import resubmit as resubmit_form
from grassroots.forms.services import submit as submit_form
from grassroots.identity import crypto
from grassroots.identity.models import Person
from grassroots.packs.effective import Effective
from grassroots.packs.versions import china_today
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.applications import get_application
from grassroots.placement.applications import move as move_application
from grassroots.placement.errors import conflict, forbidden, invalid, invalid_many, not_found, prefixed
from grassroots.placement.facts import person_facts
from grassroots.placement.models import Agreement, Application
from grassroots.placement.orgs import Areas
from grassroots.placement.placements import start_placement
from grassroots.policy.dates import full_years
from grassroots.tenancy.models import Tenant, Unit
from grassroots.workflow.engine import resubmit as resubmit_chain
from grassroots.workflow.engine import start_chain
from grassroots.workflow.models import ChainTask
from grassroots.workflow.transitions import act, may_act

SUBJECT = "placement_agreement"
MANAGE = frozenset({"placement.manage"})
DEFAULT_PARTIES = ("county_hr", "service_unit")


def get_agreement(agreement_id: int) -> Agreement:
    found = db.session.execute(select(Agreement).where(Agreement.id == agreement_id,
                                                       Agreement.tenant_id == current_tenant_id())).scalar_one_or_none()
    if found is None:
        raise not_found("没有该服务协议", "No such agreement")
    return found


def agreement_of(application_id: int) -> Agreement | None:
    return db.session.execute(select(Agreement).where(Agreement.application_id == application_id)).scalar_one_or_none()


def professional_signers(app: Application) -> set[int]:
    return {app.applicant_user_id} if app.applicant_user_id else {app.submitted_by}


def may_edit(user, tenant: Tenant, agreement: Agreement, app: Application) -> bool:
    return user.id in professional_signers(app) or reach_of(user, tenant, MANAGE).covers(agreement.service_unit_id,
                                                                                        app.unit_id)


def agreement_form(effective: Effective, program: dict) -> dict | None:
    return packs.form_of(effective, program, "tripartite_agreement", "agreement")


def default_chain(effective: Effective, program: dict) -> dict | None:
    """The platform's tripartite signing for packs without an agreement chain (see the module docstring)."""
    offices = set(packs.office_names(effective))
    if not set(DEFAULT_PARTIES) <= offices:
        return None
    cite = program.get("cite")
    return {"id": "tripartite_signing", "name": {"zh": "签订三方服务协议", "en": "Tripartite agreement"}, "cite": cite,
            "steps": [{"id": "tripartite", "name": {"zh": "服务地县级人社部门与服务单位会签", "en": "County HR and service unit sign"},
                       "kind": "parallel", "cite": cite, "steps": [
                           {"id": "county_hr_signs", "name": {"zh": "服务地县级人社部门签署", "en": "Service county HR signs"},
                            "kind": "approve", "office": "county_hr", "scope": "service_county", "cite": cite},
                           {"id": "service_unit_signs", "name": {"zh": "服务单位签署", "en": "Service unit signs"},
                            "kind": "approve", "office": "service_unit", "scope": "service_unit", "cite": cite}]}]}


def update_terms(tenant: Tenant, user, agreement: Agreement, values: dict[str, Any]) -> Agreement:
    """Dates, duties, full-time, professional post, the form's other fields; while drafted or returned."""
    app = get_application(agreement.application_id)
    if not may_edit(user, tenant, agreement, app):
        raise forbidden("not_a_party", "您不是该协议的当事方或管理部门", "You are not a party to this agreement")
    if agreement.state not in ("drafted", "returned"):
        raise conflict("not_editable", "协议已提交签署，不能修改", "The agreement is being signed and cannot change")
    start, end = values.get("start_date", agreement.start_date), values.get("end_date", agreement.end_date)
    if start and end and end < start:
        raise invalid("/end_date", "before_start", "服务截止日期不能早于起始日期", "The end cannot be before the start")
    for key in ("start_date", "end_date", "duties", "full_time", "professional_post", "post_name"):
        if key in values and values[key] is not None:
            setattr(agreement, key, values[key])
    if isinstance(values.get("form"), dict):
        agreement.form_data = dict(values["form"])
    db.session.commit()
    return agreement


def sealed_id_number(person: Person | None) -> str | None:
    """The applicant's number for an agreement form that asks for it: copied sealed to sealed, never shown."""
    if person is None:
        return None
    try:
        return crypto.decrypt(person.id_cipher, person.tenant_id)
    except crypto.IdKeyError:
        return None


def form_values(form: dict, agreement: Agreement, app: Application) -> dict:
    """The form filled from the agreement, the applicant and the units; `form_data` adds the rest."""
    props = (form.get("schema") or {}).get("properties") or {}
    person = db.session.get(Person, app.person_id) if app.person_id else None
    unit = db.session.get(Unit, agreement.service_unit_id)
    parent = db.session.get(Unit, unit.parent_id) if unit and unit.parent_id else None
    county = Areas.load().county_of(unit.area_id) if unit else None
    start, end = agreement.start_date, agreement.end_date
    known: dict[str, Any] = {
        "applicant_name": person.name if person else None, "professional": person.name if person else None,
        "service_unit": unit.name_zh if unit else None, "service_unit_supervisor": parent.name_zh if parent else None,
        "service_county": county.name_zh if county else None,
        "county_hr": f"{county.name_zh}人力资源和社会保障局" if county else None,
        "post": agreement.post_name or None, "post_duties": agreement.duties or None,
        "term_years": full_years(start, end) if start and end else None, "signed_on": china_today().isoformat(),
    }
    values = {k: v for k, v in known.items() if k in props and v not in (None, "")}
    values.update({k: v for k, v in (agreement.form_data or {}).items() if k in props})
    for key, prop in props.items():
        fact = prop.get("x-fact") if isinstance(prop, dict) else None
        if fact == "placement.start_date" and start:
            values[key] = start.isoformat()
        elif fact == "placement.end_date" and end:
            values[key] = end.isoformat()
        elif sensitive.is_resident_id(key, prop) and key not in values:
            number = sealed_id_number(person)
            if number:
                values[key] = number
    return values


def chain_facts(app: Application) -> dict:
    """What a chain may route by: the applicant's person facts as submitted."""
    submission = db.session.get(FormSubmission, app.submission_id) if app.submission_id else None
    person = db.session.get(Person, app.person_id) if app.person_id else None
    unit = db.session.get(Unit, app.unit_id)
    return {"person": person_facts(person, unit, submission.form_def if submission else None,
                                   submission.data if submission else None)}


def _context(app: Application, agreement: Agreement) -> dict:
    original = db.session.get(Unit, app.unit_id)
    service = db.session.get(Unit, agreement.service_unit_id)
    return {"applicant_unit": original.code, "service_unit": service.code}


def _move(agreement: Agreement, expected: tuple[str, ...], to: str, **values: Any) -> None:
    moved = db.session.execute(update(Agreement).where(
        Agreement.id == agreement.id, Agreement.tenant_id == current_tenant_id(), Agreement.state.in_(expected))
        .values(state=to, **values).returning(Agreement.id).execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if moved is None:
        raise conflict("state_changed", "协议状态已变化，请刷新", "The agreement changed state; reload")
    db.session.refresh(agreement, ["state", *values])


def _sign_as_professional(tenant: Tenant, user, agreement: Agreement, app: Application) -> dict:
    if agreement.state not in ("drafted", "returned"):
        raise conflict("not_awaiting_signature", "协议不在待签署状态", "The agreement is not awaiting this signature")
    missing = [k for k in ("start_date", "end_date") if getattr(agreement, k) is None]
    if missing:
        raise invalid_many([{"path": f"/{k}", "code": "required", "message": {"zh": "请先填写服务起止日期",
                                                                              "en": "Set the service dates first"}}
                            for k in missing])
    effective = packs.pinned(tenant, app)
    program = packs.program_of(effective, app.program_id)
    form = agreement_form(effective, program)
    if form is not None:
        data = form_values(form, agreement, app)
        try:
            if agreement.submission_id is None:
                submission = submit_form(form, data, {}, app.pack_version_id, SUBJECT, agreement.id, user,
                                         scope=_context(app, agreement))
                agreement.submission_id = submission.id
            else:
                submission = db.session.get(FormSubmission, agreement.submission_id)
                resubmit_form(submission, data, {}, user)
        except UserError as exc:
            if exc.status != 422:
                raise
            raise invalid_many(prefixed(exc.errors, "/form"), "协议表填写有误", "The agreement form has errors") from None
    chain = packs.find_chain(effective, packs.chain_of(program, "agreement")) or default_chain(effective, program)
    facts = chain_facts(app)
    previous = agreement.state
    _move(agreement, ("drafted", "returned"), "signing", signed_by=user.id, signed_at=utcnow())
    record("placement.agreement.sign", target_type="agreements", target_id=agreement.id,
           after={"party": "professional", "application": app.id})
    if chain is None:
        _complete(agreement, app)
    elif previous == "returned" and agreement.chain_instance_id:
        resubmit_chain(agreement.chain_instance_id, user, facts, _context(app, agreement), commit=False)
    else:
        instance = start_chain(chain, app.pack_version_id, SUBJECT, agreement.id, user.id, facts,
                               _context(app, agreement), pack=effective)
        agreement.chain_instance_id = instance.id
    db.session.commit()
    return {"party": "professional", "state": agreement.state}


def pending_for(agreement: Agreement, user) -> list[ChainTask]:
    """The agreement chain's open tasks `user` may act on (their signature or filing), step order."""
    if agreement.chain_instance_id is None:
        return []
    tasks = db.session.execute(select(ChainTask).where(ChainTask.instance_id == agreement.chain_instance_id,
                                                       ChainTask.state == "pending").order_by(ChainTask.step_index,
                                                                                              ChainTask.id)).scalars()
    return [t for t in tasks if may_act(t, user.id)]


def sign(tenant: Tenant, user, agreement: Agreement) -> dict:
    """Sign as the party one is: the professional (starts the signing), else one's open step of its chain."""
    app = get_application(agreement.application_id)
    if user.id in professional_signers(app):
        return _sign_as_professional(tenant, user, agreement, app)
    if agreement.state != "signing":
        raise conflict("not_signing", "协议尚未由服务人员签署提交", "The professional has not signed the agreement yet")
    tasks = pending_for(agreement, user)
    if not tasks:
        raise forbidden("nothing_to_sign", "您在该协议中没有待签署或备案的步骤", "Nothing in this agreement awaits your signature")
    task = tasks[0]
    outcome = "file" if task.kind == "file" else "approve"
    record("placement.agreement.sign", target_type="agreements", target_id=agreement.id,
           after={"party": task.office, "step": task.step_id, "task": task.id})
    result = act(task.id, user, outcome)
    db.session.refresh(agreement, ["state"])
    return {"party": task.office, "step": task.step_id, "outcome": outcome, "chain_state": result.instance.state,
            "state": agreement.state}


def _complete(agreement: Agreement, app: Application) -> None:
    """Every party has signed: the placement starts (inside the current transaction)."""
    _move(agreement, ("signing",), "signed", completed_at=utcnow())
    move_application(app, "matched", "placed")
    start_placement(agreement, app, agreement.signed_by or app.submitted_by)


def on_chain_complete(instance) -> None:
    """workflow completion hook of the agreement chain."""
    agreement = db.session.execute(select(Agreement).where(Agreement.id == instance.subject_id)).scalar_one_or_none()
    if agreement is None or agreement.chain_instance_id != instance.id:
        return
    app = db.session.execute(select(Application).where(Application.id == agreement.application_id)).scalar_one()
    if instance.state == "approved":
        _complete(agreement, app)
    elif instance.state == "returned":
        _move(agreement, ("signing",), "returned")
    elif instance.state in ("rejected", "withdrawn"):
        _move(agreement, ("signing",), "rejected")
        move_application(app, "matched", "approved", service_unit_id=None)


def subject_url(agreement_id: int) -> str | None:
    from flask import url_for

    return url_for("placement.agreement", agreement_id=agreement_id)
