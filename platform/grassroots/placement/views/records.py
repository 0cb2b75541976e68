"""A person's timeline and a decision's why."""

from __future__ import annotations

from flask import g

from grassroots.placement import applications, placements
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.decisions import get_decision
from grassroots.placement.errors import forbidden
from grassroots.placement.present import decision_view
from grassroots.placement.timeline import person_timeline
from grassroots.placement.views.common import VIEW, page, user
from grassroots.tenancy.access import requires


@requires(VIEW)
def timeline_page(person_id: int):
    return page("timeline.html", **person_timeline(g.tenant, user(), person_id))


@requires(VIEW)
def decision_page(decision_id: int):
    record = get_decision(decision_id)
    if record.subject_type == placements.SUBJECT:
        case = placements.readable(user(), g.tenant, placements.get_placement(record.subject_id))
    elif record.subject_type == applications.SUBJECT:
        case = applications.readable(user(), g.tenant, applications.get_application(record.subject_id))
    else:
        if not reach_of(user(), g.tenant, reading=True).everywhere:
            raise forbidden("not_a_reader", "您无权查看该决定", "You may not view this decision")
        case = record
    effective = packs.pinned(g.tenant, case)
    return page("decision.html", decision=decision_view(record, effective, full=True))
