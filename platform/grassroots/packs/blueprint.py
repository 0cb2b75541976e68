"""URL rules of the packs module, and the hooks it fills in lower modules (offices, program lists,
onboarding's first version). Registering here keeps tenancy and web unaware of packs."""

from __future__ import annotations

from flask import Blueprint, Flask

from grassroots.errors import error_response
from grassroots.extensions import api, csrf
from grassroots.packs import services, views
from grassroots.packs.api import blp as api_blp
from grassroots.packs.offices import pack_offices
from grassroots.packs.programs import program_summaries
from grassroots.packs.ratelimit import RateLimited
from grassroots.tenancy.permissions import register_office_source
from grassroots.web import views as web_views
from grassroots.web.nav import add_nav

bp = Blueprint("packs_web", __name__)
bp.add_url_rule("/t/<tenant>/pack", "status", views.status)
bp.add_url_rule("/t/<tenant>/pack/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/t/<tenant>/pack/submit", "submit", views.submit, methods=["POST"])
bp.add_url_rule("/t/<tenant>/pack/publish", "publish", views.publish, methods=["POST"])
bp.add_url_rule("/t/<tenant>/pack/diff", "diff", views.diff)
bp.add_url_rule("/t/<tenant>/pack/versions/<id:number>.json", "export", views.export)
bp.add_url_rule("/t/<tenant>/programs", "programs", views.programs)
bp.add_url_rule("/t/<tenant>/programs/<program>", "program_page", views.program_page)
bp.add_url_rule("/t/<tenant>/programs/<program>/check", "program_check", views.program_check, methods=["POST"])

EVALUATE_ENDPOINT = "packs_api.Evaluate"


def _rate_limited(exc: RateLimited):
    body, status = error_response(exc.status, exc.code, exc.message)
    return body, status, {"Retry-After": str(exc.retry_after)}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    api.register_blueprint(api_blp)
    # The evaluation stores nothing and is public: no session to ride, so no CSRF token (rate-limited instead).
    view = app.view_functions[EVALUATE_ENDPOINT]
    csrf.exempt(f"{view.__module__}.{view.__name__}")
    app.register_error_handler(RateLimited, _rate_limited)
    register_office_source(pack_offices)
    web_views.program_lister[:] = [program_summaries]
    from grassroots.tenancy import onboarding

    if services.on_onboard not in onboarding.after_onboard:
        onboarding.after_onboard.append(services.on_onboard)
    add_nav("packs_web.status", "pack.edit", "政策包", "Policy pack")
