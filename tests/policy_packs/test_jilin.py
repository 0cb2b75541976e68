"""Jilin's grassroots title pack (吉人社办字〔2016〕44号) against the text.

From the text: 四免 (第8条: foreign language, computer, papers, publications); 三视同 (第9条, and three
consecutive 优秀 years open the exceptional route); senior-title urgent talent appointed on arrival (第10条);
exceptional intermediate title after 3 (bachelor) / 5 (associate) years at township level, assessed passing
(第11条); appointment outside post limits after 15 continuous years and age 55, or 30 years and a senior title
(第12条); the series exceptions (以考代评, 考评结合 in 第9、11条; 中小学 in 第9–12条); at least 10 seminars a
year for about 1,000 people (第18条).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grassroots.policy import check_pack, evaluate, load_pack

PACKS = Path(__file__).resolve().parents[2] / "policy_packs"
DOC = "jilin-2016"
AS_OF = "2020-06-01"
FOUR_WAIVERS = {"foreign_language", "computer", "papers", "publications"}


@pytest.fixture(scope="module")
def pack() -> dict:
    loaded = load_pack("jilin", packs_dir=PACKS)
    assert loaded.errors == []
    assert loaded.chain == []
    return loaded.pack


def program(pack, program_id) -> dict:
    return next(p for p in pack["programs"] if p["id"] == program_id)


def grades(*g, last=2019):
    return [{"year": last - len(g) + 1 + i, "grade": x} for i, x in enumerate(g)]


def person(**kw) -> dict:
    p = {"birth_date": "1990-05-20", "gender": "male", "education": "bachelor", "unit_level": "township",
         "employer_type": "institution", "post_category": "professional_technical", "title_series": "agriculture",
         "title_series_mode": "review", "title_level": "junior", "years_at_grassroots": 3, "continuous_years_at_grassroots": 3,
         "annual_grades": grades("qualified", "qualified", "qualified"), "awards": [], "annual_excellent_in_title": False}
    p.update(kw)
    return p


def run(pack, program_id, p, attestations=None, as_of=AS_OF):
    case = {"as_of": as_of, "person": p}
    if attestations is not None:
        case["attestations"] = attestations
    return evaluate(pack, program_id, case)


def assert_why_not(answer, rule, article):
    assert answer["eligible"] is False
    r = next(r for r in answer["reasons"] if r["rule"] == rule)
    assert r["passed"] is False
    assert r["cite"]["doc"] == DOC
    assert r["cite"]["article"] == article


def test_pack_checks_clean_including_its_worked_examples():
    doc = json.loads((PACKS / "jilin.json").read_text(encoding="utf-8"))
    assert check_pack(doc, packs_dir=PACKS) == []
    assert "extends" not in doc
    assert doc["jurisdiction"]["level"] == "province" and doc["jurisdiction"]["parent"] is None
    [source] = doc["jurisdiction"]["sources"]
    assert source["number"] == "吉人社办字〔2016〕44号" and source["status"] == "试行"


def test_own_vocabulary(pack):
    offices = {o["id"] for o in pack["vocabulary"]["offices"]}
    assert {"province_hrss", "county_hr", "county_title_committee", "employing_unit", "professional"} <= offices
    passes = {g["id"]: g["passes"] for g in pack["vocabulary"]["grades"]}
    assert passes == {"excellent": True, "qualified": True, "basically_qualified": False, "unqualified": False}


# -- 第11条 exceptional intermediate title -----------------------------------------------------------------

E = "exceptional_intermediate_title"


def test_bachelor_exactly_three_years_assessed_passing_gets_the_exceptional_route(pack):
    answer = run(pack, E, person())
    assert answer["eligible"] is True
    assert answer["outcomes"]["exceptional"] is True
    assert next(o for o in program(pack, E)["outcomes"] if o["key"] == "exceptional")["cite"]["article"] == "第11条"


def test_bachelor_two_years_is_not_yet(pack):
    assert_why_not(run(pack, E, person(years_at_grassroots=2)), "jl11_bachelor_years", "第11条")


def test_associate_needs_five_years(pack):
    five = grades(*["qualified"] * 5)
    assert run(pack, E, person(education="associate", years_at_grassroots=5, annual_grades=five))["eligible"] is True
    assert_why_not(run(pack, E, person(education="associate", years_at_grassroots=4, annual_grades=five)),
                   "jl11_associate_years", "第11条")


def test_associate_with_three_years_is_not_helped_by_the_bachelor_path(pack):
    answer = run(pack, E, person(education="associate", years_at_grassroots=3))
    assert_why_not(answer, "jl11_bachelor", "第11条")
    assert_why_not(answer, "jl11_associate_years", "第11条")


def test_passing_assessment_means_no_basically_qualified_in_the_qualifying_years(pack):
    answer = run(pack, E, person(annual_grades=grades("qualified", "basically_qualified", "qualified")))
    assert_why_not(answer, "jl11_bachelor_assessed", "第11条")


@pytest.mark.parametrize("changes, rule", [
    ({"title_series": "accounting", "title_series_mode": "exam_only"}, "jl11_not_exam_only"),
    ({"title_series": "health", "title_series_mode": "exam_and_review"}, "jl11_not_exam_and_review"),
    ({"title_series": "primary_secondary_teacher", "employer_type": "school"}, "jl11_not_school_series"),
])
def test_series_exceptions_of_article_11(pack, changes, rule):
    assert_why_not(run(pack, E, person(**changes)), rule, "第11条")


def test_must_be_at_township_level(pack):
    assert_why_not(run(pack, E, person(unit_level="county")), "jl11_township", "第11条")


# -- 第12条 long service -----------------------------------------------------------------------------------

L = "long_service_appointment"


def test_fifteen_years_and_55th_birthday_today(pack):
    p = person(birth_date="1965-06-01", continuous_years_at_grassroots=15, years_at_grassroots=15, title_level="intermediate")
    answer = run(pack, L, p)
    assert answer["eligible"] is True
    assert answer["outcomes"]["waivers"] == ["post_ratio"]


def test_fifteen_years_but_55th_birthday_tomorrow(pack):
    p = person(birth_date="1965-06-02", continuous_years_at_grassroots=15, years_at_grassroots=15, title_level="intermediate")
    assert_why_not(run(pack, L, p), "jl12_age_55", "第12条")


def test_fourteen_continuous_years_is_short_even_with_more_years_in_all(pack):
    p = person(birth_date="1962-01-01", continuous_years_at_grassroots=14, years_at_grassroots=20, title_level="intermediate")
    assert_why_not(run(pack, L, p), "jl12_years_15", "第12条")


@pytest.mark.parametrize("years, level, eligible", [
    (30, "deputy_senior", True),   # 高级职称 includes 副高
    (30, "senior", True),
    (29, "senior", False),
    (30, "intermediate", False),
])
def test_thirty_years_and_a_senior_title_at_any_age(pack, years, level, eligible):
    p = person(birth_date="1970-01-01", continuous_years_at_grassroots=years, years_at_grassroots=years, title_level=level)
    assert run(pack, L, p)["eligible"] is eligible


def test_article_12_excepts_only_the_school_series(pack):
    school = person(birth_date="1960-01-01", continuous_years_at_grassroots=30, years_at_grassroots=30, title_level="senior",
                    title_series="primary_secondary_teacher", employer_type="school")
    assert_why_not(run(pack, L, school), "jl12_not_school_series", "第12条")
    exam = person(birth_date="1960-01-01", continuous_years_at_grassroots=16, years_at_grassroots=16,
                  title_series="accounting", title_series_mode="exam_only")
    assert run(pack, L, exam)["eligible"] is True


# -- 第10条 urgent senior talent ---------------------------------------------------------------------------

S = "senior_talent_direct_appointment"
URGENT = {"urgent_shortage_talent_introduced": True}


def test_senior_urgent_talent_at_a_township_hospital_is_appointed_outside_post_ratio(pack):
    answer = run(pack, S, person(employer_type="hospital", title_series="health", title_level="deputy_senior"), URGENT)
    assert answer["eligible"] is True
    assert answer["outcomes"]["waivers"] == ["post_ratio"]


def test_article_10_needs_a_senior_title_and_excepts_the_school_series(pack):
    assert_why_not(run(pack, S, person(employer_type="hospital", title_level="intermediate"), URGENT), "jl10_senior_title", "第10条")
    school = person(employer_type="school", title_series="primary_secondary_teacher", title_level="senior")
    assert_why_not(run(pack, S, school, URGENT), "jl10_not_school_series", "第10条")


def test_urgent_talent_confirmation_pending_then_refused(pack):
    p = person(employer_type="hospital", title_series="health", title_level="senior")
    pending = run(pack, S, p)
    assert pending["eligible"] is None and pending["pending"] == ["jl10_urgent_talent"]
    assert_why_not(run(pack, S, p, {"urgent_shortage_talent_introduced": False}), "jl10_urgent_talent", "第10条")


# -- 第8条 四免, 第9条 三视同 --------------------------------------------------------------------------------

W = "title_review_waivers"
NO_ENTERPRISE = {"enterprise_jobs_or_benefits_3y": False}


def test_four_waivers_for_every_grassroots_professional(pack):
    answer = run(pack, W, person(), NO_ENTERPRISE)
    assert answer["eligible"] is True
    assert set(answer["outcomes"]["waivers"]) == FOUR_WAIVERS
    assert set(answer["outcomes"]["equivalents"]) == {"work_outputs_for_papers"}
    assert answer["outcomes"].get("exceptional", False) is False
    outcome = next(o for o in program(pack, W)["outcomes"] if o["key"] == "waivers")
    assert outcome["cite"]["article"] == "第8条"


def test_excellent_grade_and_county_award_count_as_achievements(pack):
    p = person(annual_grades=grades("qualified", "excellent", "qualified"), annual_excellent_in_title=True,
               awards=[{"level": "county", "year": 2018}])
    equivalents = set(run(pack, W, p, NO_ENTERPRISE)["outcomes"]["equivalents"])
    assert equivalents == {"work_outputs_for_papers", "annual_excellent_as_achievement", "county_award_as_achievement"}


def test_township_award_is_below_county_level(pack):
    p = person(awards=[{"level": "township", "year": 2018}])
    assert "county_award_as_achievement" not in run(pack, W, p, NO_ENTERPRISE)["outcomes"]["equivalents"]


@pytest.mark.parametrize("run_of_excellent, exceptional", [(2, False), (3, True)])
def test_three_consecutive_excellent_years_open_the_exceptional_route(pack, run_of_excellent, exceptional):
    g = grades(*(["qualified"] * (3 - run_of_excellent) + ["excellent"] * run_of_excellent))
    outcomes = run(pack, W, person(annual_grades=g, annual_excellent_in_title=True), NO_ENTERPRISE)["outcomes"]
    assert outcomes.get("exceptional", False) is exceptional


def test_a_gap_year_breaks_the_run(pack):
    g = [{"year": 2015, "grade": "excellent"}, {"year": 2016, "grade": "excellent"}, {"year": 2018, "grade": "excellent"}]
    outcomes = run(pack, W, person(annual_grades=g, annual_excellent_in_title=True), NO_ENTERPRISE)["outcomes"]
    assert outcomes.get("exceptional", False) is False


@pytest.mark.parametrize("changes", [
    {"title_series": "accounting", "title_series_mode": "exam_only"},
    {"title_series": "accounting", "title_series_mode": "exam_and_review"},
    {"title_series": "primary_secondary_teacher", "employer_type": "school"},
])
def test_series_exceptions_close_the_exceptional_route_but_keep_the_equivalence(pack, changes):
    p = person(annual_grades=grades("excellent", "excellent", "excellent"), annual_excellent_in_title=True, **changes)
    outcomes = run(pack, W, p, NO_ENTERPRISE)["outcomes"]
    assert outcomes.get("exceptional", False) is False
    assert "three_years_excellent_as_achievement" in outcomes["equivalents"]


def test_enterprise_manager_results_count_and_open_the_exceptional_route(pack):
    p = person(employer_type="enterprise", post_category="enterprise_senior_management", title_series="economics", unit_level="county")
    outcomes = run(pack, W, p, {"enterprise_jobs_or_benefits_3y": True})["outcomes"]
    assert outcomes["exceptional"] is True
    assert "enterprise_results_as_achievement" in outcomes["equivalents"]


@pytest.mark.parametrize("changes, rule", [
    ({"unit_level": "city"}, "jl1_county_or_below"),
    ({"employer_type": "government"}, "jl1_enterprise_or_institution"),
    ({"post_category": "skilled_worker"}, "jl1_professional_work"),
])
def test_only_grassroots_professionals_of_article_1(pack, changes, rule):
    assert_why_not(run(pack, W, person(**changes), NO_ENTERPRISE), rule, "第1条")


# -- 第18条 seminars, 第14条, 第22条, 第4条 ---------------------------------------------------------------------

A = "advanced_seminar"


def test_seminar_params(pack):
    params = program(pack, A)["params"]
    assert params["min_classes_per_year"]["value"] == 10
    assert params["yearly_target"]["value"] == 1000
    assert "interpretation" in params["yearly_target"]  # 1000名左右
    assert params["start_year"]["value"] == 2017
    assert program(pack, A)["kind"] == "training"


@pytest.mark.parametrize("birth, eligible", [("1970-06-01", True), ("1969-06-01", False)])
def test_seminar_age_boundary_of_the_middle_aged_reading(pack, birth, eligible):
    assert run(pack, A, person(birth_date=birth))["eligible"] is eligible


def test_seminar_is_for_county_and_township_only(pack):
    assert_why_not(run(pack, A, person(unit_level="city")), "jl18_county_or_township", "第18条")
    manager = person(unit_level="county", employer_type="enterprise", post_category="enterprise_senior_management")
    assert run(pack, A, manager)["eligible"] is True


def test_senior_post_extension_needs_a_senior_title_and_local_approval(pack):
    p = person(unit_level="county", employer_type="hospital", title_series="health", title_level="deputy_senior")
    assert run(pack, "senior_post_extension", p, {"extension_needed_confirmed": True})["outcomes"]["waivers"] == ["post_ratio"]
    assert_why_not(run(pack, "senior_post_extension", p, {"extension_needed_confirmed": False}), "jl14_needed", "第14条")


def test_flexible_secondment_to_the_grassroots(pack):
    prog = program(pack, "flexible_secondment")
    assert prog["params"]["original_post_retained"]["value"] is True
    case = {"as_of": AS_OF, "person": {}, "placement": {"start_date": "2019-09-01", "unit_level": "township"}}
    assert evaluate(pack, "flexible_secondment", case)["eligible"] is True
    case["placement"]["unit_level"] = "city"
    assert evaluate(pack, "flexible_secondment", case)["eligible"] is False


def test_county_review_committee_is_recorded_from_article_4(pack):
    param = program(pack, E)["params"]["review_committee"]
    assert param["value"]["office"] == "county_title_committee"
    assert param["cite"]["article"] == "第4条"
