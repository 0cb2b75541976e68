"""URL rules of the workflow module and its navigation entries."""

from __future__ import annotations

from flask import Blueprint, Flask

from grassroots.extensions import api
from grassroots.web import views as web_views
from grassroots.web.nav import add_nav
from grassroots.workflow import views
from grassroots.workflow.api import blp as api_blp

bp = Blueprint("workflow_web", __name__)
bp.add_url_rule("/t/<tenant>/inbox", "inbox", views.inbox)
bp.add_url_rule("/t/<tenant>/tasks/<id:task_id>/act", "act", views.act_on, methods=["POST"])
bp.add_url_rule("/t/<tenant>/workflow/instances/<id:instance_id>", "instance", views.instance_page)
bp.add_url_rule("/t/<tenant>/workflow/unassigned", "unassigned", views.unassigned)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    api.register_blueprint(api_blp)
    add_nav("workflow_web.inbox", "program.view", "待办", "Inbox")
    add_nav("workflow_web.unassigned", "member.manage", "无人办理事项", "Unassigned tasks")
    if views.home_counter not in web_views.work_counters:
        web_views.work_counters.insert(0, views.home_counter)
