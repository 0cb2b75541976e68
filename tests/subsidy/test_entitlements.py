"""Entitlements come from the one engine, under the placement's pinned pack, once per schedule period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement.facts import facts_for
from grassroots.placement.models import DecisionRecord, Placement
from grassroots.subsidy.entitlements import compute_entitlements, entitlements_of, refresh_entitlements
from grassroots.subsidy.models import Entitlement
from tests.subsidy.conftest import client_as, lijiang_placement, tenant

AS_OF = date(2025, 12, 31)


def _compute(placement_id: int, as_of: date = AS_OF):
    with tenant_context(tenant("lijiang").id, db.session):
        placement = db.session.get(Placement, placement_id)
        outcome = compute_entitlements(placement, as_of)
        db.session.commit()
        rows = [(e.component, e.payer, list(e.years), e.due, e.amount_fen, e.first_year) for e in
                entitlements_of(placement_id)]
        return outcome, rows


def _evaluate_api(seeded_app, placement_id: int, as_of: date = AS_OF) -> dict:
    with tenant_context(tenant("lijiang").id, db.session):
        facts = facts_for(db.session.get(Placement, placement_id), as_of)
    answer = seeded_app.test_client().post("/api/v1/t/lijiang/programs/grassroots_service/evaluate", json=facts)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_remote_two_years_owes_the_provincial_and_the_city_subsidy(seeded_app):
    pid = lijiang_placement(remote=True)
    outcome, rows = _compute(pid)
    assert sorted(rows) == [
        ("lijiang_remote_subsidy", "lijiang_finance", [1, 2], date(2025, 6, 1), 2_000_000, 1),
        ("provincial_post_subsidy", "yunnan_finance", [1, 2], date(2025, 6, 1), 2_000_000, 1),
    ]
    assert len(outcome.created) == 2 and len(outcome.decisions) == 1
    api = _evaluate_api(seeded_app, pid)
    assert sorted((p["component"], p["amount"], p["years"]) for p in api["payments"]) == [
        ("lijiang_remote_subsidy", "20000.00", [1, 2]), ("provincial_post_subsidy", "20000.00", [1, 2])]


def test_non_remote_owes_no_city_subsidy(seeded_app):
    _outcome, rows = _compute(lijiang_placement(remote=False))
    assert [(r[0], r[2], r[4]) for r in rows] == [("provincial_post_subsidy", [1, 2], 2_000_000)]


def test_four_years_with_a_failed_third_year_pays_years_one_two_and_four(seeded_app):
    marks = (("annual", 1, "qualified"), ("annual", 2, "qualified"), ("term_end", 2, "qualified"),
             ("annual", 3, "unqualified"), ("annual", 4, "qualified"), ("term_end", 4, "qualified"))
    pid = lijiang_placement(remote=False, start=date(2021, 3, 1), end=date(2025, 2, 28), assessments=marks)
    _outcome, rows = _compute(pid)
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [([1, 2], date(2023, 3, 1), 2_000_000, 1),
                                                      ([4], date(2025, 3, 1), 1_000_000, 4)]
    api = _evaluate_api(seeded_app, pid)
    assert [(p["years"], p["amount"]) for p in api["payments"]] == [([1, 2], "20000.00"), ([4], "10000.00")]


def test_computing_again_adds_nothing_and_amounts_are_integer_fen(seeded_app):
    pid = lijiang_placement()
    _compute(pid)
    outcome, rows = _compute(pid)
    assert (outcome.created, outcome.refreshed, outcome.voided) == ([], [], [])
    with tenant_context(tenant("lijiang").id, db.session):
        assert db.session.scalar(select(func.count(Entitlement.id))) == 2
        amounts = db.session.execute(select(Entitlement.amount_fen)).scalars().all()
    assert all(type(a) is int for a in amounts)


def _decision_ids(placement_id: int) -> list[int]:
    with tenant_context(tenant("lijiang").id, db.session):
        return list(db.session.execute(select(DecisionRecord.id).where(
            DecisionRecord.subject_type == "placement", DecisionRecord.subject_id == placement_id,
            DecisionRecord.stage == "entitlement").order_by(DecisionRecord.id)).scalars())


def test_computing_again_from_the_same_facts_keeps_one_decision_record(seeded_app):
    """The timeline shows one 补贴核定 per thing that changed, not one per click of 重新核定."""
    pid = lijiang_placement()
    first, _rows = _compute(pid)
    again, _rows = _compute(pid)
    assert again.decisions == first.decisions and _decision_ids(pid) == first.decisions
    later, _rows = _compute(pid, date(2026, 1, 5))  # another as-of date: other facts, a record of its own
    assert _decision_ids(pid) == first.decisions + later.decisions and later.decisions != first.decisions


def test_the_batch_path_stores_what_the_full_trace_stores(seeded_app):
    one, many = lijiang_placement(name="甲"), lijiang_placement(name="乙")
    _outcome, rows_one = _compute(one)
    with tenant_context(tenant("lijiang").id, db.session):
        outcome = refresh_entitlements(AS_OF)
        db.session.commit()
        rows_many = [(e.component, e.payer, list(e.years), e.due, e.amount_fen, e.first_year)
                     for e in entitlements_of(many)]
        decisions = db.session.scalar(select(func.count(DecisionRecord.id)).where(DecisionRecord.stage == "entitlement"))
    assert sorted(rows_many) == sorted(rows_one)
    assert len(outcome.created) == 2 and decisions == 2  # only the placement that changed was decided again


def test_a_missing_year_added_later_refreshes_the_same_period(seeded_app):
    """Year 1 has no assessment yet: the period pays year 2 only; once year 1 is assessed, the same row
    (same period key) pays both, and no second row can pay year 2 again."""
    pid = lijiang_placement(assessments=(("annual", 2, "qualified"), ("term_end", 2, "qualified")))
    _outcome, rows = _compute(pid)
    assert {(r[2][0], tuple(r[2]), r[5]) for r in rows} == {(2, (2,), 1)}
    from grassroots.placement.models import Assessment

    with tenant_context(tenant("lijiang").id, db.session):
        db.session.add(Assessment(placement_id=pid, kind="annual", year_no=1, grade="qualified",
                                  assessed_on=date(2024, 6, 1), by_office="service_unit"))
        db.session.commit()
    outcome, rows = _compute(pid)
    assert len(outcome.refreshed) == 2 and not outcome.created
    assert {(tuple(r[2]), r[4], r[5]) for r in rows} == {((1, 2), 2_000_000, 1)}


def test_why_this_amount_answers_the_decision_trace(seeded_app):
    pid = lijiang_placement()
    _compute(pid)
    client = client_as(seeded_app, "lj_city_hr")
    listed = client.get(f"/api/v1/t/lijiang/subsidy/placements/{pid}/entitlements").get_json()
    assert {e["amount"] for e in listed["entitlements"]} == {"20000.00"}
    trace = client.get(f"/api/v1/t/lijiang/subsidy/entitlements/{listed['entitlements'][0]['id']}").get_json()
    assert trace["decision"]["answer"]["eligible"] is True
    assert {r["rule"] for r in trace["decision"]["answer"]["reasons"]} >= {"unit_county_or_above", "township_placement"}
    page = client.get(f"/t/lijiang/subsidy/entitlements/{listed['entitlements'][0]['id']}")
    assert page.status_code == 200 and "为何是此金额" in page.get_data(as_text=True)


def test_a_placement_whose_facts_do_not_read_is_skipped_not_fatal(seeded_app):
    good, bad = lijiang_placement(name="好"), lijiang_placement(name="坏")
    with tenant_context(tenant("lijiang").id, db.session):
        db.session.get(Placement, bad).unit_level = "no_such_level"
        db.session.commit()
        outcome = refresh_entitlements(AS_OF)
        db.session.commit()
        assert sorted(outcome.unreadable) == [bad] and len(outcome.created) == 2
        assert entitlements_of(bad) == [] and len(entitlements_of(good)) == 2
    single = client_as(seeded_app, "lj_city_hr").post(f"/api/v1/t/lijiang/subsidy/placements/{bad}/entitlements",
                                                      json={"as_of": "2025-12-31"})
    assert single.status_code == 422 and single.get_json()["error"]["errors"]
