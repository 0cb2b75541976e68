"""URL rules of the identity module (pages and API), its nav entry, CLI group and key settings."""

from __future__ import annotations

import os

from flask import Blueprint, Flask

from grassroots.config import ConfigError
from grassroots.extensions import api
from grassroots.identity import commands, views
from grassroots.identity.api import blp as api_blp
from grassroots.identity.crypto import parse_old_keys
from grassroots.identity.services import VIEW_PERMISSION
from grassroots.web.nav import add_nav

bp = Blueprint("identity", __name__)
bp.add_url_rule("/t/<tenant>/people", "people", views.people)
bp.add_url_rule("/t/<tenant>/people/new", "person_new", views.person_new, methods=["GET", "POST"])
bp.add_url_rule("/t/<tenant>/people/<id:person_id>", "person", views.person)
bp.add_url_rule("/t/<tenant>/people/<id:person_id>/reveal", "person_reveal", views.person_reveal, methods=["POST"])

MIN_KEY_CHARS = 32


def configure_keys(app: Flask) -> None:
    """Key rotation settings from the environment; a weak or malformed key fails at start, all at once."""
    env = os.environ
    app.config.setdefault("ID_NUMBER_KEY_VERSION", env.get("ID_NUMBER_KEY_VERSION") or 1)
    app.config.setdefault("ID_NUMBER_OLD_KEYS", env.get("ID_NUMBER_OLD_KEYS", ""))
    problems = []
    version = str(app.config["ID_NUMBER_KEY_VERSION"])
    if not version.isdigit() or not 1 <= int(version) <= 255:
        problems.append("ID_NUMBER_KEY_VERSION must be 1..255")
    if len(app.config.get("ID_NUMBER_KEY") or "") < MIN_KEY_CHARS:
        problems.append(f"ID_NUMBER_KEY must have at least {MIN_KEY_CHARS} characters")
    try:
        old = parse_old_keys(app.config["ID_NUMBER_OLD_KEYS"])
    except ValueError:
        problems.append("ID_NUMBER_OLD_KEYS must read version:secret,version:secret")
    else:
        if any(not 1 <= v <= 255 or len(s) < MIN_KEY_CHARS for v, s in old.items()):
            problems.append(f"ID_NUMBER_OLD_KEYS: versions 1..255, secrets of {MIN_KEY_CHARS}+ characters")
    if problems:
        raise ConfigError("; ".join(problems))


def init_app(app: Flask) -> None:
    configure_keys(app)
    app.register_blueprint(bp)
    api.register_blueprint(api_blp)
    commands.register(app)
    add_nav("identity.people", VIEW_PERMISSION, "人员名册", "People register")
