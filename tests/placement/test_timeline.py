"""A person's timeline: every step with who, when, the outcome and its article; the decisions with their why;
what they were owed, claimed and paid (the subsidy module's events, merged in date order); and the API's
endpoints in the OpenAPI document."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select, update

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement.models import Application
from grassroots.tenancy.models import Tenant
from tests.placement.conftest import add_member, assess
from tests.placement.test_journeys import TERM_END, ninglang_case, run_lijiang

PROVINCIAL_CITE = "《丽江市鼓励专业技术人员到基层服务暂行办法》第二条、第十二条、第十四条、第十六条"


def test_the_timeline_shows_every_step_with_its_cite(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    run_lijiang(world, case)
    assess(world, case, "lj_service_unit", "annual", 1, "qualified", date(2022, 8, 20))
    person = world.get(case.applicant, f"/api/v1/t/lijiang/applications/{case.app_id}")["person"]["id"]
    timeline = world.get("lj_county_hr_ninglang", f"/api/v1/t/lijiang/people/{person}/timeline")
    kinds = [e["kind"] for e in timeline["events"]]
    for kind in ("application.created", "application.submitted", "decision", "task", "agreement.matched",
                 "agreement.signed", "placement.started", "assessment"):
        assert kind in kinds, kind
    tasks = [e for e in timeline["events"] if e["kind"] == "task"]
    assert len(tasks) == 3 + 6  # application chain (3 steps), agreement chain (4 steps + 2 co-signatures)
    first = tasks[0]
    assert (first["title"]["zh"], first["who"], first["outcome"]["zh"]) == ("所在单位批准", "lj_nl_hospital", "同意")
    assert first["cite"]["zh"] == "《丽江市鼓励专业技术人员到基层服务暂行办法》第四条"
    filing = next(e for e in tasks if e["state"] == "filed")
    assert filing["outcome"]["zh"] == "备案"
    decisions = [e for e in timeline["events"] if e["kind"] == "decision"]
    assert [d["title"]["zh"] for d in decisions] == ["资格判定（申请）", "资格判定（岗位匹配）", "资格判定（到岗服务）"]
    assert decisions[0]["why"] and all(r["cite_text"]["zh"].endswith("第二条") for r in decisions[0]["why"])
    assessment = next(e for e in timeline["events"] if e["kind"] == "assessment")
    assert (assessment["outcome"]["zh"], assessment["cite"]["zh"]) == ("合格（称职）", "《丽江市鼓励专业技术人员到基层服务暂行办法》第十条")
    # The professional reads their own; a teacher elsewhere in Lijiang does not; Kunming does not know them.
    assert world.get(case.applicant, f"/api/v1/t/lijiang/people/{person}/timeline")["person"]["id"] == person
    world.get("lj_teacher_li", f"/api/v1/t/lijiang/people/{person}/timeline", 403)
    world.get("km_city_hr", f"/api/v1/t/kunming/people/{person}/timeline", 404)


def _row(page: str, kind: str) -> str:
    row = page[page.index(f'data-kind="{kind}"'):]
    return row[:row.index("</tr>")]


def test_the_timeline_page_shows_beijing_time_and_the_api_utc(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    run_lijiang(world, case)
    lijiang = db.session.execute(select(Tenant.id).filter_by(slug="lijiang")).scalar_one()
    with tenant_context(lijiang, db.session):  # filled in at 18:04 UTC: 02:04 the next morning in Ninglang
        db.session.execute(update(Application).where(Application.id == case.app_id)
                           .values(created_at=datetime(2021, 8, 20, 18, 4)))
        db.session.commit()
    person = world.get(case.applicant, f"/api/v1/t/lijiang/applications/{case.app_id}")["person"]["id"]
    events = world.get("lj_county_hr_ninglang", f"/api/v1/t/lijiang/people/{person}/timeline")["events"]
    assert next(e for e in events if e["kind"] == "application.created")["at"] == "2021-08-20T18:04:00Z"
    page = world.client("lj_county_hr_ninglang").get(f"/t/lijiang/people/{person}/timeline").get_data(as_text=True)
    created = _row(page, "application.created")
    assert "2021-08-21 02:04" in created and "2021-08-20" not in created and "T18:04" not in created
    started = _row(page, "placement.started")  # the first day of service is a day, not a moment: not shifted
    assert "2021-09-01" in started and "08:00" not in started


def _money(world, slug: str, username: str, path: str, body: dict, status: int = 200) -> dict:
    """A money-moving request, as the pages and clients send it: with a fresh idempotency key."""
    return world.post(username, f"/api/v1/t/{slug}/subsidy{path}", body, status,
                      headers={"Idempotency-Key": uuid.uuid4().hex})


def test_a_paid_subsidy_is_on_the_timeline_with_its_amount_cite_and_why(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    run_lijiang(world, case)
    assess(world, case, "lj_service_unit", "annual", 1, "qualified", date(2022, 8, 20))
    assess(world, case, "lj_service_unit", "annual", 2, "excellent", date(2023, 8, 20))
    assess(world, case, "lj_county_hr_ninglang", "term_end", 2, "qualified", date(2023, 9, 5), TERM_END)
    # The provincial claim chain's people (tests/subsidy/conftest.py's lijiang_offices).
    add_member("lijiang", "lj_city_hr_2", "city_hr")
    add_member("lijiang", "yn_province_hr", "province_hr")
    add_member("lijiang", "yn_province_finance", "province_finance")
    roster = world.post("lj_city_hr", "/api/v1/t/lijiang/subsidy/rosters/compile",
                        {"payer": "yunnan_finance", "year": 2023}, 201)["rosters"][0]
    for username in ("lj_city_hr_2", "lj_city_finance", "yn_province_hr", "yn_province_finance"):
        world.act_pending("lijiang", username, subject=("roster", roster["id"]))
    batch = _money(world, "lijiang", "lj_city_hr", "/batches", {"roster_id": roster["id"]}, 201)
    _money(world, "lijiang", "yn_province_finance", f"/batches/{batch['id']}/approve", {})
    _money(world, "lijiang", "yn_province_finance", f"/batches/{batch['id']}/pay", {"reference": "YNCZ-2023-0042"})

    person = world.get(case.applicant, f"/api/v1/t/lijiang/applications/{case.app_id}")["person"]["id"]
    events = world.get("lj_county_hr_ninglang", f"/api/v1/t/lijiang/people/{person}/timeline")["events"]
    stamps = [datetime.fromisoformat(e["at"].rstrip("Z")) for e in events]
    assert stamps == sorted(stamps)  # merged in date order
    money = [e for e in events if e["kind"].startswith("subsidy.")]
    assert sorted(e["kind"] for e in money) == [
        "subsidy.entitlement", "subsidy.entitlement", "subsidy.payment", "subsidy.roster"]  # Annex 6 not compiled
    paid = next(e for e in money if e["kind"] == "subsidy.payment")
    assert (paid["amount"], paid["currency"], paid["years"], paid["reference"]) == ("20000.00", "CNY", [1, 2], "YNCZ-2023-0042")
    assert paid["who"] == "杨建明" and paid["batch_id"] == batch["id"]  # yn_province_finance paid it
    assert (paid["roster"]["id"], paid["roster"]["year"], paid["roster"]["state"]) == (roster["id"], 2023, "approved")
    assert paid["component"] == "provincial_post_subsidy" and paid["component_name"]["zh"] == "省级工作岗位补贴"
    assert paid["cite"]["zh"] == PROVINCIAL_CITE and paid["cite"]["article"].startswith("第二条")
    # "Why this amount": the entitlement's decision record, with the facts and the full trace.
    trace = world.get("lj_county_hr_ninglang", f"/api/v1/t/lijiang/subsidy/entitlements/{paid['entitlement_id']}")
    assert trace["decision"]["id"] == paid["decision_id"] and trace["entitlement"]["amount"] == "20000.00"
    assert paid["why_url"] == f"/t/lijiang/subsidy/entitlements/{paid['entitlement_id']}"
    listed = next(e for e in money if e["kind"] == "subsidy.roster")
    assert (listed["who"], listed["roster_id"], listed["live"]) == ("和丽华", roster["id"], True)  # lj_city_hr compiled
    decided = [e for e in money if e["kind"] == "subsidy.entitlement"]
    assert {(e["component"], e["amount"], e["due"]) for e in decided} == {
        ("provincial_post_subsidy", "20000.00", "2023-09-01"), ("lijiang_remote_subsidy", "20000.00", "2023-09-01")}
    # Each entitlement once: its 核定补贴 row (amount, component, cite, "why this amount") stands for the
    # 补贴核定 decision, which has no bare decision row of its own.
    assert {e["decision_id"] for e in decided} and not any(
        e["kind"] == "decision" and e["decision_id"] in {d["decision_id"] for d in decided} for e in events)
    assert [e["title"]["zh"] for e in events if e["kind"] == "decision"] == [
        "资格判定（申请）", "资格判定（岗位匹配）", "资格判定（到岗服务）"]
    provincial = next(e for e in decided if e["component"] == "provincial_post_subsidy")
    assert provincial["cite"]["zh"] == PROVINCIAL_CITE and provincial["why_url"].endswith(f"/{provincial['entitlement_id']}")

    # The page: the payment with who, the amount in yuan, the roster and batch, the cite and "why this amount".
    page = world.client("lj_city_hr").get(f"/t/lijiang/people/{person}/timeline").get_data(as_text=True)
    row = page[page.index('data-kind="subsidy.payment"'):]
    row = row[:row.index("</tr>")]
    for text in ("已拨付 20000.00 元（凭证号 YNCZ-2023-0042）", "杨建明", "20000.00 元", f"#{roster['id']}",
                 f"/t/lijiang/subsidy/batches/{batch['id']}", paid["why_url"], PROVINCIAL_CITE, "省级工作岗位补贴"):
        assert text in row, text
    # The page: each entitlement exactly once, with its amount, cite and "why this amount"; no bare decision row.
    assert "资格判定（补贴核定）" not in page and page.count('data-kind="decision"') == 3
    assert page.count('data-kind="subsidy.entitlement"') == 2
    for e in decided:
        rows = [r for r in page.split("<tr")[1:] if 'data-kind="subsidy.entitlement"' in r and e["why_url"] in r]
        assert len(rows) == 1, e["entitlement_id"]
        assert "20000.00 元" in rows[0] and e["component_name"]["zh"] in rows[0] and e["cite"]["zh"] in rows[0]
    # The professional reads their own money (no roster or batch links: those pages are for subsidy offices).
    own = world.client(case.applicant).get(f"/t/lijiang/people/{person}/timeline").get_data(as_text=True)
    own_row = own[own.index('data-kind="subsidy.payment"'):]
    own_row = own_row[:own_row.index("</tr>")]
    assert "20000.00 元" in own_row and paid["why_url"] in own_row and "/subsidy/batches/" not in own_row
    assert world.client(case.applicant).get(paid["why_url"]).status_code == 200


def test_the_api_is_in_the_openapi_document(world):
    spec = world.app.test_client().get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/api/v1/t/{tenant}/postings", "/api/v1/t/{tenant}/applications",
                 "/api/v1/t/{tenant}/applications/{application_id}/submit",
                 "/api/v1/t/{tenant}/applications/{application_id}/files/{slot}", "/api/v1/t/{tenant}/matches",
                 "/api/v1/t/{tenant}/agreements/{agreement_id}/sign", "/api/v1/t/{tenant}/placements/{placement_id}/end",
                 "/api/v1/t/{tenant}/assessments", "/api/v1/t/{tenant}/extensions",
                 "/api/v1/t/{tenant}/decisions/{decision_id}", "/api/v1/t/{tenant}/people/{person_id}/timeline"):
        assert path in paths, path
    body = paths["/api/v1/t/{tenant}/applications"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body
    event = spec["components"]["schemas"]["TimelineEvent"]["properties"]
    assert {"who", "amount", "roster", "batch_id", "reference", "cite", "why_url"} <= set(event)
