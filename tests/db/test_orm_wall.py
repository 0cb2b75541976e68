"""The first wall, on both databases: ORM queries and inserts are confined to the current tenant."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import CrossTenantWrite, MissingTenantContext, set_tenant, tenant_context
from grassroots.tenancy.models import Area, Tenant, Unit
from tests.db.factories import make_area, make_tenant, make_unit


@pytest.fixture()
def two(app):
    a, b = make_tenant("alpha"), make_tenant("beta")
    make_unit(a, "UA", make_area(a, "A1"))
    make_unit(b, "UB", make_area(b, "B1"))
    return a.id, b.id


def test_reading_a_tenant_table_without_a_tenant_raises(app, two):
    with pytest.raises(MissingTenantContext):
        db.session.execute(select(Area)).all()


def test_queries_in_a_tenant_never_return_another_tenants_rows(app, two):
    a, b = two
    with tenant_context(a):
        assert {area.code for area in db.session.execute(select(Area)).scalars()} == {"A1"}
        joined = db.session.execute(select(Unit.code, Area.code).join(Area, Unit.area_id == Area.id)).all()
        assert [tuple(row) for row in joined] == [("UA", "A1")]
        b_area = db.session.execute(select(Area.id).where(Area.tenant_id == b)).all()
        assert b_area == []
        db.session.rollback()


def test_session_get_of_another_tenants_row_finds_nothing(app, two):
    a, b = two
    with tenant_context(b):
        b_id = db.session.execute(select(Area.id)).scalar_one()
        db.session.rollback()
    db.session.expunge_all()
    with tenant_context(a):
        assert db.session.get(Area, b_id) is None
        db.session.rollback()


def test_inserting_a_row_for_another_tenant_raises(app, two):
    a, b = two
    with tenant_context(a):
        db.session.add(Area(tenant_id=b, code="X", name_zh="X", kind="county"))
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
        db.session.rollback()


def test_inserts_are_stamped_with_the_current_tenant(app, two):
    a, _ = two
    with tenant_context(a):
        area = Area(code="A2", name_zh="A2", kind="county")
        db.session.add(area)
        db.session.commit()
        assert area.tenant_id == a


def test_tenant_set_after_the_transaction_began_applies(app, two):
    """The URL resolver reads the tenant row first, then sets the tenant: the next query must follow."""
    a, _ = two
    db.session.execute(select(Tenant)).all()  # the transaction begins with no tenant
    set_tenant(a)
    try:
        assert [area.code for area in db.session.execute(select(Area)).scalars()] == ["A1"]
    finally:
        set_tenant(None)
        db.session.rollback()


def test_a_count_over_select_from_is_scoped_too(app, two):
    """`select(func.count()).select_from(Area)` names no mapper in its columns; its FROM still scopes it."""
    from sqlalchemy import func

    a, _ = two
    with pytest.raises(MissingTenantContext):
        db.session.execute(select(func.count()).select_from(Area)).scalar()
    with tenant_context(a):
        assert db.session.execute(select(func.count()).select_from(Area)).scalar() == 1
        joined = select(func.count()).select_from(Unit).join(Area, Unit.area_id == Area.id)
        assert db.session.execute(joined).scalar() == 1
        db.session.rollback()
