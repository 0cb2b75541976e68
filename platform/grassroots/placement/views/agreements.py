"""The agreement page: its terms (and form) while drafted or returned, each party's signature."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.forms.parsing import parse_form
from grassroots.forms.rendering import render
from grassroots.i18n import t, tr
from grassroots.placement import agreements, applications, placements
from grassroots.placement import program as packs
from grassroots.placement.present import agreement_dict, application_dict
from grassroots.placement.views.common import VIEW, page, parse_date, user
from grassroots.tenancy.access import requires


def _agreement_context(agreement, errors: list[dict] | None = None, values: dict | None = None) -> dict:
    app = applications.readable(user(), g.tenant, applications.get_application(agreement.application_id))
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
            "is_professional": user().id in agreements.professional_signers(app),
            "may_edit": agreements.may_edit(user(), g.tenant, agreement, app) and agreement.state in ("drafted", "returned"),
            "my_tasks": agreements.pending_for(agreement, user()), "placement_id": placement_id, "errors": errors or []}


@requires(VIEW)
def agreement_page(agreement_id: int):
    return page("agreement.html", **_agreement_context(agreements.get_agreement(agreement_id)))


@requires(VIEW)
def agreement_terms(agreement_id: int):
    agreement = agreements.get_agreement(agreement_id)
    context = _agreement_context(agreement)
    form = context["form"]
    values = {"start_date": parse_date(request.form.get("start_date")), "end_date": parse_date(request.form.get("end_date")),
              "duties": request.form.get("duties"), "post_name": request.form.get("post_name"),
              "full_time": request.form.get("full_time") == "on", "professional_post": request.form.get("professional_post") == "on"}
    if form is not None:
        values["form"] = {k: v for k, v in parse_form(form, request.form).items() if k != "id_number"}
    try:
        agreements.update_terms(g.tenant, user(), agreement, values)
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
        result = agreements.sign(g.tenant, user(), agreement)
    except UserError as exc:
        if exc.status not in (403, 409, 422):
            raise
        db.session.rollback()
        flash(tr(exc.message) + "".join(f"；{tr(e['message'])}" for e in exc.errors[:5]), "error")
    else:
        flash(t(f"已签署（{result.get('party')}）。", f"Signed ({result.get('party')})."), "success")
    return redirect(url_for("placement.agreement", agreement_id=agreement_id), 303)
