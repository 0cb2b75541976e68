"""Starting and ending browser sessions.

The session cookie is signed, not encrypted, so it holds only Flask-Login's "<user id>:<session
version>", the CSRF secret and the chosen language: no names, no fingerprints (Flask-Login's session
protection is off; it hashes a client-controlled X-Forwarded-For). Bumping users.session_version makes
every cookie issued before it stop working (auth.load_user compares it).
"""

from __future__ import annotations

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import update

from grassroots.accounts.models import User
from grassroots.db import db


def _clear_keeping_language() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user: User) -> None:
    """A fresh session (no fixation: nothing from before login survives but the language)."""
    _clear_keeping_language()
    login_user(user)
    session.pop("_id", None)  # Flask-Login's fingerprint (IP + user agent hash): unused, so not kept
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME of inactivity


def end_all_sessions(user: User) -> None:
    """Invalidate every session of `user`, everywhere; the caller commits."""
    db.session.flush()
    db.session.execute(update(User).where(User.id == user.id).values(session_version=User.session_version + 1))
    db.session.refresh(user)


def end_this_session() -> None:
    logout_user()
    _clear_keeping_language()
