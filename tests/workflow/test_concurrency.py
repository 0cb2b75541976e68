"""A step done twice at once moves once: one conditional UPDATE per transition."""

from __future__ import annotations

import threading

import pytest

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.workflow.transitions import act
from tests.workflow.conftest import YL_HOSPITAL, do, member, pending, plain, refused, tasks, tenant

THREADS = 8


def test_acting_twice_in_a_row_moves_once(county_case):
    case = county_case
    task = pending("lijiang", case["instance"])[0]
    assert do("lijiang", task.id, case["unit"], "approve") == "in_progress"
    second = refused(lambda: do("lijiang", task.id, case["unit"], "approve"))
    assert (second.status, second.code) == (409, "task_not_pending")
    assert [t.step_id for t in tasks("lijiang", case["instance"])] == ["unit_approval", "supervisor_approval"]


@pytest.mark.postgres
@pytest.mark.parametrize("outcomes", [("approve",) * THREADS, ("approve", "reject", "return", "approve") * 2])
def test_eight_officers_acting_at_once_make_one_transition(seeded_app, county_case, outcomes):
    case = county_case
    officers = [plain(member("lijiang", f"yl_officer_{n}", "applicant_unit", "unit", YL_HOSPITAL))
                for n in range(THREADS)]
    task_id = pending("lijiang", case["instance"])[0].id
    tenant_id = tenant("lijiang").id
    start, results = threading.Barrier(THREADS), []

    def officer(n: int) -> None:
        with seeded_app.app_context():
            try:
                with tenant_context(tenant_id, db.session):
                    start.wait()
                    act(task_id, officers[n], outcomes[n], "理由" if outcomes[n] != "approve" else None)
                    results.append(200)
            except UserError as exc:
                results.append(exc.status)
            except Exception as exc:  # noqa: BLE001  (reported below)
                results.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=officer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [200] + [409] * (THREADS - 1)
    rows = tasks("lijiang", case["instance"])
    assert rows[0].state != "pending" and rows[0].acted_by in {o.id for o in officers}
    assert len(rows) <= 2  # at most the one next step, opened once
