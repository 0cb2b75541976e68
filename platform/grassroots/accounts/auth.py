"""Loading the signed-in user: session ids carry a version so logout ends every session; bearer
tokens are read only under /api/ (see grassroots.api.security, which calls these)."""

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


def bearer_token(request) -> str | None:
    """The raw bearer token of an /api/ request ("" if the header is empty), else None."""
    if not request.path.startswith("/api/"):
        return None
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return raw.strip()


def load_user_from_request(request) -> User | None:
    """The owner of a valid, unrevoked bearer token on an /api/ path; None otherwise."""
    from grassroots.accounts import tokens

    raw = bearer_token(request)
    if not raw:
        return None
    return tokens.user_for_token(raw)
