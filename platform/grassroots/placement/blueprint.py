"""URL rules of the placement module (pages and API), its workflow hooks, nav entries and CLI."""

from __future__ import annotations

from flask import Blueprint, Flask

from grassroots.extensions import api
from grassroots.placement import commands, home, hooks, views
from grassroots.placement.api import blp as api_blp
from grassroots.web import views as web_views
from grassroots.web.nav import add_nav

bp = Blueprint("placement", __name__)
for rule, endpoint, view, methods in views.RULES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    api.register_blueprint(api_blp)
    hooks.register()
    commands.register(app)
    add_nav("placement.postings", "program.view", "岗位需求", "Postings")
    add_nav("placement.applications", "program.view", "服务申请", "Applications")
    add_nav("placement.placements", "program.view", "服务人员", "Placements")
    if home.home_counters not in web_views.work_counters:
        web_views.work_counters.append(home.home_counters)
