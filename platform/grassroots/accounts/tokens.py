"""API bearer tokens: random, shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib

from grassroots.accounts.models import ApiToken, User
from grassroots.db import db, utcnow


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_for_token(raw: str) -> User | None:
    if not raw:
        return None
    token = db.session.execute(db.select(ApiToken).filter_by(token_hash=_hash(raw))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user
