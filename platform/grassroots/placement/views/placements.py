"""Pages of placements: the list with what is due, one placement, its assessments, extension and end; a
returned dispatch recognition or extension request corrected and resubmitted by whoever started it."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.forms.models import FormSubmission
from grassroots.forms.parsing import parse_form
from grassroots.forms.rendering import pack_labels, render
from grassroots.i18n import t, tr
from grassroots.packs.versions import china_today
from grassroots.placement import assessments, extensions, placements
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.decisions import decisions_for
from grassroots.placement.models.placements import PLACEMENT_STATES
from grassroots.placement.present import decision_view, extension_dict, placement_dict
from grassroots.placement.returns import returned_step
from grassroots.placement.views.common import (
    VIEW,
    field_errors,
    list_args,
    page,
    parse_date,
    problems,
    state_choices,
    user,
)
from grassroots.tenancy.access import can, requires


@requires(VIEW)
def placements_page():
    state, number = list_args(PLACEMENT_STATES)
    rows, has_next = placements.list_placements(user(), g.tenant, state=state, page=number)
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
    return page("placements.html", placements=out, filter_state=state, states=state_choices(PLACEMENT_STATES),
                page_no=number, has_next=has_next)


def _placement_context(placement) -> dict:
    effective = packs.pinned(g.tenant, placement)
    program = packs.program_of(effective, placement.program_id)
    specs = program.get("assessments") or []
    held = assessments.assessor_offices(user(), g.tenant, placement, {
        s["by_office"] for s in specs if s.get("by_office")}) if can("assessment.record") else set()
    done = placements.assessments_of([placement.id])[placement.id]
    today = china_today()
    return {"placement": placement_dict(placement, assessments=done, effective=effective,
                                        extensions=extensions.extensions_of([placement.id])[placement.id],
                                        due=placements.due_assessments(program, placement, done, today),
                                        served=placements.served_full_years(placement, today)),
            "program": program, "grades": list(packs.grades(effective).values()),
            "decisions": [decision_view(d, effective) for d in decisions_for(placements.SUBJECT, [placement.id])],
            "may_manage": reach_of(user(), g.tenant, frozenset({"placement.manage"})).covers(
                placement.service_unit_id, placement.original_unit_id),
            # each assessment kind offered to the office the pack names for it (the service unit's annual
            # assessment, county HR's term-end appraisal), extension to the professional and managers
            "may_assess": {spec["kind"] for spec in specs if spec.get("by_office") in held},
            "may_extend": extensions.may_request(user(), g.tenant, placement), "today": today.isoformat(),
            "offices": packs.office_names(effective), "tag_labels": pack_labels(effective.pack),
            "dispatch_returned": returned_step(placement.dispatch_instance_id)
            if placement.dispatch_state == "returned" else None}


@requires(VIEW)
def placement_page(placement_id: int):
    placement = placements.readable(user(), g.tenant, placements.get_placement(placement_id))
    return page("placement.html", **_placement_context(placement))


@requires("assessment.record")
def placement_assess(placement_id: int):
    placement = placements.readable(user(), g.tenant, placements.get_placement(placement_id))
    effective = packs.pinned(g.tenant, placement)
    program = packs.program_of(effective, placement.program_id)
    kind = request.values.get("kind", "annual")
    spec = packs.assessment_spec(program, kind)
    form = assessments.form_by_id(effective, spec.get("form")) if spec else None
    values, errors, status = {}, [], 200
    if request.method == "POST" and spec is not None:
        values = parse_form(form, request.form) if form else {}
        year = request.form.get("year_no", "")
        try:
            assessments.record_assessment(g.tenant, user(), placement.id, kind, int(year) if year.isdigit() else 0,
                                          request.form.get("grade", ""), parse_date(request.form.get("assessed_on")) or china_today(),
                                          request.form.get("note", ""), values)
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = field_errors(problems(exc), "/form"), exc.status
        else:
            flash(t("考核已录入，并抄送原单位。", "Assessment recorded; a copy went to the original unit."), "success")
            return redirect(url_for("placement.placement", placement_id=placement.id), 303)
    hidden = {"year_no", "grade", "assessed_on", "name", "service_unit", "original_unit", "service_start", "service_end",
              "gender", "birth_date"}
    shown = dict(form, schema={**(form.get("schema") or {}), "properties": {
        k: v for k, v in ((form.get("schema") or {}).get("properties") or {}).items() if k not in hidden},
        "required": [r for r in (form.get("schema") or {}).get("required") or [] if r not in hidden]}) if form else None
    return page("assess.html", placement=placement_dict(placement), kind=kind, spec=spec, form=form,
                 fields=render(shown, values, errors) if shown else None, errors=errors,
                 grades=list(packs.grades(effective).values()), year=request.values.get("year", ""),
                 today=china_today().isoformat()), status


@requires(VIEW)
def placement_extend(placement_id: int):
    placement = placements.readable(user(), g.tenant, placements.get_placement(placement_id))
    effective = packs.pinned(g.tenant, placement)
    form = packs.form_of(effective, packs.program_of(effective, placement.program_id), "extension")
    errors, status = [], 200
    if request.method == "POST":
        years = request.form.get("extension_years", "")
        extra = {k: v for k, v in (parse_form(form, request.form) if form else {}).items() if k != "id_number"}
        try:
            ext = extensions.request_extension(g.tenant, user(), placement.id, int(years) if years.isdigit() else 0,
                                               request.form.get("reason", ""), extra)
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = problems(exc), exc.status
        else:
            flash(t("延期申请已提交。", "Extension requested."), "success")
            return redirect(url_for("placement.extension", extension_id=ext.id), 303)
    return page("extend.html", placement=placement_dict(placement), form=form, errors=errors), status


@requires("placement.manage")
def placement_end(placement_id: int):
    placement = placements.get_placement(placement_id)
    end = parse_date(request.form.get("end_date"))
    try:
        if end is None:
            raise UserError(422, "invalid", {"zh": "请填写服务结束日期", "en": "Give the last day served"})
        placements.end_placement(g.tenant, user(), placement, end, request.form.get("reason", ""),
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
def placement_dispatch_resubmit(placement_id: int):
    placement = placements.get_placement(placement_id)
    try:
        placements.resubmit_dispatch(g.tenant, user(), placement, request.form.get("note", ""))
    except UserError as exc:
        if exc.status not in (403, 409, 422):
            raise
        db.session.rollback()
        if exc.status == 403:
            raise
        flash(tr(exc.message), "error")
    else:
        flash(t("选派认可已重新提交，从派出单位开始重新审批。",
                "Recognition resubmitted; it starts again with the sending unit."), "success")
    return redirect(url_for("placement.placement", placement_id=placement_id), 303)


@requires(VIEW)
def extension_page(extension_id: int):
    ext = extensions.get_extension(extension_id)
    placement = placements.readable(user(), g.tenant, placements.get_placement(ext.placement_id))
    returned = returned_step(ext.chain_instance_id) if ext.state == "returned" else None
    return page("extension.html", extension=extension_dict(ext), placement=placement_dict(placement),
                returned=returned, may_resubmit=returned is not None and ext.requested_by == user().id,
                offices=packs.office_names(packs.pinned(g.tenant, placement)) if returned else {})


@requires(VIEW)
def extension_resubmit(extension_id: int):
    ext = extensions.get_extension(extension_id)
    if ext.requested_by != user().id:
        raise UserError(403, "not_requester", {"zh": "只有提出该延期申请的人可以修改并重新提交",
                                               "en": "Only whoever requested this extension can correct and resubmit it"})
    if ext.state != "returned":
        flash(t("只有退回修改的延期申请可以重新提交。", "Only a returned extension request can be resubmitted."), "error")
        return redirect(url_for("placement.extension", extension_id=ext.id), 303)
    placement = placements.get_placement(ext.placement_id)
    submission = db.session.get(FormSubmission, ext.submission_id) if ext.submission_id else None
    form = submission.form_def if submission else None
    values = {"extension_years": ext.extension_years, "reason": ext.reason,
              "voluntary": bool((submission.data or {}).get("voluntary")) if submission else False}
    errors, status = [], 200
    if request.method == "POST":
        years = request.form.get("extension_years", "")
        extra = {k: v for k, v in (parse_form(form, request.form) if form else {}).items()
                 if k not in ("id_number", "extension_years", "reason")}
        if form and "voluntary" not in extra:
            extra["voluntary"] = False  # an unticked box says no (the form then asks for it)
        values = {"extension_years": int(years) if years.isdigit() else years, "reason": request.form.get("reason", ""),
                  "voluntary": bool(extra.get("voluntary"))}
        try:
            extensions.resubmit_extension(g.tenant, user(), ext.id, int(years) if years.isdigit() else 0,
                                          request.form.get("reason", ""), extra if form else None)
        except UserError as exc:
            if exc.status not in (409, 422):
                raise
            db.session.rollback()
            errors, status = problems(exc), exc.status
        else:
            flash(t("延期申请已重新提交，从第一步重新审批。", "Extension resubmitted; approval starts again from the first step."),
                  "success")
            return redirect(url_for("placement.extension", extension_id=ext.id), 303)
    return page("extension_resubmit.html", extension=extension_dict(ext), placement=placement_dict(placement),
                form=form, values=values, errors=errors, returned=returned_step(ext.chain_instance_id),
                offices=packs.office_names(packs.pinned(g.tenant, placement))), status
