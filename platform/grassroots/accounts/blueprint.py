"""URL rules for signing in and out, the account pages, the accounts API, and the user loader."""

from __future__ import annotations

from flask import Blueprint, Flask

from grassroots.accounts import auth, token_views, views
from grassroots.accounts.api import blp as api_blp
from grassroots.extensions import api, login_manager

bp = Blueprint("accounts", __name__)
bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/account/password", "password", views.password, methods=["GET", "POST"])
bp.add_url_rule("/account/tokens", "tokens", token_views.tokens_page, methods=["GET", "POST"])
bp.add_url_rule("/account/tokens/<id:token_id>/revoke", "revoke_token", token_views.revoke_token, methods=["POST"])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    api.register_blueprint(api_blp)
    login_manager.user_loader(auth.load_user)
    # No fingerprint in the cookie: it hashes a client-controlled X-Forwarded-For (SECURITY.md); the
    # session version does the revoking. Bearer tokens are read by grassroots.api.security.
    login_manager.session_protection = None
