"""Test data made directly (tenants, areas, units, users), independent of the onboarding service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Area, Tenant, Unit

PASSWORD = "test-pass-2026"


def make_tenant(slug: str, level: str = "city", parent: Tenant | None = None) -> Tenant:
    tenant = Tenant(slug=slug, name_zh=f"{slug}市", name_en=slug.title(), level=level,
                    parent_id=parent.id if parent else None)
    db.session.add(tenant)
    db.session.commit()
    return tenant


def make_area(tenant: Tenant, code: str, **fields) -> Area:
    with tenant_context(tenant.id):
        area = Area(code=code, name_zh=fields.pop("name_zh", f"{code}县"), kind=fields.pop("kind", "county"),
                    **fields)
        db.session.add(area)
        db.session.commit()
    return area


def make_unit(tenant: Tenant, code: str, area: Area | None = None) -> Unit:
    with tenant_context(tenant.id):
        unit = Unit(code=code, name_zh=f"{code}医院", level="county", sector="health", type="hospital",
                    area_id=area.id if area else None)
        db.session.add(unit)
        db.session.commit()
    return unit


def make_user(username: str, operator: bool = False) -> User:
    user = User(username=username, display_name=username, is_operator=operator)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def add_membership(user: User, tenant: Tenant, office: str) -> Membership:
    membership = Membership(user_id=user.id, tenant_id=tenant.id, office=office)
    db.session.add(membership)
    db.session.commit()
    return membership


def owner_engine(app) -> Engine:
    """A connection that bypasses the app role's limits: the owner on PostgreSQL, the file on SQLite."""
    owner = app.config.get("MIGRATION_DATABASE_URI")
    if owner:
        return create_engine(owner, poolclass=NullPool)
    return create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def _count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)
