"""The placement API's blueprint and what its resources share."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

blp = Blueprint("placement_api", __name__, url_prefix="/api/v1/t/<tenant>",
                description="Secondment programs: postings, applications, agreements, placements, assessments, "
                            "extensions, decision records and timelines")

VIEW = "program.view"  # object ids in URLs are `<id:...>` (grassroots.converters: 1 … 2³¹−1, else 404)


def user():
    return current_user._get_current_object()
