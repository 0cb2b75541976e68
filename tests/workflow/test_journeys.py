"""The Lijiang application chain end to end: approve → approve → file; reject; return and resubmit."""

from __future__ import annotations

from grassroots.audit.models import AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.workflow.engine import resubmit, withdraw
from grassroots.workflow.models import ChainInstance
from tests.workflow.conftest import (
    YULONG,
    do,
    instance_state,
    pending,
    refused,
    tasks,
    tenant,
    user,
)


def _step(case: dict) -> str:
    [task] = pending("lijiang", case["instance"])
    return task.step_id


def _resubmit(case: dict, username: str, **kwargs):
    with tenant_context(tenant("lijiang").id, db.session):
        return resubmit(case["instance"], user(username), **kwargs).state


def test_approve_approve_file_approves_the_application(county_case, completions):
    case = county_case
    first = pending("lijiang", case["instance"])[0]
    assert do("lijiang", first.id, case["unit"], "approve") == "in_progress"
    second = pending("lijiang", case["instance"])[0]
    assert (second.step_id, second.office, second.scope_code) == ("supervisor_approval", "unit_supervisor",
                                                                  "lj-yl-health-bureau")
    assert do("lijiang", second.id, case["supervisor"], "approve") == "in_progress"
    filing = pending("lijiang", case["instance"])[0]
    assert (filing.step_id, filing.kind, filing.office, filing.scope_kind, filing.scope_code) == (
        "hr_filing", "file", "county_hr", "area", YULONG)
    assert refused(lambda: do("lijiang", filing.id, case["county_hr"], "approve")).status == 422  # 备案: no decision
    assert do("lijiang", filing.id, case["county_hr"], "file") == "approved"

    assert pending("lijiang", case["instance"]) == []
    assert [(t.step_id, t.state) for t in tasks("lijiang", case["instance"])] == [
        ("unit_approval", "approved"), ("supervisor_approval", "approved"), ("hr_filing", "filed")]
    assert completions == [(case["instance"], "approved")]
    lijiang = tenant("lijiang")
    with tenant_context(lijiang.id, db.session):
        assert db.session.get(ChainInstance, case["instance"]).finished_at is not None
        actions = db.session.execute(db.select(AuditEntry.action, AuditEntry.target_type, AuditEntry.actor_label)
                                     .where(AuditEntry.action.like("workflow.%"))
                                     .order_by(AuditEntry.seq)).all()
    assert [(a.action, a.target_type) for a in actions] == [
        ("workflow.start", "chain_instances"), ("workflow.approve", "chain_tasks"),
        ("workflow.approve", "chain_tasks"), ("workflow.file", "chain_tasks")]
    assert [a.actor_label for a in actions[1:]] == [case["unit"], case["supervisor"], case["county_hr"]]
    with tenant_context(lijiang.id, db.session):
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="workflow.file")).scalar_one()
        assert (entry.target_id, entry.before["state"], entry.after["state"], entry.after["instance_state"]) == (
            str(filing.id), "pending", "filed", "approved")


def test_a_rejection_is_final(county_case, completions):
    case = county_case
    task = pending("lijiang", case["instance"])[0]
    missing = refused(lambda: do("lijiang", task.id, case["unit"], "reject"))
    assert (missing.status, missing.errors[0]["path"]) == (422, "/reason")
    assert do("lijiang", task.id, case["unit"], "reject", "不符合第二条") == "rejected"
    assert completions == [(case["instance"], "rejected")]
    again = refused(lambda: do("lijiang", task.id, case["unit"], "approve"))
    assert (again.status, again.code) == (409, "task_not_pending")
    assert pending("lijiang", case["instance"]) == []
    assert refused(lambda: _resubmit(case, case["applicant"])).code == "rejected_final"
    assert refused(lambda: _resubmit(case, case["unit"])).status == 403
    assert instance_state("lijiang", case["instance"]) == ("rejected", 1)
    [only] = tasks("lijiang", case["instance"])
    assert (only.state, only.reason, only.acted_by) == ("rejected", "不符合第二条", user(case["unit"]).id)


def test_return_then_resubmit_starts_a_new_round_from_step_one(county_case, completions):
    case = county_case
    do("lijiang", pending("lijiang", case["instance"])[0].id, case["unit"], "approve")
    supervisor_task = pending("lijiang", case["instance"])[0]
    assert do("lijiang", supervisor_task.id, case["supervisor"], "return", "请补充职称证书") == "returned"
    assert completions == [(case["instance"], "returned")]
    assert pending("lijiang", case["instance"]) == []
    assert refused(lambda: do("lijiang", supervisor_task.id, case["supervisor"], "approve")).status == 409
    assert refused(lambda: _resubmit(case, case["supervisor"])).status == 403  # the submitter only

    assert _resubmit(case, case["applicant"]) == "in_progress"
    assert instance_state("lijiang", case["instance"]) == ("in_progress", 2)
    [first] = pending("lijiang", case["instance"])
    assert (first.step_id, first.round) == ("unit_approval", 2)
    assert refused(lambda: _resubmit(case, case["applicant"])).code == "not_returned"

    do("lijiang", first.id, case["unit"], "approve")
    do("lijiang", pending("lijiang", case["instance"])[0].id, case["supervisor"], "approve")
    assert do("lijiang", pending("lijiang", case["instance"])[0].id, case["county_hr"], "file") == "approved"
    assert [(t.round, t.step_id, t.state) for t in tasks("lijiang", case["instance"])] == [
        (1, "unit_approval", "approved"), (1, "supervisor_approval", "returned"),
        (2, "unit_approval", "approved"), (2, "supervisor_approval", "approved"), (2, "hr_filing", "filed")]
    assert completions[-1] == (case["instance"], "approved")


def test_resubmit_may_correct_the_facts_and_reroute(county_case):
    case = county_case
    task = pending("lijiang", case["instance"])[0]
    do("lijiang", task.id, case["unit"], "return", "单位级别填写有误")
    _resubmit(case, case["applicant"], facts={"person.unit_level": "city"})
    do("lijiang", pending("lijiang", case["instance"])[0].id, case["unit"], "approve")
    do("lijiang", pending("lijiang", case["instance"])[0].id, case["supervisor"], "approve")
    [filing] = pending("lijiang", case["instance"])
    assert (filing.office, filing.scope_kind) == ("city_hr", "tenant")
    assert do("lijiang", filing.id, "lj_city_hr", "file") == "approved"


def test_the_submitter_may_withdraw_an_open_chain(county_case, completions):
    case = county_case
    with tenant_context(tenant("lijiang").id, db.session):
        assert refused(lambda: withdraw(case["instance"], user(case["unit"]))).status == 403
        assert withdraw(case["instance"], user(case["applicant"]), "改期申请").state == "withdrawn"
    assert [t.state for t in tasks("lijiang", case["instance"])] == ["cancelled"]
    assert completions == [(case["instance"], "withdrawn")]
