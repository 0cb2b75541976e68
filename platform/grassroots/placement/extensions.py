"""Extensions of service (Lijiang 第十一条: 服务期超过2年的，需提交《延期申请表》): a longer agreed term, through
the program's `extension` chain when it has one (without one it is granted on request: the pack names
nobody to decide it). Granted, it moves the placement's agreed end; from the third year the county HR
bureau then records a term-end appraisal every full year (placements.due_assessments).

Who asks: the professional (or whoever filed their application), or a `placement.manage` holder covering
the placement. One open request per placement at a time.

Returned for revision, a request is resubmitted by whoever made it (the chain's submitter, as for an
application: HR who asked on a professional's behalf resubmits it, not the professional), with a new
term, reason or form fields if given; the chain starts again from its first step (workflow.resubmit).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from grassroots.audit.log import acting_as, record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.errors import UserError
from grassroots.forms.models import FormSubmission
from grassroots.forms.services import resubmit as resubmit_form
from grassroots.forms.services import submit as submit_form
from grassroots.identity.models import Person
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.agreements import chain_facts, sealed_id_number
from grassroots.placement.errors import conflict, forbidden, invalid, invalid_many, not_found, prefixed
from grassroots.placement.models import Application, Extension, Placement
from grassroots.placement.placements import get_placement
from grassroots.policy.dates import anniversary
from grassroots.tenancy.models import Tenant, Unit
from grassroots.workflow.engine import resubmit as resubmit_chain
from grassroots.workflow.engine import start_chain

SUBJECT = "placement_extension"
MANAGE = frozenset({"placement.manage"})
OPEN = ("submitted", "returned")
CHAIN_STATES = {"approved": "approved", "rejected": "rejected", "returned": "returned", "withdrawn": "withdrawn"}


def new_end(previous_end, years: int):
    """The agreed last day moved by whole years (the day before the next anniversary of the day after)."""
    return anniversary(previous_end + timedelta(days=1), years) - timedelta(days=1)


def _form_values(form: dict, placement: Placement, app: Application, ext: dict, extra: dict | None) -> dict:
    props = (form.get("schema") or {}).get("properties") or {}
    person = db.session.get(Person, placement.person_id)
    original, service = db.session.get(Unit, placement.original_unit_id), db.session.get(Unit, placement.service_unit_id)
    known: dict[str, Any] = {
        "name": person.name if person else None, "id_number": sealed_id_number(person),
        "unit_name": original.name_zh if original else None, "service_unit": service.name_zh if service else None,
        "service_start": placement.start_date.isoformat(), "current_end": ext["previous_end_date"].isoformat(),
        "extension_years": ext["extension_years"], "new_end": ext["new_end_date"].isoformat(),
        "reason": ext["reason"] or None,
    }
    values = {k: v for k, v in known.items() if k in props and v not in (None, "")}
    values.update({k: v for k, v in (extra or {}).items() if k in props and k not in ("current_end", "new_end")})
    return values


def may_request(user, tenant: Tenant, placement: Placement, app: Application | None = None) -> bool:
    """The professional (or whoever filed for them), or a manager covering the service or original unit."""
    if app is None:
        app = db.session.execute(select(Application).where(Application.id == placement.application_id)).scalar_one()
    professional = user.id in ({app.applicant_user_id} if app.applicant_user_id else {app.submitted_by})
    return professional or reach_of(user, tenant, MANAGE).covers(placement.service_unit_id, placement.original_unit_id)


def request_extension(tenant: Tenant, user, placement_id: int, years: int, reason: str = "",
                      form: dict | None = None) -> Extension:
    """Ask for `years` more years of service; starts the extension chain (or grants it). Commits."""
    placement = get_placement(placement_id)
    app = db.session.execute(select(Application).where(Application.id == placement.application_id)).scalar_one()
    if not may_request(user, tenant, placement, app):
        raise forbidden("not_in_scope", "您不能为该服务申请延期", "You may not request an extension of this placement")
    if placement.state != "serving" or placement.planned_end_date is None:
        raise conflict("not_serving", "只有服务中且有约定截止日期的服务可以延期",
                       "Only a serving placement with an agreed end can be extended")
    if not isinstance(years, int) or years < 1:
        raise invalid("/extension_years", "minimum", "延长年限至少为 1 年", "Extend by at least one year")
    if db.session.execute(select(Extension.id).where(Extension.placement_id == placement.id,
                                                     Extension.state.in_(OPEN))).first() is not None:
        raise conflict("extension_open", "已有待审批的延期申请", "An extension request is already open")
    effective = packs.pinned(tenant, placement)
    program = packs.program_of(effective, placement.program_id)
    values = {"extension_years": years, "previous_end_date": placement.planned_end_date,
              "new_end_date": new_end(placement.planned_end_date, years), "reason": (reason or "").strip()[:2000]}
    ext = Extension(placement_id=placement.id, requested_by=user.id, state="submitted", **values)
    db.session.add(ext)
    db.session.flush()
    form_def = packs.form_of(effective, program, "extension")
    original, service = db.session.get(Unit, placement.original_unit_id), db.session.get(Unit, placement.service_unit_id)
    context = {"applicant_unit": original.code, "service_unit": service.code}
    if form_def is not None:
        try:
            submission = submit_form(form_def, _form_values(form_def, placement, app, values, form), {},
                                     placement.pack_version_id, SUBJECT, ext.id, user, scope=context)
        except UserError as exc:
            if exc.status != 422:
                raise
            raise invalid_many(prefixed(exc.errors, "/form"), "延期申请表填写有误", "The extension form has errors") from None
        ext.submission_id = submission.id
    chain = packs.chain_of(program, "extension")
    if chain is None:
        _grant(ext, placement)
    else:
        instance = start_chain(chain, placement.pack_version_id, SUBJECT, ext.id, user.id, chain_facts(app), context,
                               pack=effective)
        ext.chain_instance_id = instance.id
    db.session.flush()
    db.session.commit()
    return ext


def _context(placement: Placement) -> dict:
    original, service = db.session.get(Unit, placement.original_unit_id), db.session.get(Unit, placement.service_unit_id)
    return {"applicant_unit": original.code, "service_unit": service.code}


def resubmit_extension(tenant: Tenant, user, extension_id: int, years: int | None = None, reason: str | None = None,
                       form: dict | None = None) -> Extension:
    """returned → submitted, by whoever requested it; the chain again from its first step. Commits.

    `years`, `reason` and `form` (the extension form's own fields) replace what was asked, when given; the
    form is checked against the schema it was submitted with. 404 another tenant's, 403 anyone but the
    requester, 409 a request that is not returned (or moved meanwhile: two resubmits move it once), 422 a
    bad term or form; nothing is written unless everything passes."""
    ext = get_extension(extension_id)
    if ext.requested_by != user.id:
        raise forbidden("not_requester", "只有提出该延期申请的人可以修改并重新提交",
                        "Only whoever requested this extension can correct and resubmit it")
    if ext.state != "returned" or ext.chain_instance_id is None:
        raise conflict("not_returned", "只有退回修改的延期申请可以重新提交", "Only a returned extension request can be resubmitted")
    if years is not None and (isinstance(years, bool) or not isinstance(years, int) or years < 1):
        raise invalid("/extension_years", "minimum", "延长年限至少为 1 年", "Extend by at least one year")
    placement = get_placement(ext.placement_id)
    if placement.state != "serving" or placement.planned_end_date != ext.previous_end_date:
        raise conflict("placement_changed", "服务期已变化，延期申请不再适用", "The placement changed; the request no longer applies")
    submission = db.session.get(FormSubmission, ext.submission_id) if ext.submission_id else None
    if form and submission is None:
        raise invalid("/form", "no_form", "该延期申请没有延期申请表", "This extension request has no form")
    years = ext.extension_years if years is None else years
    values = {"extension_years": years, "previous_end_date": ext.previous_end_date,
              "new_end_date": new_end(ext.previous_end_date, years),
              "reason": ext.reason if reason is None else (reason or "").strip()[:2000]}
    before = {"state": "returned", "extension_years": ext.extension_years, "new_end_date": ext.new_end_date.isoformat()}
    app = db.session.execute(select(Application).where(Application.id == placement.application_id)).scalar_one()
    with acting_as(getattr(user, "username", None) or f"user:{user.id}", user.id):
        try:
            # The transition (SECURITY.md): one conditional UPDATE naming the state it expects and the requester.
            # It holds the row, so a second resubmit at the same moment waits, then finds nothing to move.
            moved = db.session.execute(update(Extension).where(
                Extension.id == ext.id, Extension.tenant_id == current_tenant_id(), Extension.state == "returned",
                Extension.requested_by == user.id).values(state="submitted", decided_at=None, **values)
                .returning(Extension.id).execution_options(synchronize_session=False)).scalar_one_or_none()
            if moved is None:
                raise conflict("state_changed", "延期申请状态已变化，请刷新", "The extension request changed state; reload")
            if submission is not None:
                form_def = submission.form_def or {}
                data = {**(submission.data or {}), **_form_values(form_def, placement, app, values, form)}
                try:
                    resubmit_form(submission, data, {}, user, status="submitted")
                except UserError as exc:
                    if exc.status != 422:
                        raise
                    raise invalid_many(prefixed(exc.errors, "/form"), "延期申请表填写有误", "The extension form has errors") from None
            resubmit_chain(ext.chain_instance_id, user, chain_facts(app), _context(placement), commit=False)
            record("placement.extension.resubmit", target_type="extensions", target_id=ext.id, before=before,
                   after={"state": "submitted", "extension_years": years,
                          "new_end_date": values["new_end_date"].isoformat(), "reason": values["reason"]})
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
    return get_extension(ext.id)


def _grant(ext: Extension, placement: Placement) -> None:
    """The agreed end moves, if it is still the one the request extended (a conditional UPDATE)."""
    moved = db.session.execute(update(Placement).where(
        Placement.id == placement.id, Placement.tenant_id == current_tenant_id(), Placement.state == "serving",
        Placement.planned_end_date == ext.previous_end_date).values(planned_end_date=ext.new_end_date)
        .returning(Placement.id).execution_options(synchronize_session=False)).scalar_one_or_none()
    if moved is None:
        raise conflict("placement_changed", "服务期已变化，延期申请不再适用", "The placement changed; the request no longer applies")
    ext.state, ext.decided_at = "approved", utcnow()
    record("placement.extension.granted", target_type="placements", target_id=placement.id,
           before={"planned_end_date": ext.previous_end_date.isoformat()},
           after={"planned_end_date": ext.new_end_date.isoformat(), "extension": ext.id})


def on_chain_complete(instance) -> None:
    ext = db.session.execute(select(Extension).where(Extension.id == instance.subject_id)).scalar_one_or_none()
    if ext is None or ext.chain_instance_id != instance.id:
        return
    to = CHAIN_STATES.get(instance.state)
    if to == "approved":
        placement = db.session.execute(select(Placement).where(Placement.id == ext.placement_id)).scalar_one()
        _grant(ext, placement)
    elif to is not None:
        db.session.execute(update(Extension).where(Extension.id == ext.id, Extension.tenant_id == current_tenant_id(),
                                                   Extension.state.in_(OPEN))
                           .values(state=to, decided_at=utcnow() if to != "returned" else None)
                           .execution_options(synchronize_session=False))
    db.session.flush()


def get_extension(extension_id: int) -> Extension:
    found = db.session.execute(select(Extension).where(Extension.id == extension_id,
                                                       Extension.tenant_id == current_tenant_id())).scalar_one_or_none()
    if found is None:
        raise not_found("没有该延期申请", "No such extension request")
    return found


def extensions_of(placement_ids: list[int]) -> dict[int, list[Extension]]:
    out: dict[int, list[Extension]] = {i: [] for i in placement_ids}
    if placement_ids:
        for row in db.session.execute(select(Extension).where(Extension.placement_id.in_(placement_ids))
                                      .order_by(Extension.id)).scalars():
            out[row.placement_id].append(row)
    return out


def subject_url(extension_id: int) -> str | None:
    from flask import url_for

    return url_for("placement.extension", extension_id=extension_id)
