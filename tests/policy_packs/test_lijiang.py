"""The Lijiang pack (policy_packs/lijiang.json, extending yunnan.json) against 丽江市鼓励专业技术人员到基层服务暂行办法.

Every expected amount, date and year list below is worked out by hand from the text (000_42c67b067206fc79.txt):
第二条 10,000 yuan per person per year from the province, another 10,000 from the city for a remote township,
counted from the first day at the township, for 2 or more continuous years; 第十四条 a lump for the 2 years once
they are complete, then one payment per further full year; 第十六条 full years (周年), nothing under 2 full years
or for a year assessed 不合格. DESIGN § Facts: N full years when the end date ≥ A(S, N) − 1 day, and a 29 February
start has its anniversary on 1 March in a common year.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grassroots.policy import check_pack, compile_pack, evaluate, load_pack

PACKS = Path(__file__).resolve().parents[2] / "policy_packs"
LJ = "lijiang-2017"
PROGRAM = "grassroots_service"
PROV, CITY = "provincial_post_subsidy", "lijiang_remote_subsidy"


def document(slug: str) -> dict:
    return json.loads((PACKS / f"{slug}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compiled():
    return compile_pack(document("lijiang"), packs_dir=PACKS)


@pytest.fixture(scope="module")
def merged() -> dict:
    loaded = load_pack("lijiang", packs_dir=PACKS)
    assert loaded.errors == []
    return loaded.pack


def case(as_of="2022-12-31", person=None, placement=None, assessments=None, **kw) -> dict:
    """A county-unit professional with an intermediate title at a remote township health centre."""
    return {
        "as_of": as_of,
        "person": {"unit_level": "county", "title_level": "intermediate", "licenses": [], **(person or {})},
        "placement": {"start_date": "2020-09-01", "end_date": "2022-08-31", "unit_level": "township",
                      "unit_type": "health_center", "area_tags": ["remote"], "professional_post": True,
                      "continuous": True, **(placement or {})},
        "assessments": assessments if assessments is not None else passed(2),
        **kw,
    }


def passed(years: int, fail: tuple[int, ...] = ()) -> list[dict]:
    """An annual assessment for each year 1..years, and a term-end appraisal from year 2 (第十条、第十一条)."""
    out = []
    for k in range(1, years + 1):
        grade = "unqualified" if k in fail else "qualified"
        out.append({"kind": "annual", "year_no": k, "grade": grade})
        if k >= 2:
            out.append({"kind": "term_end", "year_no": k, "grade": grade})
    return out


def pays(answer: dict) -> list[tuple[str, list[int], str, str]]:
    return [(p["component"], p["years"], p["amount"], p["due"]) for p in answer["payments"]]


def run(compiled, **kw) -> dict:
    return evaluate(compiled, PROGRAM, case(**kw))


# ------------------------------------------------------------------ the packs check clean

@pytest.mark.parametrize("slug", ["yunnan", "lijiang"])
def test_pack_checks_clean_including_its_worked_examples(slug):
    assert check_pack(document(slug), PACKS) == []


def test_city_may_not_change_the_locked_provincial_subsidy():
    doc = document("lijiang")
    doc["subsidy_components"].append({
        "id": PROV, "name": {"zh": "省级工作岗位补贴", "en": "Provincial post subsidy"}, "amount_per_year": "12000.00",
        "currency": "CNY", "payer": "lijiang_finance", "cite": {"doc": LJ, "article": "第二条"}})
    codes = {(e.path, e.code) for e in check_pack(doc, PACKS)}
    assert ("/subsidy_components/1/amount_per_year", "locked_field") in codes
    assert ("/subsidy_components/1/payer", "locked_field") in codes


# ------------------------------------------------------------------ money (第二条、第十四条、第十六条)

def test_exactly_two_full_years_at_a_remote_township(compiled):
    answer = run(compiled)
    assert answer["eligible"] is True
    assert answer["service"]["full_years"] == 2
    # 第十四条: one lump for years 1-2, due on the 2nd anniversary; 第二条: 10,000 + 10,000 a year.
    assert pays(answer) == [(PROV, [1, 2], "20000.00", "2022-09-01"), (CITY, [1, 2], "20000.00", "2022-09-01")]
    assert [p["payer"] for p in answer["payments"]] == ["yunnan_finance", "lijiang_finance"]
    assert answer["total"] == "40000.00"
    assert all(p["cite"]["doc"] == LJ and "第十四条" in p["cite"]["article"] for p in answer["payments"])


def test_one_day_short_of_two_full_years_pays_nothing(compiled):
    answer = run(compiled, placement={"end_date": "2022-08-30"})
    assert answer["eligible"] is True
    assert answer["service"]["full_years"] == 1
    assert answer["payments"] == [] and answer["total"] == "0.00"


def test_twenty_ninth_of_february_start(compiled):
    # A(2020-02-29, 2) is 2022-03-01 (no 29 Feb in 2022): two full years are served on 2022-02-28.
    answer = run(compiled, placement={"start_date": "2020-02-29", "end_date": "2022-02-28", "area_tags": []})
    assert answer["service"]["full_years"] == 2
    assert pays(answer) == [(PROV, [1, 2], "20000.00", "2022-03-01")]
    short = run(compiled, placement={"start_date": "2020-02-29", "end_date": "2022-02-27", "area_tags": []})
    assert short["service"]["full_years"] == 1
    assert short["payments"] == []


def test_four_years_with_a_failed_third_year(compiled):
    answer = run(compiled, placement={"start_date": "2018-09-01", "end_date": "2022-08-31"},
                 assessments=passed(4, fail=(3,)))
    assert answer["service"]["full_years"] == 4
    assert pays(answer) == [
        (PROV, [1, 2], "20000.00", "2020-09-01"), (CITY, [1, 2], "20000.00", "2020-09-01"),
        (PROV, [4], "10000.00", "2022-09-01"), (CITY, [4], "10000.00", "2022-09-01"),
    ]
    assert answer["total"] == "60000.00"


def test_five_years_all_passed_pay_the_lump_then_each_year(compiled):
    answer = run(compiled, placement={"start_date": "2017-09-01", "end_date": "2022-08-31", "area_tags": []},
                 assessments=passed(5))
    assert pays(answer) == [(PROV, [1, 2], "20000.00", "2019-09-01"), (PROV, [3], "10000.00", "2020-09-01"),
                            (PROV, [4], "10000.00", "2021-09-01"), (PROV, [5], "10000.00", "2022-09-01")]
    assert answer["total"] == "50000.00"


def test_not_remote_pays_the_provincial_subsidy_only(compiled):
    answer = run(compiled, placement={"area_tags": ["ethnic"]})
    assert pays(answer) == [(PROV, [1, 2], "20000.00", "2022-09-01")]
    assert answer["total"] == "20000.00"


def test_a_year_without_its_assessment_is_not_yet_paid(compiled):
    answer = run(compiled, as_of="2023-12-31", placement={"end_date": "2023-08-31", "area_tags": []})
    assert answer["service"]["full_years"] == 3
    assert pays(answer) == [(PROV, [1, 2], "20000.00", "2022-09-01")]


def test_failed_term_end_appraisal_of_a_two_year_term_pays_nothing(compiled):
    """第二条/第十六条: 期满考核不合格 forfeits the whole 2-year lump, though year 1's annual grade passed."""
    assessments = [{"kind": "annual", "year_no": 1, "grade": "qualified"},
                   {"kind": "annual", "year_no": 2, "grade": "qualified"},
                   {"kind": "term_end", "year_no": 2, "grade": "unqualified"}]
    assert run(compiled, assessments=assessments)["payments"] == []


# ------------------------------------------------------------------ who may go (第二条), with the why-not

@pytest.mark.parametrize(("person", "eligible"), [
    ({"title_level": "intermediate", "licenses": []}, True),
    ({"title_level": "senior", "licenses": []}, True),
    ({"title_level": "junior", "licenses": ["practising_physician"]}, True),
    ({"title_level": "none", "licenses": ["practising_physician"]}, True),
    ({"title_level": "junior", "licenses": ["nurse", "assistant_physician"]}, False),
])
def test_title_or_physician_licence(compiled, person, eligible):
    answer = run(compiled, person=person)
    assert answer["eligible"] is eligible
    if not eligible:
        assert set(answer["failed_rules"]) == {"title_intermediate_or_above", "practising_physician"}
        assert answer["payments"] == []


def test_why_not_carries_the_article(compiled):
    answer = run(compiled, person={"title_level": "junior", "licenses": []})
    reasons = {r["rule"]: r for r in answer["reasons"]}
    for rule in answer["failed_rules"]:
        assert reasons[rule]["passed"] is False
        assert reasons[rule]["cite"]["doc"] == LJ and reasons[rule]["cite"]["article"] == "第二条"
        assert reasons[rule]["message"]["zh"]


@pytest.mark.parametrize(("unit_level", "eligible"), [
    ("province", True), ("city", True), ("county", True), ("township", False)])
def test_county_level_or_above_including_provincial_units(compiled, unit_level, eligible):
    answer = run(compiled, person={"unit_level": unit_level})
    assert answer["eligible"] is eligible
    if not eligible:
        assert answer["failed_rules"] == ["unit_county_or_above"]
        reason = next(r for r in answer["reasons"] if r["rule"] == "unit_county_or_above")
        assert (reason["cite"]["doc"], reason["cite"]["article"]) == (LJ, "第二条")
        assert "县及县以上" in reason["cite"]["quote"]


@pytest.mark.parametrize(("placement", "rule"), [
    ({"unit_level": "county"}, "township_placement"),
    ({"unit_type": "government"}, "enterprise_or_institution"),
    ({"professional_post": False}, "professional_post"),
    ({"continuous": False}, "continuous_service"),
])
def test_service_must_be_continuous_in_a_township_professional_post(compiled, placement, rule):
    answer = run(compiled, placement=placement)
    assert answer["eligible"] is False
    assert answer["failed_rules"] == [rule]
    assert answer["total"] == "0.00"


# ------------------------------------------------------------------ procedure, forms, calendar

def test_application_chain_routes_every_unit_level(merged):
    chains = {c["id"]: c for c in merged["approval_chains"]}
    steps = chains["lijiang_application"]["steps"]
    assert [(s["kind"], s.get("office")) for s in steps[:2]] == [("approve", "applicant_unit"), ("approve", "unit_supervisor")]
    filing = steps[2]
    assert filing["kind"] == "file"
    cases = filing["route"]["cases"]
    assert set(cases) == {"province", "city", "county", "township"}  # every value of person.unit_level is routed
    assert cases["province"]["office"] == "province_hr"
    assert cases["city"]["office"] == "city_hr"
    assert cases["county"]["office"] == "county_hr"


def test_claim_chains_follow_articles_12_and_13(merged):
    chains = {c["id"]: c for c in merged["approval_chains"]}
    provincial = chains["lijiang_provincial_claim"]["steps"]
    assert provincial[0]["kind"] == "parallel"
    assert {s["office"] for s in provincial[0]["steps"]} == {"city_hr", "city_finance"}
    assert [s["office"] for s in provincial[1:]] == ["province_hr", "province_finance"]
    assert [s["office"] for s in chains["lijiang_remote_claim"]["steps"]] == ["county_hr", "city_hr", "city_finance"]


def test_forms_and_their_copies(merged):
    forms = {f["id"]: f for f in merged["forms"]}
    application = forms["application_form"]
    assert application["title"]["zh"] == "云南省专业技术人员到基层服务申请登记表"
    assert [c["recipient"]["zh"] for c in application["copies"]] == [
        "申请人", "申请人所在单位", "申请人所在单位上级人力资源和社会保障部门", "服务地县（区）人力资源和社会保障局",
        "市人力资源和社会保障局"]
    assert [a["name"]["zh"] for a in application["attachments"] if a["required"]] == [
        "身份证", "职称资格或职（执）业资格证", "学历证"]
    assert len(forms["assessment_form"]["copies"]) == 3
    assert len(forms["extension_form"]["copies"]) == 5
    assert len(forms["service_agreement"]["copies"]) == 5
    assert forms["lijiang_remote_claim_form"]["annex"] == "附件6"
    annexes = {f.get("annex") for f in merged["forms"]}
    assert {"附件1", "附件2", "附件3", "附件4", "附件5", "附件6", "附件7"} <= annexes


def test_calendar_and_params(merged):
    program = next(p for p in merged["programs"] if p["id"] == PROGRAM)
    assert program["params"]["roster_due"]["value"] == "12-31"
    assert program["params"]["roster_due"]["cite"]["article"] == "第十二条"
    calendar = {c["id"]: c for c in merged["calendar"]}
    assert calendar["provincial_roster_due"]["month_day"] == "12-31"
    assert "interpretation" in calendar["demand_collection"]


def test_grade_scale_basically_qualified_does_not_pass(merged):
    passes = {g["id"]: g["passes"] for g in merged["vocabulary"]["grades"]}
    assert passes == {"excellent": True, "qualified": True, "basically_qualified": False, "unqualified": False}
