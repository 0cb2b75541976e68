"""Small factories for the accounts tests: users, tenants, memberships, and a browser-like login.

Independent of the onboarding fixtures on purpose: these tests need a handful of rows, built directly.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Tenant
from tests import dbutil
from tests.accounts.helpers import PASSWORD


@pytest.fixture()
def make_user(app) -> Callable[..., User]:
    def make(username: str = "alice", password: str = PASSWORD, display_name: str | None = None,
             operator: bool = False, active: bool = True, email: str | None = None) -> User:
        user = User(username=username, display_name=display_name or f"{username} 测试",
                    is_operator=operator, active=active, email=email)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture()
def make_tenant(app) -> Callable[..., Tenant]:
    def make(slug: str, level: str = "city", parent: Tenant | None = None, status: str = "active") -> Tenant:
        tenant = Tenant(slug=slug, name_zh=f"{slug}市", name_en=slug.title(), level=level,
                        parent_id=parent.id if parent else None, status=status)
        db.session.add(tenant)
        db.session.commit()
        return tenant

    return make


@pytest.fixture()
def grant(app) -> Callable[..., Membership]:
    def make(user: User, tenant: Tenant, office: str = "professional", scope_kind: str = "tenant",
             scope_code: str = "") -> Membership:
        with tenant_context(tenant.id, db.session):
            membership = Membership(user_id=user.id, tenant_id=tenant.id, office=office,
                                    scope_kind=scope_kind, scope_code=scope_code)
            db.session.add(membership)
            db.session.commit()
        db.session.expire(user, ["memberships"])
        return membership

    return make


@pytest.fixture()
def app_with(app):
    """Another app on the same database with some settings changed (made before any request)."""
    from grassroots.app import create_app

    made = []
    keep = ("SECRET_KEY", "ID_NUMBER_KEY", "INSTANCE_PATH", "UPLOAD_DIR", "SQLALCHEMY_DATABASE_URI",
            "PASSWORD_HASH_METHOD", "SERVER_NAME", "WTF_CSRF_ENABLED")

    def make(**overrides):
        other = create_app({"TESTING": True, **{k: app.config[k] for k in keep}, **overrides})
        made.append(other)
        return other

    yield make
    for other in made:
        dbutil.dispose(other)


@pytest.fixture()
def csrf_app(app_with):
    """CSRF enforced as in production (the default test config turns it off)."""
    strict = app_with(WTF_CSRF_ENABLED=True)
    with strict.app_context():
        yield strict


@pytest.fixture()
def csrf_client(csrf_app):
    return csrf_app.test_client()
