"""`grassroots db-roles`: the app role is granted what it needs and refused if it would bypass RLS."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.db.factories import owner_engine
from tests.dbutil import APP_ROLE

pytestmark = pytest.mark.postgres


def test_check_accepts_the_app_role_and_refuses_a_superuser(runner):
    ok = runner.invoke(args=["db-roles", "check", APP_ROLE])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(args=["db-roles", "check", "postgres"])
    assert bad.exit_code == 1 and "superuser" in bad.output


def test_grant_refuses_a_role_that_bypasses_rls(runner):
    result = runner.invoke(args=["db-roles", "grant", "postgres"])
    assert result.exit_code == 1 and "refused" in result.output


def test_grant_covers_future_tables_but_not_audit_rewrites(app, runner):
    assert runner.invoke(args=["db-roles", "grant", APP_ROLE]).exit_code == 0
    engine = owner_engine(app)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE later_table (id serial PRIMARY KEY)"))
        privileges = conn.execute(text(
            "SELECT has_table_privilege(:r, 'later_table', 'INSERT'), "
            "has_sequence_privilege(:r, 'later_table_id_seq', 'USAGE'), "
            "has_table_privilege(:r, 'audit_entries', 'INSERT'), "
            "has_table_privilege(:r, 'audit_entries', 'UPDATE'), "
            "has_table_privilege(:r, 'audit_entries', 'DELETE'), "
            "has_table_privilege(:r, 'audit_entries', 'TRUNCATE'), "
            "has_table_privilege(:r, 'alembic_version', 'UPDATE')"), {"r": APP_ROLE}).one()
    engine.dispose()
    assert tuple(privileges) == (True, True, True, False, False, False, False)
