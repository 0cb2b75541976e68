"""The Lijiang and Kunming journeys through the API, by the people who do each step: posting → application →
approvals along the routed chain → match → agreement signed by the three parties → placement →
assessments → the facts the platform holds give exactly the evaluation API's answer."""

from __future__ import annotations

from datetime import date

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs.evaluation import answer
from grassroots.placement import program as packs
from grassroots.placement.facts import facts_for
from grassroots.placement.models import Placement
from grassroots.tenancy.models import Tenant
from tests.placement.conftest import (
    KUNMING_FILES,
    KUNMING_PROGRAM,
    LIJIANG_FILES,
    LIJIANG_PROGRAM,
    Case,
    apply,
    approve_application,
    assess,
    id_number,
    kunming_application,
    lijiang_application,
    match_and_sign,
    open_posting,
)

TRIPARTITE = {"management_duties": "服务单位负责考勤、工作、安全、健康管理"}
TERM_END = {"summary": "完成门诊及公共卫生服务任务", "county_hr_opinion": "考核鉴定合格"}


def ninglang_case(start: date, end: date, serial: int = 13) -> Case:
    """A county-level doctor of Ninglang's people's hospital to the Labo township health centre (remote)."""
    number = id_number("530724", "19850312", serial)
    return Case("lijiang", LIJIANG_PROGRAM, "lj_doctor_nl", None,
                lijiang_application("沙建国", number, "1985-03-12", "male" if serial % 2 else "female"),
                LIJIANG_FILES, "lj_county_hr_ninglang", "lj-nl-labo-hc", "lj_county_hr_ninglang",
                ("lj_nl_hospital", "lj_nl_health_bureau", "lj_county_hr_ninglang"),
                ("lj_county_hr_ninglang", "lj_service_unit", "lj_city_hr", "lj_nl_hospital", "lj_county_hr_ninglang",
                 "lj_service_unit"), start, end)


def city_case(start: date, end: date) -> Case:
    """A city-level doctor (lj_doctor_he, own login) to Shigu town's health centre in Yulong (not remote)."""
    number = id_number("530702", "19800101", 17)
    return Case("lijiang", LIJIANG_PROGRAM, "lj_doctor_he", None,
                lijiang_application("和志明", number, "1980-01-01", "male", service_county="玉龙纳西族自治县"),
                LIJIANG_FILES, "lj_city_hr", "lj-yl-shigu-hc", "lj_city_hr",
                ("lj_applicant_unit", "lj_city_commission", "lj_city_hr"),
                ("lj_county_hr_yulong", "lj_service_unit_shigu", "lj_city_hr", "lj_applicant_unit", "lj_county_hr_yulong",
                 "lj_service_unit_shigu"), start, end)


def same_as_evaluation_api(world, case: Case, as_of: date) -> dict:
    """facts_for() evaluated under the pinned pack == the public evaluation API's answer for those facts."""
    path = f"/api/v1/t/{case.slug}/placements/{case.placement_id}/facts?as_of={as_of.isoformat()}"
    facts = world.get(case.applicant, path)["facts"]
    public = world.app.test_client().post(f"/api/v1/t/{case.slug}/programs/{case.program}/evaluate", json=facts)
    assert public.status_code == 200, public.get_data(as_text=True)
    tenant = db.session.execute(db.select(Tenant).filter_by(slug=case.slug)).scalar_one()
    with tenant_context(tenant.id, db.session):
        placement = db.session.get(Placement, case.placement_id)
        assert facts_for(placement, as_of) == facts
        mine = answer(packs.pinned(tenant, placement), case.program, facts)
    assert mine == public.get_json()
    return mine


def run_lijiang(world, case: Case) -> None:
    open_posting(world, case)
    submitted = apply(world, case)
    assert submitted["state"]["code"] == "submitted"
    assert submitted["decision"]["verdict"]["code"] == "undecided"  # the service unit's rules wait for matching
    approved = approve_application(world, case)
    assert approved["state"]["code"] == "approved"
    signed = match_and_sign(world, case, TRIPARTITE)
    assert signed["state"]["code"] == "signed" and case.placement_id


def test_lijiang_remote_two_years(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    postings = world.get("lj_city_hr", "/api/v1/t/lijiang/postings")["postings"]
    assert postings == []
    run_lijiang(world, case)

    # The city sees its counties' postings; the province sees its cities' through the roll-up.
    assert [p["id"] for p in world.get("lj_city_hr", "/api/v1/t/lijiang/postings")["postings"]] == [case.posting_id]
    province = world.get("yn_province_hr", "/api/v1/t/yunnan/postings")
    lijiang = next(r for r in province["rollup"] if r["tenant"] == "lijiang")
    assert [p["id"] for p in lijiang["postings"]] == [case.posting_id]

    placement = world.get("lj_county_hr_ninglang", f"/api/v1/t/lijiang/placements/{case.placement_id}")
    assert placement["area_tags"] == ["remote"] and placement["unit_level"] == "township"
    assert [d["stage"]["code"] for d in placement["decisions"]] == ["placement"]
    assert placement["decisions"][0]["verdict"]["code"] == "eligible"

    assess(world, case, "lj_service_unit", "annual", 1, "qualified", date(2022, 8, 20))
    assess(world, case, "lj_service_unit", "annual", 2, "excellent", date(2023, 8, 20))
    # The annual assessment is the service unit's; the term-end appraisal the county HR bureau's (第十条、第十一条).
    assess(world, case, "lj_county_hr_ninglang", "annual", 2, "qualified", date(2023, 8, 20), status=403)
    assess(world, case, "lj_service_unit", "term_end", 2, "qualified", date(2023, 9, 5), TERM_END, status=403)
    assess(world, case, "lj_county_hr_ninglang", "term_end", 2, "qualified", date(2023, 9, 5), TERM_END)
    assess(world, case, "lj_service_unit", "annual", 2, "qualified", date(2023, 8, 21), status=409)

    result = same_as_evaluation_api(world, case, date(2024, 1, 31))
    assert result["eligible"] is True and result["service"]["full_years"] == 2
    assert [(p["component"], p["years"], p["amount"]) for p in result["payments"]] == [
        ("provincial_post_subsidy", [1, 2], "20000.00"), ("lijiang_remote_subsidy", [1, 2], "20000.00")]
    assert result["total"] == "40000.00"


def test_lijiang_not_remote_two_years(world):
    case = city_case(date(2021, 3, 1), date(2023, 2, 28))
    run_lijiang(world, case)
    # Once matched, the service county's HR bureau holds its copy of the application form (第四条 一式五份).
    submission = world.get(case.applicant, f"/api/v1/t/lijiang/applications/{case.app_id}")["submission_id"]
    form = world.get("lj_county_hr_yulong", f"/api/v1/t/lijiang/forms/submissions/{submission}")
    assert form["form_id"] == "application_form" and len(form["copies"]) == 5
    assess(world, case, "lj_service_unit_shigu", "annual", 1, "qualified", date(2022, 2, 20))
    assess(world, case, "lj_service_unit_shigu", "annual", 2, "qualified", date(2023, 2, 20))
    assess(world, case, "lj_county_hr_yulong", "term_end", 2, "qualified", date(2023, 3, 10), TERM_END)
    result = same_as_evaluation_api(world, case, date(2023, 12, 31))
    assert [(p["component"], p["amount"]) for p in result["payments"]] == [("provincial_post_subsidy", "20000.00")]
    assert result["total"] == "20000.00"


def test_lijiang_four_years_with_a_failed_third_year(world):
    case = ninglang_case(date(2020, 9, 1), date(2022, 8, 31), serial=15)
    run_lijiang(world, case)
    ext = world.post(case.applicant, "/api/v1/t/lijiang/extensions",
                     {"placement_id": case.placement_id, "extension_years": 2, "reason": "乡卫生院仍需全科医生",
                      "form": {"voluntary": True}}, 201)
    assert (ext["state"]["code"], ext["new_end_date"]) == ("submitted", "2024-08-31")
    # 延期申请 chain: own unit agrees, the county HR files (county-level unit), service county approves, city files.
    for who in ("lj_nl_hospital", "lj_county_hr_ninglang", "lj_county_hr_ninglang", "lj_city_hr"):
        world.act_pending("lijiang", who, subject=("placement_extension", ext["id"]))
    placement = world.get(case.applicant, f"/api/v1/t/lijiang/placements/{case.placement_id}")
    assert placement["planned_end_date"] == "2024-08-31"
    assert world.get(case.applicant, f"/api/v1/t/lijiang/extensions/{ext['id']}")["state"]["code"] == "approved"

    for year, grade in ((1, "qualified"), (2, "qualified"), (3, "unqualified"), (4, "excellent")):
        assess(world, case, "lj_service_unit", "annual", year, grade, date(2020 + year, 8, 20))
    for year, grade in ((2, "qualified"), (3, "unqualified"), (4, "qualified")):
        assess(world, case, "lj_county_hr_ninglang", "term_end", year, grade, date(2020 + year, 9, 3), TERM_END)
    result = same_as_evaluation_api(world, case, date(2025, 3, 31))
    assert result["service"]["full_years"] == 4
    assert [(p["component"], p["years"]) for p in result["payments"]] == [
        ("provincial_post_subsidy", [1, 2]), ("lijiang_remote_subsidy", [1, 2]),
        ("provincial_post_subsidy", [4]), ("lijiang_remote_subsidy", [4])]
    assert result["total"] == "60000.00"


def test_kunming_township_support_recognised_by_the_talent_office(world):
    number = id_number("530128", "19870704", 21)
    case = Case("kunming", KUNMING_PROGRAM, "km_doctor_lq", None,
                kunming_application("普建华", number, "1987-07-04", "male"), KUNMING_FILES,
                "km_county_hr_luquan", "km-lq-wumeng-hc", "km_county_hr_luquan", (),
                ("km_county_hr_luquan", "km_service_unit"), date(2021, 3, 1), date(2024, 2, 29))
    open_posting(world, case)
    submitted = apply(world, case)
    assert submitted["state"]["code"] == "approved"  # township_support names no application chain
    match_and_sign(world, case)
    placement = world.get("km_county_hr_luquan", f"/api/v1/t/kunming/placements/{case.placement_id}")
    assert (placement["dispatch"]["code"], placement["recognised_by"]) == ("pending", None)
    assert placement["decisions"][0]["verdict"]["code"] == "undecided"  # awaiting the recognition (八)
    result = same_as_evaluation_api(world, case, date(2023, 6, 30))
    assert result["eligible"] is False and result["failed_rules"] == ["recognised_by_talent_office"]

    # 全职选派: the sending unit selects, the city talent office recognises.
    world.act_pending("kunming", "km_applicant_unit", subject=("placement_dispatch", case.placement_id))
    world.act_pending("kunming", "km_talent_office", subject=("placement_dispatch", case.placement_id))
    placement = world.get("km_county_hr_luquan", f"/api/v1/t/kunming/placements/{case.placement_id}")
    assert (placement["dispatch"]["code"], placement["recognised_by"]) == ("recognised", "city_talent_office")
    assert placement["decisions"][-1]["stage"]["code"] == "recognition"
    result = same_as_evaluation_api(world, case, date(2023, 6, 30))
    assert result["eligible"] is True and result["service"]["full_years"] == 2
    assert [(p["years"], p["amount"]) for p in result["payments"]] == [([1], "10000.00"), ([2], "10000.00")]
