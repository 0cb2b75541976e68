"""Users are platform-wide; a membership grants one office in one tenant within an org-unit scope.

Memberships are the access-control table itself, so they are read by user id across tenants (to let a
person switch tenant) and are not row-level-secured; every other tenant table is.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from grassroots.db import db, utcnow


class User(db.Model):
    __tablename__ = "users"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_operator: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", order_by="Membership.id")

    def set_password(self, password: str) -> None:
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login protocol; the session id carries the version so logout ends every session.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class Membership(db.Model):
    __tablename__ = "memberships"
    __audited__ = True
    __table_args__ = (UniqueConstraint("user_id", "tenant_id", "office", "scope_kind", "scope_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    office: Mapped[str] = mapped_column(String(64))
    scope_kind: Mapped[str] = mapped_column(String(8), default="tenant")  # tenant | area | unit
    scope_code: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    # Joined: the tenant switcher and /api/v1/me read every membership's tenant (no N+1).
    tenant = relationship("Tenant", lazy="joined")


class ApiToken(db.Model):
    """A bearer token a user creates for scripts; only its hash is stored; revocable."""

    __tablename__ = "api_tokens"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One failed sign-in, kept for the lock window: rate limits shared by every worker process.

    Counted per client address (the IP limit) and per username, so an unknown username locks exactly
    like a known one and lockouts cannot be used to discover which usernames exist.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_ip_at", "ip", "at"),
        Index("ix_login_failures_username_key_at", "username_key", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(45))
    username_key: Mapped[str] = mapped_column(String(64))  # HMAC of the name typed, never the name
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
