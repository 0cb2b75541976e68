"""Outcomes (pack-format.md § OUTCOME): expressions, conditions, and how items with one key combine."""

import pytest

from grassroots.policy import compile_pack, evaluate
from tests.policy.helpers import CITE, leaf, program_pack

ELIGIBLE = {"as_of": "2024-01-01", "person": {"birth_date": "1980-01-01"}, "attestations": {"good_political_quality": True}}


def outcomes(compiled, start: str | None = None, tags: list | None = None, **extra) -> dict:
    placement = {"area_tags": tags or []}
    if start:
        placement["start_date"] = start
    return evaluate(compiled, "early_title", {**ELIGIBLE, "placement": placement, **extra})["outcomes"]


# early_years = min(full years // 2, 2): each 2 full years of service make one year, at most 2 (Kunming 九条措施 style).
# On as_of 2024-01-01 a service begun 2022-01-02 has 2 full years (its last day completes the 2nd), one begun a day later 1.
@pytest.mark.parametrize(("start", "early"), [("2022-01-03", 0), ("2022-01-02", 1), ("2020-01-03", 1), ("2020-01-02", 2), ("2012-01-01", 2)])
def test_early_years_expression(compiled, start, early):
    assert outcomes(compiled, start)["early_years"] == early


def test_lists_are_united_funding_is_listed_flags_are_set(compiled):
    result = outcomes(compiled, "2020-01-01", ["remote"])
    assert result == {
        "early_years": 2,
        "waivers": ["foreign_language", "computer", "papers"],
        "funding": [{"payee": "receiving_unit", "payer": "city_finance", "amount": "5000.00", "cite": CITE}],
        "exceptional": True,
    }
    assert outcomes(compiled, "2020-01-01")["waivers"] == ["foreign_language", "computer"]  # papers only when remote


def test_an_expression_on_a_missing_fact_contributes_nothing(compiled):
    assert outcomes(compiled, start=None)["early_years"] == 0
    assert outcomes(compiled, start=None)["exceptional"] is True


def test_no_outcomes_unless_eligible(compiled):
    answer = evaluate(compiled, "early_title", {**ELIGIBLE, "person": {"birth_date": "1950-01-01"}})
    assert (answer["eligible"], answer["outcomes"]) == (False, {})


def test_same_key_items_combine_by_max_union_and_or():
    yes = leaf("person.ethnic_minority", "eq", True)
    pack = program_pack(yes, outcomes=[
        {"key": "early_years", "value": 1, "cite": CITE},
        {"key": "early_years", "value": {"add": [1, {"mul": [2, 1]}]}, "cite": CITE},
        {"key": "early_years", "value": 9, "cite": CITE, "when": leaf("person.sector", "eq", "health")},
        {"key": "commitment_years", "value": {"sub": [10, {"fact": "person.years_at_grassroots"}]}, "cite": CITE},
        {"key": "duration_months", "value": {"max": [6, {"floordiv": [13, 2]}]}, "cite": CITE},
        {"key": "exam_ban_years", "value": {"floordiv": [5, 0]}, "cite": CITE},
        {"key": "equivalents", "value": ["papers_by_reports"], "cite": CITE},
        {"key": "equivalents", "value": ["papers_by_reports", "awards_as_results"], "cite": CITE},
        {"key": "exceptional", "value": False, "cite": CITE},
        {"key": "exceptional", "value": True, "cite": CITE, "when": leaf("person.sector", "eq", "education")},
    ])
    answer = evaluate(compile_pack(pack), "p", {"person": {"ethnic_minority": True, "sector": "education", "years_at_grassroots": 4}})
    assert answer["outcomes"] == {
        "early_years": 3,            # max(1, 1 + 2·1); the 9 applies to health only
        "commitment_years": 6,       # 10 − 4
        "duration_months": 6,        # max(6, 13 // 2)
        "exam_ban_years": 0,         # division by zero: the item contributes nothing
        "equivalents": ["papers_by_reports", "awards_as_results"],
        "exceptional": True,         # false or true
    }
