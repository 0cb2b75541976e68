"""`grassroots demo cases`: Lijiang and Kunming with cases in every state, made through the services; twice is once."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select

from grassroots.audit.models import AuditEntry
from grassroots.db import db, utcnow
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
    # this year's Labo report in progress; Labo's of three years ago and Jinjiang's filed by the province;
    # Cuiyu's posting still a draft (no report)
    assert lijiang["postings"] == Counter({("published", "in_progress"): 1, ("published", "approved"): 2,
                                           ("draft", None): 1})
    # no county step: the city compiled the three reports, the province filed two and has this year's to file
    assert lijiang["demand"] == Counter({("city_compile", "approved"): 3, ("province_compile", "filed"): 2,
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


def test_demo_cases_read_in_the_order_they_happened(seeded_app):
    """A placement that began in 2023 was applied for, approved and signed before it began; what is still
    waiting was asked for lately, not years ago; the audit log keeps the real time the demo was built."""
    built = utcnow() - timedelta(minutes=1)
    result = seeded_app.test_cli_runner().invoke(args=["demo", "cases"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    for slug in ("lijiang", "kunming"):
        tenant = db.session.execute(select(Tenant).filter_by(slug=slug)).scalar_one()
        with tenant_context(tenant.id, db.session):
            rows = db.session.execute(select(Placement, Application, Agreement).join(
                Application, Application.id == Placement.application_id).join(
                Agreement, Agreement.id == Placement.agreement_id)).all()
            assert rows
            for placement, app, agreement in rows:
                began = datetime.combine(placement.start_date, datetime.min.time()) - timedelta(hours=8)  # 00:00 CST
                assert app.created_at <= app.submitted_at < agreement.matched_at < agreement.signed_at < began, (
                    slug, placement.id)
                acted = db.session.execute(select(ChainTask.acted_at).where(
                    ChainTask.instance_id == app.chain_instance_id)).scalars().all()
                assert all(app.submitted_at < at < agreement.matched_at for at in acted), (slug, placement.id)
            for posting in db.session.execute(select(Posting)).scalars():
                first = db.session.execute(select(func.min(Application.created_at)).where(
                    Application.id.in_(select(Agreement.application_id).where(Agreement.posting_id == posting.id)))
                ).scalar()
                assert first is None or posting.created_at < first, (slug, posting.id)
            waiting = db.session.execute(select(ChainTask.opened_at).where(ChainTask.state == "pending")).scalars().all()
            assert waiting and all(built - timedelta(days=70) < at <= utcnow() for at in waiting), (slug, waiting)
            audit = db.session.execute(select(AuditEntry.at).where(AuditEntry.tenant_id == tenant.id)).scalars().all()
            assert audit and min(audit) >= built - timedelta(days=1) and max(audit) <= utcnow()


def test_a_run_that_stopped_midway_is_reported_not_taken_for_done(seeded_app, monkeypatch):
    """A crash part-way through Kunming's cases leaves some made: the next run says so and fails, rather than
    calling the tenant seeded and leaving a half-built demo."""
    from grassroots.placement import demo

    real = demo.Journey.sign

    def failing(self, *args, **kwargs):
        if self.username == "km_doctor_03":
            raise RuntimeError("stopped midway")
        return real(self, *args, **kwargs)

    runner = seeded_app.test_cli_runner()
    monkeypatch.setattr(demo.Journey, "sign", failing)
    crashed = runner.invoke(args=["demo", "cases"])
    assert crashed.exit_code != 0
    db.session.rollback()
    monkeypatch.setattr(demo.Journey, "sign", real)
    again = runner.invoke(args=["demo", "cases"])
    assert again.exit_code == 1
    assert again.output.startswith("kunming ")  # the tenant that is half-built, named
    assert "只建了一部分" in again.output and "only partly made" in again.output
