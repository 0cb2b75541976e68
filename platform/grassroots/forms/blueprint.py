"""URL rules of the forms module. The form-filling page itself belongs to the module that owns the case
(placement embeds `rendering.render_form`); these are the pages every reader of a submission shares."""

from __future__ import annotations

from flask import Blueprint, Flask

from grassroots.extensions import api
from grassroots.forms import views
from grassroots.forms.api import blp as api_blp
from grassroots.forms.rekey import rekey_current_tenant
from grassroots.identity.rekey import register_participant

bp = Blueprint("forms", __name__)
bp.add_url_rule("/t/<tenant>/forms/submissions/<id:submission_id>", "submission", views.submission)
bp.add_url_rule("/t/<tenant>/forms/submissions/<id:submission_id>/print", "print_copies", views.print_copies)
bp.add_url_rule("/t/<tenant>/forms/submissions/<id:submission_id>/attachments/<id:attachment_id>", "attachment",
                views.attachment)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    api.register_blueprint(api_blp)
    register_participant(app, "form submissions", rekey_current_tenant)  # `grassroots identity rekey`
