"""Pages of demand postings: the list (with child jurisdictions' roll-up), the 需求信息表, publishing."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.forms.parsing import parse_form
from grassroots.forms.rendering import render
from grassroots.i18n import t, tr
from grassroots.placement import matching, postings
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


@requires(VIEW)
def posting_page(posting_id: int):
    posting = postings.get_posting(posting_id)
    if not postings.may_see(user(), g.tenant, posting):
        raise forbidden("draft", "该岗位需求尚未发布", "This posting is not published")
    may_manage = can("posting.manage") and reach_of(user(), g.tenant, frozenset({"posting.manage"})).covers(posting.unit_id)
    return page("posting.html", posting=posting_dict(posting, matching.taken(posting.id)), may_manage=may_manage)


@requires("posting.manage")
def posting_publish(posting_id: int):
    try:
        postings.publish(g.tenant, user(), postings.get_posting(posting_id))
        db.session.commit()
        flash(t("已发布。", "Published."), "success")
    except UserError as exc:
        if exc.status != 409:
            raise
        flash(tr(exc.message), "error")
    return redirect(url_for("placement.posting", posting_id=posting_id), 303)
