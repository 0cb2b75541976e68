"""A person's timeline: every step with who, when, the outcome and its article; the decisions with their why;
and the API's endpoints in the OpenAPI document."""

from __future__ import annotations

from datetime import date

from tests.placement.conftest import assess
from tests.placement.test_journeys import ninglang_case, run_lijiang


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
