"""A managing officer closes a published posting (its posts filled or no longer needed), with a reason: one
conditional UPDATE published → closed (a draft is left, a closed one stays closed), who, when and why kept
on the posting and in the audit log; its demand report still under review is withdrawn when the officer
reported it, and the close is refused otherwise; nothing more is matched to it. Through the API and the
posting page; another county's officer, a professional and another tenant's officer are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect, select, text

from grassroots.accounts.models import User
from grassroots.audit.models import AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement.models import Posting
from grassroots.tenancy.models import Tenant
from grassroots.workflow.models import ChainInstance
from tests.db.factories import owner_engine
from tests.placement.conftest import (
    KUNMING_PROGRAM,
    LIJIANG_PROGRAM,
    NINGLANG,
    add_member,
    apply,
    approve_application,
    open_posting,
)
from tests.placement.conftest import demand as demand_form
from tests.placement.test_journeys import ninglang_case
from tests.placement.test_resubmit import _migrate

LJ, KM = "/api/v1/t/lijiang", "/api/v1/t/kunming"
PUBLISHER, COLLEAGUE, CITY, PROVINCE = "lj_county_hr_ninglang", "lj_county_hr_ninglang_2", "lj_city_hr", "yn_province_hr"
KM_OFFICER = "km_county_hr_luquan"
REASON = "岗位已招满 / posts filled"


@pytest.fixture()
def offices(world):
    """As in test_demand.py: the province's HR officer holds province_hr in Lijiang (the demand chain's last
    step), and Ninglang's bureau gets a second HR officer who did not publish (so did not report) anything."""
    add_member("lijiang", PROVINCE, "province_hr")
    add_member("lijiang", COLLEAGUE, "county_hr", "area", NINGLANG)
    return world


def _tenant(slug: str) -> Tenant:
    return db.session.execute(select(Tenant).filter_by(slug=slug)).scalar_one()


def _draft_labo(world) -> dict:
    return world.post(PUBLISHER, f"{LJ}/postings", {"program": LIJIANG_PROGRAM, "unit_code": "lj-nl-labo-hc",
                                                    "data": demand_form()}, 201)


def _publish_labo(world) -> dict:
    """Published by Ninglang's officer, who thereby submits its demand report (in progress at the city)."""
    posting = world.post(PUBLISHER, f"{LJ}/postings/{_draft_labo(world)['id']}/publish")
    assert posting["demand_report"]["state"]["code"] == "in_progress"
    return posting


def _publish_wumeng(world) -> dict:
    """Kunming's pack names no demand chain: a published posting with no report."""
    body = {"program": KUNMING_PROGRAM, "unit_code": "km-lq-wumeng-hc",
            "data": {"posts": [{"post_name": "全科医生", "headcount": 2, "service_years": 1}]}}
    draft = world.post(KM_OFFICER, f"{KM}/postings", body, 201)
    posting = world.post(KM_OFFICER, f"{KM}/postings/{draft['id']}/publish")
    assert posting["state"]["code"] == "published" and posting["chain_instance_id"] is None
    return posting


def _audit(slug: str, action: str, target: int | None = None) -> list[AuditEntry]:
    with tenant_context(_tenant(slug).id, db.session):
        rows = db.session.execute(select(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq)).scalars()
        return [e for e in rows if target is None or e.target_id == str(target)]


def _row(slug: str, posting_id: int) -> tuple:
    with tenant_context(_tenant(slug).id, db.session):
        p = db.session.execute(select(Posting).where(Posting.id == posting_id)
                               .execution_options(populate_existing=True)).scalar_one()
        return p.state, p.closed_at, p.closed_by, p.close_reason


def _name(username: str) -> str:
    return db.session.execute(select(User.display_name).filter_by(username=username)).scalar_one()


def _chain_state(slug: str, instance_id: int) -> str:
    with tenant_context(_tenant(slug).id, db.session):
        return db.session.get(ChainInstance, instance_id, populate_existing=True).state


def _close(world, username: str, path: str, body: dict | None, status: int) -> dict:
    return world.post(username, f"{path}/close", body if body is not None else {}, status)


def test_the_county_officer_closes_a_posting_through_the_api(offices):
    """Kunming (no demand report): a reason is required, the close is recorded, a second close is 409."""
    world = offices
    pid = _publish_wumeng(world)["id"]
    path = f"{KM}/postings/{pid}"
    # A reason is required (missing, blank, too long): 422 at /reason, and nothing changes.
    missing = _close(world, KM_OFFICER, path, {}, 422)["error"]
    assert [e["path"] for e in missing["errors"]] == ["/reason"]
    for reason, code in (("   \n ", "required"), ("长" * 501, "max_length")):
        error = _close(world, KM_OFFICER, path, {"reason": reason}, 422)["error"]
        assert [(e["path"], e["code"]) for e in error["errors"]] == [("/reason", code)], error
        assert error["message"]["zh"] and error["message"]["en"]
    assert _close(world, KM_OFFICER, path, {"reason": "x", "state": "closed"}, 422)["error"]["errors"][0]["path"] == (
        "/state")  # unknown fields are refused
    assert _row("kunming", pid) == ("published", None, None, None)
    assert _audit("kunming", "placement.posting.close", pid) == []

    closed = _close(world, KM_OFFICER, path, {"reason": f"  {REASON}  "}, 200)
    assert closed["state"]["code"] == "closed" and closed["closed_at"].endswith("Z")
    assert closed["close_reason"] == REASON and closed["closed_by"]["name"] == _name(KM_OFFICER)
    assert closed["demand_report"] is None
    state, closed_at, closed_by, reason = _row("kunming", pid)
    assert (state, reason) == ("closed", REASON) and closed_at is not None and closed_by == closed["closed_by"]["id"]
    # The same answer on reading it; a professional sees when, not who or why (as for the report's steps).
    assert world.get(KM_OFFICER, path)["close_reason"] == REASON
    seen = world.get("km_doctor_lq", path)
    assert seen["state"]["code"] == "closed" and seen["closed_at"] == closed["closed_at"]
    assert "closed_by" not in seen and "close_reason" not in seen
    listed = next(p for p in world.get(KM_OFFICER, f"{KM}/postings?state=closed")["postings"] if p["id"] == pid)
    assert listed["closed_by"]["name"] == _name(KM_OFFICER)

    # Closed stays closed: a second close (a reason given) is 409, and one audit entry only.
    again = _close(world, KM_OFFICER, path, {"reason": "再关一次"}, 409)["error"]
    assert again["code"] == "posting_not_published" and again["message"]["zh"] and again["message"]["en"]
    assert _row("kunming", pid)[3] == REASON
    (entry,) = _audit("kunming", "placement.posting.close", pid)
    assert entry.before == {"state": "published"} and entry.after["state"] == "closed" and entry.note == REASON


def test_a_draft_is_not_closed(offices):
    world = offices
    pid = _draft_labo(world)["id"]
    error = _close(world, PUBLISHER, f"{LJ}/postings/{pid}", {"reason": REASON}, 409)["error"]
    assert error["code"] == "posting_not_published"
    assert _row("lijiang", pid) == ("draft", None, None, None)
    assert _audit("lijiang", "placement.posting.close", pid) == []


def test_who_may_close(offices):
    """As publishing: another county's officer 403 (not in scope), a professional 403 (no posting.manage),
    another tenant's officer 404 exactly like a missing posting."""
    world = offices
    pid = _publish_labo(world)["id"]
    path = f"{LJ}/postings/{pid}"
    assert _close(world, "lj_county_hr_yulong", path, {"reason": REASON}, 403)["error"]["code"] == "not_in_scope"
    assert _close(world, "lj_doctor_he", path, {"reason": REASON}, 403)["error"]["code"] == "forbidden"
    foreign = _close(world, "km_city_hr", f"{KM}/postings/{pid}", {"reason": REASON}, 404)
    assert foreign == _close(world, "km_city_hr", f"{KM}/postings/2000000000", {"reason": REASON}, 404)
    # the pages alike
    assert world.client("lj_county_hr_yulong").post(f"/t/lijiang/postings/{pid}/close",
                                                    data={"reason": REASON}).status_code == 403
    assert world.client("lj_doctor_he").post(f"/t/lijiang/postings/{pid}/close", data={"reason": REASON}).status_code == 403
    assert world.client("km_city_hr").post(f"/t/kunming/postings/{pid}/close", data={"reason": REASON}).status_code == 404
    assert _row("lijiang", pid)[0] == "published"
    assert _audit("lijiang", "placement.posting.close", pid) == []


def test_closing_withdraws_the_publishers_report_under_review(offices):
    """Ninglang's officer published (so reported) the posting: closing it withdraws the report in the same act;
    the city's task is cancelled and leaves its inbox."""
    world = offices
    posting = _publish_labo(world)
    pid, instance_id = posting["id"], posting["chain_instance_id"]
    closed = _close(world, PUBLISHER, f"{LJ}/postings/{pid}", {"reason": REASON}, 200)
    assert closed["state"]["code"] == "closed" and closed["demand_report"]["state"]["code"] == "withdrawn"
    assert _chain_state("lijiang", instance_id) == "withdrawn"
    assert [t for t in world.get(CITY, f"{LJ}/inbox")["tasks"] if t["subject_id"] == pid] == []
    (entry,) = _audit("lijiang", "placement.posting.close", pid)
    assert entry.after == {"state": "closed", "chain_instance_id": instance_id, "report": "withdrawn"}
    assert [e.target_id for e in _audit("lijiang", "workflow.withdraw")] == [str(instance_id)]


def test_a_report_under_review_is_not_withdrawn_by_someone_else(offices):
    """Only the report's submitter may withdraw it (workflow.withdraw): the city (whose reach covers the unit)
    and the publisher's colleague are refused with 409, and nothing changes."""
    world = offices
    posting = _publish_labo(world)
    pid, instance_id = posting["id"], posting["chain_instance_id"]
    for officer in (COLLEAGUE, CITY):
        error = _close(world, officer, f"{LJ}/postings/{pid}", {"reason": REASON}, 409)["error"]
        assert error["code"] == "demand_report_in_progress", (officer, error)
        assert "仍在审核中" in error["message"]["zh"] and error["message"]["en"]
    assert _row("lijiang", pid) == ("published", None, None, None)
    assert _chain_state("lijiang", instance_id) == "in_progress"
    assert _audit("lijiang", "placement.posting.close", pid) == [] and _audit("lijiang", "workflow.withdraw") == []
    # once the report is through (approved), the city may close the posting
    world.act_pending("lijiang", CITY, subject=("placement_posting", pid))
    world.act_pending("lijiang", PROVINCE, subject=("placement_posting", pid))
    assert _chain_state("lijiang", instance_id) == "approved"
    closed = _close(world, CITY, f"{LJ}/postings/{pid}", {"reason": REASON}, 200)
    assert closed["state"]["code"] == "closed" and closed["demand_report"]["state"]["code"] == "approved"


def test_a_rejected_report_records_who_closed_and_why(offices):
    world = offices
    pid = _publish_labo(world)["id"]
    world.act_pending("lijiang", CITY, "reject", "该单位不属乡镇企事业单位", subject=("placement_posting", pid))
    posting = world.get(CITY, f"{LJ}/postings/{pid}")
    assert posting["state"]["code"] == "closed" and posting["closed_at"]
    assert (posting["closed_by"]["name"], posting["close_reason"]) == (_name(CITY), "该单位不属乡镇企事业单位")


def test_closing_through_the_page(offices):
    world = offices
    pid = _publish_labo(world)["id"]
    url = f"/t/lijiang/postings/{pid}"
    page = world.client(PUBLISHER).get(url).get_data(as_text=True)
    assert 'data-testid="close-form"' in page and "关闭岗位需求" in page and "确认关闭" in page
    assert 'name="csrf_token"' in page and 'name="reason"' in page
    assert "Close posting" in world.client(PUBLISHER).get(f"{url}?lang=en").get_data(as_text=True)
    assert 'data-testid="close-form"' not in world.client("lj_doctor_he").get(url).get_data(as_text=True)
    assert 'data-testid="close-form"' not in world.client("lj_county_hr_yulong").get(url).get_data(as_text=True)
    # No reason: the page again, with the message at the field, and nothing changed
    bad = world.client(PUBLISHER).post(f"{url}/close", data={"reason": "  "})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'data-path="/reason"' in text and "请填写关闭原因" in text
    assert 'data-testid="close-form"' in text
    assert _row("lijiang", pid)[0] == "published"
    # The city may not withdraw the publisher's report: the page says why (409), never a 500
    refused = world.client(CITY).post(f"{url}/close", data={"reason": REASON})
    assert refused.status_code == 409 and "仍在审核中" in refused.get_data(as_text=True)
    done = world.client(PUBLISHER).post(f"{url}/close", data={"reason": REASON})
    assert done.status_code == 303 and done.headers["Location"].endswith(url)
    page = world.client(PUBLISHER).get(url).get_data(as_text=True)
    assert 'data-testid="closed"' in page and "已关闭" in page and REASON in page
    assert f'data-testid="closed-by">{_name(PUBLISHER)}<' in page and 'data-testid="close-form"' not in page
    # The professional sees that it is closed and when, not who or why
    seen = world.client("lj_doctor_he").get(url).get_data(as_text=True)
    assert 'data-testid="closed"' in seen and REASON not in seen
    # A second close: the page with the message (409), still closed once
    again = world.client(PUBLISHER).post(f"{url}/close", data={"reason": "再关一次"})
    assert again.status_code == 409 and "只有发布中的岗位需求可以关闭" in again.get_data(as_text=True)
    assert len(_audit("lijiang", "placement.posting.close", pid)) == 1


def test_nothing_is_matched_to_a_closed_posting(offices):
    world = offices
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    open_posting(world, case)
    apply(world, case)
    assert approve_application(world, case)["state"]["code"] == "approved"
    _close(world, PUBLISHER, f"{LJ}/postings/{case.posting_id}", {"reason": REASON}, 200)
    error = world.post(case.matcher, f"{LJ}/matches", {"application_id": case.app_id, "posting_id": case.posting_id},
                       409)["error"]
    assert error["code"] == "posting_closed"
    assert error["message"] == {"zh": "该岗位需求已关闭，不能再匹配",
                                "en": "The posting is closed; nothing more can be matched to it"}


def test_migration_0013_round_trips(offices, seeded_app):
    """Down to 0012 the close's columns go (the posting stays closed: its state is 0009's); up again they are
    back, empty for the postings closed meanwhile, and a close records them again."""
    world = offices
    first, second = _publish_wumeng(world)["id"], _publish_wumeng(world)["id"]
    _close(world, KM_OFFICER, f"{KM}/postings/{first}", {"reason": REASON}, 200)
    _migrate(seeded_app, "0012")
    engine = owner_engine(seeded_app)
    try:
        with engine.connect() as conn:
            assert "close_reason" not in {c["name"] for c in inspect(conn).get_columns("postings")}
            assert conn.execute(text("SELECT state FROM postings WHERE id = :id"), {"id": first}).scalar() == "closed"
    finally:
        engine.dispose()
    _migrate(seeded_app, "head")
    assert _row("kunming", first) == ("closed", None, None, None)
    _close(world, KM_OFFICER, f"{KM}/postings/{second}", {"reason": REASON}, 200)
    assert _row("kunming", second)[3] == REASON


def test_the_province_rollup_keeps_filled_postings_and_leaves_out_unreported_ones(offices):
    """A posting closed once filled stays in the province's picture of the year's demand, marked closed; one
    whose demand report was rejected, or withdrawn by its close, never reached the province (第三条)."""
    world = offices
    filled = _publish_wumeng(world)["id"]
    _close(world, KM_OFFICER, f"{KM}/postings/{filled}", {"reason": REASON}, 200)
    rejected = _publish_labo(world)["id"]
    world.act_pending("lijiang", CITY, "reject", "该单位不属乡镇企事业单位", subject=("placement_posting", rejected))
    withdrawn = _publish_labo(world)["id"]
    _close(world, PUBLISHER, f"{LJ}/postings/{withdrawn}", {"reason": REASON}, 200)
    reported = _publish_labo(world)["id"]
    rollup = {r["tenant"]: {p["id"]: p for p in r["postings"]}
              for r in world.get(PROVINCE, "/api/v1/t/yunnan/postings")["rollup"]}
    assert rollup["kunming"][filled]["state"]["code"] == "closed"
    assert reported in rollup["lijiang"] and rejected not in rollup["lijiang"] and withdrawn not in rollup["lijiang"]
    page = world.client(PROVINCE).get("/t/yunnan/postings").get_data(as_text=True)
    assert f'data-posting="{filled}"' in page and f'data-posting="{rejected}"' not in page
