"""URL rules for signing in and out, and the user loader."""

from __future__ import annotations

from flask import Blueprint, Flask

from grassroots.accounts import auth, views
from grassroots.extensions import login_manager

bp = Blueprint("accounts", __name__)
bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    login_manager.user_loader(auth.load_user)
    login_manager.request_loader(auth.load_user_from_request)
