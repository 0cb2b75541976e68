"""`grassroots demo cases`: Lijiang and Kunming with cases in every state, made through the services; twice is once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement.models import Agreement, Application, Assessment, Extension, Placement, Posting
from grassroots.tenancy.models import Tenant
from grassroots.workflow.models import ChainInstance, ChainTask


def _states(slug: str) -> dict:
    tenant = db.session.execute(select(Tenant).filter_by(slug=slug)).scalar_one()
    with tenant_context(tenant.id, db.session):
        return {
            "applications": Counter(db.session.execute(select(Application.state)).scalars()),
            "agreements": Counter(db.session.execute(select(Agreement.state)).scalars()),
            "placements": Counter(db.session.execute(select(Placement.state)).scalars()),
            "dispatch": Counter(db.session.execute(select(Placement.dispatch_state)).scalars()),
            "extensions": Counter(db.session.execute(select(Extension.state)).scalars()),
            "grades": Counter(db.session.execute(select(Assessment.grade)).scalars()),
            "pending": Counter(db.session.execute(select(ChainTask.step_id).filter_by(state="pending")).scalars()),
            # (posting state, its demand report's state) per posting (第三条)
            "postings": Counter(db.session.execute(select(Posting.state, ChainInstance.state).outerjoin(
                ChainInstance, ChainInstance.id == Posting.chain_instance_id)).all()),
            # (step, task state) of every demand report's tasks
            "demand": Counter(db.session.execute(select(ChainTask.step_id, ChainTask.state).join(
                ChainInstance, ChainInstance.id == ChainTask.instance_id).where(
                ChainInstance.subject_type == "placement_posting")).all()),
        }


def test_demo_cases_cover_every_state(seeded_app):
    runner = seeded_app.test_cli_runner()
    result = runner.invoke(args=["demo", "cases"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    lijiang = _states("lijiang")
    assert lijiang["applications"] == Counter(submitted=3, returned=1, rejected=1, draft=1, approved=1, matched=1, placed=6)
    # ... Labo's demand report (第三条: the county's publication is its submission) compiled by the city, awaiting
    # the province's filing; and the remote-township roster the subsidy demo leaves with city HR
    # (tests/subsidy/test_demo.py)
    assert lijiang["pending"] == Counter(unit_approval=1, supervisor_approval=1, hr_filing=1, service_agreement=1,
                                         province_compile=1, city_hr_compile=1)
    # Labo's report in progress, Jinjiang's filed by the province, Cuiyu's posting still a draft (no report)
    assert lijiang["postings"] == Counter({("published", "in_progress"): 1, ("published", "approved"): 1,
                                           ("draft", None): 1})
    # no county step: the city compiled both reports, the province filed Jinjiang's and has Labo's to file
    assert lijiang["demand"] == Counter({("city_compile", "approved"): 2, ("province_compile", "filed"): 1,
                                         ("province_compile", "pending"): 1})
    assert lijiang["placements"] == Counter(serving=2, ended=4)
    assert lijiang["extensions"] == Counter(approved=1)
    assert lijiang["grades"]["unqualified"] == 2
    kunming = _states("kunming")
    assert kunming["applications"] == Counter(approved=1, placed=3)
    assert kunming["dispatch"] == Counter(pending=1, recognised=2)
    assert kunming["placements"] == Counter(serving=2, ended=1)
    assert kunming["postings"] == Counter({("published", None): 1})  # no demand chain in Kunming's pack
    again = runner.invoke(args=["demo", "cases"])
    assert again.exit_code == 0 and "already has cases" in again.output
    assert _states("lijiang") == lijiang
    replay = runner.invoke(args=["decisions", "replay"])
    assert replay.exit_code == 0, replay.output
