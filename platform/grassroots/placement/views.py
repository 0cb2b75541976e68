"""Pages for every step, Chinese first: postings, applications (the pack's form, zh labels, uploads), the
match, the agreement and its signatures, placements with assessments and extensions, a person's timeline
and a decision's "why". Each handler loads, checks access (decorator, then the object), then acts through
the same services as the API; a refusal the user can fix comes back on the page, 403/404 on the error page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.forms.parsing import parse_form
from grassroots.forms.rendering import form_view, macro, render, upload_limit
from grassroots.forms.uploads import files_from_request
from grassroots.i18n import t, tr
from grassroots.packs.versions import china_today
from grassroots.placement import (
    agreements,
    applications,
    assessments,
    extensions,
    matching,
    placements,
    postings,
)
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.decisions import decisions_for, get_decision
from grassroots.placement.errors import forbidden
from grassroots.placement.present import (
    STATE_LABELS,
    agreement_dict,
    application_dict,
    decision_dict,
    extension_dict,
    placement_dict,
    posting_dict,
)
from grassroots.placement.timeline import person_timeline
from grassroots.tenancy.access import can, requires
from grassroots.tenancy.models import Unit

VIEW = "program.view"


def _user():
    return current_user._get_current_object()


def _page(template: str, **context: Any):
    return render_template(f"placement/{template}", state_labels=STATE_LABELS, **context)


def _field_errors(errors: list[dict], prefix: str) -> list[dict]:
    """Service errors at `/data/...` (or `/form/...`) as the form's own pointers; others stay as they are."""
    out = []
    for e in errors or []:
        path = e.get("path") or ""
        out.append({**e, "path": path[len(prefix):] if path.startswith(prefix + "/") else path})
    return out


def _problems(exc: UserError) -> list[dict]:
    return exc.errors or [{"path": "/", "code": exc.code, "message": exc.message}]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _units_in_reach(permissions: frozenset[str], level: str | None = None) -> list[Unit]:
    reach = reach_of(_user(), g.tenant, permissions)
    query = db.select(Unit).order_by(Unit.code)
    if level:
        query = query.where(Unit.level == level)
    units = db.session.execute(query).scalars().all()
    return [u for u in units if reach.covers(u.id)]


def _programs():
    return packs.secondment_programs(packs.current(g.tenant))


def _program_choice(programs: list[dict]) -> dict | None:
    chosen = request.values.get("program")
    found = next((p for p in programs if p["id"] == chosen), None)
    return found or (programs[0] if len(programs) == 1 else None)


# --- Postings ---------------------------------------------------------------------------------------------


@requires(VIEW)
def postings_page():
    rows = postings.list_postings(_user(), g.tenant)
    rollup = postings.rollup(g.tenant)
    return _page("postings.html", postings=[posting_dict(p) for p in rows],
                 rollup=[(c, [posting_dict(p, tenant_slug=c.slug) for p in found]) for c, found in rollup],
                 may_post=can("posting.manage"))


@requires("posting.manage")
def posting_new():
    programs = _programs()
    program = _program_choice(programs)
    effective = packs.current(g.tenant)
    form = packs.form_of(effective, program, "demand") if program else None
    units = _units_in_reach(frozenset({"posting.manage"}), "township")
    values, errors, status = {}, [], 200
    if request.method == "POST" and program is not None:
        values = parse_form(form, request.form) if form else {"posts": [{
            "post_name": request.form.get("post_name", ""), "headcount": int(request.form.get("headcount") or 0),
            "service_years": int(request.form.get("service_years") or 1), "duties": request.form.get("duties", "")}]}
        try:
            posting = postings.create_posting(g.tenant, _user(), program["id"], request.form.get("unit_code", ""), values)
            db.session.commit()
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = _field_errors(_problems(exc), "/data"), exc.status
        else:
            flash(t("已保存岗位需求（草稿），请核对后发布。", "Posting saved as a draft; check it and publish."), "success")
            return redirect(url_for("placement.posting", posting_id=posting.id), 303)
    fields = render(form, values, errors) if form else None
    return _page("posting_new.html", programs=programs, program=program, form=form, fields=fields, units=units,
                 errors=errors, chosen_unit=request.form.get("unit_code", "")), status


@requires(VIEW)
def posting_page(posting_id: int):
    posting = postings.get_posting(posting_id)
    if not postings.may_see(_user(), g.tenant, posting):
        raise forbidden("draft", "该岗位需求尚未发布", "This posting is not published")
    may_manage = can("posting.manage") and reach_of(_user(), g.tenant, frozenset({"posting.manage"})).covers(posting.unit_id)
    return _page("posting.html", posting=posting_dict(posting, matching.taken(posting.id)), may_manage=may_manage)


@requires("posting.manage")
def posting_publish(posting_id: int):
    try:
        postings.publish(g.tenant, _user(), postings.get_posting(posting_id))
        db.session.commit()
        flash(t("已发布。", "Published."), "success")
    except UserError as exc:
        if exc.status != 409:
            raise
        flash(tr(exc.message), "error")
    return redirect(url_for("placement.posting", posting_id=posting_id), 303)


# --- Applications -----------------------------------------------------------------------------------------


@requires(VIEW)
def applications_page():
    rows = applications.list_applications(_user(), g.tenant)
    return _page("applications.html", applications=[application_dict(a) for a in rows],
                 may_apply=can("application.create") or can("placement.manage"))


def _application_form(program: dict | None) -> dict | None:
    return packs.form_of(packs.current(g.tenant), program, "application") if program else None


@requires(VIEW)
def application_new():
    programs = _programs()
    program = _program_choice(programs)
    form = _application_form(program)
    officer = not can("application.create")
    if not (can("application.create") or can("placement.manage")):
        raise forbidden("cannot_apply", "您没有提交申请的权限", "You may not file applications")
    values, errors, status = {}, [], 200
    if request.method == "POST" and form is not None:
        request.max_content_length = upload_limit(form)
        values = parse_form(form, request.form)
        files = files_from_request(form, request.files)
        try:
            app = applications.create(g.tenant, _user(), program["id"], values, files,
                                      request.form.get("unit_code") or None, submit=True)
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = _field_errors(_problems(exc), "/data"), exc.status
            values = {k: v for k, v in values.items() if k != "id_number"}  # never echoed back
        else:
            flash(t("申请已提交。", "Application submitted."), "success")
            return redirect(url_for("placement.application", application_id=app.id), 303)
    fields = render(form, values, errors) if form else None
    units = _units_in_reach(frozenset({"placement.manage"})) if officer else []
    return _page("application_new.html", programs=programs, program=program, form=form, fields=fields,
                 errors=errors, officer=officer, units=units, chosen_unit=request.form.get("unit_code", "")), status


def _application_context(app) -> dict:
    effective = packs.pinned(g.tenant, app)
    sources = packs.sources(effective)
    agreement = agreements.agreement_of(app.id)
    placement_id = db.session.execute(db.select(placements.Placement.id).where(
        placements.Placement.application_id == app.id)).scalar_one_or_none()
    open_postings = []
    if app.state == "approved" and can("placement.manage"):
        open_postings = [posting_dict(p, matching.taken(p.id)) for p in postings.list_postings(
            _user(), g.tenant, state="published", program=app.program_id)]
    return {"app": application_dict(app, sources), "program": packs.program_of(effective, app.program_id),
            "decisions": [decision_dict(d, sources) for d in decisions_for(applications.SUBJECT, [app.id])],
            "agreement": agreement_dict(agreement) if agreement else None, "placement_id": placement_id,
            "may_edit": app.submitted_by == _user().id and app.state in ("draft", "returned"),
            "open_postings": open_postings}


@requires(VIEW)
def application_page(application_id: int):
    app = applications.readable(_user(), g.tenant, applications.get_application(application_id))
    return _page("application.html", **_application_context(app))


@requires(VIEW)
def application_edit(application_id: int):
    app = applications.readable(_user(), g.tenant, applications.get_application(application_id))
    try:
        submission = applications.editable_submission(app, _user())
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
                applications.resubmit_application(g.tenant, app, _user(), values, files)
            else:
                applications.submit_application(g.tenant, app, _user(), values, files)
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = _field_errors(_problems(exc), "/data"), exc.status
        else:
            flash(t("申请已提交。", "Application submitted."), "success")
            return redirect(url_for("placement.application", application_id=app.id), 303)
    existing = {a.attachment_id: a for a in submission.attachments}
    fields = macro("form_body")(form_view(form, values, errors, existing=existing))
    return _page("application_edit.html", app=application_dict(app), form=form, fields=fields, errors=errors), status


@requires("placement.manage")
def application_match(application_id: int):
    applications.get_application(application_id)  # another tenant's id: 404 like a missing one, before anything
    posting_id = request.form.get("posting_id", "")
    try:
        agreement = matching.match(g.tenant, _user(), application_id, int(posting_id) if posting_id.isdigit() else 0,
                                   request.form.get("post_name") or None)
    except UserError as exc:
        if exc.status not in (403, 404, 409, 422):
            raise
        db.session.rollback()
        flash(tr(exc.message) + "".join(f"；{tr(e['message'])}" for e in exc.errors), "error")
        return redirect(url_for("placement.application", application_id=application_id), 303)
    flash(t("已匹配岗位，服务协议待签署。", "Matched; the agreement awaits signatures."), "success")
    return redirect(url_for("placement.agreement", agreement_id=agreement.id), 303)


# --- Agreements -------------------------------------------------------------------------------------------


def _agreement_context(agreement, errors: list[dict] | None = None, values: dict | None = None) -> dict:
    app = applications.readable(_user(), g.tenant, applications.get_application(agreement.application_id))
    effective = packs.pinned(g.tenant, app)
    program = packs.program_of(effective, app.program_id)
    form = agreements.agreement_form(effective, program)
    fields = None
    if form is not None and agreement.state in ("drafted", "returned"):
        shown = values if values is not None else agreements.form_values(form, agreement, app)
        fields = render(form, {k: v for k, v in shown.items() if k != "id_number"}, errors or [])
    placement_id = db.session.execute(db.select(placements.Placement.id).where(
        placements.Placement.agreement_id == agreement.id)).scalar_one_or_none()
    return {"agreement": agreement_dict(agreement), "app": application_dict(app), "form": form, "fields": fields,
            "is_professional": _user().id in agreements.professional_signers(app),
            "may_edit": agreements.may_edit(_user(), g.tenant, agreement, app) and agreement.state in ("drafted", "returned"),
            "my_tasks": agreements.pending_for(agreement, _user()), "placement_id": placement_id, "errors": errors or []}


@requires(VIEW)
def agreement_page(agreement_id: int):
    return _page("agreement.html", **_agreement_context(agreements.get_agreement(agreement_id)))


@requires(VIEW)
def agreement_terms(agreement_id: int):
    agreement = agreements.get_agreement(agreement_id)
    context = _agreement_context(agreement)
    form = context["form"]
    values = {"start_date": _date(request.form.get("start_date")), "end_date": _date(request.form.get("end_date")),
              "duties": request.form.get("duties"), "post_name": request.form.get("post_name"),
              "full_time": request.form.get("full_time") == "on", "professional_post": request.form.get("professional_post") == "on"}
    if form is not None:
        values["form"] = {k: v for k, v in parse_form(form, request.form).items() if k != "id_number"}
    try:
        agreements.update_terms(g.tenant, _user(), agreement, values)
    except UserError as exc:
        if exc.status not in (403, 409, 422):
            raise
        db.session.rollback()
        flash(tr(exc.message), "error")
    else:
        flash(t("协议条款已保存。", "Terms saved."), "success")
    return redirect(url_for("placement.agreement", agreement_id=agreement_id), 303)


@requires(VIEW)
def agreement_sign(agreement_id: int):
    agreement = agreements.get_agreement(agreement_id)
    _agreement_context(agreement)  # readable by this user (403 otherwise)
    try:
        result = agreements.sign(g.tenant, _user(), agreement)
    except UserError as exc:
        if exc.status not in (403, 409, 422):
            raise
        db.session.rollback()
        flash(tr(exc.message) + "".join(f"；{tr(e['message'])}" for e in exc.errors[:5]), "error")
    else:
        flash(t(f"已签署（{result.get('party')}）。", f"Signed ({result.get('party')})."), "success")
    return redirect(url_for("placement.agreement", agreement_id=agreement_id), 303)


# --- Placements ------------------------------------------------------------------------------------------


@requires(VIEW)
def placements_page():
    rows = placements.list_placements(_user(), g.tenant)
    ids = [p.id for p in rows]
    done, exts = placements.assessments_of(ids), extensions.extensions_of(ids)
    today, programs, out = china_today(), {}, []
    for p in rows:
        key = (p.pack_version_id, p.program_id)
        if key not in programs:
            effective = packs.pinned(g.tenant, p)
            programs[key] = (effective, packs.program_of(effective, p.program_id))
        effective, program = programs[key]
        out.append(placement_dict(p, assessments=done[p.id], extensions=exts[p.id], effective=effective,
                                  due=placements.due_assessments(program, p, done[p.id], today),
                                  served=placements.served_full_years(p, today)))
    return _page("placements.html", placements=out)


def _placement_context(placement) -> dict:
    effective = packs.pinned(g.tenant, placement)
    program = packs.program_of(effective, placement.program_id)
    done = placements.assessments_of([placement.id])[placement.id]
    today = china_today()
    sources = packs.sources(effective)
    return {"placement": placement_dict(placement, assessments=done, effective=effective,
                                        extensions=extensions.extensions_of([placement.id])[placement.id],
                                        due=placements.due_assessments(program, placement, done, today),
                                        served=placements.served_full_years(placement, today)),
            "program": program, "grades": list(packs.grades(effective).values()),
            "decisions": [decision_dict(d, sources) for d in decisions_for(placements.SUBJECT, [placement.id])],
            "may_manage": reach_of(_user(), g.tenant, frozenset({"placement.manage"})).covers(
                placement.service_unit_id, placement.original_unit_id),
            "may_assess": can("assessment.record"), "today": today.isoformat()}


@requires(VIEW)
def placement_page(placement_id: int):
    placement = placements.readable(_user(), g.tenant, placements.get_placement(placement_id))
    return _page("placement.html", **_placement_context(placement))


@requires("assessment.record")
def placement_assess(placement_id: int):
    placement = placements.readable(_user(), g.tenant, placements.get_placement(placement_id))
    effective = packs.pinned(g.tenant, placement)
    program = packs.program_of(effective, placement.program_id)
    kind = request.values.get("kind", "annual")
    spec = packs.assessment_spec(program, kind)
    form = assessments._form_by_id(effective, spec.get("form")) if spec else None
    values, errors, status = {}, [], 200
    if request.method == "POST" and spec is not None:
        values = parse_form(form, request.form) if form else {}
        year = request.form.get("year_no", "")
        try:
            assessments.record_assessment(g.tenant, _user(), placement.id, kind, int(year) if year.isdigit() else 0,
                                          request.form.get("grade", ""), _date(request.form.get("assessed_on")) or china_today(),
                                          request.form.get("note", ""), values)
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = _field_errors(_problems(exc), "/form"), exc.status
        else:
            flash(t("考核已录入，并抄送原单位。", "Assessment recorded; a copy went to the original unit."), "success")
            return redirect(url_for("placement.placement", placement_id=placement.id), 303)
    hidden = {"year_no", "grade", "assessed_on", "name", "service_unit", "original_unit", "service_start", "service_end",
              "gender", "birth_date"}
    shown = dict(form, schema={**(form.get("schema") or {}), "properties": {
        k: v for k, v in ((form.get("schema") or {}).get("properties") or {}).items() if k not in hidden},
        "required": [r for r in (form.get("schema") or {}).get("required") or [] if r not in hidden]}) if form else None
    return _page("assess.html", placement=placement_dict(placement), kind=kind, spec=spec, form=form,
                 fields=render(shown, values, errors) if shown else None, errors=errors,
                 grades=list(packs.grades(effective).values()), year=request.values.get("year", ""),
                 today=china_today().isoformat()), status


@requires(VIEW)
def placement_extend(placement_id: int):
    placement = placements.readable(_user(), g.tenant, placements.get_placement(placement_id))
    effective = packs.pinned(g.tenant, placement)
    form = packs.form_of(effective, packs.program_of(effective, placement.program_id), "extension")
    errors, status = [], 200
    if request.method == "POST":
        years = request.form.get("extension_years", "")
        extra = {k: v for k, v in (parse_form(form, request.form) if form else {}).items() if k != "id_number"}
        try:
            ext = extensions.request_extension(g.tenant, _user(), placement.id, int(years) if years.isdigit() else 0,
                                               request.form.get("reason", ""), extra)
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = _problems(exc), exc.status
        else:
            flash(t("延期申请已提交。", "Extension requested."), "success")
            return redirect(url_for("placement.extension", extension_id=ext.id), 303)
    return _page("extend.html", placement=placement_dict(placement), form=form, errors=errors), status


@requires("placement.manage")
def placement_end(placement_id: int):
    placement = placements.get_placement(placement_id)
    end = _date(request.form.get("end_date"))
    try:
        if end is None:
            raise UserError(422, "invalid", {"zh": "请填写服务结束日期", "en": "Give the last day served"})
        placements.end_placement(g.tenant, _user(), placement, end, request.form.get("reason", ""),
                                 request.form.get("continuous") == "on")
    except UserError as exc:
        if exc.status not in (403, 409, 422):
            raise
        db.session.rollback()
        flash(tr(exc.message), "error")
    else:
        flash(t("服务已结束。", "The placement has ended."), "success")
    return redirect(url_for("placement.placement", placement_id=placement_id), 303)


@requires(VIEW)
def extension_page(extension_id: int):
    ext = extensions.get_extension(extension_id)
    placement = placements.readable(_user(), g.tenant, placements.get_placement(ext.placement_id))
    return _page("extension.html", extension=extension_dict(ext), placement=placement_dict(placement))


# --- Timeline and decisions ------------------------------------------------------------------------------


@requires(VIEW)
def timeline_page(person_id: int):
    return _page("timeline.html", **person_timeline(g.tenant, _user(), person_id))


@requires(VIEW)
def decision_page(decision_id: int):
    record = get_decision(decision_id)
    if record.subject_type == placements.SUBJECT:
        case = placements.readable(_user(), g.tenant, placements.get_placement(record.subject_id))
    elif record.subject_type == applications.SUBJECT:
        case = applications.readable(_user(), g.tenant, applications.get_application(record.subject_id))
    else:
        if not reach_of(_user(), g.tenant, reading=True).everywhere:
            raise forbidden("not_a_reader", "您无权查看该决定", "You may not view this decision")
        case = record
    effective = packs.pinned(g.tenant, case)
    return _page("decision.html", decision=decision_dict(record, packs.sources(effective), full=True))


RULES = [
    ("/t/<tenant>/postings", "postings", postings_page, ["GET"]),
    ("/t/<tenant>/postings/new", "posting_new", posting_new, ["GET", "POST"]),
    ("/t/<tenant>/postings/<int(max=2147483647):posting_id>", "posting", posting_page, ["GET"]),
    ("/t/<tenant>/postings/<int(max=2147483647):posting_id>/publish", "posting_publish", posting_publish, ["POST"]),
    ("/t/<tenant>/applications", "applications", applications_page, ["GET"]),
    ("/t/<tenant>/applications/new", "application_new", application_new, ["GET", "POST"]),
    ("/t/<tenant>/applications/<int(max=2147483647):application_id>", "application", application_page, ["GET"]),
    ("/t/<tenant>/applications/<int(max=2147483647):application_id>/edit", "application_edit", application_edit, ["GET", "POST"]),
    ("/t/<tenant>/applications/<int(max=2147483647):application_id>/match", "application_match", application_match, ["POST"]),
    ("/t/<tenant>/agreements/<int(max=2147483647):agreement_id>", "agreement", agreement_page, ["GET"]),
    ("/t/<tenant>/agreements/<int(max=2147483647):agreement_id>/terms", "agreement_terms", agreement_terms, ["POST"]),
    ("/t/<tenant>/agreements/<int(max=2147483647):agreement_id>/sign", "agreement_sign", agreement_sign, ["POST"]),
    ("/t/<tenant>/placements", "placements", placements_page, ["GET"]),
    ("/t/<tenant>/placements/<int(max=2147483647):placement_id>", "placement", placement_page, ["GET"]),
    ("/t/<tenant>/placements/<int(max=2147483647):placement_id>/assess", "placement_assess", placement_assess, ["GET", "POST"]),
    ("/t/<tenant>/placements/<int(max=2147483647):placement_id>/extend", "placement_extend", placement_extend, ["GET", "POST"]),
    ("/t/<tenant>/placements/<int(max=2147483647):placement_id>/end", "placement_end", placement_end, ["POST"]),
    ("/t/<tenant>/extensions/<int(max=2147483647):extension_id>", "extension", extension_page, ["GET"]),
    ("/t/<tenant>/people/<int(max=2147483647):person_id>/timeline", "timeline", timeline_page, ["GET"]),
    ("/t/<tenant>/decisions/<int(max=2147483647):decision_id>", "decision", decision_page, ["GET"]),
]
