"""/api/v1/t/<tenant>/inbox, /tasks/<id>/act, /workflow/instances/<id>, /workflow/unassigned.

Act answers 200 with the task and its instance's new state; 409 when the task already moved (or the
chain ended), 403 for the submitter or an office/scope that does not cover the task, 404 for a task of
another tenant, 422 for an outcome the step does not allow or a missing reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g
from flask_login import current_user
from flask_smorest import Blueprint

from grassroots.api.views import ApiView
from grassroots.tenancy.access import can, member_required, requires
from grassroots.workflow.history import instance_dict, instance_history
from grassroots.workflow.inbox import inbox_for, task_item, unassigned_tasks
from grassroots.workflow.schemas import ActSchema
from grassroots.workflow.transitions import act

blp = Blueprint("workflow_api", __name__, url_prefix="/api/v1/t/<tenant>",
                description="Approval chains: inboxes, acting on tasks, chain histories")


def wire(value: Any) -> Any:
    """Datetimes as UTC with a Z (stored naive UTC), recursively."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    return value


@blp.route("/inbox")
class Inbox(ApiView):
    @member_required
    @blp.response(200)
    def get(self):
        """The pending tasks you may act on: subject, chain, step (zh/en), due date, overdue flag, outcomes."""
        return {"tasks": wire(inbox_for(current_user, g.tenant))}


@blp.route("/tasks/<id:task_id>/act")
class Act(ApiView):
    @member_required
    @blp.arguments(ActSchema)
    @blp.response(200)
    def post(self, body: dict, task_id: int):
        """Approve, reject or return (reason required for the last two), or file; one transition at most."""
        result = act(task_id, current_user, body["outcome"], body.get("reason"))
        instance = result.instance
        task = task_item(result.task, instance.chain_id, instance.definition, instance.subject_type,
                         instance.subject_id)
        return wire({"task": task, "instance": instance_dict(instance)})


@blp.route("/workflow/instances/<id:instance_id>")
class Instance(ApiView):
    @member_required
    @blp.response(200)
    def get(self, instance_id: int):
        """A chain's history: every task of every round with who, when, outcome, reason and cite."""
        return wire(instance_history(instance_id, current_user, g.tenant,
                                     overseer=can("audit.view") or can("member.manage")))


@blp.route("/workflow/unassigned")
class Unassigned(ApiView):
    @requires("member.manage")
    @blp.response(200)
    def get(self):
        """Pending tasks whose office has nobody in scope (besides the submitter)."""
        return {"tasks": wire(unassigned_tasks(g.tenant))}
