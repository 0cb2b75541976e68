"""Pages for every step, Chinese first: postings, applications (the pack's form, zh labels, uploads), the
match, the agreement and its signatures, placements with assessments and extensions, a person's timeline
and a decision's "why". Each handler loads, checks access (decorator, then the object), then acts through
the same services as the API; a refusal the user can fix comes back on the page, 403/404 on the error page.
RULES lists the URL rules blueprint.py registers.
"""

from grassroots.placement.views.agreements import agreement_page, agreement_sign, agreement_terms
from grassroots.placement.views.applications import (
    application_edit,
    application_match,
    application_new,
    application_page,
    applications_page,
)
from grassroots.placement.views.placements import (
    extension_page,
    extension_resubmit,
    placement_assess,
    placement_dispatch_resubmit,
    placement_end,
    placement_extend,
    placement_page,
    placements_page,
)
from grassroots.placement.views.postings import (
    posting_close,
    posting_new,
    posting_page,
    posting_publish,
    posting_resubmit,
    postings_page,
)
from grassroots.placement.views.records import decision_page, timeline_page

RULES = [
    ("/t/<tenant>/postings", "postings", postings_page, ["GET"]),
    ("/t/<tenant>/postings/new", "posting_new", posting_new, ["GET", "POST"]),
    ("/t/<tenant>/postings/<id:posting_id>", "posting", posting_page, ["GET"]),
    ("/t/<tenant>/postings/<id:posting_id>/publish", "posting_publish", posting_publish, ["POST"]),
    ("/t/<tenant>/postings/<id:posting_id>/resubmit", "posting_resubmit", posting_resubmit, ["GET", "POST"]),
    ("/t/<tenant>/postings/<id:posting_id>/close", "posting_close", posting_close, ["POST"]),
    ("/t/<tenant>/applications", "applications", applications_page, ["GET"]),
    ("/t/<tenant>/applications/new", "application_new", application_new, ["GET", "POST"]),
    ("/t/<tenant>/applications/<id:application_id>", "application", application_page, ["GET"]),
    ("/t/<tenant>/applications/<id:application_id>/edit", "application_edit", application_edit, ["GET", "POST"]),
    ("/t/<tenant>/applications/<id:application_id>/match", "application_match", application_match, ["POST"]),
    ("/t/<tenant>/agreements/<id:agreement_id>", "agreement", agreement_page, ["GET"]),
    ("/t/<tenant>/agreements/<id:agreement_id>/terms", "agreement_terms", agreement_terms, ["POST"]),
    ("/t/<tenant>/agreements/<id:agreement_id>/sign", "agreement_sign", agreement_sign, ["POST"]),
    ("/t/<tenant>/placements", "placements", placements_page, ["GET"]),
    ("/t/<tenant>/placements/<id:placement_id>", "placement", placement_page, ["GET"]),
    ("/t/<tenant>/placements/<id:placement_id>/assess", "placement_assess", placement_assess, ["GET", "POST"]),
    ("/t/<tenant>/placements/<id:placement_id>/extend", "placement_extend", placement_extend, ["GET", "POST"]),
    ("/t/<tenant>/placements/<id:placement_id>/end", "placement_end", placement_end, ["POST"]),
    ("/t/<tenant>/placements/<id:placement_id>/dispatch/resubmit", "placement_dispatch_resubmit",
     placement_dispatch_resubmit, ["POST"]),
    ("/t/<tenant>/extensions/<id:extension_id>", "extension", extension_page, ["GET"]),
    ("/t/<tenant>/extensions/<id:extension_id>/resubmit", "extension_resubmit", extension_resubmit, ["GET", "POST"]),
    ("/t/<tenant>/people/<id:person_id>/timeline", "timeline", timeline_page, ["GET"]),
    ("/t/<tenant>/decisions/<id:decision_id>", "decision", decision_page, ["GET"]),
]
