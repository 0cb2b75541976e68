"""How a request is authenticated, and when it must carry a CSRF token. One hook, for every request.

- Under `/api/` an `Authorization: Bearer` header is the *only* credential looked at: the session
  cookie is ignored, and a bad, revoked or expired token is a 401 even if a valid cookie came along.
  Such a request needs no CSRF token: a browser cannot attach that header to a cross-site request
  (it is not CORS-safelisted and we grant no CORS), and the cookie it might attach is not used.
- Everything else is authenticated by the session cookie and, when it changes state (POST, PUT,
  PATCH, DELETE), must carry a CSRF token: the form field `csrf_token`, or `X-CSRFToken` from scripts.
  That is Flask-WTF's own check (`csrf.protect(apply_exemptions=True)`, so `csrf.exempt` still works);
  its automatic hook is switched off so that the check and the bearer rule cannot drift apart.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g, request

from grassroots.accounts import auth
from grassroots.extensions import csrf

# Flask-Login's user, Flask-WTF's token cache and verdict, and ours.
PER_REQUEST_KEYS = ("_login_user", "csrf_token", "csrf_valid", "auth_via")


def authenticated_by_token() -> bool:
    """True when the current request was authenticated by an API bearer token."""
    return g.get("auth_via") == "token"


def init_app(app: Flask) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # replaced by the hook below, never skipped silently

    @app.before_request
    def _authenticate_and_check_csrf():
        # Per-request state lives on `g`, which belongs to the app context; when one context outlives
        # many requests (the test fixtures push one), a user or CSRF token must not carry over.
        for key in PER_REQUEST_KEYS:
            g.pop(key, None)
        raw = auth.bearer_token(request)
        if raw is not None:
            user = auth.load_user_from_request(request)
            if user is None:
                abort(401)
            g._login_user = user  # what Flask-Login's current_user reads; the cookie is never loaded
            g.auth_via = "token"
            return None
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect(apply_exemptions=True)
        return None

    @app.after_request
    def _challenge(response):
        if response.status_code == 401 and request.path.startswith("/api/"):
            challenge = 'Bearer realm="grassroots"'
            if auth.bearer_token(request) is not None:
                challenge += ', error="invalid_token"'
            response.headers.setdefault("WWW-Authenticate", challenge)
        return response
