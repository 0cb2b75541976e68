"""Yuxi's counterpart training pack (玉溪市基层人才对口培养计划实施细则（试行）) against the text.

Expected values are read from the rules themselves: 100 trainees a year (第三条), county or township units in
education, health, agriculture, urban planning and science (第三条), associate degree or above and age about
35, relaxed for ethnic minorities and remote townships (第五条; the pack reads it as ≤ 35, or ≤ 40 when
relaxed), the nomination chain (第六条), report by 30 August (第六条（五）), 6 months full-time (第七条),
10,000 yuan per trainee to the receiving unit (第十一条), four grades and four copies (第十四条), leave over
3 days, disqualification and quota cut (第十五条), extension into the next batch (第十六条).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grassroots.policy import EvaluationInputError, check_pack, evaluate, load_pack

PACKS = Path(__file__).resolve().parents[2] / "policy_packs"
DOC = "yuxi-2019"
PROGRAM = "counterpart_training"
AS_OF = "2020-06-01"
ALL_ATTESTED = {"good_political_quality": True, "good_moral_character": True, "professional_backbone": True, "good_health": True}


def _doc() -> dict:
    return json.loads((PACKS / "yuxi.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pack() -> dict:
    loaded = load_pack("yuxi", packs_dir=PACKS)
    assert loaded.errors == []
    assert loaded.chain == ["yunnan"]
    return loaded.pack


@pytest.fixture(scope="module")
def program(pack) -> dict:
    return next(p for p in pack["programs"] if p["id"] == PROGRAM)


def person(**kw) -> dict:
    p = {"birth_date": "1990-03-15", "gender": "female", "ethnic_minority": False, "education": "bachelor",
         "unit_level": "township", "sector": "health", "unit_area_tags": []}
    p.update(kw)
    return p


def run(pack, p: dict, attestations: dict | None = ALL_ATTESTED, as_of: str = AS_OF) -> dict:
    case = {"as_of": as_of, "person": p}
    if attestations is not None:
        case["attestations"] = attestations
    return evaluate(pack, PROGRAM, case)


def reason(answer: dict, rule: str) -> dict:
    return next(r for r in answer["reasons"] if r["rule"] == rule)


def assert_why_not(answer: dict, rule: str, article: str) -> None:
    """Not eligible, and the reason for `rule` failed and cites `article` of the Yuxi rules."""
    assert answer["eligible"] is False
    r = reason(answer, rule)
    assert r["passed"] is False
    assert r["cite"]["doc"] == DOC
    assert r["cite"]["article"] == article
    assert r["message"]["zh"] and r["message"]["en"]


# -- the pack as a whole ---------------------------------------------------------------------------------

def test_pack_checks_clean_including_its_worked_examples():
    assert check_pack(_doc(), packs_dir=PACKS) == []


def test_extends_the_yunnan_baseline(pack):
    doc = _doc()
    assert doc["extends"] == "yunnan"
    assert doc["jurisdiction"]["level"] == "city"
    assert doc["jurisdiction"]["parent"] == "yunnan"
    source = next(s for s in pack["jurisdiction"]["sources"] if s["id"] == DOC)
    assert source["title"] == "玉溪市基层人才对口培养计划实施细则（试行）"
    assert source["status"] == "试行"
    assert source["issued"] == "2019-07-01"  # 第十七条: in force from its issue


def test_grades_are_the_four_of_article_14(pack):
    labels = {g["id"]: g["label"]["zh"] for g in pack["vocabulary"]["grades"]}
    assert labels == {"excellent": "优秀", "qualified": "合格", "basically_qualified": "基本合格", "unqualified": "不合格"}
    assert all(g["cite"] == {"doc": DOC, "article": "第十四条", "quote": g["cite"]["quote"]} for g in pack["vocabulary"]["grades"])


def test_every_rule_param_and_step_cites_the_yuxi_text(program, pack):
    def leaves(node):
        for key in ("all", "any"):
            if key in node:
                for child in node[key]:
                    yield from leaves(child)
                return
        yield node
    for leaf in leaves(program["eligibility"]):
        assert leaf["cite"]["doc"] == DOC and leaf["cite"]["article"].startswith("第")
    for name, param in program["params"].items():
        assert param["cite"]["doc"] == DOC, name
    for chain_id in program["chains"].values():
        chain = next(c for c in pack["approval_chains"] if c["id"] == chain_id)
        for step in chain["steps"]:
            assert step["cite"]["doc"] == DOC
            for sub in step.get("steps", []):
                assert sub["cite"]["doc"] == DOC


# -- parameters of the training module -------------------------------------------------------------------

def test_params_are_the_numbers_of_the_text(program):
    params = program["params"]
    assert program["kind"] == "training"
    assert params["cohort_size"]["value"] == 100 and params["cohort_size"]["cite"]["article"] == "第三条"
    assert params["duration_months"]["value"] == 6 and params["duration_months"]["cite"]["article"] == "第七条"
    assert params["full_time"]["value"] is True
    assert params["report_by"]["value"] == "08-30" and params["report_by"]["cite"]["article"] == "第六条（五）"
    assert params["leave_approval_over_days"]["value"] == 3 and params["leave_approval_over_days"]["cite"]["article"] == "第十五条"
    assert params["funding_per_trainee"]["value"] == "10000.00" and params["funding_per_trainee"]["cite"]["article"] == "第十一条"
    assert params["disqualification_quota_cut"]["cite"]["article"] == "第十五条"
    assert "interpretation" in params["disqualification_quota_cut"]  # 削减……名额 says no number
    assert params["extension_into_next_batch"]["value"] is True
    assert params["extension_into_next_batch"]["cite"]["article"] == "第十六条"
    assert "interpretation" in params["quota_tilt"]  # 向少数民族、边远乡镇倾斜 says no share


def test_report_by_30_august_is_on_the_calendar(pack):
    entry = next(e for e in pack["calendar"] if e.get("month_day") == "08-30")
    assert entry["cite"] == {"doc": DOC, "article": "第六条（五）", "quote": entry["cite"]["quote"]}


# -- eligibility at the boundaries (第三条, 第五条) ---------------------------------------------------------

def test_township_health_backbone_is_eligible_with_six_months_and_10000_to_the_receiving_unit(pack):
    answer = run(pack, person())
    assert answer["eligible"] is True
    assert answer["pending"] == []
    assert answer["outcomes"]["duration_months"] == 6
    [funding] = answer["outcomes"]["funding"]
    assert (funding["payee"], funding["payer"], funding["amount"]) == ("receiving_unit", "yuxi_finance", "10000.00")
    assert funding["cite"]["article"] == "第十一条"


def test_age_35_passes_and_36_fails_without_a_relaxation_ground(pack):
    assert run(pack, person(birth_date="1984-06-02"))["eligible"] is True   # 35, 36th birthday tomorrow
    answer = run(pack, person(birth_date="1984-06-01"))                     # 36 today
    assert_why_not(answer, "yx_age_35", "第五条")
    assert "interpretation" in next(
        leaf for leaf in _age_leaves(_doc()) if leaf["id"] == "yx_age_35")


def _age_leaves(doc):
    program = next(p for p in doc["programs"] if p["id"] == PROGRAM)
    age = next(c for c in program["eligibility"]["all"] if c.get("id") == "yx_age")
    return [age["any"][0], age["any"][1]["all"][1]]


def test_ethnic_minority_relaxes_the_age_limit_to_40(pack):
    assert run(pack, person(birth_date="1984-06-01", ethnic_minority=True))["eligible"] is True


def test_remote_township_unit_relaxes_to_40_and_not_beyond(pack):
    assert run(pack, person(birth_date="1979-06-02", unit_area_tags=["remote"]))["eligible"] is True  # 40
    answer = run(pack, person(birth_date="1979-06-01", unit_area_tags=["remote"]))                     # 41
    assert_why_not(answer, "yx_age_40_relaxed", "第五条")


def test_ethnic_township_unit_relaxes_the_age_limit(pack):
    assert run(pack, person(birth_date="1982-01-10", unit_area_tags=["ethnic"]))["eligible"] is True


def test_poverty_tag_alone_is_no_relaxation_ground(pack):
    answer = run(pack, person(birth_date="1982-01-10", unit_area_tags=["poverty"]))
    assert_why_not(answer, "yx_age_35", "第五条")
    assert reason(answer, "yx_relax_remote_unit")["passed"] is False


def test_associate_degree_is_enough_secondary_is_not(pack):
    assert run(pack, person(education="associate"))["eligible"] is True
    assert_why_not(run(pack, person(education="secondary")), "yx_education", "第五条")


@pytest.mark.parametrize("level", ["county", "township"])
def test_county_and_township_units_qualify(pack, level):
    assert run(pack, person(unit_level=level))["eligible"] is True


@pytest.mark.parametrize("level", ["city", "province"])
def test_city_and_provincial_units_do_not(pack, level):
    assert_why_not(run(pack, person(unit_level=level)), "yx_unit_level", "第三条")


@pytest.mark.parametrize("sector", ["education", "health", "agriculture", "urban_planning", "science_technology"])
def test_the_five_sectors_of_article_3_qualify(pack, sector):
    assert run(pack, person(sector=sector))["eligible"] is True


@pytest.mark.parametrize("sector", ["enterprise", "other"])
def test_other_sectors_do_not(pack, sector):
    assert_why_not(run(pack, person(sector=sector)), "yx_sector", "第三条")


@pytest.mark.parametrize("attest, rule", [
    ("good_political_quality", "yx_political_quality"),
    ("good_moral_character", "yx_moral_character"),
    ("professional_backbone", "yx_professional_backbone"),
    ("good_health", "yx_health"),
])
def test_each_article_5_judgement_refused_makes_the_case_ineligible(pack, attest, rule):
    answer = run(pack, person(), {**ALL_ATTESTED, attest: False})
    assert_why_not(answer, rule, "第五条")


def test_judgements_not_yet_given_leave_the_case_pending(pack):
    answer = run(pack, person(), attestations=None)
    assert answer["eligible"] is None
    assert set(answer["pending"]) == {"yx_political_quality", "yx_moral_character", "yx_professional_backbone", "yx_health"}
    assert answer["outcomes"] == {}


def test_political_quality_is_attested_by_the_county_organisation_department(program):
    leaf = next(c for c in program["eligibility"]["all"] if c.get("id") == "yx_political_quality")
    assert (leaf["op"], leaf["office"]) == ("attested", "county_org_dept")


def test_a_bad_input_is_an_error_list_not_a_crash(pack):
    with pytest.raises(EvaluationInputError) as exc:
        run(pack, person(education="phd", unit_area_tags=["seaside"]))
    paths = {e.path for e in exc.value.errors}
    assert "/person/education" in paths


# -- chains and forms ------------------------------------------------------------------------------------

def _chain(pack, chain_id):
    return next(c for c in pack["approval_chains"] if c["id"] == chain_id)


def test_nomination_chain_follows_article_6(pack, program):
    chain = _chain(pack, program["chains"]["application"])
    assert [(s["office"], s["kind"]) for s in chain["steps"]] == [
        ("original_unit", "approve"),        # 单位推荐
        ("county_org_dept", "approve"),      # 县区委组织部推荐
        ("city_org_dept", "review"),         # 市委组织部资格审核
        ("city_competent_dept", "review"),   # 市级主管部门落实接收单位
        ("city_org_dept", "approve"),        # 市委组织部审定
    ]
    assert [s["cite"]["article"] for s in chain["steps"]] == ["第六条（一）", "第六条（一）", "第六条（二）", "第六条（三）", "第六条（四）"]


def test_leave_over_3_days_needs_both_consents_then_filing(pack, program):
    chain = _chain(pack, program["chains"]["leave"])
    consent, filing = chain["steps"]
    assert consent["kind"] == "parallel"
    assert {s["office"] for s in consent["steps"]} == {"county_org_dept", "receiving_unit"}
    assert (filing["kind"], filing["office"]) == ("file", "city_competent_dept")
    assert chain["cite"]["article"] == "第十五条"


def test_disqualification_needs_the_competent_department_and_notifies_the_county(pack, program):
    chain = _chain(pack, program["chains"]["disqualification"])
    assert [(s["office"], s["kind"]) for s in chain["steps"]] == [
        ("receiving_unit", "review"), ("city_competent_dept", "approve"), ("county_org_dept", "file")]


def test_extension_into_the_next_batch(pack, program):
    chain = _chain(pack, program["chains"]["extension"])
    consent, filing = chain["steps"]
    assert {s["office"] for s in consent["steps"]} == {"county_org_dept", "receiving_unit"}
    assert (filing["kind"], filing["office"]) == ("file", "city_competent_dept")
    assert chain["cite"]["article"] == "第十六条"


def test_application_form_is_the_official_one_and_captures_every_fact_read(pack, program):
    form = next(f for f in pack["forms"] if f["id"] == program["forms"]["application"])
    assert form["title"]["zh"] == "玉溪市基层人才对口培养计划申请表"
    captured = {p.get("x-fact") for p in form["schema"]["properties"].values()}
    assert {"person.birth_date", "person.ethnic_minority", "person.education", "person.unit_level",
            "person.sector", "person.unit_area_tags"} <= captured
    assert program["forms"]["roster"] == "yuxi_summary_roster"


def test_assessment_form_goes_in_four_copies_in_the_order_of_article_14(pack, program):
    form = next(f for f in pack["forms"] if f["id"] == program["forms"]["assessment"])
    assert form["title"]["zh"] == "考核登记表"
    assert [c["office"] for c in form["copies"]] == ["original_unit", "receiving_unit", "county_org_dept", "city_org_dept"]
    [assessment] = program["assessments"]
    assert (assessment["kind"], assessment["by_office"]) == ("training", "receiving_unit")
