"""Year-end rosters: compiled by the city per payer, reviewed along the pack's claim chain, as its annexes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.subsidy.models import RosterLine
from tests.subsidy.conftest import (
    approve_chain,
    client_as,
    kunming_placement,
    lijiang_placement,
    member,
    pending_tasks,
    provincial_offices,
    remote_offices,
    tenant,
)


def compile_as(app, username: str, payer: str, year: int, status: int = 201):
    response = client_as(app, username).post("/api/v1/t/lijiang/subsidy/rosters/compile",
                                             json={"payer": payer, "year": year})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_lijiang_remote_two_years_makes_a_provincial_and_a_city_roster(seeded_app, lijiang_offices):
    lijiang_placement(remote=True, name="和晓东")
    provincial = compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"]
    remote = compile_as(seeded_app, "lj_city_hr", "lijiang_finance", 2025)["rosters"]
    assert [(r["total"], r["line_count"], r["claim_chain"], r["title"]["annex"]) for r in provincial] == [
        ("20000.00", 1, "lijiang_provincial_claim", "附件4")]
    assert [(r["total"], r["line_count"], r["claim_chain"], r["title"]["annex"], r["scope"]) for r in remote] == [
        ("20000.00", 1, "lijiang_remote_claim", "附件6", {"service_county": "530724"})]
    assert remote[0]["title"]["scope"]["zh"] == "宁蒗彝族自治县"
    detail = client_as(seeded_app, "lj_city_finance").get(f"/api/v1/t/lijiang/subsidy/rosters/{provincial[0]['id']}")
    line = detail.get_json()["lines"][0]
    assert (line["name"], line["years"], line["amount"], line["service_unit"]) == (
        "和晓东", [1, 2], "20000.00", "宁蒗彝族自治县拉伯乡卫生院")
    assert line["id_number_masked"].startswith("530724") and "*" * 8 in line["id_number_masked"]
    assert line["grade"] == "qualified" and {a["kind"] for a in line["attachments"]} <= {"application", "term_end"}
    titles = [c["title"]["zh"] for c in detail.get_json()["columns"]]
    assert titles[:4] == ["序号", "姓名", "性别", "身份证号码"] and "申报金额（元）" in titles


def test_non_remote_has_no_city_roster(seeded_app):
    lijiang_placement(remote=False)
    assert compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"][0]["total"] == "20000.00"
    refused = compile_as(seeded_app, "lj_city_hr", "lijiang_finance", 2025, status=409)
    assert refused["error"]["code"] == "nothing_to_compile"


def test_roster_goes_along_the_claim_chain_to_approved(seeded_app, lijiang_offices):
    lijiang_placement()
    roster = compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"][0]
    first = pending_tasks("lijiang", roster["chain_instance_id"])
    assert sorted(t.office for t in first) == ["city_finance", "city_hr"]  # 第十二条: 会同市财政局 (parallel)
    assert approve_chain("lijiang", roster["chain_instance_id"], provincial_offices(lijiang_offices)) == "approved"
    client = client_as(seeded_app, "lj_city_hr")
    assert client.get(f"/api/v1/t/lijiang/subsidy/rosters/{roster['id']}").get_json()["roster"]["state"] == "approved"
    remote = compile_as(seeded_app, "lj_city_hr", "lijiang_finance", 2025)["rosters"][0]
    tasks = pending_tasks("lijiang", remote["chain_instance_id"])
    assert [(t.office, t.scope_kind, t.scope_code) for t in tasks] == [("county_hr", "area", "530724")]
    assert approve_chain("lijiang", remote["chain_instance_id"], remote_offices(lijiang_offices)) == "approved"


def test_rejected_roster_releases_its_entitlements_for_a_new_roster(seeded_app, lijiang_offices):
    lijiang_placement()
    roster = compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"][0]
    compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025, status=409)  # all claimed already
    task = next(t for t in pending_tasks("lijiang", roster["chain_instance_id"]) if t.office == "city_finance")
    client = client_as(seeded_app, "lj_city_finance")
    assert client.post(f"/api/v1/t/lijiang/tasks/{task.id}/act",
                       json={"outcome": "reject", "reason": "年度有误"}).status_code == 200
    assert client.get(f"/api/v1/t/lijiang/subsidy/rosters/{roster['id']}").get_json()["roster"]["state"] == "rejected"
    with tenant_context(tenant("lijiang").id, db.session):
        assert db.session.execute(select(RosterLine.live)).scalars().all() == [False]  # kept as filed
    again = compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"]
    assert again[0]["id"] != roster["id"] and again[0]["total"] == "20000.00"


def test_returned_roster_is_resubmitted_or_withdrawn_by_its_compiler(seeded_app, lijiang_offices):
    lijiang_placement()
    roster = compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"][0]
    task = next(t for t in pending_tasks("lijiang", roster["chain_instance_id"]) if t.office == "city_hr")
    hr2 = client_as(seeded_app, lijiang_offices.city_hr2)
    assert hr2.post(f"/api/v1/t/lijiang/tasks/{task.id}/act", json={"outcome": "return", "reason": "补材料"}).status_code == 200
    compiler = client_as(seeded_app, "lj_city_hr")
    url = f"/api/v1/t/lijiang/subsidy/rosters/{roster['id']}"
    assert compiler.get(url).get_json()["roster"]["state"] == "returned"
    assert hr2.post(url + "/resubmit", json={}).status_code == 403  # not the compiler
    assert compiler.post(url + "/resubmit", json={}).get_json()["state"] == "in_review"
    assert compiler.post(url + "/withdraw", json={"reason": "重编"}).get_json()["state"] == "withdrawn"
    assert compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"][0]["total"] == "20000.00"


def test_a_kunming_officer_cannot_read_a_lijiang_roster(seeded_app):
    lijiang_placement()
    roster = compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"][0]
    km = client_as(seeded_app, "km_city_hr")
    own_tenant = km.get(f"/api/v1/t/kunming/subsidy/rosters/{roster['id']}")
    other_tenant = km.get(f"/api/v1/t/lijiang/subsidy/rosters/{roster['id']}")
    missing = km.get("/api/v1/t/kunming/subsidy/rosters/2000000000")
    assert own_tenant.status_code == other_tenant.status_code == missing.status_code == 404
    assert own_tenant.get_json() == missing.get_json()
    assert km.get(f"/api/v1/t/lijiang/subsidy/rosters/{roster['id']}/export?format=csv").status_code == 404


def test_compile_refuses_an_unknown_payer_or_bad_body(seeded_app):
    client = client_as(seeded_app, "lj_city_hr")
    url = "/api/v1/t/lijiang/subsidy/rosters/compile"
    assert client.post(url, json={"payer": "kunming_finance", "year": 2025}).status_code == 422
    assert client.post(url, json={"payer": "yunnan_finance", "year": 2025, "extra": 1}).status_code == 422
    assert client.post(url, json={"payer": "yunnan_finance", "year": "x"}).status_code == 422
    assert client_as(seeded_app, "lj_doctor_he").post(url, json={"payer": "yunnan_finance", "year": 2025}).status_code == 403


def test_entitlements_due_another_year_stay_out(seeded_app):
    lijiang_placement(start=date(2024, 6, 1), end=date(2026, 5, 31))  # due 2026-06-01
    assert compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025, status=409)["error"]["code"] == "nothing_to_compile"
    assert compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2026)["rosters"][0]["total"] == "20000.00"


def test_an_inbox_row_says_which_roster_it_is(seeded_app, lijiang_offices):
    lijiang_placement(remote=True, name="和晓东")
    kunming_placement(name="普晓云")
    provincial = compile_as(seeded_app, "lj_city_hr", "yunnan_finance", 2025)["rosters"][0]
    remote = compile_as(seeded_app, "lj_city_hr", "lijiang_finance", 2025)["rosters"][0]
    km_roster = client_as(seeded_app, "km_city_hr").post("/api/v1/t/kunming/subsidy/rosters/compile",
                                                          json={"payer": "kunming_finance", "year": 2025})
    assert km_roster.status_code == 201, km_roster.get_json()
    # The provincial roster's first step is parallel (city_hr with city_finance): the finance bureau's row names it.
    finance = client_as(seeded_app, "lj_city_finance")
    html = finance.get("/t/lijiang/inbox").get_data(as_text=True)
    assert f'data-testid="subject-label">2025年度 · {provincial["title"]["zh"]}（附件4）<' in html
    (row,) = [t for t in finance.get("/api/v1/t/lijiang/inbox").get_json()["tasks"] if t["subject_id"] == provincial["id"]]
    assert row["subject_type"] == "roster" and row["subject_label"]["en"].startswith("2025 · ")
    county = client_as(seeded_app, "lj_county_hr_ninglang").get("/t/lijiang/inbox").get_data(as_text=True)
    assert f"2025年度 · {remote['title']['zh']}（附件6） · 宁蒗彝族自治县" in county
    assert "和晓东" not in html and "和晓东" not in county  # a roster's label names nobody
    # Kunming's officers see Kunming's roster by its own title, and nothing of Lijiang's.
    member("kunming", "km_city_hr_2", "city_hr")
    km_title = km_roster.get_json()["rosters"][0]["title"]["zh"]
    seen = "".join(client_as(seeded_app, who).get("/t/kunming/inbox").get_data(as_text=True)
                   for who in ("km_city_hr_2", "km_city_finance"))
    assert f"2025年度 · {km_title}" in seen
    assert "丽江" not in seen and "宁蒗" not in seen and "和晓东" not in seen and "普晓云" not in seen
