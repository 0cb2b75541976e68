"""Disbursement: a batch per approved roster, approved by a second person, paid once, with idempotency keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement.models import Placement
from grassroots.subsidy.models import DisbursementBatch, Entitlement, IdempotencyKey, Payment
from tests.subsidy.conftest import (
    approve_chain,
    client_as,
    key,
    lijiang_placement,
    provincial_offices,
    tenant,
    user,
)

API = "/api/v1/t/lijiang/subsidy"


def approved_roster(app, offices, people: int = 2) -> dict:
    for n in range(people):
        lijiang_placement(name=f"付款{n}")
    roster = client_as(app, "lj_city_hr").post(f"{API}/rosters/compile",
                                               json={"payer": "yunnan_finance", "year": 2025}).get_json()["rosters"][0]
    assert approve_chain("lijiang", roster["chain_instance_id"], provincial_offices(offices)) == "approved"
    return roster


def post(client, url: str, body: dict, idem: str | None):
    headers = {"Idempotency-Key": idem} if idem else {}
    return client.post(url, json=body, headers=headers)


def test_prepare_approve_pay_with_a_reference(seeded_app, lijiang_offices):
    roster = approved_roster(seeded_app, lijiang_offices)
    hr, finance = client_as(seeded_app, "lj_city_hr"), client_as(seeded_app, "lj_city_finance")
    made = post(hr, f"{API}/batches", {"roster_id": roster["id"]}, key())
    assert made.status_code == 201, made.get_json()
    batch = made.get_json()
    assert (batch["state"], batch["total"], batch["line_count"]) == ("draft", "40000.00", 2)
    approved = post(finance, f"{API}/batches/{batch['id']}/approve", {}, key())
    assert approved.get_json()["state"] == "approved"
    paid = post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "YN-2025-0001"}, key())
    body = paid.get_json()
    assert (body["state"], body["paid_total"], body["paid_count"], body["reference"]) == (
        "paid", "40000.00", 2, "YN-2025-0001")
    assert all(isinstance(body[k], str) for k in ("total", "paid_total"))  # money never a JSON number
    again = post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "YN-2025-0002"}, key())
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "batch_paid")
    with tenant_context(tenant("lijiang").id, db.session):
        amounts = db.session.execute(select(Payment.amount_fen)).scalars().all()
    assert sorted(amounts) == [2_000_000, 2_000_000] and all(type(a) is int for a in amounts)


def test_the_preparer_cannot_approve_and_a_second_batch_is_refused(seeded_app, lijiang_offices):
    roster = approved_roster(seeded_app, lijiang_offices, people=1)
    hr = client_as(seeded_app, "lj_city_hr")
    batch = post(hr, f"{API}/batches", {"roster_id": roster["id"]}, key()).get_json()
    second = post(hr, f"{API}/batches", {"roster_id": roster["id"]}, key())
    assert (second.status_code, second.get_json()["error"]["code"]) == (409, "batch_exists")
    # lj_city_hr lacks payment.disburse; a finance officer who prepared a batch cannot approve it either
    assert post(hr, f"{API}/batches/{batch['id']}/approve", {}, key()).status_code == 403
    with tenant_context(tenant("lijiang").id, db.session):
        own = DisbursementBatch(roster_id=roster["id"], payer="yunnan_finance", line_count=1, total_fen=2_000_000,
                                currency="CNY", created_by=user("lj_city_finance").id)
        db.session.add(own)
        db.session.commit()
        own_id = own.id
    refused = post(client_as(seeded_app, "lj_city_finance"), f"{API}/batches/{own_id}/approve", {}, key())
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "own_batch")


def test_a_roster_not_yet_approved_cannot_be_batched(seeded_app):
    lijiang_placement()
    hr = client_as(seeded_app, "lj_city_hr")
    roster = hr.post(f"{API}/rosters/compile", json={"payer": "yunnan_finance", "year": 2025}).get_json()["rosters"][0]
    refused = post(hr, f"{API}/batches", {"roster_id": roster["id"]}, key())
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "roster_not_approved")


def test_idempotency_replays_the_same_request_and_refuses_another_body(seeded_app, lijiang_offices):
    roster = approved_roster(seeded_app, lijiang_offices, people=1)
    hr, finance = client_as(seeded_app, "lj_city_hr"), client_as(seeded_app, "lj_city_finance")
    batch = post(hr, f"{API}/batches", {"roster_id": roster["id"]}, key()).get_json()
    post(finance, f"{API}/batches/{batch['id']}/approve", {}, key())
    k = key()
    first = post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "REF-1"}, k)
    replay = post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "REF-1"}, k)
    assert first.status_code == replay.status_code == 200
    assert replay.get_json() == first.get_json() and replay.headers.get("Idempotent-Replayed") == "true"
    other = post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "REF-2"}, k)
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "idempotency_key_reused")
    elsewhere = post(finance, f"{API}/batches/{batch['id']}/approve", {}, k)  # same key, another request
    assert (elsewhere.status_code, elsewhere.get_json()["error"]["code"]) == (409, "idempotency_key_reused")
    missing = post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "REF-1"}, None)
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (400, "idempotency_key_required")
    with tenant_context(tenant("lijiang").id, db.session):
        assert db.session.scalar(select(func.count(Payment.id))) == 1
        keys = db.session.execute(select(IdempotencyKey.status_code)).scalars().all()
    assert sorted(keys) == [200, 200, 201]


def test_a_refused_request_leaves_its_key_free(seeded_app, lijiang_offices):
    roster = approved_roster(seeded_app, lijiang_offices, people=1)
    hr, finance = client_as(seeded_app, "lj_city_hr"), client_as(seeded_app, "lj_city_finance")
    batch = post(hr, f"{API}/batches", {"roster_id": roster["id"]}, key()).get_json()
    k = key()
    early = post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "REF-1"}, k)
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "batch_not_approved")
    post(finance, f"{API}/batches/{batch['id']}/approve", {}, key())
    assert post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "REF-1"}, k).status_code == 200


def test_pages_prepare_approve_and_pay_once_on_a_double_click(seeded_app, lijiang_offices):
    roster = approved_roster(seeded_app, lijiang_offices, people=1)
    hr, finance = client_as(seeded_app, "lj_city_hr"), client_as(seeded_app, "lj_city_finance")
    form = {"roster_id": str(roster["id"]), "idempotency_key": key(), "note": ""}
    first = hr.post("/t/lijiang/subsidy/batches/create", data=form)
    second = hr.post("/t/lijiang/subsidy/batches/create", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    batch_url = first.headers["Location"]
    batch_id = int(batch_url.rstrip("/").split("/")[-1])
    page = finance.get(batch_url)
    assert page.status_code == 200 and "审批同意拨付" in page.get_data(as_text=True)
    assert finance.post(f"/t/lijiang/subsidy/batches/{batch_id}/approve", data={"idempotency_key": key()}).status_code == 303
    pay = {"reference": "REF-PAGE", "idempotency_key": key()}
    assert finance.post(f"/t/lijiang/subsidy/batches/{batch_id}/pay", data=pay).status_code == 303
    assert finance.post(f"/t/lijiang/subsidy/batches/{batch_id}/pay", data=pay).status_code == 303
    with tenant_context(tenant("lijiang").id, db.session):
        assert db.session.scalar(select(func.count(Payment.id))) == 1
        assert db.session.scalar(select(func.count(DisbursementBatch.id))) == 1
    assert "已拨付" in finance.get(batch_url).get_data(as_text=True)
    with tenant_context(tenant("lijiang").id, db.session):  # paid at 17:30 UTC on New Year's Eve: 01:30 in Kunming
        db.session.execute(update(DisbursementBatch).where(DisbursementBatch.id == batch_id)
                           .values(paid_at=datetime(2025, 12, 31, 17, 30)))
        db.session.commit()
    times = finance.get(batch_url).get_data(as_text=True)
    times = times[times.index('data-testid="batch-times"'):]
    times = times[:times.index("</p>")]
    assert "拨付于 2026-01-01 01:30" in times and "（北京时间）" in times


def test_a_persons_timeline_gets_what_was_owed_claimed_and_paid(seeded_app, lijiang_offices):
    from flask import g

    from grassroots.subsidy.timeline import events_for

    roster = approved_roster(seeded_app, lijiang_offices, people=1)
    hr, finance = client_as(seeded_app, "lj_city_hr"), client_as(seeded_app, "lj_city_finance")
    batch = post(hr, f"{API}/batches", {"roster_id": roster["id"]}, key()).get_json()
    post(finance, f"{API}/batches/{batch['id']}/approve", {}, key())
    post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "REF-T"}, key())
    lijiang = tenant("lijiang")
    with seeded_app.test_request_context("/"), tenant_context(lijiang.id, db.session):
        g.tenant = lijiang
        placement_ids = db.session.execute(select(Entitlement.placement_id)).scalars().all()
        events = events_for(sorted(set(placement_ids)))
    kinds = [e["kind"] for e in events]
    assert kinds.count("subsidy.entitlement") == 2 and kinds.count("subsidy.roster") == 1
    assert [e["amount"] for e in events if e["kind"] == "subsidy.payment"] == ["20000.00"]
    assert all(e["url"].startswith("/t/lijiang/subsidy/") for e in events)


def test_the_persons_timeline_page_and_api_show_the_payment(seeded_app, lijiang_offices):
    roster = approved_roster(seeded_app, lijiang_offices, people=1)
    hr, finance = client_as(seeded_app, "lj_city_hr"), client_as(seeded_app, "lj_city_finance")
    batch = post(hr, f"{API}/batches", {"roster_id": roster["id"]}, key()).get_json()
    post(finance, f"{API}/batches/{batch['id']}/approve", {}, key())
    post(finance, f"{API}/batches/{batch['id']}/pay", {"reference": "REF-TL"}, key())
    with tenant_context(tenant("lijiang").id, db.session):
        person = db.session.execute(select(Placement.person_id)).scalar_one()
    timeline = hr.get(f"/api/v1/t/lijiang/people/{person}/timeline").get_json()
    money = [e for e in timeline["events"] if e["kind"].startswith("subsidy.")]
    assert [e["kind"] for e in money].count("subsidy.payment") == 1
    payment = next(e for e in money if e["kind"] == "subsidy.payment")
    assert (payment["amount"], payment["reference"]) == ("20000.00", "REF-TL") and isinstance(payment["at"], str)
    page = hr.get(f"/t/lijiang/people/{person}/timeline").get_data(as_text=True)
    assert "已拨付" in page and "凭证号 REF-TL" in page
    # Each entitlement once, as its 核定补贴 row with amount, cite and "why this amount"; the 补贴核定 decision
    # it rests on has no second, bare row (in the API either).
    decided = [e for e in money if e["kind"] == "subsidy.entitlement"]
    assert len(decided) == len({e["entitlement_id"] for e in decided}) == 2
    assert not any(e["kind"] == "decision" and e["decision_id"] in {d["decision_id"] for d in decided}
                   for e in timeline["events"])
    assert "资格判定（补贴核定）" not in page
    rows = [r for r in page.split("<tr")[1:] if 'data-kind="subsidy.entitlement"' in r]
    assert len(rows) == 2
    for e in decided:
        mine = [r for r in rows if f'href="{e["why_url"]}"' in r]
        assert len(mine) == 1 and f'{e["amount"]} 元' in mine[0] and e["cite"]["zh"] in mine[0] and e["cite"]["zh"]
