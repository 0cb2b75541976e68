"""The inbox page and the workflow API: answers per role, forms with CSRF, a constant number of queries."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select, text, update

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Unit
from grassroots.workflow import hooks
from grassroots.workflow.models import ChainTask
from tests.conftest import login
from tests.db.factories import count_queries
from tests.workflow.conftest import YL_HOSPITAL, do, member, pending, start, tenant, user

API = "/api/v1/t/lijiang"


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["error"]


@pytest.fixture()
def linked():
    hooks.register_subject_url("application", lambda i: f"/t/lijiang/applications/{i}",
                               {"zh": "到基层服务申请", "en": "Grassroots service application"})
    yield
    hooks._urls.pop("application", None)
    hooks._names.pop("application", None)


@pytest.fixture()
def described():
    """A describer for `application` subjects that reads a tenant table once per call; records each call's ids."""
    calls: list[list[int]] = []

    def describer(ids: list[int]) -> dict:
        calls.append(list(ids))
        unit = db.session.execute(select(Unit.name_zh).where(Unit.code == YL_HOSPITAL)).scalar_one()
        return {i: f"申请人{i} · {unit}" for i in ids}

    hooks.register_subject_describer("application", describer)
    yield calls
    hooks.unregister_subject_describer("application", describer)


def test_the_inbox_lists_the_task_with_its_step_and_act_forms(seeded_client, county_case, linked):
    login(seeded_client, county_case["unit"])
    page = seeded_client.get("/t/lijiang/inbox")
    html = page.get_data(as_text=True)
    task = pending("lijiang", county_case["instance"])[0]
    assert page.status_code == 200
    assert f'data-task="{task.id}"' in html and "所在单位批准" in html and "到基层服务申请审批" in html
    assert 'href="/t/lijiang/applications/1"' in html and "到基层服务申请 #1" in html
    assert "《" in html and "第四条" in html  # the step's cite
    assert html.count('name="csrf_token"') >= 3 and 'name="reason" required' in html
    assert "待办" in seeded_client.get("/t/lijiang/").get_data(as_text=True)  # the nav entry
    english = seeded_client.get("/t/lijiang/inbox?lang=en").get_data(as_text=True)
    assert "Own unit approves" in english


def test_the_inbox_says_when_each_task_arrived_and_how_long_it_has_waited(seeded_client, county_case):
    login(seeded_client, county_case["unit"])
    task = pending("lijiang", county_case["instance"])[0]
    fresh = seeded_client.get("/t/lijiang/inbox").get_data(as_text=True)
    assert 'data-waiting="0"' in fresh and "今天" in fresh
    opened = datetime(2026, 3, 1, 17, 30)  # UTC: 2 March 01:30 in Beijing
    with tenant_context(tenant("lijiang").id, db.session):
        db.session.execute(update(ChainTask).where(ChainTask.id == task.id).values(opened_at=opened))
        db.session.commit()
    html = seeded_client.get("/t/lijiang/inbox").get_data(as_text=True)
    waited = (utcnow() - opened).days
    assert "2026-03-02 01:30" in html and f'data-waiting="{waited}"' in html and f"已等待 {waited} 天" in html
    assert f"waiting {waited} days" in seeded_client.get("/t/lijiang/inbox?lang=en").get_data(as_text=True)


def test_acting_through_the_page(seeded_client, county_case):
    task = pending("lijiang", county_case["instance"])[0]
    login(seeded_client, county_case["unit"])
    refused = seeded_client.post(f"/t/lijiang/tasks/{task.id}/act", data={"outcome": "return", "reason": " "})
    assert refused.status_code == 303
    assert "须说明理由" in seeded_client.get("/t/lijiang/inbox").get_data(as_text=True)
    done = seeded_client.post(f"/t/lijiang/tasks/{task.id}/act", data={"outcome": "approve"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/t/lijiang/inbox")
    assert "已办理" in seeded_client.get("/t/lijiang/inbox").get_data(as_text=True)
    again = seeded_client.post(f"/t/lijiang/tasks/{task.id}/act", data={"outcome": "approve"})
    assert again.status_code == 303
    assert "已办理、已取消" in seeded_client.get("/t/lijiang/inbox").get_data(as_text=True)
    assert pending("lijiang", county_case["instance"])[0].step_id == "supervisor_approval"
    seeded_client.post("/logout")
    login(seeded_client, "lj_city_finance")
    assert seeded_client.post(f"/t/lijiang/tasks/{task.id}/act", data={"outcome": "approve"}).status_code == 403


def test_the_history_page(seeded_client, county_case):
    task = pending("lijiang", county_case["instance"])[0]
    do("lijiang", task.id, county_case["unit"], "return", "材料不全")
    login(seeded_client, county_case["applicant"])
    html = seeded_client.get(f"/t/lijiang/workflow/instances/{county_case['instance']}").get_data(as_text=True)
    assert "已退回修改" in html and "材料不全" in html and "yl_hospital_office" in html and "第四条" in html
    assert "人力资源和社会保障部门审核备案" in html  # the outline shows steps not reached yet
    seeded_client.post("/logout")
    login(seeded_client, "lj_city_finance")  # a member with no part in it
    assert seeded_client.get(f"/t/lijiang/workflow/instances/{county_case['instance']}").status_code == 403
    assert seeded_client.get("/t/lijiang/workflow/instances/999999").status_code == 404


def test_api_inbox_act_and_instance(seeded_client, county_case):
    task = pending("lijiang", county_case["instance"])[0]
    login(seeded_client, county_case["unit"])
    inbox = seeded_client.get(f"{API}/inbox").get_json()["tasks"]
    assert [(t["id"], t["step_name"]["zh"], t["outcomes"], t["overdue"]) for t in inbox] == [
        (task.id, "所在单位批准", ["approve", "reject", "return"], False)]
    assert inbox[0]["opened_at"].endswith("Z") and inbox[0]["chain_name"]["en"] == "Application for grassroots service"

    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "file"}), 422)["code"] == \
        "outcome_not_allowed"
    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "reject"}), 422)["code"] == \
        "reason_required"
    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "approve", "x": 1}), 422)
    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "maybe"}), 422)
    assert _error(seeded_client.post(f"{API}/tasks/999999/act", json={"outcome": "approve"}), 404)

    done = seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "approve"})
    assert done.status_code == 200
    body = done.get_json()
    assert (body["task"]["state"], body["instance"]["state"], body["instance"]["round"]) == ("approved", "in_progress", 1)
    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "approve"}), 409)["code"] == \
        "task_not_pending"

    history = seeded_client.get(f"{API}/workflow/instances/{county_case['instance']}").get_json()
    assert [(t["step_id"], t["state"]) for t in history["tasks"]] == [("unit_approval", "approved"),
                                                                        ("supervisor_approval", "pending")]
    assert history["tasks"][0]["acted_by_name"] == county_case["unit"]
    assert history["tasks"][0]["cite"]["zh"].endswith("第四条")


def test_api_refusals_by_role_and_tenant(seeded_client, county_case):
    task = pending("lijiang", county_case["instance"])[0]
    assert seeded_client.get(f"{API}/inbox").status_code == 401
    login(seeded_client, "lj_county_hr_ninglang")
    assert seeded_client.get(f"{API}/inbox").get_json() == {"tasks": []}
    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "approve"}), 403)["code"] == \
        "not_in_scope"
    assert _error(seeded_client.get(f"{API}/workflow/unassigned"), 403)
    seeded_client.post("/logout")
    login(seeded_client, "km_applicant_unit")  # the same office, in another tenant
    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "approve"}), 404)
    assert _error(seeded_client.get(f"{API}/workflow/instances/{county_case['instance']}"), 404)
    assert _error(seeded_client.post(f"/api/v1/t/kunming/tasks/{task.id}/act", json={"outcome": "approve"}), 404)
    assert _error(seeded_client.get(f"/api/v1/t/kunming/workflow/instances/{county_case['instance']}"), 404)
    assert seeded_client.get("/api/v1/t/kunming/inbox").get_json() == {"tasks": []}
    seeded_client.post("/logout")
    login(seeded_client, "lj_admin")
    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "approve"}), 403)
    assert seeded_client.get(f"{API}/workflow/unassigned").get_json() == {"tasks": []}
    assert seeded_client.get("/t/lijiang/workflow/unassigned").status_code == 200


def test_the_submitter_gets_403_from_the_api(seeded_client, seeded_app):
    boss = member("lijiang", "yl_director", "applicant_unit", "unit", YL_HOSPITAL)
    instance_id = start("lijiang", "lijiang_application", boss, {"person.unit_level": "county"},
                        {"applicant_unit": YL_HOSPITAL})
    task = pending("lijiang", instance_id)[0]
    login(seeded_client, "yl_director")
    assert _error(seeded_client.post(f"{API}/tasks/{task.id}/act", json={"outcome": "approve"}), 403)["code"] == \
        "own_submission"


def _queries(client, path: str) -> int:
    """Statements one GET costs with process caches warm and an empty identity map (the fixtures' session
    outlives requests, and a lazy load it already holds would otherwise hide an N+1)."""
    client.get(path)
    db.session.expunge_all()
    with count_queries(db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_the_inbox_costs_the_same_queries_for_3_and_30_tasks(seeded_client, county_case, described):
    for n in range(2, 4):
        start("lijiang", "lijiang_application", user(county_case["applicant"]), {"person.unit_level": "county"},
              {"applicant_unit": YL_HOSPITAL}, subject_id=n)
    login(seeded_client, county_case["unit"])
    few_page, few_api = _queries(seeded_client, "/t/lijiang/inbox"), _queries(seeded_client, f"{API}/inbox")
    assert len(seeded_client.get(f"{API}/inbox").get_json()["tasks"]) == 3
    for n in range(4, 31):
        start("lijiang", "lijiang_application", user(county_case["applicant"]), {"person.unit_level": "county"},
              {"applicant_unit": YL_HOSPITAL}, subject_id=n)
    described.clear()
    many_page, many_api = _queries(seeded_client, "/t/lijiang/inbox"), _queries(seeded_client, f"{API}/inbox")
    # The describer ran once per request (each _queries GETs twice), for all 30 rows at once, never per row.
    assert described == [list(range(1, 31))] * 4
    html = seeded_client.get("/t/lijiang/inbox").get_data(as_text=True)
    assert len(re.findall(r'<tr data-task="', html)) == 30
    assert len(re.findall(r'data-testid="subject-label">申请人\d+ · 玉龙纳西族自治县人民医院<', html)) == 30
    assert (many_page, many_api) == (few_page, few_api)


def test_the_unassigned_list_says_whose_case_it_is_too(seeded_client, described):
    boss = member("lijiang", "yl_director", "applicant_unit", "unit", YL_HOSPITAL)
    start("lijiang", "lijiang_application", boss, {"person.unit_level": "county"}, {"applicant_unit": YL_HOSPITAL},
          subject_id=7)  # nobody but its submitter holds the office there: unassigned
    login(seeded_client, "lj_admin")
    html = seeded_client.get("/t/lijiang/workflow/unassigned").get_data(as_text=True)
    assert 'data-testid="subject-label">申请人7 · 玉龙纳西族自治县人民医院<' in html
    assert seeded_client.get(f"{API}/workflow/unassigned").get_json()["tasks"][0]["subject_label"]["zh"] == \
        "申请人7 · 玉龙纳西族自治县人民医院"
    assert described == [[7], [7]]


def test_a_describer_labels_rows_escaped_and_a_failing_one_falls_back_to_the_id(seeded_client, county_case, caplog):
    def markup(ids: list[int]) -> dict:
        return {i: {"zh": "<b>和志明</b> · 医院", "en": "<b>He Zhiming</b> · Hospital"} for i in ids}

    def broken(ids: list[int]) -> dict:  # a statement that fails: on PostgreSQL it aborts what it runs in
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))
        return {}

    login(seeded_client, county_case["unit"])
    hooks.register_subject_describer("application", markup)
    try:
        html = seeded_client.get("/t/lijiang/inbox").get_data(as_text=True)
        assert "&lt;b&gt;和志明&lt;/b&gt; · 医院" in html and "<b>和志明" not in html
        (task,) = seeded_client.get(f"{API}/inbox").get_json()["tasks"]
        assert task["subject_label"] == {"zh": "<b>和志明</b> · 医院", "en": "<b>He Zhiming</b> · Hospital"}
        history = seeded_client.get(f"/t/lijiang/workflow/instances/{county_case['instance']}").get_data(as_text=True)
        assert "&lt;b&gt;和志明&lt;/b&gt; · 医院" in history  # the chain page's header says it too
        hooks.register_subject_describer("application", broken)
        page = seeded_client.get("/t/lijiang/inbox")
        html = page.get_data(as_text=True)
        # The row keeps its type and id; the rest of the page (its later queries included) still renders.
        assert page.status_code == 200 and "application #1" in html
        assert 'data-testid="subject-label"' not in html and "所在单位批准" in html
        assert seeded_client.get(f"{API}/inbox").get_json()["tasks"][0]["subject_label"] is None
        assert any("subject describer for application failed" in r.getMessage() for r in caplog.records)
    finally:
        hooks.unregister_subject_describer("application", broken)
        hooks.unregister_subject_describer("application", markup)
