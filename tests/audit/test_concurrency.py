"""Concurrent appenders never fork a chain (PostgreSQL: the advisory lock per chain)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from grassroots.audit.log import record
from grassroots.audit.models import AuditEntry
from grassroots.audit.verify import check_chain
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from tests.db.factories import make_tenant

THREADS, APPENDS = 8, 25


@pytest.mark.postgres
def test_eight_writers_make_one_unbroken_chain(app):
    tenant_id = make_tenant("alpha").id
    start, errors = threading.Barrier(THREADS), []

    def writer(n: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for i in range(APPENDS):
                    with tenant_context(tenant_id):
                        record("decision", "application", f"{n}-{i}", after={"writer": n, "i": i})
                        db.session.commit()
            except Exception as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with tenant_context(tenant_id):
        seqs = db.session.execute(select(func.count(), func.count(func.distinct(AuditEntry.prev_hash)),
                                         func.max(AuditEntry.seq)).where(AuditEntry.chain == tenant_id)).one()
        db.session.rollback()
    assert tuple(seqs) == (THREADS * APPENDS,) * 3  # no two entries share a predecessor: no fork
    report = check_chain(tenant_id, tenant_id, "alpha")
    assert report.ok and report.entries == THREADS * APPENDS
