"""Pages of applications: the pack's form with zh labels and uploads, the record with its decisions, the
edit-and-resubmit form after a return, the match."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.forms.parsing import parse_form
from grassroots.forms.rendering import form_view, macro, render, upload_limit
from grassroots.forms.uploads import files_from_request
from grassroots.i18n import t, tr
from grassroots.placement import agreements, applicants, applications, matching, placements, postings
from grassroots.placement import program as packs
from grassroots.placement.decisions import decisions_for
from grassroots.placement.errors import forbidden
from grassroots.placement.models.applications import APPLICATION_STATES
from grassroots.placement.present import agreement_dict, application_dict, decision_view, posting_dict
from grassroots.placement.returns import rejected_step, returned_step
from grassroots.placement.views.common import (
    VIEW,
    field_errors,
    list_args,
    page,
    problems,
    program_choice,
    programs_in_force,
    state_choices,
    units_in_reach,
    user,
)
from grassroots.tenancy.access import can, requires


@requires(VIEW)
def applications_page():
    state, number = list_args(APPLICATION_STATES)
    rows, has_next = applications.list_applications(user(), g.tenant, state=state, page=number)
    return page("applications.html", applications=[application_dict(a) for a in rows],
                 may_apply=can("application.create") or can("placement.manage"),
                 filter_state=state, states=state_choices(APPLICATION_STATES), page_no=number, has_next=has_next)


def _application_form(program: dict | None) -> dict | None:
    return packs.form_of(packs.current(g.tenant), program, "application") if program else None


def _locked(form: dict, chosen_above: bool) -> dict[str, dict]:
    """The unit's name and level: shown from the register, filled by the server, never typed."""
    hint = ({"zh": "按上方所选单位的登记信息填写", "en": "As registered for the unit chosen above"} if chosen_above
            else {"zh": "按单位登记填写", "en": "As registered for the unit"})
    return {"/" + key: hint for key in applicants.unit_fields(form)}


@requires(VIEW)
def application_new():
    programs = programs_in_force()
    program = program_choice(programs)
    form = _application_form(program)
    officer = not can("application.create")
    if not (can("application.create") or can("placement.manage")):
        raise forbidden("cannot_apply", "您没有提交申请的权限", "You may not file applications")
    values, errors, status = {}, [], 200
    role = "officer" if officer else "self"
    # The applicant's unit: the officer chooses among the units in their reach; a professional with several
    # units of their own among those (with one, it is theirs). The locked unit fields follow the choice.
    units = units_in_reach(frozenset({"placement.manage"})) if officer else applicants.own_units(user(), g.tenant)
    choose_unit = officer or len(units) > 1
    asked = request.form if request.method == "POST" else request.args  # the posted choice over the page's URL
    chosen_unit = (asked.get("unit_code") or "") if choose_unit else ""
    if request.method == "GET" and form is not None:
        values = applicants.shown_values(user(), g.tenant, role, form, {}, chosen_unit or None, opening=True)
    if request.method == "POST" and form is not None:
        request.max_content_length = upload_limit(form)
        values = parse_form(form, request.form)
        files = files_from_request(form, request.files)
        try:
            app = applications.create(g.tenant, user(), program["id"], values, files, chosen_unit or None,
                                      submit=True)
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = field_errors(problems(exc), "/data"), exc.status
            values = {k: v for k, v in values.items() if k != "id_number"}  # never echoed back
            values = applicants.shown_values(user(), g.tenant, role, form, values, chosen_unit or None)
        else:
            flash(t("申请已提交。", "Application submitted."), "success")
            return redirect(url_for("placement.application", application_id=app.id), 303)
    fields = render(form, values, errors, locked=_locked(form, choose_unit)) if form else None
    return page("application_new.html", programs=programs, program=program, form=form, fields=fields,
                 errors=errors, officer=officer, units=units if choose_unit else [], choose_unit=choose_unit,
                 chosen_unit=chosen_unit), status


def _application_context(app) -> dict:
    effective = packs.pinned(g.tenant, app)
    sources = packs.sources(effective)
    agreement = agreements.agreement_of(app.id)
    placement_id = db.session.execute(db.select(placements.Placement.id).where(
        placements.Placement.application_id == app.id)).scalar_one_or_none()
    open_postings = []
    if app.state == "approved" and can("placement.manage"):
        rows = postings.list_postings(user(), g.tenant, state="published", program=app.program_id)
        taken = matching.taken_counts(p.id for p in rows)  # one query, whatever the number of postings
        open_postings = [posting_dict(p, taken[p.id]) for p in rows]
    return {"app": application_dict(app, sources), "program": packs.program_of(effective, app.program_id),
            "decisions": [decision_view(d, effective) for d in decisions_for(applications.SUBJECT, [app.id])],
            "agreement": agreement_dict(agreement) if agreement else None, "placement_id": placement_id,
            "may_edit": app.submitted_by == user().id and app.state in ("draft", "returned"),
            "open_postings": open_postings, "offices": packs.office_names(effective),
            "returned": returned_step(app.chain_instance_id) if app.state == "returned" else None,
            "rejected": rejected_step(app.chain_instance_id) if app.state == "rejected" else None}


@requires(VIEW)
def application_page(application_id: int):
    app = applications.readable(user(), g.tenant, applications.get_application(application_id))
    return page("application.html", **_application_context(app))


@requires(VIEW)
def application_edit(application_id: int):
    app = applications.readable(user(), g.tenant, applications.get_application(application_id))
    try:
        submission = applications.editable_submission(app, user())
    except UserError as exc:
        if exc.status != 409:
            raise
        flash(tr(exc.message), "error")
        return redirect(url_for("placement.application", application_id=app.id), 303)
    form = submission.form_def or {}
    values, errors, status = dict(submission.data or {}), [], 200
    if request.method == "POST":
        request.max_content_length = upload_limit(form)
        values = parse_form(form, request.form)
        files = files_from_request(form, request.files)
        try:
            if app.state == "returned":
                applications.resubmit_application(g.tenant, app, user(), values, files)
            else:
                applications.submit_application(g.tenant, app, user(), values, files)
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = field_errors(problems(exc), "/data"), exc.status
        else:
            flash(t("申请已提交。", "Application submitted."), "success")
            return redirect(url_for("placement.application", application_id=app.id), 303)
    existing = {a.attachment_id: a for a in submission.attachments}
    values = applicants.with_unit(form, values, app.unit)  # what the server stores on submitting
    fields = macro("form_body")(form_view(form, values, errors, existing=existing, locked=_locked(form, False)))
    return page("application_edit.html", app=application_dict(app), form=form, fields=fields, errors=errors), status


@requires("placement.manage")
def application_match(application_id: int):
    applications.get_application(application_id)  # another tenant's id: 404 like a missing one, before anything
    posting_id = request.form.get("posting_id", "")
    try:
        agreement = matching.match(g.tenant, user(), application_id, int(posting_id) if posting_id.isdigit() else 0,
                                   request.form.get("post_name") or None)
    except UserError as exc:
        if exc.status not in (403, 404, 409, 422):
            raise
        db.session.rollback()
        flash(tr(exc.message) + "".join(f"；{tr(e['message'])}" for e in exc.errors), "error")
        return redirect(url_for("placement.application", application_id=application_id), 303)
    flash(t("已匹配岗位，服务协议待签署。", "Matched; the agreement awaits signatures."), "success")
    return redirect(url_for("placement.agreement", agreement_id=agreement.id), 303)
