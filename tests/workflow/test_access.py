"""Who may act: the task's office within a covering scope, never the submitter, never another tenant."""

from __future__ import annotations

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.workflow.inbox import inbox_for, unassigned_tasks
from grassroots.workflow.transitions import act
from tests.workflow.conftest import (
    CITY_COMMISSION,
    CITY_HOSPITAL,
    NINGLANG,
    YL_HOSPITAL,
    do,
    member,
    pending,
    refused,
    start,
    tenant,
    user,
)


def _inbox(username: str, slug: str = "lijiang") -> list[int]:
    return [item["id"] for item in inbox_for(user(username), tenant(slug))]


def _to_filing(case: dict):
    do("lijiang", pending("lijiang", case["instance"])[0].id, case["unit"], "approve")
    do("lijiang", pending("lijiang", case["instance"])[0].id, case["supervisor"], "approve")
    return pending("lijiang", case["instance"])[0]


def test_the_submitter_cannot_act_on_their_own_case_even_holding_the_office(seeded_app):
    boss = member("lijiang", "yl_director", "applicant_unit", "unit", YL_HOSPITAL)
    member("lijiang", "yl_director", "professional", "unit", YL_HOSPITAL)
    instance_id = start("lijiang", "lijiang_application", boss, {"person.unit_level": "county"},
                        {"applicant_unit": YL_HOSPITAL})
    [task] = pending("lijiang", instance_id)
    own = refused(lambda: do("lijiang", task.id, "yl_director", "approve"))
    assert (own.status, own.code) == (403, "own_submission")
    assert pending("lijiang", instance_id)[0].state == "pending"
    assert _inbox("yl_director") == []
    # Nobody else holds the office there, so the task is listed for the administrators.
    assert [i["id"] for i in unassigned_tasks(tenant("lijiang"))] == [task.id]


def test_another_office_or_an_uncovered_county_can_neither_act_nor_see(county_case):
    case = county_case
    first = pending("lijiang", case["instance"])[0]
    assert _inbox(case["unit"]) == [first.id]
    for outsider in ("lj_city_finance", "lj_county_hr_ninglang", case["supervisor"], "lj_applicant_unit"):
        assert refused(lambda u=outsider: do("lijiang", first.id, u, "approve")).status == 403
        assert first.id not in _inbox(outsider)

    filing = _to_filing(case)
    assert _inbox(case["county_hr"]) == [filing.id]
    assert _inbox("lj_county_hr_ninglang") == []  # county_hr, but of Ninglang (530724), not Yulong
    assert refused(lambda: do("lijiang", filing.id, "lj_county_hr_ninglang", "file")).code == "not_in_scope"
    assert refused(lambda: do("lijiang", filing.id, "lj_city_hr", "file")).status == 403  # another office
    assert pending("lijiang", case["instance"])[0].id == filing.id


def test_scopes_cover_descendants(county_case):
    case = county_case
    first = pending("lijiang", case["instance"])[0]
    # The supervising bureau's unit scope covers its hospital; an area scope covers the county's units.
    member("lijiang", "yl_bureau_clerk", "applicant_unit", "unit", "lj-yl-health-bureau")
    member("lijiang", "yl_wide", "applicant_unit", "area", "530721")
    member("lijiang", "nl_wide", "applicant_unit", "area", NINGLANG)
    member("lijiang", "city_wide", "applicant_unit")
    assert first.id in _inbox("yl_bureau_clerk") and first.id in _inbox("yl_wide") and first.id in _inbox("city_wide")
    assert _inbox("nl_wide") == []
    assert do("lijiang", first.id, "yl_wide", "approve") == "in_progress"


def test_a_task_of_another_tenant_is_not_found(county_case):
    case = county_case
    task = pending("lijiang", case["instance"])[0]
    kunming = tenant("kunming")
    member("kunming", case["unit"], "applicant_unit")  # the same person, also an officer in Kunming
    with tenant_context(kunming.id, db.session):
        lost = refused(lambda: act(task.id, user(case["unit"]), "approve"))
    assert (lost.status, lost.code) == (404, "not_found")
    assert _inbox(case["unit"], "kunming") == []
    assert pending("lijiang", case["instance"])[0].id == task.id


def test_a_province_level_filing_waits_unassigned_until_someone_holds_province_hr(seeded_app):
    applicant = member("lijiang", "prov_doctor", "professional", "unit", CITY_HOSPITAL)
    member("lijiang", "commission_office", "unit_supervisor", "unit", CITY_COMMISSION)
    instance_id = start("lijiang", "lijiang_application", applicant, {"person.unit_level": "province"},
                        {"applicant_unit": CITY_HOSPITAL})
    do("lijiang", pending("lijiang", instance_id)[0].id, "lj_applicant_unit", "approve")
    do("lijiang", pending("lijiang", instance_id)[0].id, "commission_office", "approve")
    [filing] = pending("lijiang", instance_id)
    assert (filing.office, filing.scope_kind) == ("province_hr", "tenant")
    assert [i["id"] for i in unassigned_tasks(tenant("lijiang"))] == [filing.id]
    member("lijiang", "yn_hr_liaison", "province_hr")
    assert unassigned_tasks(tenant("lijiang")) == []
    assert _inbox("yn_hr_liaison") == [filing.id]
    assert do("lijiang", filing.id, "yn_hr_liaison", "file") == "approved"
