"""Pages: the inbox (待办) with its act forms, an instance's history, and the unassigned tasks.

Each handler loads, checks access (its decorator, then the service's office-and-scope check), then
acts. A refusal the user can do something about (409: someone acted first; 422: a reason is missing)
comes back to the inbox as a message; 403 and 404 answer the error page with their status.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from grassroots.db import utcnow
from grassroots.errors import UserError
from grassroots.i18n import t, tr
from grassroots.tenancy.access import can, member_required, requires
from grassroots.tenancy.permissions import offices_for
from grassroots.workflow.history import instance_history
from grassroots.workflow.inbox import inbox_count, inbox_for, unassigned_tasks
from grassroots.workflow.labels import INSTANCE_STATES, OUTCOMES, template_labels
from grassroots.workflow.scopes import scope_names
from grassroots.workflow.transitions import act

FORM_OUTCOMES = tuple(OUTCOMES)


def _page(template: str, **context):
    return render_template(template, offices=offices_for(g.tenant), **template_labels(), **context)


def home_counter(user, tenant) -> list[dict]:
    """The tenant home's 待办 card."""
    return [{"key": "inbox", "label": {"zh": "待办事项", "en": "Tasks in my inbox"}, "count": inbox_count(user, tenant),
             "url": url_for("workflow_web.inbox", tenant=tenant.slug)}]


@member_required
def inbox():
    items = inbox_for(current_user, g.tenant)
    now = utcnow()
    for item in items:  # how long it has waited here: what a county officer sorts a morning's work by
        item["waiting_days"] = max((now - item["opened_at"]).days, 0) if item.get("opened_at") else None
    return _page("workflow/inbox.html", items=items, scopes=scope_names(items))


@member_required
def act_on(task_id: int):
    outcome = request.form.get("outcome", "")
    back = redirect(url_for("workflow_web.inbox"), 303)
    if outcome not in FORM_OUTCOMES:
        flash(t("请选择办理结果。", "Choose an outcome."), "error")
        return back
    try:
        result = act(task_id, current_user, outcome, request.form.get("reason"))
    except UserError as exc:
        if exc.status not in (409, 422):
            raise
        flash(tr(exc.message), "error")
        return back
    state = INSTANCE_STATES[result.instance.state]
    flash(t(f"已办理：{OUTCOMES[outcome]['zh']}。流程状态：{state['zh']}",
            f"Done: {OUTCOMES[outcome]['en']}. Chain: {state['en']}."), "success")
    return back


@member_required
def instance_page(instance_id: int):
    data = instance_history(instance_id, current_user, g.tenant,
                            overseer=can("audit.view") or can("member.manage"))
    return _page("workflow/instance.html", scopes=scope_names(data["tasks"]), **data)


@requires("member.manage")
def unassigned():
    items = unassigned_tasks(g.tenant)
    return _page("workflow/unassigned.html", items=items, scopes=scope_names(items))
