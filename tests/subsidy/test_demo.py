"""`grassroots demo cases` also claims last year's subsidies: Lijiang's provincial roster reviewed up to the
province and paid, its remote-township roster left in review, Kunming's roster paid. Every line is what the
engine answers for the same facts; each entitlement is paid once; a second run changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement.demo import claim_year
from grassroots.placement.facts import facts_for
from grassroots.placement.models import DecisionRecord, Placement
from grassroots.placement.program import pinned
from grassroots.policy import evaluate
from grassroots.subsidy.models import DisbursementBatch, Entitlement, Payment, Roster, RosterLine
from grassroots.subsidy.money import yuan
from grassroots.workflow.models import ChainTask
from grassroots.workflow.transitions import may_act
from tests.subsidy.conftest import tenant, user


def _engine_lines(slug: str, payer: str, year: int) -> dict[tuple[int, str], Decimal]:
    """(placement, component) → amount in yuan: what the engine owes in `year` for `payer`, evaluating each
    placement's facts as of the year's end under its pinned pack (as the compile does)."""
    t = tenant(slug)
    out: dict[tuple[int, str], Decimal] = {}
    for placement in db.session.execute(select(Placement).order_by(Placement.id)).scalars():
        answer = evaluate(pinned(t, placement).compiled, placement.program_id, facts_for(placement, date(year, 12, 31)))
        for p in answer["payments"] if answer["eligible"] is True else []:
            if p["payer"] == payer and date.fromisoformat(p["due"]).year == year:
                out[(placement.id, p["component"])] = Decimal(p["amount"])
    return out


def _roster(slug: str, payer: str, year: int) -> tuple[Roster, dict[tuple[int, str], Decimal]]:
    rosters = db.session.execute(select(Roster).where(Roster.payer == payer)).scalars().all()
    assert [(r.year, r.payer) for r in rosters] == [(year, payer)], f"{slug}: one {payer} roster for {year}"
    roster = rosters[0]
    lines = db.session.execute(select(RosterLine).where(RosterLine.roster_id == roster.id)).scalars().all()
    got = {(line.placement_id, line.component): Decimal(yuan(line.amount_fen)) for line in lines}
    assert len(got) == len(lines) == roster.line_count and all(line.live for line in lines)
    assert sum(got.values(), Decimal(0)) == Decimal(yuan(roster.total_fen))
    assert got == _engine_lines(slug, payer, year), f"{slug} {payer}: lines differ from the engine's answer"
    return roster, got


def _paid(roster: Roster, lines: dict, reference_prefix: str) -> None:
    batch = db.session.execute(select(DisbursementBatch).where(DisbursementBatch.roster_id == roster.id)).scalar_one()
    assert batch.state == "paid" and batch.reference.startswith(reference_prefix)
    assert batch.approved_by != batch.created_by and batch.paid_by is not None
    assert (batch.paid_count, Decimal(yuan(batch.paid_fen))) == (len(lines), sum(lines.values(), Decimal(0)))
    payments = db.session.execute(select(Payment).where(Payment.batch_id == batch.id)).scalars().all()
    line_entitlements = set(db.session.execute(select(RosterLine.entitlement_id)
                                               .where(RosterLine.roster_id == roster.id)).scalars())
    assert Counter(p.entitlement_id for p in payments) == Counter(line_entitlements)  # each paid once
    assert all(p.reference == batch.reference for p in payments)


def _snapshot(slug: str) -> dict:
    with tenant_context(tenant(slug).id, db.session):
        return {model.__name__: db.session.scalar(select(func.count(model.id)))
                for model in (Entitlement, Roster, RosterLine, DisbursementBatch, Payment, DecisionRecord, ChainTask)}


def test_demo_rosters_are_compiled_reviewed_and_paid(seeded_app):
    runner = seeded_app.test_cli_runner()
    result = runner.invoke(args=["demo", "cases"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    year = claim_year()
    assert f"lijiang: {year} roster #" in result.output and "reference YNCZ-" in result.output
    with tenant_context(tenant("lijiang").id, db.session):
        provincial, lines = _roster("lijiang", "yunnan_finance", year)
        assert provincial.state == "approved" and len(lines) == 4  # doctors 10, 12, 13 (Labo) and 14 (Gucheng)
        _paid(provincial, lines, f"YNCZ-{year}-")
        remote, remote_lines = _roster("lijiang", "lijiang_finance", year)
        assert remote.state == "in_review" and len(remote_lines) == 3  # not 14: Jinjiang is not remote
        assert remote.scope == {"service_county": "530724"}
        pending = db.session.execute(select(ChainTask).where(ChainTask.instance_id == remote.chain_instance_id,
                                                             ChainTask.state == "pending")).scalars().all()
        assert [t.step_id for t in pending] == ["city_hr_compile"]
        assert may_act(pending[0], user("lj_city_hr_2").id)  # the second city HR officer: not the compiler
        assert db.session.scalar(select(func.count(DisbursementBatch.id))
                                 .where(DisbursementBatch.roster_id == remote.id)) == 0
        assert db.session.scalar(select(func.count(Payment.id))) == len(lines)
        assert {p for p, _c in lines} >= {p for p, _c in remote_lines}
    with tenant_context(tenant("kunming").id, db.session):
        township, km_lines = _roster("kunming", "kunming_finance", year)
        assert township.state == "approved" and len(km_lines) == 2  # doctor 03's year 1, doctor 04's year 2
        _paid(township, km_lines, f"KMCZ-{year}-")
    before = {slug: _snapshot(slug) for slug in ("lijiang", "kunming")}
    again = runner.invoke(args=["demo", "cases"])
    assert again.exit_code == 0 and again.output.count("already has rosters") == 2, again.output
    assert {slug: _snapshot(slug) for slug in ("lijiang", "kunming")} == before
    replay = runner.invoke(args=["decisions", "replay"])
    assert replay.exit_code == 0 and ", 0 would now differ" in replay.output, replay.output
