"""Fixtures for the identity tests: the seeded demo tenants (their packs give city_hr and service_unit
`placement.manage`), people registered through the service, and clients signed in by name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grassroots.accounts.models import User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.identity.services import register_person
from grassroots.tenancy.models import Tenant
from tests.conftest import login
from tests.identity.helpers import number


def tenant(slug: str) -> Tenant:
    return db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one()


def user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


@pytest.fixture()
def lijiang(seeded_app) -> Tenant:
    return tenant("lijiang")


@pytest.fixture()
def kunming(seeded_app) -> Tenant:
    return tenant("kunming")


@pytest.fixture()
def register(seeded_app) -> Callable[..., int]:
    """Register a person in a tenant through the service; returns the id (the session is left clean)."""

    def make(slug: str = "lijiang", id_number: str | None = None, actor: str = "lj_city_hr", **data) -> int:
        t = tenant(slug)
        with tenant_context(t.id, db.session):
            person = register_person({"name": data.pop("name", "和医生"), "id_number": id_number or number(1),
                                      **data}, user(actor))
            person_id = person.id
        db.session.rollback()
        return person_id

    return make


@pytest.fixture()
def as_user(seeded_app) -> Callable[[str | None], object]:
    def make(username: str | None = None):
        client = seeded_app.test_client()
        if username:
            login(client, username)
        return client

    return make


@pytest.fixture()
def csrf_client(seeded_app):
    """A client of a second app on the same database with CSRF enforced, as in production."""
    from grassroots.app import create_app
    from tests import dbutil

    keep = ("SECRET_KEY", "ID_NUMBER_KEY", "INSTANCE_PATH", "UPLOAD_DIR", "SQLALCHEMY_DATABASE_URI",
            "PASSWORD_HASH_METHOD", "SERVER_NAME")
    strict = create_app({"TESTING": True, **{k: seeded_app.config[k] for k in keep}, "WTF_CSRF_ENABLED": True})
    with strict.app_context():
        yield strict.test_client()
    dbutil.dispose(strict)


def audit_entries(slug: str = "lijiang", action_prefix: str = "id.") -> list:
    """The tenant's audit entries whose action starts with the prefix, oldest first (read inside the tenant:
    on PostgreSQL row-level security hides a tenant's chain from a session with no tenant set)."""
    from grassroots.audit.models import AuditEntry

    with tenant_context(tenant(slug).id, db.session):
        rows = db.session.execute(db.select(AuditEntry).where(AuditEntry.action.like(f"{action_prefix}%"))
                                  .order_by(AuditEntry.id)).scalars().all()
        db.session.expunge_all()
        db.session.rollback()
    return rows
