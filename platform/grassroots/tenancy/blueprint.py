"""URL rules of the tenancy module: child jurisdictions (pages and API)."""

from __future__ import annotations

from flask import Blueprint, Flask, request

from grassroots.extensions import api
from grassroots.tenancy import api as tenancy_api
from grassroots.tenancy import views
from grassroots.web.nav import add_nav

bp = Blueprint("tenancy", __name__)
bp.add_url_rule("/t/<tenant>/children", "children", views.children)
bp.add_url_rule("/t/<tenant>/children/new", "child_new", views.child_new, methods=["GET", "POST"])


# Manifests are small (a province's is a few hundred KB). The limit is set in a URL-value preprocessor
# because those run before any before_request hook, including CSRF's, which already reads the body.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


def _limit_body(endpoint, values) -> None:
    request.max_content_length = MAX_MANIFEST_BYTES


bp.url_value_preprocessor(_limit_body)
tenancy_api.blp.url_value_preprocessor(_limit_body)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    api.register_blueprint(tenancy_api.blp)
    add_nav("tenancy.children", "tenant.onboard", "下级地区", "Child jurisdictions")
