"""The Kunming pack (policy_packs/kunming.json, extending yunnan.json) against 昆人才办〔2020〕2号, the nine measures.

Expected values are worked out by hand from the text (002_028feb8bc8619db9.txt): 八 10,000 yuan per person per
year from the first day at the township once 1 continuous year is served, paid by city finance; 六 each 2 full
years of full-time service bring a higher title application 1 year earlier, at most 2; 七 a graduate at township
level applies for a first title 1 year earlier, and papers, title foreign language and computer skills are not
limiting conditions; 二 transfer to the county town after 5 years (probation included) with the last three years
合格 or better; 四 relaxed recruitment binds for 10 years, and resigning earlier bars exams for 5 years.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grassroots.policy import check_pack, compile_pack, evaluate, load_pack

PACKS = Path(__file__).resolve().parents[2] / "policy_packs"
KM = "kunming-2020"
SUB = "kunming_township_subsidy"
M2, M4, M6, M7, M8 = ("二、打通人才流动渠道", "四、完善基层事业单位人员招聘政策", "六、拓宽专业技术人才成长通道",
                      "七、建立向基层一线倾斜的人才评价体系", "八、完善艰苦边远地区岗位补贴")


def document(slug: str) -> dict:
    return json.loads((PACKS / f"{slug}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compiled():
    return compile_pack(document("kunming"), packs_dir=PACKS)


@pytest.fixture(scope="module")
def merged() -> dict:
    loaded = load_pack("kunming", packs_dir=PACKS)
    assert loaded.errors == []
    return loaded.pack


def dispatched(**placement) -> dict:
    """A recognised full-time dispatch to a township health centre in the hardship-remote scope."""
    return {"start_date": "2021-03-01", "end_date": "2022-02-28", "unit_level": "township",
            "unit_type": "health_center", "area_tags": ["remote"], "professional_post": True, "continuous": True,
            "full_time": True, "recognised_by": "city_talent_office", **placement}


def run(compiled, program: str, as_of="2022-12-31", person=None, placement=None, **kw) -> dict:
    return evaluate(compiled, program, {"as_of": as_of, "person": person or {}, "placement": placement or {}, **kw})


def why_not(answer: dict) -> dict[str, dict]:
    """The failing reasons by rule id, each with its cite."""
    reasons = {r["rule"]: r for r in answer["reasons"]}
    return {rule: reasons[rule]["cite"] for rule in answer["failed_rules"]}


def test_pack_checks_clean_including_its_worked_examples():
    assert check_pack(document("kunming"), PACKS) == []


# ------------------------------------------------------------------ 八: township_support

DOCTOR = {"title_level": "intermediate", "licenses": []}


def test_exactly_one_full_year_pays_year_one(compiled):
    answer = run(compiled, "township_support", person=DOCTOR, placement=dispatched())
    assert answer["eligible"] is True
    assert answer["service"]["full_years"] == 1
    assert [(p["component"], p["payer"], p["years"], p["amount"], p["due"]) for p in answer["payments"]] == [
        (SUB, "kunming_finance", [1], "10000.00", "2022-03-01")]
    assert answer["total"] == "10000.00"
    assert answer["payments"][0]["cite"]["article"] == M8


def test_one_day_short_of_one_full_year_pays_nothing(compiled):
    answer = run(compiled, "township_support", person=DOCTOR, placement=dispatched(end_date="2022-02-27"))
    assert answer["eligible"] is True
    assert answer["service"]["full_years"] == 0
    assert answer["payments"] == [] and answer["total"] == "0.00"


def test_each_further_full_year_is_paid_from_the_start_date(compiled):
    placement = dispatched(start_date="2020-09-01", end_date=None, unit_type="school")
    del placement["end_date"]
    answer = run(compiled, "township_support", as_of="2023-12-31", person=DOCTOR, placement=placement)
    assert answer["service"]["full_years"] == 3
    assert [(p["years"], p["amount"], p["due"]) for p in answer["payments"]] == [
        ([1], "10000.00", "2021-09-01"), ([2], "10000.00", "2022-09-01"), ([3], "10000.00", "2023-09-01")]
    assert answer["total"] == "30000.00"


@pytest.mark.parametrize(("person", "eligible"), [
    ({"title_level": "intermediate", "licenses": []}, True),
    ({"title_level": "junior", "licenses": ["practising_physician"]}, True),
    ({"title_level": "junior", "licenses": ["teacher_certificate"]}, False),
])
def test_intermediate_title_or_practising_physician(compiled, person, eligible):
    answer = run(compiled, "township_support", person=person, placement=dispatched())
    assert answer["eligible"] is eligible
    if not eligible:
        assert why_not(answer) == {
            "title_intermediate_or_above": {"doc": KM, "article": M8, "quote": "具有中级以上（含中级）职称或具有执业医师的卫生技术人员"},
            "practising_physician": {"doc": KM, "article": M8, "quote": "具有中级以上（含中级）职称或具有执业医师的卫生技术人员"},
        }


@pytest.mark.parametrize(("placement", "rules"), [
    ({"recognised_by": "county_hr"}, {"recognised_by_talent_office"}),
    ({"full_time": False}, {"full_time_dispatch"}),
    ({"unit_level": "county", "unit_type": "hospital"}, {"township_placement", "school_or_health_center"}),
    ({"area_tags": ["ethnic"]}, {"remote_area"}),
    ({"continuous": False}, {"continuous_service"}),
])
def test_township_support_why_not(compiled, placement, rules):
    answer = run(compiled, "township_support", person=DOCTOR, placement=dispatched(**placement))
    assert answer["eligible"] is False
    assert set(answer["failed_rules"]) == rules
    assert all(cite["doc"] == KM and cite["article"] == M8 for cite in why_not(answer).values())
    assert answer["total"] == "0.00"


def test_recognition_is_an_approve_step_of_the_city_talent_office(merged):
    chain = next(c for c in merged["approval_chains"] if c["id"] == "kunming_dispatch")
    recognition = chain["steps"][-1]
    assert (recognition["kind"], recognition["office"]) == ("approve", "city_talent_office")
    program = next(p for p in merged["programs"] if p["id"] == "township_support")
    assert program["chains"]["dispatch"] == "kunming_dispatch"


def test_the_annex_of_areas_is_tenant_data(merged):
    remote = next(t for t in merged["vocabulary"]["area_tags"] if t["id"] == "remote")
    assert remote["cite"]["doc"] == KM
    assert "附件" in remote["interpretation"]["words"]


# ------------------------------------------------------------------ 六: service_title_credit

@pytest.mark.parametrize(("start", "end", "full_years", "early"), [
    ("2020-09-01", "2022-08-30", 1, 0),
    ("2020-09-01", "2022-08-31", 2, 1),
    ("2019-09-01", "2022-08-31", 3, 1),
    ("2018-09-01", "2022-08-31", 4, 2),
    ("2017-09-01", "2022-08-31", 5, 2),
    ("2016-09-01", "2022-08-31", 6, 2),
])
def test_each_two_full_years_one_year_earlier_at_most_two(compiled, start, end, full_years, early):
    answer = run(compiled, "service_title_credit", placement=dispatched(start_date=start, end_date=end))
    assert answer["eligible"] is True
    assert answer["service"]["full_years"] == full_years
    assert answer["outcomes"]["early_years"] == early
    assert set(answer["outcomes"]["waivers"]) == {"papers", "foreign_language", "computer"}


def test_credit_needs_recognition_by_the_city_talent_office(compiled):
    answer = run(compiled, "service_title_credit", placement=dispatched(recognised_by=None))
    assert answer["eligible"] is False
    assert why_not(answer)["recognised_by_talent_office"]["article"] == M6
    assert answer["outcomes"] == {}


# ------------------------------------------------------------------ 七: graduate_early_title, grassroots_title_waivers

@pytest.mark.parametrize(("person", "eligible"), [
    ({"fresh_graduate": True, "unit_level": "township"}, True),
    ({"fresh_graduate": True, "unit_level": "county"}, False),
    ({"fresh_graduate": False, "unit_level": "township"}, False),
])
def test_graduate_at_township_applies_one_year_earlier(compiled, person, eligible):
    answer = run(compiled, "graduate_early_title", person=person)
    assert answer["eligible"] is eligible
    if eligible:
        assert answer["outcomes"]["early_years"] == 1
    else:
        assert all(cite["article"] == M7 for cite in why_not(answer).values())


def test_grassroots_waivers_and_exceptional_application(compiled):
    answer = run(compiled, "grassroots_title_waivers", person={"unit_level": "county", "unit_area_tags": ["remote"]},
                 attestations={"outstanding_contribution": True})
    assert answer["eligible"] is True
    assert set(answer["outcomes"]["waivers"]) == {"papers", "foreign_language", "computer"}
    assert answer["outcomes"]["exceptional"] is True
    city = run(compiled, "grassroots_title_waivers", person={"unit_level": "city", "unit_area_tags": []})
    assert city["eligible"] is False


# ------------------------------------------------------------------ 二: county_transfer

def transferee(years=5, grades=("qualified", "excellent", "qualified"), route="open_recruitment") -> dict:
    return {"recruitment_route": route, "unit_level": "township", "employer_type": "school",
            "years_at_grassroots": years,
            "annual_grades": [{"year": 2023 - len(grades) + 1 + i, "grade": g} for i, g in enumerate(grades)]}


@pytest.mark.parametrize(("person", "rules"), [
    (transferee(), set()),
    (transferee(route="military_resettlement"), set()),
    (transferee(route="transfer_in", years=8), set()),
    (transferee(years=4), {"five_years_at_township"}),
    (transferee(grades=("qualified", "unqualified", "qualified")), {"last_three_years_passing"}),
    (transferee(grades=("excellent", "qualified", "basically_qualified")), {"last_three_years_passing"}),
    (transferee(grades=("qualified", "qualified")), {"last_three_years_passing"}),
    (transferee(route="relaxed_recruitment"), {"recruitment_route"}),
])
def test_transfer_after_five_years_with_three_passing_years(compiled, person, rules):
    answer = run(compiled, "county_transfer", as_of="2024-03-01", person=person)
    assert answer["eligible"] is (not rules)
    assert set(answer["failed_rules"]) == rules
    assert all(cite["doc"] == KM and cite["article"] == M2 for cite in why_not(answer).values())


# ------------------------------------------------------------------ 四: relaxed_recruitment

@pytest.mark.parametrize(("left_early", "outcomes"), [
    (False, {"commitment_years": 10}),
    (True, {"commitment_years": 10, "exam_ban_years": 5}),
])
def test_relaxed_recruitment_commitment_and_exam_ban(compiled, left_early, outcomes):
    answer = run(compiled, "relaxed_recruitment",
                 person={"recruitment_route": "relaxed_recruitment", "left_service_early": left_early})
    assert answer["eligible"] is True
    got = {k: v for k, v in answer["outcomes"].items() if k in ("commitment_years", "exam_ban_years") and v}
    assert got == outcomes


def test_open_recruitment_has_no_commitment_from_measure_four(compiled):
    answer = run(compiled, "relaxed_recruitment", person={"recruitment_route": "open_recruitment",
                                                         "left_service_early": True})
    assert answer["eligible"] is False
    assert why_not(answer)["recruited_by_relaxed_method"]["article"] == M4
    assert answer["outcomes"] == {}


# ------------------------------------------------------------------ forms capture what the rules read

def test_every_program_has_an_application_form(merged):
    forms = {f["id"] for f in merged["forms"]}
    for program in merged["programs"]:
        assert program["forms"]["application"] in forms, program["id"]
