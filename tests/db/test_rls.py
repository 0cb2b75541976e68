"""The second wall (PostgreSQL): row-level security binds the app's role even when the ORM is bypassed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from grassroots.db import db
from grassroots.db.rls import RLS_EXEMPT
from grassroots.db.tenant_scope import tenant_context
from tests.db.factories import make_area, make_tenant, owner_engine

pytestmark = pytest.mark.postgres


@pytest.fixture()
def two(app):
    a, b = make_tenant("alpha"), make_tenant("beta")
    make_area(a, "A1")
    make_area(b, "B1")
    return a.id, b.id


def raw(sql: str, **params):
    return db.session.execute(text(sql), params).all()


def owner_rows(app, sql: str, **params) -> list:
    engine = owner_engine(app)
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    engine.dispose()
    return rows


def test_raw_sql_in_a_tenant_sees_only_its_rows(app, two):
    a, b = two
    with tenant_context(a):
        assert {row.tenant_id for row in raw("SELECT * FROM areas")} == {a}
        assert raw("SELECT * FROM areas WHERE tenant_id = :b", b=b) == []
        db.session.rollback()


def test_raw_insert_for_another_tenant_is_refused(app, two):
    a, b = two
    with tenant_context(a):
        with pytest.raises(DBAPIError, match="row-level security"):
            raw("INSERT INTO areas (tenant_id, code, name_zh, name_en, kind, tags) "
                "VALUES (:b, 'X', 'X', '', 'county', '[]') RETURNING id", b=b)
        db.session.rollback()


def test_raw_update_cannot_move_a_row_to_another_tenant(app, two):
    a, b = two
    with tenant_context(a):
        with pytest.raises(DBAPIError, match="row-level security"):
            raw("UPDATE areas SET tenant_id = :b RETURNING id", b=b)
        db.session.rollback()


def test_no_tenant_set_sees_nothing(app, two):
    db.session.rollback()
    assert raw("SELECT current_setting('app.tenant_id', true)")[0][0] == ""
    assert raw("SELECT * FROM areas") == [] and raw("SELECT * FROM units") == []
    assert raw("SELECT * FROM audit_entries WHERE tenant_id IS NOT NULL") == []
    db.session.rollback()
    assert len(owner_rows(app, "SELECT * FROM areas")) == 2  # the rows exist


def test_platform_audit_chain_is_invisible_inside_a_tenant(app, two):
    a, _ = two
    assert raw("SELECT count(*) FROM audit_entries WHERE tenant_id IS NULL")[0][0] == 2  # two tenants created
    db.session.rollback()
    with tenant_context(a):
        assert raw("SELECT DISTINCT tenant_id FROM audit_entries") == [(a,)]
        db.session.rollback()


def test_setting_does_not_leak_to_the_next_transaction(app, two):
    a, _ = two
    with tenant_context(a):
        pid = raw("SELECT pg_backend_pid()")[0][0]
        assert raw("SELECT current_setting('app.tenant_id', true)")[0][0] == str(a)
        db.session.commit()
    assert raw("SELECT pg_backend_pid()")[0][0] == pid  # the same pooled connection
    assert raw("SELECT current_setting('app.tenant_id', true)")[0][0] == ""
    assert raw("SELECT * FROM areas") == []
    db.session.rollback()


def test_setting_follows_the_context_inside_one_transaction(app, two):
    a, b = two
    conn = db.session.connection()  # raw SQL on the connection: no ORM event runs for it
    with tenant_context(a, db.session):
        assert {r.tenant_id for r in conn.execute(text("SELECT tenant_id FROM areas"))} == {a}
        with tenant_context(b, db.session):
            assert {r.tenant_id for r in conn.execute(text("SELECT tenant_id FROM areas"))} == {b}
        assert {r.tenant_id for r in conn.execute(text("SELECT tenant_id FROM areas"))} == {a}
    assert conn.execute(text("SELECT tenant_id FROM areas")).all() == []
    db.session.rollback()


def test_savepoint_rollback_does_not_leave_a_stale_setting(app, two):
    """A rolled-back savepoint reverts a set_config made inside it; the next statement re-applies."""
    a, b = two
    with tenant_context(a):
        raw("SELECT 1")  # the transaction holds tenant a
        with tenant_context(b):
            savepoint = db.session.begin_nested()
            assert {row.tenant_id for row in raw("SELECT tenant_id FROM areas")} == {b}
            savepoint.rollback()  # the database is back to tenant a; the context is still b
            assert {row.tenant_id for row in raw("SELECT tenant_id FROM areas")} == {b}
    db.session.rollback()


def test_app_role_cannot_bypass_rls(app):
    role = db.session.execute(text("SELECT current_user")).scalar_one()
    row = db.session.execute(text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    assert tuple(row) == (False, False)
    owned = db.session.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = :r"), {"r": role}).all()
    assert owned == []
    db.session.rollback()


def test_every_tenant_table_has_forced_rls_and_the_policy(app):
    """Fails for any future table with a tenant_id column that its migration left without RLS."""
    rows = owner_rows(app, """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname
                       AND p.policyname = 'tenant_isolation' AND p.qual LIKE '%app.tenant_id%'
                       AND p.with_check LIKE '%app.tenant_id%') AS has_policy
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname""")
    tables = {row.relname: row for row in rows}
    assert {"areas", "units", "audit_entries"} <= set(tables)
    missing = [name for name, row in tables.items()
               if name not in RLS_EXEMPT and not (row.relrowsecurity and row.relforcerowsecurity and row.has_policy)]
    assert missing == []


def test_app_role_cannot_rewrite_the_audit_log(app, two):
    a, _ = two
    for statement in ("UPDATE audit_entries SET note = 'x'", "DELETE FROM audit_entries", "TRUNCATE audit_entries"):
        with tenant_context(a):
            with pytest.raises(DBAPIError, match="permission denied"):
                raw(statement + " RETURNING id" if not statement.startswith("TRUNCATE") else statement)
            db.session.rollback()
