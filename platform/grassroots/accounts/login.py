"""Signing in: password check with lockouts that hold across worker processes and reveal nothing.

- Every attempt costs exactly one password hash, for known, unknown, inactive or locked usernames
  alike, so response time does not tell which usernames exist.
- Per username: after LOGIN_MAX_FAILURES failures the name is locked for LOGIN_LOCK_SECONDS. Known
  users keep the count in users.failed_logins/locked_until; unknown names are counted in
  login_failures, so they lock the same way and a lockout does not confirm a name exists.
- Per client address: LOGIN_IP_MAX_FAILURES failures within LOGIN_IP_WINDOW_SECONDS lock the address
  (password spraying across many names). The address is `request.remote_addr`, which only believes
  X-Forwarded-For when PROXY_FIX_X_FOR says how many proxies to trust. A success does not reset it.
- While locked, the answer is the same whether or not the password is right, and nothing is counted.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import case, delete, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from grassroots.accounts.audit import audit
from grassroots.accounts.models import LoginFailure, User
from grassroots.db import db, utcnow


class Outcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    user: User | None = None


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-password", method=method)


def username_key(username: str) -> str:
    """A keyed hash of the name typed: people type passwords into the username box."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, username.strip().lower().encode(), hashlib.sha256).hexdigest()


def _recent_failures(ip: str, key: str, now) -> tuple[int, int]:
    """(failures from this address in its window, failures for this name in the lock window), one query."""
    cfg = current_app.config
    ip_since = now - timedelta(seconds=cfg["LOGIN_IP_WINDOW_SECONDS"])
    name_since = now - timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
    by_ip = case(((LoginFailure.ip == ip) & (LoginFailure.at > ip_since), 1), else_=0)
    by_name = case(((LoginFailure.username_key == key) & (LoginFailure.at > name_since), 1), else_=0)
    query = select(func.coalesce(func.sum(by_ip), 0), func.coalesce(func.sum(by_name), 0)).where(
        or_(LoginFailure.ip == ip, LoginFailure.username_key == key), LoginFailure.at > min(ip_since, name_since))
    ip_count, name_count = db.session.execute(query).one()
    return int(ip_count), int(name_count)


def _locked_until(user_id: int) -> datetime | None:
    return db.session.execute(select(User.locked_until).where(User.id == user_id)).scalar_one_or_none()


def _locked(user_id: int, known: bool, ip: str, key: str, now) -> bool:
    """Same queries whether or not the name exists, so the time taken does not tell."""
    cfg = current_app.config
    ip_count, name_count = _recent_failures(ip, key, now)
    until = _locked_until(user_id)
    if ip_count >= cfg["LOGIN_IP_MAX_FAILURES"]:
        return True
    if known:
        return until is not None and until > now
    return name_count >= cfg["LOGIN_MAX_FAILURES"]


def _record_failure(user_id: int, key: str, ip: str, now) -> None:
    """Count a failure for the address and the name; for a known user (else id 0: no row) also in users."""
    cfg = current_app.config
    oldest = now - timedelta(seconds=max(cfg["LOGIN_IP_WINDOW_SECONDS"], cfg["LOGIN_LOCK_SECONDS"]))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < oldest))
    db.session.add(LoginFailure(ip=ip[:45], username_key=key, at=now))
    expired = (User.locked_until.is_not(None)) & (User.locked_until <= now)
    # Single statements, so concurrent failures in several workers all count.
    db.session.execute(
        update(User).where(User.id == user_id).values(
            failed_logins=case((expired, 1), else_=User.failed_logins + 1),
            locked_until=case((expired, None), else_=User.locked_until),
        )
    )
    db.session.execute(
        update(User)
        .where(User.id == user_id, User.locked_until.is_(None), User.failed_logins >= cfg["LOGIN_MAX_FAILURES"])
        .values(locked_until=now + timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"]))
    )
    db.session.flush()


def authenticate(username: str, password: str, ip: str) -> LoginResult:
    """Check a sign-in attempt and update the counters; commits."""
    now = utcnow()
    username = username.strip()
    key = username_key(username)
    user = db.session.execute(select(User).filter_by(username=username)).scalar_one_or_none() if username else None
    uid = user.id if user else 0  # no user has id 0: the same statements run, touching nothing
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    password_ok = check_password_hash(user.password_hash if user else _dummy_hash(method), password)
    if _locked(uid, user is not None, ip, key, now):
        db.session.rollback()
        return LoginResult(Outcome.LOCKED)
    if user is not None and user.active and password_ok:
        db.session.execute(update(User).where(User.id == uid).values(failed_logins=0, locked_until=None))
        db.session.commit()
        return LoginResult(Outcome.OK, user)
    _record_failure(uid, key, ip, now)
    audit("login.failed", "user" if user else None, user.id if user else None, note="wrong password or unknown user")
    db.session.commit()
    return LoginResult(Outcome.LOCKED if _locked(uid, user is not None, ip, key, now) else Outcome.INVALID)
