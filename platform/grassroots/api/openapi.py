"""The OpenAPI document at /api/v1/openapi.json: public, with the two ways to authenticate declared."""

from __future__ import annotations

from flask import Flask, current_app

from grassroots.extensions import api
from grassroots.tenancy.access import public

SPEC_ENDPOINT = "api-docs.openapi_json"


def init_app(app: Flask) -> None:
    """Call right after `api.init_app(app)`: the spec object is the one this app's blueprints fill."""
    spec = api.spec
    spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer",
         "description": "An API token from /account/tokens (gr_…); authenticates /api/ paths only, no CSRF."},
    )
    spec.components.security_scheme(
        "sessionCookie",
        {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session"),
         "description": "The signed-in browser session; state-changing calls must send X-CSRFToken."},
    )
    spec.options["security"] = [{"bearerAuth": []}, {"sessionCookie": []}]

    # flask-smorest serves the spec through a bound method of the process-wide `api` (no `_access`,
    # and the spec of whichever app was built last); serve this app's spec, declared public.
    @public
    def openapi_json():
        return current_app.json.response(spec.to_dict())

    if SPEC_ENDPOINT in app.view_functions:
        app.view_functions[SPEC_ENDPOINT] = openapi_json
