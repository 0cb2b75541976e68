"""URL rules of the subsidy module, its navigation entries, what it registers with workflow, and its part of
the demo (rosters and paid batches after the placement demo cases)."""

from __future__ import annotations

from flask import Blueprint, Flask, url_for

from grassroots.extensions import api
from grassroots.placement import demo as placement_demo
from grassroots.placement import timeline as placement_timeline
from grassroots.subsidy import views
from grassroots.subsidy.api import blp as api_blp
from grassroots.subsidy.compile import SUBJECT
from grassroots.subsidy.demo import seed_claims
from grassroots.subsidy.rosters import describe_rosters, on_chain_complete
from grassroots.subsidy.timeline import events_for
from grassroots.web.nav import add_nav
from grassroots.workflow.hooks import (
    register_completion_hook,
    register_subject_describer,
    register_subject_url,
)

bp = Blueprint("subsidy", __name__)
PREFIX = "/t/<tenant>/subsidy"
RULES = (
    ("/rosters", "rosters", views.rosters_page, ["GET"]),
    ("/rosters/compile", "compile", views.compile_page, ["POST"]),
    ("/rosters/<id:roster_id>", "roster", views.roster_page, ["GET"]),
    ("/rosters/<id:roster_id>/print", "roster_print", views.roster_print, ["GET"]),
    ("/rosters/<id:roster_id>/resubmit", "roster_resubmit", views.roster_resubmit, ["POST"]),
    ("/rosters/<id:roster_id>/withdraw", "roster_withdraw", views.roster_withdraw, ["POST"]),
    ("/batches", "batches", views.batches_page, ["GET"]),
    ("/batches/create", "batch_create", views.batch_create, ["POST"]),
    ("/batches/<id:batch_id>", "batch", views.batch_page, ["GET"]),
    ("/batches/<id:batch_id>/approve", "batch_approve", views.batch_approve, ["POST"]),
    ("/batches/<id:batch_id>/pay", "batch_pay", views.batch_pay, ["POST"]),
    ("/rollup", "rollup", views.rollup_page, ["GET"]),
    ("/placements/<id:placement_id>", "placement", views.placement_page, ["GET"]),
    ("/placements/<id:placement_id>/compute", "placement_compute", views.placement_compute, ["POST"]),
    ("/entitlements/<id:entitlement_id>", "entitlement", views.entitlement_page, ["GET"]),
)
for rule, endpoint, view, methods in RULES:
    bp.add_url_rule(PREFIX + rule, endpoint, view, methods=methods)


def _roster_url(roster_id: int) -> str:
    return url_for("subsidy.roster", roster_id=roster_id)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    api.register_blueprint(api_blp)
    register_completion_hook(SUBJECT, on_chain_complete)
    register_subject_url(SUBJECT, _roster_url, {"zh": "补贴申报名册", "en": "Subsidy roster"})
    register_subject_describer(SUBJECT, describe_rosters)  # an inbox row says which roster: year and title
    if seed_claims not in placement_demo.after_cases:  # `grassroots demo cases` then makes rosters and batches
        placement_demo.after_cases.append(seed_claims)
    if events_for not in placement_timeline.event_sources:  # a person's timeline: what was owed, claimed, paid
        placement_timeline.event_sources.append(events_for)
    add_nav("subsidy.rosters", "roster.review", "补贴名册", "Subsidy rosters")
    add_nav("subsidy.batches", "roster.review", "补贴拨付", "Disbursements")
    add_nav("subsidy.rollup", "roster.review", "下级名册汇总", "Roll-up of child rosters")
