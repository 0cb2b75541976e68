"""Payers racing on PostgreSQL (SQLite has no row locks: SECURITY.md says test races on PostgreSQL).

Eight threads, each with its own session and idempotency key, pay the same entitlements at once: through
eight batches over one roster (the one-batch-per-roster check bypassed, as a race between two preparers
would), and through one batch. Each entitlement is paid exactly once either way.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from grassroots.audit.log import acting_as
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.subsidy.batches import pay_batch
from grassroots.subsidy.idempotency import fingerprint, run_once
from grassroots.subsidy.models import DisbursementBatch, Payment, Roster, RosterLine
from tests.subsidy.conftest import key, member, tenant, user
from tests.subsidy.test_payments import approved_roster

THREADS = 8
pytestmark = pytest.mark.postgres


def _batches(roster_id: int, count: int) -> list[int]:
    """`count` approved batches over the same roster, as racing preparers could leave them."""
    preparer, approver = user("lj_city_hr").id, user("lj_city_finance").id
    with tenant_context(tenant("lijiang").id, db.session):
        roster = db.session.get(Roster, roster_id)
        rows = [DisbursementBatch(roster_id=roster.id, payer=roster.payer, state="approved", line_count=roster.line_count,
                                  total_fen=roster.total_fen, currency=roster.currency, created_by=preparer,
                                  approved_by=approver, approved_at=utcnow()) for _ in range(count)]
        db.session.add_all(rows)
        db.session.commit()
        return [b.id for b in rows]


def _race(app, batch_ids: list[int], payers: list[SimpleNamespace]) -> list:
    tenant_id = tenant("lijiang").id
    start, results = threading.Barrier(THREADS), []

    def payer(n: int) -> None:
        with app.app_context():
            try:
                with tenant_context(tenant_id, db.session), acting_as(payers[n].username, payers[n].id):
                    batch_id, reference = batch_ids[n], f"RACE-{n}"
                    digest = fingerprint(payers[n].id, "POST", f"/batches/{batch_id}/pay", {"reference": reference})
                    start.wait()
                    answer, status, _ = run_once(key(), digest, payers[n].id, lambda: (
                        {"paid": pay_batch(batch_id, payers[n], reference).paid_fen}, 200))
                    results.append((status, answer["paid"]))
            except UserError as exc:
                results.append((exc.status, exc.code))
            except Exception as exc:  # noqa: BLE001  (reported by the assertion)
                results.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=payer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _payers() -> list[SimpleNamespace]:
    out = []
    for n in range(THREADS):
        u = member("lijiang", f"lj_finance_{n}", "city_finance")
        out.append(SimpleNamespace(id=u.id, username=u.username))
    return out


def _paid() -> tuple[int, int, int, int]:
    with tenant_context(tenant("lijiang").id, db.session):
        payments = db.session.scalar(select(func.count(Payment.id)))
        distinct = db.session.scalar(select(func.count(func.distinct(Payment.entitlement_id))))
        fen = int(db.session.scalar(select(func.coalesce(func.sum(Payment.amount_fen), 0))))
        lines = db.session.scalar(select(func.count(RosterLine.id)))
    return payments, distinct, fen, lines


def test_eight_payers_over_eight_batches_pay_each_entitlement_once(seeded_app, lijiang_offices):
    roster = approved_roster(seeded_app, lijiang_offices, people=6)
    batch_ids = _batches(roster["id"], THREADS)
    results = _race(seeded_app, batch_ids, _payers())
    assert all(isinstance(r, tuple) and r[0] == 200 for r in results), results
    payments, distinct, fen, lines = _paid()
    assert payments == distinct == lines == 6
    assert fen == sum(r[1] for r in results) == 12_000_000  # what the batches report paying adds up, once


def test_eight_payers_on_one_batch_make_one_payment_run(seeded_app, lijiang_offices):
    roster = approved_roster(seeded_app, lijiang_offices, people=3)
    batch_id = _batches(roster["id"], 1)[0]
    results = _race(seeded_app, [batch_id] * THREADS, _payers())
    assert sorted(results, key=str) == sorted([(200, 6_000_000)] + [(409, "batch_paid")] * (THREADS - 1), key=str)
    payments, distinct, fen, _lines = _paid()
    assert payments == distinct == 3 and fen == 6_000_000


def test_eight_compilers_at_once_put_each_entitlement_in_one_live_roster(seeded_app):
    from datetime import date

    from grassroots.subsidy.compile import compile_roster
    from tests.subsidy.conftest import lijiang_placement

    for n in range(5):
        lijiang_placement(name=f"竞争{n}")
    compilers = [member("lijiang", f"lj_compiler_{n}", "city_hr") for n in range(THREADS)]
    compilers = [SimpleNamespace(id=u.id, username=u.username) for u in compilers]
    tenant_id = tenant("lijiang").id
    start, results = threading.Barrier(THREADS), []

    def compiler(n: int) -> None:
        with seeded_app.app_context():
            try:
                with tenant_context(tenant_id, db.session), acting_as(compilers[n].username, compilers[n].id):
                    start.wait()
                    made = compile_roster("yunnan_finance", 2025, compilers[n], refresh=False, as_of=date(2025, 12, 31))
                    results.append(sum(r.line_count for r in made))
            except UserError as exc:
                results.append(exc.code)
            except Exception as exc:  # noqa: BLE001  (reported by the assertion)
                results.append(repr(exc))
            finally:
                db.session.remove()

    with tenant_context(tenant_id, db.session):  # the entitlements exist before the race
        from grassroots.placement.models import Placement
        from grassroots.subsidy.entitlements import refresh_entitlements

        refresh_entitlements(date(2025, 12, 31), list(db.session.execute(select(Placement)).scalars()))
        db.session.commit()
    threads = [threading.Thread(target=compiler, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r for r in results if isinstance(r, int)) == 5, results
    assert all(isinstance(r, int) or r == "nothing_to_compile" for r in results), results
    with tenant_context(tenant_id, db.session):
        live = db.session.execute(select(RosterLine.entitlement_id).where(RosterLine.live)).scalars().all()
        empty = db.session.scalar(select(func.count(Roster.id)).where(Roster.line_count == 0))
    assert len(live) == len(set(live)) == 5 and empty == 0
