"""Loading the signed-in user: session ids carry a version so logout ends every session."""

from __future__ import annotations

from grassroots.accounts.models import User
from grassroots.db import db


def load_user(user_id: str) -> User | None:
    try:
        uid, version = (int(part) for part in user_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def load_user_from_request(request) -> User | None:
    """Bearer tokens for the API; filled in by the tokens service."""
    from grassroots.accounts import tokens

    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not request.path.startswith("/api/"):
        return None
    return tokens.user_for_token(header[len("Bearer "):].strip())
