"""The rule language: each op on each fact type, missing facts, attested leaves and three-valued groups."""

import pytest

from grassroots.policy import compile_pack, evaluate
from tests.policy.helpers import CITE, attested, leaf, program_pack

AS_OF = "2024-06-30"


def decide(criterion: dict, person: dict | None = None, placement: dict | None = None, **extra) -> dict:
    compiled = compile_pack(program_pack(criterion))
    return evaluate(compiled, "p", {"as_of": AS_OF, "person": person or {}, "placement": placement or {}, **extra})


@pytest.mark.parametrize(("fact", "op", "value", "given", "expected"), [
    # integer
    ("person.years_at_grassroots", "gte", 3, 3, True),
    ("person.years_at_grassroots", "gte", 3, 2, False),
    ("person.years_at_grassroots", "gt", 3, 3, False),
    ("person.years_at_grassroots", "lt", 3, 2, True),
    ("person.years_at_grassroots", "lte", 3, 4, False),
    ("person.years_at_grassroots", "eq", 0, 0, True),
    ("person.years_at_grassroots", "ne", 0, 0, False),
    ("person.years_at_grassroots", "in", [1, 2], 2, True),
    # date
    ("person.graduation_date", "lt", "2015-01-01", "2014-12-31", True),
    ("person.graduation_date", "lt", "2015-01-01", "2015-01-01", False),
    ("person.graduation_date", "gte", "2015-01-01", "2015-01-01", True),
    # a date relative to as_of: born on or after 2024-06-30 minus 35 years = 1989-06-30
    ("person.birth_date", "gte", {"years_before_as_of": 35}, "1989-06-30", True),
    ("person.birth_date", "gte", {"years_before_as_of": 35}, "1989-06-29", False),
    # ordinal: by position in none < junior < intermediate < deputy_senior < senior
    ("person.title_level", "gte", "intermediate", "deputy_senior", True),
    ("person.title_level", "gte", "intermediate", "intermediate", True),
    ("person.title_level", "gte", "intermediate", "junior", False),
    ("person.title_level", "lt", "intermediate", "none", True),
    ("person.education", "in", ["bachelor", "master"], "master", True),
    ("person.education", "in", ["bachelor", "master"], "doctorate", False),
    ("person.education", "eq", "bachelor", "bachelor", True),
    # enum
    ("person.sector", "eq", "health", "health", True),
    ("person.sector", "ne", "health", "education", True),
    ("person.sector", "in", ["health", "education"], "agriculture", False),
    # boolean
    ("person.ethnic_minority", "eq", True, True, True),
    ("person.ethnic_minority", "eq", True, False, False),
    ("person.ethnic_minority", "ne", True, False, True),
    # set
    ("person.licenses", "contains", "practising_physician", ["nurse", "practising_physician"], True),
    ("person.licenses", "contains", "practising_physician", ["nurse"], False),
    ("person.licenses", "contains", "practising_physician", [], False),
])
def test_leaf_ops(fact, op, value, given, expected):
    section, key = fact.split(".")
    answer = decide(leaf(fact, op, value, "r"), **{section: {key: given}})
    assert answer["eligible"] is expected
    assert answer["reasons"] == [{"rule": "r", "passed": expected, "cite": CITE,
                                  "message": {"zh": f"{fact} {op} {value}", "en": f"{fact} {op} {value}"}}]


def test_string_fact_and_derived_integer_fact():
    criterion = {"all": [leaf("placement.recognised_by", "eq", "city_talent_office"), leaf("placement.full_years", "gte", 2)]}
    # as_of 2024-06-30 completes two full years of a service that began on 2022-07-01, not one begun a day later
    yes = decide(criterion, placement={"recognised_by": "city_talent_office", "start_date": "2022-07-01"})
    short = decide(criterion, placement={"recognised_by": "city_talent_office", "start_date": "2022-07-02"})
    assert (yes["eligible"], short["eligible"]) == (True, False)


def test_a_missing_fact_fails_and_says_it_is_missing():
    answer = decide(leaf("person.title_level", "ne", "none", "title"))
    assert answer["eligible"] is False
    (reason,) = answer["reasons"]
    assert reason["passed"] is False
    assert "未提供：职称等级" in reason["message"]["zh"]
    assert "not provided: Title level" in reason["message"]["en"]


def test_rule_id_defaults_to_the_leafs_pointer():
    answer = decide({"all": [leaf("person.ethnic_minority", "eq", True)]}, person={"ethnic_minority": True})
    assert answer["reasons"][0]["rule"] == "/programs/0/eligibility/all/0"


def test_attested_leaf_pending_true_false():
    criterion = {"all": [attested("good_political_quality", "political"), leaf("person.ethnic_minority", "eq", True, "minority")]}
    pending = decide(criterion, person={"ethnic_minority": True})
    assert pending["eligible"] is None
    assert pending["pending"] == ["political"]
    assert pending["reasons"][0]["passed"] is None
    assert "待党组织认定" in pending["reasons"][0]["message"]["zh"]
    assert pending["payments"] == [] and pending["outcomes"] == {}
    assert decide(criterion, person={"ethnic_minority": True}, attestations={"good_political_quality": True})["eligible"] is True
    refused = decide(criterion, person={"ethnic_minority": True}, attestations={"good_political_quality": False})
    assert (refused["eligible"], refused["failed_rules"]) == (False, ["political"])


def test_three_valued_groups():
    pending, yes, no = attested("x", "a"), leaf("person.ethnic_minority", "eq", True, "y"), leaf("person.ethnic_minority", "eq", False, "n")
    person = {"ethnic_minority": True}
    assert decide({"all": [pending, no]}, person=person)["eligible"] is False      # False beats pending
    assert decide({"all": [pending, yes]}, person=person)["eligible"] is None
    assert decide({"any": [pending, yes]}, person=person)["eligible"] is True      # True beats pending
    assert decide({"any": [pending, no]}, person=person)["eligible"] is None
    assert decide({"not": pending}, person=person)["eligible"] is None
    assert decide({"not": no}, person=person)["eligible"] is True


def test_failed_rules_name_what_makes_the_case_ineligible():
    person = {"ethnic_minority": True, "title_level": "junior"}
    title, minority = leaf("person.title_level", "gte", "intermediate", "title"), leaf("person.ethnic_minority", "eq", True, "minority")
    # a failing alternative of an any that holds is not to blame
    assert decide({"all": [{"any": [title, minority]}]}, person=person)["failed_rules"] == []
    # every failing part of a failing all is
    answer = decide({"all": [title, leaf("person.sector", "eq", "health", "sector"), minority]}, person=person)
    assert answer["failed_rules"] == ["title", "sector"]
    assert [r["passed"] for r in answer["reasons"]] == [False, False, True]
    # under not, the leaf that holds is to blame
    assert decide({"not": {"any": [title, minority]}}, person=person)["failed_rules"] == ["minority"]
