"""`grassroots audit verify` passes an intact log and catches edits, deletions and a cut tail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text

from grassroots.audit.chain import entry_hash
from grassroots.audit.models import AuditEntry
from tests.db.factories import make_area, make_tenant, owner_engine


@pytest.fixture()
def chain(app):
    """Tenant alpha with four audited writes (seq 1-4), beta with one; returns alpha's id."""
    alpha = make_tenant("alpha")
    for code in ("1", "2", "3", "4"):
        make_area(alpha, code)
    make_area(make_tenant("beta"), "9")
    return alpha.id


def owner_sql(app, sql: str, **params) -> list[dict]:
    """Raw SQL as the owner (PostgreSQL) or on the file (SQLite): what an intruder with the database could do."""
    engine = owner_engine(app)
    with engine.begin() as conn:
        result = conn.execute(text(sql), params)
        rows = [dict(row) for row in result.mappings()] if result.returns_rows else []
    engine.dispose()
    return rows


def verify(runner, *args):
    return runner.invoke(args=["audit", "verify", *args])


def anchor_file(app) -> Path:
    return Path(app.config["INSTANCE_PATH"]) / "audit_anchor.json"


def test_intact_log_verifies_and_is_anchored(app, runner, chain):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "alpha" in result.output and "BROKEN" not in result.output
    heads = json.loads(anchor_file(app).read_text())["chains"]
    assert heads[str(chain)]["seq"] == 4
    assert verify(runner).exit_code == 0  # the anchor itself verifies


def test_edited_entry_is_caught(app, runner, chain):
    owner_sql(app, """UPDATE audit_entries SET after = '{"code": "evil"}' WHERE chain = :c AND seq = 2""", c=chain)
    result = verify(runner)
    assert result.exit_code == 1
    assert "seq 2: content does not match its hash (entry edited)" in result.output


def test_deleted_entry_is_caught(app, runner, chain):
    owner_sql(app, "DELETE FROM audit_entries WHERE chain = :c AND seq = 3", c=chain)
    result = verify(runner)
    assert result.exit_code == 1
    assert "seq 3..3 missing" in result.output


def test_relinked_entry_is_caught(app, runner, chain):
    """Deleting seq 3 and renumbering seq 4 hides the gap but not the broken prev_hash link."""
    owner_sql(app, "DELETE FROM audit_entries WHERE chain = :c AND seq = 3", c=chain)
    owner_sql(app, "UPDATE audit_entries SET seq = 3 WHERE chain = :c AND seq = 4", c=chain)
    result = verify(runner)
    assert result.exit_code == 1 and "seq 3: prev_hash does not match" in result.output


def test_truncated_tail_is_caught_by_the_anchor(app, runner, chain):
    assert verify(runner).exit_code == 0
    owner_sql(app, "DELETE FROM audit_entries WHERE chain = :c AND seq = 4", c=chain)
    result = verify(runner)
    assert result.exit_code == 1
    assert "chain ends at seq 3 but was anchored at seq 4 (tail removed)" in result.output
    assert json.loads(anchor_file(app).read_text())["chains"][str(chain)]["seq"] == 4  # evidence kept


def test_consistent_rewrite_is_caught_by_the_anchor(app, runner, chain):
    assert verify(runner).exit_code == 0
    table = AuditEntry.__table__
    engine = owner_engine(app)
    with engine.begin() as conn:
        where = (table.c.chain == chain) & (table.c.seq == 4)
        row = dict(conn.execute(select(table).where(where)).mappings().one())
        conn.execute(delete(table).where(where))
        row.pop("id")
        row["after"] = {**row["after"], "name_zh": "伪造"}
        row["hash"] = entry_hash(row)  # a forger without the anchor key can rebuild the chain itself
        conn.execute(insert(table), row)
    engine.dispose()
    result = verify(runner)
    assert result.exit_code == 1 and "seq 4: hash differs from the anchored one" in result.output


def test_edited_anchor_file_is_caught(app, runner, chain):
    assert verify(runner).exit_code == 0
    doc = json.loads(anchor_file(app).read_text())
    doc["chains"][str(chain)]["seq"] = 2
    anchor_file(app).write_text(json.dumps(doc))
    result = verify(runner)
    assert result.exit_code == 1 and "fails its HMAC" in result.output


def test_anchor_command_refuses_a_broken_log_unless_forced(app, runner, chain):
    owner_sql(app, "DELETE FROM audit_entries WHERE chain = :c AND seq = 1", c=chain)
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 1
    assert not anchor_file(app).exists()
    assert runner.invoke(args=["audit", "anchor", "--force"]).exit_code == 0
    assert anchor_file(app).exists()
