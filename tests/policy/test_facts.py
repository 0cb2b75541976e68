"""The fact vocabulary, derived facts, and the validation of evaluation inputs (errors with JSON pointers)."""

import subprocess
import sys
from datetime import date

import pytest

from grassroots.policy import EvaluationInputError, evaluate
from grassroots.policy.derived import DERIVED
from grassroots.policy.facts import load_vocabulary
from tests.policy.helpers import case


def test_every_derived_fact_of_the_vocabulary_is_computed_from_its_declared_sources():
    vocabulary = load_vocabulary()
    derived = {name for name, fact in vocabulary.facts.items() if fact.source == "derived"}
    assert derived == set(DERIVED)
    for name in derived:
        assert set(DERIVED[name][0]) == set(vocabulary.facts[name].derived_from)


def test_the_policy_package_imports_no_web_framework_and_no_database():
    code = "import sys, grassroots.policy; print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    code = "import sys, grassroots.policy; print(sorted(m for m in sys.modules if m.startswith('grassroots.') and not m.startswith('grassroots.policy')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def errors_of(compiled, program: str, data) -> list[tuple[str, str]]:
    with pytest.raises(EvaluationInputError) as caught:
        evaluate(compiled, program, data)
    return [(e.path, e.code) for e in caught.value.errors]


def test_every_input_error_at_once_with_its_pointer(compiled):
    data = case(
        as_of="2020-13-01",
        person={"birth_date": "1980-02-30", "title_level": "Intermediate", "licenses": ["practising_physician", "pilot"],
                "ethnic_minority": "yes", "years_at_grassroots": -1, "favourite_colour": "red"},
        placement={"area_tags": ["remote", "mountain"], "start_date": 20180301},
        assessments=[{"kind": "annual", "year_no": 1, "grade": "good"}, {"kind": "monthly", "year_no": 2, "grade": "qualified"}],
        attestations={"good_political_quality": "yes"},
        extra=1,
    )
    assert set(errors_of(compiled, "grassroots_service", data)) == {
        ("/extra", "unknown_key"),
        ("/as_of", "bad_date"),
        ("/person/birth_date", "bad_date"),
        ("/person/title_level", "unknown_value"),
        ("/person/licenses/1", "unknown_value"),
        ("/person/ethnic_minority", "type_mismatch"),
        ("/person/years_at_grassroots", "negative_value"),
        ("/person/favourite_colour", "unknown_fact"),
        ("/placement/area_tags/1", "unknown_area_tag"),
        ("/placement/start_date", "bad_date"),
        ("/assessments/0/grade", "unknown_grade"),
        ("/attestations/good_political_quality", "type_mismatch"),
    }


def test_an_undeclared_assessment_kind_and_a_missing_field_are_reported(compiled):
    assert errors_of(compiled, "grassroots_service", case(assessments=[{"kind": "monthly", "year_no": 1, "grade": "qualified"}])) == [
        ("/assessments/0/kind", "unknown_value")]
    assert errors_of(compiled, "grassroots_service", case(assessments=[{"kind": "annual", "grade": "qualified"}])) == [
        ("/assessments/0/year_no", "required")]


def test_input_that_is_not_an_object(compiled):
    assert errors_of(compiled, "grassroots_service", [1, 2]) == [("", "type_mismatch")]
    assert errors_of(compiled, "grassroots_service", {"person": []}) == [("/person", "type_mismatch")]


def test_null_means_not_given(compiled):
    answer = evaluate(compiled, "grassroots_service", case(placement={"end_date": None}))
    assert answer["service"]["full_years"] == 2


def test_unknown_program(compiled):
    assert errors_of(compiled, "no_such_program", case()) == [("", "unknown_program")]


def test_age_is_derived_from_birth_date_on_as_of(compiled):
    base = {"attestations": {"good_political_quality": True}}
    at_45 = evaluate(compiled, "early_title", {**base, "as_of": "2024-06-30", "person": {"birth_date": "1979-06-30"}})
    at_46 = evaluate(compiled, "early_title", {**base, "as_of": "2024-06-30", "person": {"birth_date": "1978-06-30"}})
    assert (at_45["eligible"], at_46["eligible"]) == (True, False)


def test_a_derived_fact_may_be_given_alone_but_not_against_its_sources(compiled):
    base = {"as_of": "2024-06-30", "attestations": {"good_political_quality": True}}
    assert evaluate(compiled, "early_title", {**base, "person": {"age": 40}})["eligible"] is True
    assert errors_of(compiled, "early_title", {**base, "person": {"age": 40, "birth_date": "1970-01-01"}}) == [
        ("/person/age", "derived_conflict")]


def test_as_of_defaults_to_today(compiled):
    answer = evaluate(compiled, "grassroots_service", {k: v for k, v in case().items() if k != "as_of"}, today=date(2021, 3, 1))
    assert answer["as_of"] == "2021-03-01"
    assert answer["service"]["full_years"] == 3


def test_consecutive_grades_and_awards_are_derived(compiled):
    reader = compiled.reader
    facts = reader.read({"as_of": "2024-01-01", "person": {
        "annual_grades": [{"year": 2023, "grade": "excellent"}, {"year": 2022, "grade": "excellent"},
                          {"year": 2021, "grade": "qualified"}, {"year": 2019, "grade": "excellent"}],
        "awards": [{"level": "township", "year": 2020}, {"level": "county", "year": 2021}]}})
    assert facts.values["person.consecutive_passing_years"] == 3  # 2023, 2022, 2021; 2020 is missing
    assert facts.values["person.consecutive_excellent_years"] == 2
    assert facts.values["person.county_level_award"] is True
    failing = reader.read({"person": {"annual_grades": [{"year": 2023, "grade": "unqualified"}, {"year": 2022, "grade": "excellent"}]}})
    assert failing.values["person.consecutive_passing_years"] == 0


def test_a_year_graded_twice_is_an_error(compiled):
    data = {"person": {"annual_grades": [{"year": 2023, "grade": "excellent"}, {"year": 2023, "grade": "qualified"}]}}
    assert errors_of(compiled, "early_title", data) == [("/person/annual_grades/1/year", "duplicate_year")]
