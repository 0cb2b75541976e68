"""The demand report (Lijiang 第三条) runs on the pack's `chains.demand`: publishing a posting reports it up
`lijiang_demand_reporting` (the county's publication is the submission → city compilation → provincial filing;
a county bureau with a single HR officer is never stuck), the posting shows each step
with who, when and the article, the tasks wait in the offices' inboxes linked to the posting; a return is
corrected and resubmitted by the publisher, a rejection closes the posting. Kunming's pack has no demand
chain: its postings publish exactly as before. Through the API and the pages (and, on PostgreSQL, two
resubmits at once)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from grassroots.accounts.models import User
from grassroots.audit.models import AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement import demand as reports
from grassroots.placement.models import Posting
from grassroots.tenancy.models import Tenant
from grassroots.workflow.models import ChainInstance, ChainTask
from tests.placement.conftest import (
    KUNMING_PROGRAM,
    LIJIANG_PROGRAM,
    NINGLANG,
    Case,
    add_member,
    open_posting,
)
from tests.placement.conftest import demand as demand_form
from tests.placement.test_concurrency import _race

LJ, KM = "/api/v1/t/lijiang", "/api/v1/t/kunming"
PUBLISHER, COLLEAGUE, CITY, PROVINCE = "lj_county_hr_ninglang", "lj_county_hr_ninglang_2", "lj_city_hr", "yn_province_hr"
SUBJECT = "placement_posting"
STEPS = ["city_compile", "province_compile"]  # the county's publication is the submission: no county step


@pytest.fixture()
def offices(world):
    """The province's HR officer holding province_hr in Lijiang, where the provincial step is taken (as the
    demo's). Ninglang's county bureau keeps its single HR officer, the publisher."""
    add_member("lijiang", PROVINCE, "province_hr")
    return world


@pytest.fixture()
def colleague(offices):
    """A second officer of the publisher's county bureau: no step of the report is theirs."""
    add_member("lijiang", COLLEAGUE, "county_hr", "area", NINGLANG)
    return offices


def _tenant(slug: str) -> Tenant:
    return db.session.execute(select(Tenant).filter_by(slug=slug)).scalar_one()


def _publish_labo(world, headcount: int = 2) -> dict:
    posting = world.post(PUBLISHER, f"{LJ}/postings", {"program": LIJIANG_PROGRAM, "unit_code": "lj-nl-labo-hc",
                                                      "data": demand_form(headcount=headcount)}, 201)
    assert posting["chain_instance_id"] is None and posting["demand_report"] is None  # a draft reports nothing
    return world.post(PUBLISHER, f"{LJ}/postings/{posting['id']}/publish")


def _tasks(world, username: str, posting_id: int) -> list[dict]:
    return [t for t in world.get(username, f"{LJ}/inbox")["tasks"] if (t["subject_type"], t["subject_id"]) == (SUBJECT, posting_id)]


def _act(world, username: str, posting_id: int, outcome: str | None = None, reason: str | None = None,
         status: int = 200) -> dict:
    (task,) = _tasks(world, username, posting_id)
    body = {"outcome": outcome or ("file" if task["kind"] == "file" else "approve"), **({"reason": reason} if reason else {})}
    return world.post(username, f"{LJ}/tasks/{task['id']}/act", body, status)


def _steps(report: dict) -> dict[str, dict]:
    return {s["step_id"]: s for s in report["steps"]}


def _audit(action: str) -> list[AuditEntry]:
    with tenant_context(_tenant("lijiang").id, db.session):
        return list(db.session.execute(select(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq)).scalars())


def test_publishing_starts_the_packs_demand_chain_with_its_cites(offices):
    world = offices
    posting = _publish_labo(world)
    assert posting["state"]["code"] == "published"
    report = posting["demand_report"]
    assert (report["chain_id"], report["state"]["code"], report["round"]) == ("lijiang_demand_reporting", "in_progress", 1)
    assert report["instance_id"] == posting["chain_instance_id"]
    assert [s["step_id"] for s in report["steps"]] == STEPS
    steps = _steps(report)
    assert [steps[s]["state"]["code"] for s in STEPS] == ["pending", "not_reached"]
    assert [steps[s]["kind"]["code"] for s in STEPS] == ["review", "file"]
    assert [steps[s]["office"]["code"] for s in STEPS] == ["city_hr", "province_hr"]
    assert steps["city_compile"]["office"]["name"]["zh"] == "市人力资源和社会保障局"
    for step in report["steps"]:  # every step carries the pack's cite: 第三条 and the words it makes concrete
        assert "第三条" in step["cite"]["zh"] and step["quote"], step
    assert "在省人民政府政务信息网上公布" in steps["province_compile"]["quote"]
    with tenant_context(_tenant("lijiang").id, db.session):
        instance = db.session.get(ChainInstance, report["instance_id"])
        publisher = db.session.execute(select(User).filter_by(username=PUBLISHER)).scalar_one()
        assert (instance.subject_type, instance.subject_id, instance.submitter_user_id) == (SUBJECT, posting["id"], publisher.id)
        # The county's act (collect, publish, report at once) is the submission: the chain's cite quotes it and
        # its interpretation says so; the first task is the city's, a tenant-wide city_hr task.
        chain = instance.definition["chain"]
        assert "并同时上报市人力资源和社会保障局" in chain["cite"]["quote"] and chain["cite"]["article"] == "第三条"
        assert "并同时上报" in chain["interpretation"]["words"] and "提交" in chain["interpretation"]["choice"]["zh"]
        (task,) = db.session.execute(select(ChainTask).where(ChainTask.instance_id == instance.id)).scalars()
        assert (task.step_id, task.office, task.scope_kind, task.scope_code) == ("city_compile", "city_hr", "tenant", "")
    (start,) = [e for e in _audit("workflow.start") if e.target_id == str(report["instance_id"])]
    (published,) = _audit("placement.posting.publish")
    assert published.after["chain_instance_id"] == report["instance_id"] and published.after["chain"] == "lijiang_demand_reporting"
    # Applicants see the posting at once (the county's publication, 第三条), and the report's steps, not who acted.
    seen = world.get("lj_doctor_he", f"{LJ}/postings/{posting['id']}")
    assert seen["state"]["code"] == "published" and seen["open_places"] == 2
    assert [s["state"]["code"] for s in seen["demand_report"]["steps"]] == ["pending", "not_reached"]
    assert "acted_by" not in seen["demand_report"]["steps"][0] and "reason" not in seen["demand_report"]["steps"][0]
    assert "acted_by" in world.get(CITY, f"{LJ}/postings/{posting['id']}")["demand_report"]["steps"][0]
    listed = next(p for p in world.get(CITY, f"{LJ}/postings")["postings"] if p["id"] == posting["id"])
    assert listed["demand_report"]["state"]["code"] == "in_progress" and "steps" not in listed["demand_report"]
    # the province's roll-up (read in Lijiang's own tenant context) shows the report's state too
    rollup = {r["tenant"]: r["postings"] for r in world.get("yn_province_hr", "/api/v1/t/yunnan/postings")["rollup"]}
    (rolled,) = [p for p in rollup["lijiang"] if p["id"] == posting["id"]]
    assert rolled["demand_report"]["state"]["code"] == "in_progress"


def test_the_county_publishes_the_city_compiles_the_province_files(offices):
    """Ninglang's bureau has one HR officer, the publisher: its publication goes straight to the city."""
    world = offices
    posting = _publish_labo(world)
    pid = posting["id"]
    assert _tasks(world, PUBLISHER, pid) == []  # their own submission is not in their inbox
    (city,) = _tasks(world, CITY, pid)
    assert city["step_id"] == "city_compile" and city["subject_url"] == f"/t/lijiang/postings/{pid}"
    assert "第三条" in city["cite"]["zh"] and city["subject_name"]["zh"] == "岗位需求信息上报"
    assert _tasks(world, PROVINCE, pid) == []  # not reached yet
    _act(world, CITY, pid)
    (province,) = _tasks(world, PROVINCE, pid)
    assert province["step_id"] == "province_compile" and province["outcomes"] == ["file"]
    done = _act(world, PROVINCE, pid)
    assert done["instance"]["state"] == "approved" and done["task"]["state"] == "filed"
    report = world.get(CITY, f"{LJ}/postings/{pid}")["demand_report"]
    assert report["state"]["code"] == "approved" and report["finished_at"]
    steps = _steps(report)
    assert [steps[s]["state"]["code"] for s in STEPS] == ["approved", "filed"]
    assert [steps[s]["acted_by"]["name"] for s in STEPS] == ["和丽华", "段丽萍"]
    assert all(steps[s]["acted_at"] and steps[s]["cite"] for s in STEPS)
    assert world.get("lj_doctor_he", f"{LJ}/postings/{pid}")["state"]["code"] == "published"  # still open to applicants
    # The posting page shows each step: who, when, the article.
    html = world.client(CITY).get(f"/t/lijiang/postings/{pid}").get_data(as_text=True)
    assert 'data-report-state="approved"' in html
    for step, state in zip(STEPS, ("approved", "filed"), strict=True):
        assert re.search(rf'data-step="{step}" data-step-state="{state}"', html), step
    assert "段丽萍" in html and "和丽华" in html and "第三条" in html and "在市政务信息网上公布" in html
    professional = world.client("lj_doctor_he").get(f"/t/lijiang/postings/{pid}").get_data(as_text=True)
    assert 'data-step="province_compile" data-step-state="filed"' in professional and "段丽萍" not in professional
    # ... and the list, its report's state
    listing = world.client(CITY).get("/t/lijiang/postings").get_data(as_text=True)
    assert re.search(rf'data-posting="{pid}".*?data-report-state="approved"', listing, re.S)


def test_a_county_officer_cannot_act_on_the_city_step(colleague):
    world = colleague
    pid = _publish_labo(world)["id"]
    # the publisher's colleague has no step: the county's publication is the submission
    assert _tasks(world, COLLEAGUE, pid) == [] and _tasks(world, PUBLISHER, pid) == []
    with tenant_context(_tenant("lijiang").id, db.session):
        city_task = db.session.execute(select(ChainTask.id).where(ChainTask.step_id == "city_compile",
                                                                  ChainTask.state == "pending")).scalar_one()
    for county_officer in (COLLEAGUE, PUBLISHER, "lj_county_hr_yulong"):
        error = world.post(county_officer, f"{LJ}/tasks/{city_task}/act", {"outcome": "approve"}, 403)["error"]
        assert error["code"] == "not_in_scope", (county_officer, error)
    # nor on the province's 备案: city HR does not hold province_hr
    _act(world, CITY, pid)
    with tenant_context(_tenant("lijiang").id, db.session):
        province_task = db.session.execute(select(ChainTask.id).where(ChainTask.step_id == "province_compile")).scalar_one()
    assert world.post(CITY, f"{LJ}/tasks/{province_task}/act", {"outcome": "file"}, 403)["error"]["code"] == "not_in_scope"
    assert world.get(CITY, f"{LJ}/postings/{pid}")["demand_report"]["state"]["code"] == "in_progress"


def test_city_hr_cannot_compile_a_report_it_published(offices):
    """City HR publishing a posting (its posting.manage covers the whole city) submits that report, so it may
    not compile it (approver ≠ submitter): another city HR officer does."""
    world = offices
    add_member("lijiang", "lj_city_hr_2", "city_hr")
    posting = world.post(CITY, f"{LJ}/postings", {"program": LIJIANG_PROGRAM, "unit_code": "lj-yl-shigu-hc",
                                                 "data": demand_form()}, 201)
    world.post(CITY, f"{LJ}/postings/{posting['id']}/publish")
    assert _tasks(world, CITY, posting["id"]) == []  # their own submission is not in their inbox
    assert _tasks(world, "lj_county_hr_yulong", posting["id"]) == []  # nor is there a county step for Yulong
    with tenant_context(_tenant("lijiang").id, db.session):
        own = db.session.execute(select(ChainTask.id).where(ChainTask.step_id == "city_compile",
                                                            ChainTask.state == "pending")).scalar_one()
    assert world.post(CITY, f"{LJ}/tasks/{own}/act", {"outcome": "approve"}, 403)["error"]["code"] == "own_submission"
    world.act_pending("lijiang", "lj_city_hr_2", subject=(SUBJECT, posting["id"]))
    assert _tasks(world, PROVINCE, posting["id"])[0]["step_id"] == "province_compile"


def test_kunming_publishes_without_any_chain(world):
    case = Case("kunming", KUNMING_PROGRAM, "km_doctor_lq", None, {}, (), "km_county_hr_luquan", "km-lq-wumeng-hc",
                "km_county_hr_luquan", (), (), None, None)
    pid = open_posting(world, case)
    posting = world.get("km_city_hr", f"{KM}/postings/{pid}")
    assert posting["state"]["code"] == "published"
    assert posting["chain_instance_id"] is None and posting["demand_report"] is None
    with tenant_context(_tenant("kunming").id, db.session):
        assert db.session.scalar(select(func.count(ChainInstance.id)).where(ChainInstance.subject_type == SUBJECT)) == 0
        assert db.session.get(Posting, pid).chain_instance_id is None
    (entry,) = [e for e in _audit_in("kunming", "placement.posting.publish") if e.target_id == str(pid)]
    assert entry.after == {"state": "published", "chain": None, "chain_instance_id": None}
    html = world.client("km_city_hr").get(f"/t/kunming/postings/{pid}").get_data(as_text=True)
    assert 'data-testid="demand-report"' not in html
    # nothing to resubmit
    error = world.post("km_county_hr_luquan", f"{KM}/postings/{pid}/resubmit", {}, 409)["error"]
    assert error["code"] == "no_demand_report"


def _audit_in(slug: str, action: str) -> list[AuditEntry]:
    with tenant_context(_tenant(slug).id, db.session):
        return list(db.session.execute(select(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq)).scalars())


def test_a_second_publish_does_not_start_a_second_chain(offices):
    world = offices
    posting = _publish_labo(world)
    pid = posting["id"]
    assert world.post(PUBLISHER, f"{LJ}/postings/{pid}/publish", {}, 409)["error"]["code"] == "not_draft"
    assert world.post(CITY, f"{LJ}/postings/{pid}/publish", {}, 409)["error"]["code"] == "not_draft"
    assert world.client(PUBLISHER).post(f"/t/lijiang/postings/{pid}/publish").status_code == 303  # the page: a message
    with tenant_context(_tenant("lijiang").id, db.session):
        assert db.session.scalar(select(func.count(ChainInstance.id)).where(
            ChainInstance.subject_type == SUBJECT, ChainInstance.subject_id == pid)) == 1
        assert db.session.get(Posting, pid).chain_instance_id == posting["chain_instance_id"]
    assert len(_audit("placement.posting.publish")) == 1


def test_another_tenants_posting_is_not_found(offices):
    world = offices
    pid = _publish_labo(world)["id"]
    missing = world.get("km_city_hr", f"{KM}/postings/2000000000", 404)
    assert world.get("km_city_hr", f"{KM}/postings/{pid}", 404) == missing
    assert world.post("km_county_hr_luquan", f"{KM}/postings/{pid}/resubmit", {}, 404) == \
        world.post("km_county_hr_luquan", f"{KM}/postings/2000000000/resubmit", {}, 404)
    assert world.post("km_county_hr_luquan", f"{KM}/postings/{pid}/publish", {}, 404)["error"]["code"] == "not_found"
    for path in (f"/t/kunming/postings/{pid}", f"/t/kunming/postings/{pid}/resubmit"):
        assert world.client("km_county_hr_luquan").get(path).status_code == 404, path
    # Kunming's officers never see Lijiang's report tasks, even by id
    with tenant_context(_tenant("lijiang").id, db.session):
        task = db.session.execute(select(ChainTask.id).where(ChainTask.step_id == "city_compile")).scalar_one()
    assert world.post("km_city_hr", f"{KM}/tasks/{task}/act", {"outcome": "approve"}, 404)["error"]["code"] == "not_found"


def test_returned_by_the_city_the_publisher_corrects_and_resubmits(colleague):
    world = colleague
    pid = _publish_labo(world)["id"]
    _act(world, CITY, pid, "return", "需求人数与乡卫生院编制不符，请核实")
    posting = world.get(CITY, f"{LJ}/postings/{pid}")
    assert posting["state"]["code"] == "published"  # the county's publication stands; applicants still see it
    report = posting["demand_report"]
    assert report["state"]["code"] == "returned"
    assert report["returned"]["step_id"] == "city_compile" and report["returned"]["reason"] == "需求人数与乡卫生院编制不符，请核实"
    assert _steps(report)["city_compile"]["reason"] == "需求人数与乡卫生院编制不符，请核实"
    seen = world.get("lj_doctor_he", f"{LJ}/postings/{pid}")["demand_report"]
    assert seen["state"]["code"] == "returned" and "reason" not in seen["returned"]
    # Only the publisher resubmits: not their colleague, not the city
    for other in (COLLEAGUE, CITY):
        assert world.post(other, f"{LJ}/postings/{pid}/resubmit", {}, 403)["error"]["code"] == "not_publisher"
    assert world.post("lj_doctor_he", f"{LJ}/postings/{pid}/resubmit", {}, 403)  # no posting.manage at all
    # A bad form is refused at its path, and nothing moves
    bad = demand_form(headcount=0)
    error = world.post(PUBLISHER, f"{LJ}/postings/{pid}/resubmit", {"data": bad}, 422)["error"]
    assert any(e["path"].startswith("/data/posts/0/headcount") for e in error["errors"]), error
    assert world.get(CITY, f"{LJ}/postings/{pid}")["demand_report"]["state"]["code"] == "returned"
    old_submission = posting["submission_id"]
    # The corrected 需求信息表: the report starts again from its first step, the city's compilation
    again = world.post(PUBLISHER, f"{LJ}/postings/{pid}/resubmit",
                       {"data": demand_form(headcount=1), "note": "按编制核减为 1 人"})
    assert again["headcount"] == 1 and again["open_places"] == 1 and again["posts"][0]["headcount"] == 1
    assert again["submission_id"] != old_submission
    report = again["demand_report"]
    assert (report["state"]["code"], report["round"], report["returned"]) == ("in_progress", 2, None)
    assert [s["state"]["code"] for s in report["steps"]] == ["pending", "not_reached"]
    assert _tasks(world, CITY, pid)[0]["step_id"] == "city_compile"
    assert world.post(PUBLISHER, f"{LJ}/postings/{pid}/resubmit", {}, 409)["error"]["code"] == "not_returned"
    (entry,) = _audit("placement.posting.resubmit")
    assert entry.before["headcount"] == 2 and entry.after["headcount"] == 1 and entry.note == "按编制核减为 1 人"
    assert [e.target_id for e in _audit("workflow.resubmit")] == [str(report["instance_id"])]
    # round 2 runs through
    _act(world, CITY, pid)
    _act(world, PROVINCE, pid)
    assert world.get(CITY, f"{LJ}/postings/{pid}")["demand_report"]["state"]["code"] == "approved"


def test_resubmitting_through_the_page(colleague):
    world = colleague
    pid = _publish_labo(world)["id"]
    _act(world, CITY, pid, "return", "请补充专业要求")
    page = world.client(PUBLISHER).get(f"/t/lijiang/postings/{pid}").get_data(as_text=True)
    assert 'data-testid="resubmit-report"' in page and "请补充专业要求" in page
    assert 'data-testid="resubmit-report"' not in world.client(COLLEAGUE).get(f"/t/lijiang/postings/{pid}").get_data(as_text=True)
    assert world.client(COLLEAGUE).get(f"/t/lijiang/postings/{pid}/resubmit").status_code == 403
    form = world.client(PUBLISHER).get(f"/t/lijiang/postings/{pid}/resubmit")
    assert form.status_code == 200 and 'name="/posts/0/headcount"' in form.get_data(as_text=True)
    fields = {"/posts/0/post_name": "全科医生", "/posts/0/specialty": "全科医学", "/posts/0/title_requirement": "intermediate",
              "/posts/0/headcount": "2", "/posts/0/service_years": "2", "/posts/0/duties": "门诊",
              "/contact": "杨医生", "/phone": "0888-5500000", "/filled_on": "2021-01-15", "note": "已补充专业要求"}
    bad = world.client(PUBLISHER).post(f"/t/lijiang/postings/{pid}/resubmit", data={**fields, "/phone": "x"})
    assert bad.status_code == 422 and 'data-path="/phone"' in bad.get_data(as_text=True)
    done = world.client(PUBLISHER).post(f"/t/lijiang/postings/{pid}/resubmit", data=fields)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/t/lijiang/postings/{pid}")
    posting = world.get(CITY, f"{LJ}/postings/{pid}")
    assert posting["posts"][0]["specialty"] == "全科医学" and posting["demand_report"]["round"] == 2
    # not returned any more: the page says so and goes back
    assert world.client(PUBLISHER).get(f"/t/lijiang/postings/{pid}/resubmit").status_code == 303


def test_rejected_by_the_city_closes_the_posting(offices):
    world = offices
    pid = _publish_labo(world)["id"]
    done = _act(world, CITY, pid, "reject", "该单位不属乡镇企事业单位")
    assert done["instance"]["state"] == "rejected"
    posting = world.get(CITY, f"{LJ}/postings/{pid}")
    assert posting["state"]["code"] == "closed" and posting["demand_report"]["state"]["code"] == "rejected"
    assert _steps(posting["demand_report"])["province_compile"]["state"]["code"] == "not_reached"
    (entry,) = _audit("placement.posting.close")
    assert entry.target_id == str(pid) and "该单位不属乡镇企事业单位" in entry.note
    assert world.post(PUBLISHER, f"{LJ}/postings/{pid}/resubmit", {}, 409)["error"]["code"] == "not_returned"


@pytest.mark.postgres
def test_two_resubmits_at_once_move_the_report_once(offices, seeded_app):
    world = offices
    pid = _publish_labo(world)["id"]
    _act(world, CITY, pid, "return", "请核实")
    tenant = _tenant("lijiang")
    publisher = db.session.execute(select(User).filter_by(username=PUBLISHER)).scalar_one()
    who = SimpleNamespace(id=publisher.id, username=publisher.username)

    def resubmit(headcount: int):
        def call():
            with tenant_context(tenant.id, db.session):
                reports.resubmit_report(tenant, who, pid, demand_form(headcount=headcount))
        return call

    results = _race(seeded_app, [resubmit(3), resubmit(4)])
    assert results == [201, 409], results
    with tenant_context(tenant.id, db.session):
        instance = db.session.execute(select(ChainInstance).where(ChainInstance.subject_id == pid,
                                                                  ChainInstance.subject_type == SUBJECT)).scalar_one()
        assert (instance.state, instance.round) == ("in_progress", 2)
        assert db.session.scalar(select(func.count(ChainTask.id)).where(ChainTask.instance_id == instance.id,
                                                                        ChainTask.state == "pending")) == 1
    assert len(_audit("placement.posting.resubmit")) == 1
