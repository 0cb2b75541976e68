"""Routing the real Lijiang application chain: office and scope per step, chosen by person.unit_level."""

from __future__ import annotations

import pytest

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.workflow import chains
from grassroots.workflow.models import ChainInstance
from tests.workflow.conftest import (
    CITY_COMMISSION,
    CITY_HOSPITAL,
    YL_BUREAU,
    YL_HOSPITAL,
    YULONG,
    chain_in_file,
    member,
    pending,
    start,
    tenant,
)

CONTEXT = {"applicant_unit": YL_HOSPITAL, "applicant_unit_parent": YL_BUREAU, "applicant_county": YULONG}


def _targets(level: str) -> list[tuple[str, str, str]]:
    definition = chains.snapshot(chain_in_file("lijiang", "lijiang_application"), None)
    plan = chains.plan(definition, {"person": {"unit_level": level}}, CONTEXT)
    return [(s.office, s.scope_kind, s.scope_code) for step in plan for s in step]


@pytest.mark.parametrize(("level", "filing"), [
    ("county", ("county_hr", "area", YULONG)),
    ("township", ("county_hr", "area", YULONG)),
    ("city", ("city_hr", "tenant", "")),
    ("province", ("province_hr", "tenant", "")),
])
def test_the_filing_step_goes_by_the_applicants_unit_level(level, filing):
    assert _targets(level) == [("applicant_unit", "unit", YL_HOSPITAL), ("unit_supervisor", "unit", YL_BUREAU), filing]


def test_a_value_without_a_case_or_default_is_refused_with_its_path():
    definition = chains.snapshot(chain_in_file("lijiang", "lijiang_application"), None)
    with pytest.raises(UserError) as caught:
        chains.plan(definition, {"person.unit_level": "national"}, CONTEXT)
    assert caught.value.status == 422
    assert [e["path"] for e in caught.value.errors] == ["/facts/person.unit_level"]


def test_start_derives_parent_unit_and_county_from_the_trees(county_case):
    lijiang = tenant("lijiang")
    with tenant_context(lijiang.id, db.session):
        instance = db.session.get(ChainInstance, county_case["instance"])
        assert instance.context == {"applicant_unit": YL_HOSPITAL, "applicant_unit_parent": YL_BUREAU,
                                    "applicant_county": YULONG}
        assert instance.definition["chain"] == chain_in_file("lijiang", "lijiang_application")  # the pinned pack's
        assert set(instance.definition["sources"]) == {"lijiang-2017"}
    [first] = pending("lijiang", county_case["instance"])
    assert (first.step_id, first.office, first.scope_kind, first.scope_code, first.round) == (
        "unit_approval", "applicant_unit", "unit", YL_HOSPITAL, 1)


def test_city_level_applicant_files_with_city_hr_tenant_wide(seeded_app):
    applicant = member("lijiang", "city_doctor", "professional", "unit", CITY_HOSPITAL)
    instance_id = start("lijiang", "lijiang_application", applicant, {"person.unit_level": "city"},
                        {"applicant_unit": CITY_HOSPITAL})
    with tenant_context(tenant("lijiang").id, db.session):
        assert db.session.get(ChainInstance, instance_id).context["applicant_unit_parent"] == CITY_COMMISSION


def test_unroutable_cases_are_refused_before_anything_opens(seeded_app):
    applicant = member("lijiang", "someone", "professional")
    with pytest.raises(UserError) as lost:
        start("lijiang", "lijiang_application", applicant, {"person.unit_level": "county"}, {})
    assert lost.value.status == 422 and {e["code"] for e in lost.value.errors} == {"scope_missing"}
    db.session.rollback()
    with pytest.raises(UserError) as unknown:
        start("lijiang", "lijiang_application", applicant, {"person.unit_level": "county"},
              {"applicant_unit": "no-such-unit", "applicant_unit_parent": YL_BUREAU, "applicant_county": YULONG})
    assert unknown.value.status == 422 and {e["code"] for e in unknown.value.errors} == {"unknown_scope"}
    db.session.rollback()
    with pytest.raises(UserError) as no_chain:
        start("lijiang", "no_such_chain", applicant, {}, {})
    assert no_chain.value.status == 422 and no_chain.value.code == "unknown_chain"
    db.session.rollback()
    with tenant_context(tenant("lijiang").id, db.session):
        assert db.session.execute(db.select(ChainInstance)).first() is None


def test_deadlines_set_due_dates_and_the_inbox_flags_overdue_tasks(county_case):
    from datetime import timedelta

    from sqlalchemy import update

    from grassroots.packs.effective import current_effective
    from grassroots.workflow.engine import start_chain
    from grassroots.workflow.inbox import inbox_for
    from grassroots.workflow.models import ChainTask
    from tests.workflow.conftest import user

    chain = {"id": "deadline_check", "name": {"zh": "时限", "en": "Deadline"},
             "steps": [{"id": "hr_review", "name": {"zh": "审核", "en": "Review"}, "kind": "review",
                        "office": "county_hr", "scope": "applicant_county", "deadline_days": 15}]}
    lijiang = tenant("lijiang")
    with tenant_context(lijiang.id, db.session):
        instance = start_chain(chain, current_effective(lijiang).version_id, "application", 9,
                               user(county_case["applicant"]).id, {}, {"applicant_unit": YL_HOSPITAL})
        db.session.commit()
        [task] = pending("lijiang", instance.id)
        assert task.due_at - task.opened_at == timedelta(days=15)
        [item] = inbox_for(user(county_case["county_hr"]), lijiang)
        assert (item["id"], item["overdue"]) == (task.id, False)
        db.session.execute(update(ChainTask).where(ChainTask.id == task.id)
                           .values(opened_at=task.opened_at - timedelta(days=16), due_at=task.due_at - timedelta(days=16)))
        db.session.commit()
        [item] = inbox_for(user(county_case["county_hr"]), lijiang)
        assert item["overdue"] is True
