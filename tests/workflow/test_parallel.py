"""A parallel step (Yuxi: leave over 3 days) completes only when every sub-step has approved."""

from __future__ import annotations

import threading

import pytest

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.workflow.transitions import act
from tests.workflow.conftest import (
    chain_in_file,
    do,
    instance_state,
    member,
    pending,
    plain,
    start,
    tasks,
    tenant,
    user,
)

TRAINEE_UNIT, RECEIVING = "yx-xp-jianxing-hc", "yx-city-peoples-hospital"


@pytest.fixture()
def leave(seeded_app) -> int:
    assert chain_in_file("yuxi", "yuxi_leave")["steps"][0]["kind"] == "parallel"
    member("yuxi", "yx_competent_dept", "city_competent_dept")
    return start("yuxi", "yuxi_leave", user("yx_trainee_li"), {}, {"applicant_unit": TRAINEE_UNIT,
                                                                   "service_unit": RECEIVING}, subject_type="leave")


def test_both_consents_are_needed_before_the_filing(leave):
    opened = pending("yuxi", leave)
    assert {(t.step_id, t.parent_step_id, t.office, t.scope_code) for t in opened} == {
        ("county_consent", "leave_consent", "county_org_dept", "530427"),
        ("receiving_unit_consent", "leave_consent", "receiving_unit", RECEIVING)}
    by_step = {t.step_id: t for t in opened}
    assert do("yuxi", by_step["county_consent"].id, "yx_county_org_dept_xinping", "approve") == "in_progress"
    assert [t.step_id for t in pending("yuxi", leave)] == ["receiving_unit_consent"]  # still waiting
    assert do("yuxi", by_step["receiving_unit_consent"].id, "yx_receiving_unit", "approve") == "in_progress"
    [filing] = pending("yuxi", leave)
    assert (filing.step_id, filing.kind, filing.step_index) == ("leave_filing", "file", 1)
    assert do("yuxi", filing.id, "yx_competent_dept", "file") == "approved"


def test_one_refusal_in_a_parallel_step_rejects_and_cancels_the_other(leave):
    by_step = {t.step_id: t for t in pending("yuxi", leave)}
    assert do("yuxi", by_step["receiving_unit_consent"].id, "yx_receiving_unit", "reject", "科室无法安排") == "rejected"
    assert {t.step_id: t.state for t in tasks("yuxi", leave)} == {"county_consent": "cancelled",
                                                                  "receiving_unit_consent": "rejected"}
    assert instance_state("yuxi", leave) == ("rejected", 1)


@pytest.mark.postgres
def test_both_sub_steps_approved_at_once_open_the_next_step_once(seeded_app, leave):
    by_step = {t.step_id: t for t in pending("yuxi", leave)}
    jobs = [(by_step["county_consent"].id, plain(user("yx_county_org_dept_xinping"))),
            (by_step["receiving_unit_consent"].id, plain(user("yx_receiving_unit")))]
    tenant_id, start_together, results = tenant("yuxi").id, threading.Barrier(2), []

    def approve(task_id: int, who) -> None:
        with seeded_app.app_context():
            try:
                with tenant_context(tenant_id, db.session):
                    start_together.wait()
                    results.append(act(task_id, who, "approve").instance.state)
            except UserError as exc:
                results.append(exc.status)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["in_progress", "in_progress"]
    assert [t.step_id for t in pending("yuxi", leave)] == ["leave_filing"]
