"""/decisions and /people/<id>/timeline: decision records with their why, a person's timeline."""

from __future__ import annotations

from flask import g

from grassroots.api.views import ApiView
from grassroots.placement import applications, placements
from grassroots.placement import program as packs
from grassroots.placement import schemas as s
from grassroots.placement.api.base import VIEW, blp, user
from grassroots.placement.decisions import get_decision
from grassroots.placement.errors import forbidden
from grassroots.placement.present import decision_view
from grassroots.placement.timeline import person_timeline
from grassroots.tenancy.access import requires


@blp.route("/decisions/<id:decision_id>")
class DecisionById(ApiView):
    @requires(VIEW)
    @blp.response(200, s.DecisionOut)
    def get(self, decision_id: int):
        """A decision record: pack version and hash, the input as evaluated, the answer with every reason."""
        record = get_decision(decision_id)
        case = _decision_case(record)
        return decision_view(record, packs.pinned(g.tenant, case), full=True)


def _decision_case(record):
    if record.subject_type == placements.SUBJECT:
        return placements.readable(user(), g.tenant, placements.get_placement(record.subject_id))
    if record.subject_type == applications.SUBJECT:
        return applications.readable(user(), g.tenant, applications.get_application(record.subject_id))
    if not _reaches_everything():
        raise forbidden("not_a_reader", "您无权查看该决定", "You may not view this decision")
    return record


def _reaches_everything() -> bool:
    from grassroots.placement.access import reach_of

    return reach_of(user(), g.tenant, reading=True).everywhere


@blp.route("/people/<id:person_id>/timeline")
class Timeline(ApiView):
    @requires(VIEW)
    @blp.response(200, s.TimelineOut)
    def get(self, person_id: int):
        """Every step, assessment and decision of a person, with who, when, the outcome and the article."""
        return person_timeline(g.tenant, user(), person_id)
