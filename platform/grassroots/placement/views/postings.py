"""Pages of demand postings: the list (with child jurisdictions' roll-up), the 需求信息表, publishing, the
demand report's progress on the posting page, the returned report's correction (resubmit) and closing."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.forms.models import FormSubmission
from grassroots.forms.parsing import parse_form
from grassroots.forms.rendering import render
from grassroots.i18n import t, tr
from grassroots.placement import demand, matching, postings
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.errors import forbidden
from grassroots.placement.present import posting_dict
from grassroots.placement.views.common import (
    VIEW,
    field_errors,
    page,
    problems,
    program_choice,
    programs_in_force,
    units_in_reach,
    user,
)
from grassroots.tenancy.access import can, requires


@requires(VIEW)
def postings_page():
    rows = postings.list_postings(user(), g.tenant)
    rollup = postings.rollup(g.tenant)
    return page("postings.html", postings=[posting_dict(p) for p in rows],
                 rollup=[(c, [posting_dict(p, tenant_slug=c.slug) for p in found]) for c, found in rollup],
                 may_post=can("posting.manage"))


@requires("posting.manage")
def posting_new():
    programs = programs_in_force()
    program = program_choice(programs)
    effective = packs.current(g.tenant)
    form = packs.form_of(effective, program, "demand") if program else None
    units = units_in_reach(frozenset({"posting.manage"}), "township")
    values, errors, status = {}, [], 200
    if request.method == "POST" and program is not None:
        values = parse_form(form, request.form) if form else {"posts": [{
            "post_name": request.form.get("post_name", ""), "headcount": int(request.form.get("headcount") or 0),
            "service_years": int(request.form.get("service_years") or 1), "duties": request.form.get("duties", "")}]}
        try:
            posting = postings.create_posting(g.tenant, user(), program["id"], request.form.get("unit_code", ""), values)
            db.session.commit()
        except UserError as exc:
            if exc.status not in (403, 409, 422):
                raise
            db.session.rollback()
            errors, status = field_errors(problems(exc), "/data"), exc.status
        else:
            flash(t("已保存岗位需求（草稿），请核对后发布。", "Posting saved as a draft; check it and publish."), "success")
            return redirect(url_for("placement.posting", posting_id=posting.id), 303)
    fields = render(form, values, errors) if form else None
    return page("posting_new.html", programs=programs, program=program, form=form, fields=fields, units=units,
                 errors=errors, chosen_unit=request.form.get("unit_code", "")), status


def _report(posting) -> tuple[dict | None, dict]:
    """(the demand report's progress, the pack's office names) of one posting."""
    if posting.chain_instance_id is None:
        return None, {}
    offices = packs.office_names(postings.pack_of(g.tenant, posting))
    return demand.report_detail(posting, offices, staff=any(can(p) for p in demand.HANDLERS)), offices


def _posting_page(posting, close_errors: list[dict] | None = None, close_reason: str = "", status: int = 200):
    may_manage = can("posting.manage") and reach_of(user(), g.tenant, frozenset({"posting.manage"})).covers(posting.unit_id)
    report, offices = _report(posting)
    returned = (report or {}).get("returned")
    staff = any(can(p) for p in demand.HANDLERS)
    return page("posting.html", posting=posting_dict(posting, matching.taken(posting.id), report=report, staff=staff),
                may_manage=may_manage, report=report, offices=offices,
                may_resubmit=bool(returned) and posting.state == "published"
                and posting.chain_instance.submitter_user_id == user().id,
                close_errors=close_errors or [], close_reason=close_reason), status


@requires(VIEW)
def posting_page(posting_id: int):
    posting = postings.get_posting(posting_id)
    if not postings.may_see(user(), g.tenant, posting):
        raise forbidden("draft", "该岗位需求尚未发布", "This posting is not published")
    return _posting_page(posting)


@requires("posting.manage")
def posting_close(posting_id: int):
    """The managing officer closes a published posting, with a reason; a refusal they can fix (no reason, not
    published, a report under review that is not theirs) comes back on the posting page."""
    posting = postings.get_posting(posting_id)
    reason = request.form.get("reason", "")
    try:
        postings.close(g.tenant, user(), posting, reason)
    except UserError as exc:
        if exc.status not in (409, 422):
            raise
        db.session.rollback()
        return _posting_page(postings.get_posting(posting_id), problems(exc), reason, exc.status)
    flash(t("岗位需求已关闭。", "The posting is closed."), "success")
    return redirect(url_for("placement.posting", posting_id=posting_id), 303)


@requires("posting.manage")
def posting_publish(posting_id: int):
    try:
        posting = postings.publish(g.tenant, user(), postings.get_posting(posting_id))
        db.session.commit()
        flash(t("已发布，并已上报需求信息。", "Published, and reported up the demand chain.") if posting.chain_instance_id
              else t("已发布。", "Published."), "success")
    except UserError as exc:
        if exc.status not in (409, 422):
            raise
        flash(tr(exc.message), "error")
    return redirect(url_for("placement.posting", posting_id=posting_id), 303)


@requires("posting.manage")
def posting_resubmit(posting_id: int):
    """The returned report's 需求信息表, corrected by whoever published it, and resubmitted up the chain."""
    posting = postings.get_posting(posting_id)
    instance = posting.chain_instance
    if instance is None or instance.submitter_user_id != user().id:
        raise UserError(403, "not_publisher", {"zh": "只有发布（上报）该岗位需求的人可以修改并重新上报",
                                               "en": "Only whoever published (and so reported) this posting can correct and resubmit it"})
    if instance.state != "returned" or posting.state != "published":
        flash(t("只有退回修改的需求上报可以重新上报。", "Only a returned demand report can be resubmitted."), "error")
        return redirect(url_for("placement.posting", posting_id=posting.id), 303)
    submission = db.session.get(FormSubmission, posting.submission_id) if posting.submission_id else None
    form = submission.form_def if submission else None
    values = dict(submission.data or {}) if submission else {"posts": list(posting.posts or [])}
    errors, status = [], 200
    if request.method == "POST":
        values = parse_form(form, request.form) if form else {"posts": [{
            "post_name": request.form.get("post_name", ""), "headcount": _int(request.form.get("headcount")),
            "service_years": _int(request.form.get("service_years")) or 1, "duties": request.form.get("duties", "")}]}
        try:
            demand.resubmit_report(g.tenant, user(), posting.id, values, request.form.get("note"))
        except UserError as exc:
            if exc.status not in (409, 422):
                raise
            db.session.rollback()
            errors, status = field_errors(problems(exc), "/data"), exc.status
        else:
            flash(t("需求信息已重新上报，从第一步开始重新办理。",
                    "Demand report resubmitted; it starts again from the first step."), "success")
            return redirect(url_for("placement.posting", posting_id=posting.id), 303)
    report, offices = _report(posting)
    fields = render(form, values, errors) if form else None
    first = (values.get("posts") or [{}])[0] if not form else {}
    return page("posting_resubmit.html", posting=posting_dict(posting, report=report), report=report, offices=offices,
                form=form, fields=fields, errors=errors, post=first, note=request.form.get("note", "")), status


def _int(value: str | None) -> int:
    return int(value) if (value or "").strip().isdigit() else 0
