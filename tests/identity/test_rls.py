"""The second wall on PostgreSQL: raw SQL in one tenant's context sees none of another's people."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from tests.identity.helpers import number

pytestmark = pytest.mark.postgres


def test_raw_sql_sees_only_the_tenants_people(lijiang, kunming, register):
    register("lijiang", id_number=number(1))
    register("kunming", id_number=number(1), actor="km_city_hr")
    with tenant_context(kunming.id, db.session):
        rows = db.session.execute(text("SELECT tenant_id FROM people")).scalars().all()
        assert rows == [kunming.id]
        db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM people")).scalar() == 0  # no tenant: nothing
    db.session.rollback()


def test_raw_insert_into_another_tenant_is_refused(lijiang, kunming):
    with tenant_context(kunming.id, db.session):
        with pytest.raises(DBAPIError, match="row-level security"):
            db.session.execute(text(
                "INSERT INTO people (tenant_id, name, gender, birth_date, id_cipher, id_hash, ethnic_minority, "
                "licenses, created_at) VALUES (:t, 'x', 'male', '1990-01-01', '\\x00', 'h', false, '[]', now())"),
                {"t": lijiang.id})
        db.session.rollback()
