"""The public evaluation API (DESIGN's contract) and the program listing."""

from __future__ import annotations

from tests.packs.conftest import remote_two_years

EVALUATE = "/api/v1/t/lijiang/programs/grassroots_service/evaluate"
CONTRACT = {"program", "pack_version", "eligible", "reasons", "service", "payments", "total", "outcomes"}


def test_the_answer_has_the_contract_keys_and_the_amounts_of_the_text(seeded_client):
    response = seeded_client.post(EVALUATE, json=remote_two_years())
    assert response.status_code == 200
    body = response.get_json()
    assert CONTRACT <= set(body)
    assert body["program"] == "grassroots_service"
    assert set(body["pack_version"]) >= {"number", "hash"} and body["pack_version"]["number"] == 1
    assert len(body["pack_version"]["hash"]) == 64
    assert body["eligible"] is True
    assert body["service"] == {"full_years": 2}
    for reason in body["reasons"]:
        assert set(reason) == {"rule", "passed", "cite", "message"}
        assert reason["cite"]["doc"] == "lijiang-2017" and reason["message"]["zh"]
    # 丽发〔2017〕5号 第二条、第十四条: province 10,000 a year, the city another 10,000 a year at a remote
    # township; with exactly two full years the first payment covers years 1-2, due on the 2nd anniversary.
    payments = {p["component"]: p for p in body["payments"]}
    assert payments["provincial_post_subsidy"]["amount"] == "20000.00"
    assert payments["provincial_post_subsidy"]["payer"] == "yunnan_finance"
    assert payments["lijiang_remote_subsidy"]["amount"] == "20000.00"
    assert payments["lijiang_remote_subsidy"]["payer"] == "lijiang_finance"
    for payment in body["payments"]:
        assert payment["years"] == [1, 2] and payment["due"] == "2022-09-01" and payment["currency"] == "CNY"
        assert "第十四条" in payment["cite"]["article"] or "第二条" in payment["cite"]["article"]
    assert body["total"] == "40000.00"


def test_not_remote_pays_the_province_only_and_ineligible_says_why(seeded_client):
    body = remote_two_years()
    body["placement"]["area_tags"] = []
    answer = seeded_client.post(EVALUATE, json=body).get_json()
    assert [p["component"] for p in answer["payments"]] == ["provincial_post_subsidy"]
    assert answer["total"] == "20000.00"

    body = remote_two_years()
    body["person"]["unit_level"] = "township"
    answer = seeded_client.post(EVALUATE, json=body).get_json()
    assert answer["eligible"] is False and answer["payments"] == [] and answer["total"] == "0.00"
    failed = [r for r in answer["reasons"] if r["passed"] is False]
    assert failed[0]["rule"] == "unit_county_or_above" and failed[0]["cite"]["article"] == "第二条"


def test_bad_input_is_422_with_the_path(seeded_client):
    body = remote_two_years()
    body["person"]["birth_date"] = "1980-02-30"
    response = seeded_client.post(EVALUATE, json=body)
    assert response.status_code == 422
    errors = response.get_json()["error"]["errors"]
    assert [e["path"] for e in errors] == ["/person/birth_date"]
    assert errors[0]["message"]["zh"] and errors[0]["message"]["en"]

    unknown = seeded_client.post(EVALUATE, json={**remote_two_years(), "salary": 1})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["errors"][0]["path"] == "/salary"
    not_an_object = seeded_client.post(EVALUATE, json=[1, 2])
    assert not_an_object.status_code == 422


def test_unknown_program_or_tenant_is_404(seeded_client):
    assert seeded_client.post("/api/v1/t/lijiang/programs/nothing/evaluate", json=remote_two_years()).status_code == 404
    assert seeded_client.post("/api/v1/t/nowhere/programs/grassroots_service/evaluate", json={}).status_code == 404
    assert seeded_client.get("/api/v1/t/lijiang/programs/nothing").status_code == 404


def test_malformed_json_is_400_with_a_message(seeded_client):
    response = seeded_client.post(EVALUATE, data=b'{"as_of": ', content_type="application/json")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["message"]["zh"] and error["message"]["en"]
    not_json = seeded_client.post(EVALUATE, data="person=1", content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 415
    wrong_type = seeded_client.post(EVALUATE, json={"person": 5})
    assert wrong_type.status_code == 422
    assert wrong_type.get_json()["error"]["errors"][0]["path"] == "/person"


def test_the_evaluation_needs_no_csrf_token_but_the_draft_does(seeded_app):
    from tests.conftest import login

    client = seeded_app.test_client()
    login(client, "lj_policy_author")
    seeded_app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(EVALUATE, json=remote_two_years()).status_code == 200
        refused = client.put("/api/v1/t/lijiang/pack/draft", data=b"{}", content_type="application/json")
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    finally:
        seeded_app.config["WTF_CSRF_ENABLED"] = False


def test_rate_limit_answers_429_after_n(seeded_app):
    seeded_app.config["EVALUATE_RATE_PER_MINUTE"] = 3
    client = seeded_app.test_client()
    for _ in range(3):
        assert client.post(EVALUATE, json=remote_two_years()).status_code == 200
    limited = client.post(EVALUATE, json=remote_two_years())
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    message = limited.get_json()["error"]["message"]
    assert "频繁" in message["zh"] and "Too many" in message["en"]
    other = seeded_app.test_client()
    assert other.post(EVALUATE, json=remote_two_years(), environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_programs_list_rules_in_words_with_article_cites(seeded_client):
    body = seeded_client.get("/api/v1/t/lijiang/programs").get_json()
    assert body["pack_version"]["number"] == 1
    program = body["programs"][0]
    assert program["id"] == "grassroots_service"
    lines = {line["rule"]: line for line in program["eligibility"]}
    assert lines["title_intermediate_or_above"]["zh"] == "具有中级以上（含中级）职称"
    assert lines["title_intermediate_or_above"]["cite_zh"] == "《丽江市鼓励专业技术人员到基层服务暂行办法》第二条"
    subsidies = {s["component"]: s for s in program["subsidies"]}
    assert subsidies["lijiang_remote_subsidy"]["amount_per_year"] == "10000.00"
    assert subsidies["lijiang_remote_subsidy"]["payer"] == "lijiang_finance"
    one = seeded_client.get("/api/v1/t/lijiang/programs/grassroots_service").get_json()
    assert one["program"]["eligibility"] == program["eligibility"]


def test_a_tenant_without_a_pack_lists_nothing(seeded_app, seeded_client):
    from grassroots.db import db
    from grassroots.tenancy.models import Tenant

    db.session.add(Tenant(slug="newcity", name_zh="新市", name_en="New city", level="city"))
    db.session.commit()
    assert seeded_client.get("/api/v1/t/newcity/programs").get_json() == {"pack_version": None, "programs": []}
    missing = seeded_client.post("/api/v1/t/newcity/programs/grassroots_service/evaluate", json={})
    assert missing.status_code == 404
