"""Shandong's grassroots service pack (鲁人社字〔2020〕111号) against the text.

From the text: seven provincial projects, each with its lead department (一、（一）–（七）); about 20 expert
activities a year by talent-programme experts (（一）); about 200 young PhDs from universities and institutes
into enterprises for one year (（二）); 三支一扶 for graduates, 2 years (（三）); do not call the same expert too
often (二、（一）, the pack caps it at 2 a year); the talent information system (二、（三）); 30 units and 100
individuals commended each year (三、（一）); short-term costs borne by the organiser or host (三、（二）).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grassroots.policy import check_pack, evaluate, load_pack

PACKS = Path(__file__).resolve().parents[2] / "policy_packs"
DOC = "shandong-2020"
AS_OF = "2022-06-01"

LEADS = {
    "expert_service": ("province_hrss", "一、（一）"),
    "phd_enterprise": ("province_hrss", "一、（二）"),
    "three_supports": ("province_hrss", "一、（三）"),
    "sci_tech_commissioner": ("province_sci_tech", "一、（四）"),
    "teacher_outreach": ("province_education", "一、（五）"),
    "medical_support": ("province_health", "一、（六）"),
    "agri_outreach": ("province_agriculture", "一、（七）"),
}


@pytest.fixture(scope="module")
def pack() -> dict:
    loaded = load_pack("shandong", packs_dir=PACKS)
    assert loaded.errors == []
    return loaded.pack


def program(pack, program_id) -> dict:
    return next(p for p in pack["programs"] if p["id"] == program_id)


def run(pack, program_id, person, attestations=None, placement=None, as_of=AS_OF):
    case = {"as_of": as_of, "person": person}
    if attestations is not None:
        case["attestations"] = attestations
    if placement is not None:
        case["placement"] = placement
    return evaluate(pack, program_id, case)


def assert_why_not(answer, rule, article):
    assert answer["eligible"] is False
    r = next(r for r in answer["reasons"] if r["rule"] == rule)
    assert r["passed"] is False
    assert r["cite"]["doc"] == DOC
    assert r["cite"]["article"] == article


def test_pack_checks_clean_including_its_worked_examples():
    doc = json.loads((PACKS / "shandong.json").read_text(encoding="utf-8"))
    assert check_pack(doc, packs_dir=PACKS) == []
    assert "extends" not in doc
    [source] = doc["jurisdiction"]["sources"]
    assert source["number"] == "鲁人社字〔2020〕111号"
    assert source["effective"] == "2020-09-25"


@pytest.mark.parametrize("program_id", sorted(LEADS))
def test_each_project_has_its_lead_department_and_cite(pack, program_id):
    office, article = LEADS[program_id]
    prog = program(pack, program_id)
    assert prog["lead_office"] == office
    assert prog["cite"] == {"doc": DOC, "article": article}


def test_every_program_has_a_worked_example():
    doc = json.loads((PACKS / "shandong.json").read_text(encoding="utf-8"))
    assert {t["program"] for t in doc["tests"]} == set(LEADS)


# -- （一） expert service --------------------------------------------------------------------------------

def test_expert_service_params(pack):
    params = program(pack, "expert_service")["params"]
    assert params["yearly_target"]["value"] == 20
    assert "interpretation" in params["yearly_target"]  # 20个左右
    assert params["commendation_units"]["value"] == 30
    assert params["commendation_individuals"]["value"] == 100
    assert params["commendation_units"]["cite"]["article"] == "三、（一）"
    assert params["max_activities_per_year"]["cite"]["article"] == "二、（一）"
    assert "interpretation" in params["max_activities_per_year"]  # 避免频繁 has no number
    assert params["short_term_costs"]["value"]["default"] == "organiser"
    assert params["short_term_costs"]["cite"]["article"] == "三、（二）"
    assert params["talent_database"]["cite"]["article"] == "二、（三）"


def test_talent_programme_expert_may_be_called(pack):
    assert run(pack, "expert_service", {"talent_programme_member": True, "activities_this_year": 0})["eligible"] is True


def test_non_member_is_not_an_expert_of_article_1_1(pack):
    answer = run(pack, "expert_service", {"talent_programme_member": False, "activities_this_year": 0})
    assert_why_not(answer, "sd_expert_member", "一、（一）")


def test_frequency_cap_one_below_and_at_the_cap(pack):
    cap = program(pack, "expert_service")["params"]["max_activities_per_year"]["value"]
    below = run(pack, "expert_service", {"talent_programme_member": True, "activities_this_year": cap - 1})
    assert below["eligible"] is True
    at = run(pack, "expert_service", {"talent_programme_member": True, "activities_this_year": cap})
    assert_why_not(at, "sd_expert_frequency_cap", "二、（一）")


# -- （二） PhDs into enterprises -------------------------------------------------------------------------

PHD = {"education": "doctorate", "employer_type": "university"}
OUTSTANDING = {"excellent_young_phd": True}


def test_young_phd_aged_exactly_40_serves_twelve_months(pack):
    answer = run(pack, "phd_enterprise", {**PHD, "birth_date": "1982-06-02"}, OUTSTANDING)
    assert answer["eligible"] is True
    assert answer["outcomes"]["duration_months"] == 12
    assert program(pack, "phd_enterprise")["params"]["yearly_target"]["value"] == 200


def test_41st_birthday_is_past_young(pack):
    answer = run(pack, "phd_enterprise", {**PHD, "birth_date": "1981-06-01"}, OUTSTANDING)
    assert_why_not(answer, "sd_phd_young", "一、（二）")


@pytest.mark.parametrize("changes, rule", [
    ({"education": "master"}, "sd_phd_doctorate"),
    ({"employer_type": "enterprise"}, "sd_phd_employer"),
    ({"employer_type": "hospital"}, "sd_phd_employer"),
])
def test_phd_from_a_university_or_institute_only(pack, changes, rule):
    answer = run(pack, "phd_enterprise", {**PHD, "birth_date": "1990-01-01", **changes}, OUTSTANDING)
    assert_why_not(answer, rule, "一、（二）")


def test_research_institute_phd_qualifies(pack):
    p = {**PHD, "employer_type": "research_institute", "birth_date": "1990-01-01"}
    assert run(pack, "phd_enterprise", p, OUTSTANDING)["eligible"] is True


def test_one_year_term_completes_on_the_anniversary_eve(pack):
    p = {**PHD, "birth_date": "1990-01-01"}
    done = run(pack, "phd_enterprise", p, OUTSTANDING, placement={"start_date": "2021-06-02"})
    short = run(pack, "phd_enterprise", p, OUTSTANDING, placement={"start_date": "2021-06-03"})
    assert done["service"]["full_years"] == 1
    assert short["service"]["full_years"] == 0


# -- （三） three supports ----------------------------------------------------------------------------------

def test_three_supports_graduates_serve_two_years(pack):
    prog = program(pack, "three_supports")
    assert prog["service"]["min_full_years"] == 2
    assert prog["params"]["service_years"]["value"] == 2
    answer = run(pack, "three_supports", {"education": "associate"})
    assert answer["eligible"] is True and answer["outcomes"]["duration_months"] == 24
    assert_why_not(run(pack, "three_supports", {"education": "secondary"}), "sd_3s_graduate", "一、（三）")


def test_three_supports_two_full_years_boundary(pack):
    two = run(pack, "three_supports", {"education": "bachelor"}, placement={"start_date": "2020-06-02"})
    one = run(pack, "three_supports", {"education": "bachelor"}, placement={"start_date": "2020-06-03"})
    assert (two["service"]["full_years"], one["service"]["full_years"]) == (2, 1)


# -- （四）–（七） -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("person, eligible", [
    ({"employer_type": "university", "sector": "science_technology", "post_category": "professional_technical"}, True),
    ({"employer_type": "research_institute", "sector": "agriculture", "post_category": "professional_technical"}, True),
    ({"employer_type": "enterprise", "sector": "agriculture", "post_category": "professional_technical"}, True),
    ({"employer_type": "enterprise", "sector": "other", "post_category": "professional_technical"}, False),
    ({"employer_type": "hospital", "sector": "health", "post_category": "professional_technical"}, False),
    ({"employer_type": "university", "sector": "education", "post_category": "management"}, False),
])
def test_science_commissioners_each_path_of_the_any(pack, person, eligible):
    assert run(pack, "sci_tech_commissioner", person)["eligible"] is eligible


def test_teacher_outreach_either_path_and_the_cap(pack):
    famous = {"famous_teacher_or_principal": True, "expert_service_team_member": False}
    team = {"famous_teacher_or_principal": False, "expert_service_team_member": True}
    neither = {"famous_teacher_or_principal": False, "expert_service_team_member": False}
    assert run(pack, "teacher_outreach", {"sector": "education", "activities_this_year": 0}, famous)["eligible"] is True
    assert run(pack, "teacher_outreach", {"sector": "science_technology", "activities_this_year": 1}, team)["eligible"] is True
    assert run(pack, "teacher_outreach", {"sector": "education", "activities_this_year": 0}, neither)["eligible"] is False
    capped = run(pack, "teacher_outreach", {"sector": "education", "activities_this_year": 2}, famous)
    assert_why_not(capped, "sd_to_frequency_cap", "二、（一）")


@pytest.mark.parametrize("grade, eligible", [("grade_1", False), ("grade_2", True), ("grade_3", True)])
def test_medical_support_from_grade_2_hospitals_up(pack, grade, eligible):
    answer = run(pack, "medical_support", {"employer_type": "hospital", "hospital_grade": grade})
    assert answer["eligible"] is eligible
    if not eligible:
        assert_why_not(answer, "sd_med_grade", "一、（六）")


def test_medical_support_one_year_before_a_senior_title(pack):
    param = program(pack, "medical_support")["params"]["pre_senior_title_service_years"]
    assert param["value"] == 1 and param["cite"]["article"] == "一、（六）"


def test_agricultural_outreach(pack):
    tech = {"sector": "agriculture", "post_category": "professional_technical"}
    assert run(pack, "agri_outreach", {**tech, "activities_this_year": 1})["eligible"] is True
    assert_why_not(run(pack, "agri_outreach", {**tech, "activities_this_year": 2}), "sd_agri_frequency_cap", "二、（一）")
    assert_why_not(run(pack, "agri_outreach", {**tech, "sector": "health", "activities_this_year": 0}), "sd_agri_sector", "一、（七）")


@pytest.mark.parametrize("program_id", sorted(LEADS))
def test_application_form_captures_what_the_rules_read(pack, program_id):
    prog = program(pack, program_id)
    form = next(f for f in pack["forms"] if f["id"] == prog["forms"]["application"])
    captured = {p.get("x-fact") for p in form["schema"]["properties"].values()}

    def facts(node):
        for key in ("all", "any"):
            if key in node:
                for child in node[key]:
                    yield from facts(child)
                return
        if "fact" in node:
            yield node["fact"]
    needed = {f for f in facts(prog["eligibility"]) if f not in ("person.activities_this_year", "person.age")}
    if any(f == "person.age" for f in facts(prog["eligibility"])):
        needed.add("person.birth_date")
    assert needed <= captured
