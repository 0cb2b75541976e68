"""Every write to an audited model is logged with actor, tenant, before and after, and chained."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_login import login_user
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from grassroots.audit.chain import GENESIS, entry_hash
from grassroots.audit.hooks import MASK
from grassroots.audit.log import acting_as, record
from grassroots.audit.models import PLATFORM_CHAIN, AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import CrossTenantWrite, MissingTenantContext, tenant_context, unscoped
from grassroots.tenancy.models import Area
from tests.db.factories import make_area, make_tenant, make_user


def entries(chain: int, tenant_id: int | None = None) -> list[SimpleNamespace]:
    """One chain's rows as plain values, read in that chain's tenant context (RLS on PostgreSQL)."""
    table = AuditEntry.__table__
    with tenant_context(tenant_id):
        rows = db.session.execute(select(table).where(table.c.chain == chain).order_by(table.c.seq)).mappings()
        out = [SimpleNamespace(**row) for row in rows]
        db.session.rollback()
    return out


def test_insert_update_delete_are_audited_in_the_tenant_chain(app):
    a = make_tenant("alpha")
    area = make_area(a, "530721", tags=["remote"])
    with tenant_context(a.id):
        area.name_zh = "玉龙县"
        area.tags = ["remote", "minority"]
        db.session.commit()
        db.session.delete(area)
        db.session.commit()
    insert, update, delete = entries(a.id, a.id)
    assert (insert.action, insert.target_type, insert.target_id) == ("insert", "areas", str(area.id))
    assert insert.tenant_id == a.id and insert.before is None
    assert insert.after["code"] == "530721" and insert.after["tags"] == ["remote"]
    assert update.action == "update"
    assert update.before == {"name_zh": "530721县", "tags": ["remote"]}
    assert update.after == {"name_zh": "玉龙县", "tags": ["remote", "minority"]}
    assert delete.action == "delete" and delete.after is None and delete.before["name_zh"] == "玉龙县"
    assert [e.seq for e in (insert, update, delete)] == [1, 2, 3]


def test_platform_writes_go_to_the_platform_chain(app):
    make_tenant("alpha")
    (entry,) = entries(PLATFORM_CHAIN)
    assert entry.tenant_id is None and entry.target_type == "tenants" and entry.after["slug"] == "alpha"


def test_secrets_are_masked(app):
    user = make_user("wang")
    user.set_password("another-secret")
    db.session.commit()
    created, changed = entries(PLATFORM_CHAIN)
    assert created.after["password_hash"] == MASK
    assert changed.before == {"password_hash": MASK} and changed.after == {"password_hash": MASK}
    assert user.password_hash not in str(created.after)


def test_actor_is_the_signed_in_user(app):
    a = make_tenant("alpha")
    user = make_user("li")
    with app.test_request_context("/"):
        login_user(user)
        make_area(a, "530702")
    (entry,) = entries(a.id, a.id)
    assert (entry.actor_user_id, entry.actor_label) == (user.id, "li")


def test_actor_outside_a_request_is_the_cli_label(app, monkeypatch):
    monkeypatch.setenv("GRASSROOTS_ACTOR", "ops:zhang")
    make_tenant("alpha")
    with acting_as("job:nightly"):
        make_tenant("beta")
    first, second = entries(PLATFORM_CHAIN)
    assert (first.actor_user_id, first.actor_label) == (None, "ops:zhang")
    assert second.actor_label == "job:nightly"


def test_record_appends_a_decision_to_the_current_chain(app):
    a = make_tenant("alpha")
    with tenant_context(a.id):
        record("decision", "application", 7, before={"state": "submitted"}, after={"state": "approved"},
               note="第二条")
        db.session.commit()
    (entry,) = entries(a.id, a.id)
    assert (entry.action, entry.target_type, entry.target_id, entry.note) == ("decision", "application", "7", "第二条")
    assert entry.after == {"state": "approved"}


def test_record_for_another_tenant_is_refused(app):
    a, b = make_tenant("alpha"), make_tenant("beta")
    with tenant_context(a.id), pytest.raises(CrossTenantWrite):
        record("decision", tenant_id=b.id)
    db.session.rollback()


@pytest.mark.parametrize("context", ["alpha", None])
def test_tenant_row_outside_its_context_is_refused_even_unscoped(app, backend, context):
    """unscoped() lifts the ORM check; SQLite still refuses (the audit hook) as PostgreSQL does (RLS)."""
    a, b = make_tenant("alpha"), make_tenant("beta")
    expected = (CrossTenantWrite if context else MissingTenantContext) if backend == "sqlite" else DBAPIError
    with unscoped(), tenant_context(a.id if context else None):
        db.session.add(Area(tenant_id=b.id, code="x", name_zh="x", kind="county"))
        with pytest.raises(expected) as info:
            db.session.commit()
    db.session.rollback()
    assert backend == "sqlite" or "row-level security" in str(info.value)


def test_entries_are_chained_by_hash(app):
    a = make_tenant("alpha")
    for code in ("1", "2", "3"):
        make_area(a, code)
    rows = entries(a.id, a.id)
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        assert row.seq == seq and row.prev_hash == prev
        assert entry_hash(vars(row)) == row.hash
        prev = row.hash
