"""API bearer tokens: random, shown once, stored as a SHA-256 hash, revocable, owned by one user.

A token is 256 random bits, so an unsalted fast hash is enough (no dictionary to try); the prefix kept
in clear (`gr_` + 6 characters) only helps a person tell their tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import abort
from sqlalchemy import update

from grassroots.accounts.models import ApiToken, User
from grassroots.db import db, utcnow

PREFIX = "gr_"
SHOWN_CHARS = len(PREFIX) + 6
# last_used_at is for people ("used today?"); writing it on every call would make every read a write.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the raw token, which is never stored or shown again."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_hash(raw), prefix=raw[:SHOWN_CHARS])
    db.session.add(token)
    db.session.flush()
    return token, raw


def tokens_of(user: User) -> list[ApiToken]:
    query = db.select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(db.session.execute(query).scalars())


def own_token_or_404(user: User, token_id: int) -> ApiToken:
    """Another user's token answers exactly like a missing one."""
    token = db.session.execute(db.select(ApiToken).filter_by(id=token_id, user_id=user.id)).scalar_one_or_none()
    if token is None:
        abort(404)
    return token


def revoke(token: ApiToken) -> None:
    """Idempotent: revoking twice keeps the first time."""
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    db.session.refresh(token)


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith(PREFIX):
        return None
    token = db.session.execute(db.select(ApiToken).filter_by(token_hash=_hash(raw))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return token.user
