"""The checker: each kind of broken pack is caught, at the pointer of the field at fault, with its code.

Each case breaks one thing in the valid fixture pack (tests/policy/helpers.py) and lists every error the
checker must answer — no more, no fewer.
"""

from collections.abc import Callable

import pytest

from grassroots.policy import check_pack
from tests.policy.helpers import make_pack

Mutation = Callable[[dict], None]


def program(p: dict) -> dict:
    return p["programs"][0]


def eligibility(p: dict) -> list:
    return program(p)["eligibility"]["all"]


def chain_step(p: dict, n: int) -> dict:
    return p["approval_chains"][0]["steps"][n]


def form(p: dict) -> dict:
    return p["forms"][0]


def _set(path: list, value) -> Mutation:
    def mutate(p: dict) -> None:
        node = p
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _delete(path: list) -> Mutation:
    def mutate(p: dict) -> None:
        node = p
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return mutate


def _do(*mutations: Mutation) -> Mutation:
    def mutate(p: dict) -> None:
        for m in mutations:
            m(p)
    return mutate


CASES: list[tuple[str, Mutation, set[tuple[str, str]]]] = [
    # JSON Schema: shapes, types, enums
    ("missing required field", _delete(["jurisdiction", "name"]), {("/jurisdiction", "schema")}),
    ("unknown property", _set(["programs", 0, "colour"], "red"), {("/programs/0/colour", "schema")}),
    ("unknown program kind", _set(["programs", 0, "kind"], "lottery"), {("/programs/0/kind", "schema")}),
    ("amount as a JSON number", _set(["subsidy_components", 0, "amount_per_year"], 10000), {("/subsidy_components/0/amount_per_year", "schema")}),
    ("amount finer than a fen", _set(["subsidy_components", 0, "amount_per_year"], "1.005"), {("/subsidy_components/0/amount_per_year", "schema")}),
    ("negative amount", _set(["subsidy_components", 0, "amount_per_year"], "-10000.00"), {("/subsidy_components/0/amount_per_year", "negative_amount")}),
    ("negative funding", _set(["programs", 1, "outcomes", 3, "value", "amount"], "-1"), {("/programs/1/outcomes/3/value/amount", "negative_amount")}),
    ("impossible date", _set(["programs", 0, "active", "from"], "2017-02-30"), {("/programs/0/active/from", "bad_date")}),
    ("parallel step without sub-steps", _set(["approval_chains", 0, "steps", 0, "kind"], "parallel"), {("/approval_chains/0/steps/0", "schema")}),
    ("sub-steps on a plain step", _set(["approval_chains", 0, "steps", 0, "steps"], [{"id": "x", "name": {"zh": "x", "en": "x"}, "kind": "file", "office": "unit", "scope": "tenant", "cite": {"doc": "lijiang-2017", "article": "第四条"}}]),
     {("/approval_chains/0/steps/0/steps", "schema")}),
    ("calendar with neither day nor words", _delete(["calendar", 0, "when"]), {("/calendar/0", "schema")}),
    # facts and values
    ("unknown fact", _set(["programs", 0, "eligibility", "all", 0, "fact"], "person.shoe_size"), {("/programs/0/eligibility/all/0/fact", "unknown_fact")}),
    ("op that does not fit the type", _set(["programs", 0, "eligibility", "all", 1, "any", 1, "op"], "gte"),
     {("/programs/0/eligibility/all/1/any/1/op", "op_mismatch")}),
    ("records fact compared whole", _set(["programs", 0, "eligibility", "all", 3], {"fact": "assessments", "op": "eq", "value": 1, "cite": {"doc": "lijiang-2017", "article": "第二条"}, "message": {"zh": "x", "en": "x"}}),
     {("/programs/0/eligibility/all/3/op", "op_mismatch")}),
    ("value of the wrong type", _set(["programs", 0, "eligibility", "all", 3, "value"], "yes"), {("/programs/0/eligibility/all/3/value", "type_mismatch")}),
    ("ordinal value not on the scale", _set(["programs", 0, "eligibility", "all", 1, "any", 0, "value"], "professor"),
     {("/programs/0/eligibility/all/1/any/0/value", "unknown_value")}),
    ("in with one bad member", _set(["programs", 0, "eligibility", "all", 0, "value"], ["county", "prefecture"]), {("/programs/0/eligibility/all/0/value/1", "unknown_value")}),
    ("in with an empty list", _set(["programs", 0, "eligibility", "all", 0, "value"], []), {("/programs/0/eligibility/all/0/value", "type_mismatch")}),
    ("relative date of the wrong shape", _set(["programs", 1, "eligibility", "all", 1], {"fact": "person.birth_date", "op": "gte", "value": {"years_ago": 45}, "cite": {"doc": "lijiang-2017", "article": "第二条"}, "message": {"zh": "x", "en": "x"}}),
     {("/programs/1/eligibility/all/1/value", "type_mismatch")}),
    ("area tag not declared by the pack", _set(["programs", 0, "subsidies", 1, "when", "value"], "border"), {("/programs/0/subsidies/1/when/value", "unknown_area_tag")}),
    ("area tag outside the fact vocabulary", _set(["vocabulary", "area_tags", 0, "id"], "mountain"),
     {("/vocabulary/area_tags/0/id", "unknown_area_tag"), ("/programs/0/subsidies/1/when/value", "unknown_area_tag"),
      ("/programs/1/outcomes/2/when/value", "unknown_area_tag")}),
    ("expression on a non-numeric fact", _set(["programs", 1, "outcomes", 0, "value"], {"fact": "person.unit_level"}), {("/programs/1/outcomes/0/value/fact", "type_mismatch")}),
    ("decimal expression for an integer outcome", _set(["programs", 1, "outcomes", 0, "value"], {"mul": [2, 1.5]}), {("/programs/1/outcomes/0/value", "type_mismatch")}),
    # references
    ("unknown office", _set(["programs", 0, "lead_office"], "mayor"), {("/programs/0/lead_office", "unknown_office")}),
    ("attesting office unknown", _set(["programs", 1, "eligibility", "all", 0, "office"], "church"), {("/programs/1/eligibility/all/0/office", "unknown_office")}),
    ("routed office unknown", _set(["approval_chains", 0, "steps", 1, "route", "cases", "city", "office"], "mayor"),
     {("/approval_chains/0/steps/1/route/cases/city/office", "unknown_office")}),
    ("unknown chain", _set(["programs", 0, "chains", "application"], "nope"), {("/programs/0/chains/application", "unknown_chain")}),
    ("unknown claim chain", _set(["programs", 0, "subsidies", 0, "claim", "chain"], "nope"), {("/programs/0/subsidies/0/claim/chain", "unknown_chain")}),
    ("unknown form", _set(["programs", 0, "subsidies", 0, "claim", "roster_form"], "annex_9"), {("/programs/0/subsidies/0/claim/roster_form", "unknown_form")}),
    ("unknown payer", _set(["subsidy_components", 1, "payer"], "county_finance"), {("/subsidy_components/1/payer", "unknown_payer")}),
    ("unknown funding payer", _set(["programs", 1, "outcomes", 3, "value", "payer"], "county_finance"), {("/programs/1/outcomes/3/value/payer", "unknown_payer")}),
    ("unknown component", _set(["programs", 0, "subsidies", 0, "component"], "bonus"), {("/programs/0/subsidies/0/component", "unknown_component")}),
    ("unknown source document", _set(["programs", 0, "cite", "doc"], "kunming-2020"), {("/programs/0/cite/doc", "unknown_source")}),
    ("unknown source deep in a rule", _set(["programs", 0, "eligibility", "all", 1, "any", 1, "cite", "doc"], "lijiang-2018"),
     {("/programs/0/eligibility/all/1/any/1/cite/doc", "unknown_source")}),
    ("currency unlike the jurisdiction's", _set(["subsidy_components", 0, "currency"], "USD"), {("/subsidy_components/0/currency", "currency_mismatch")}),
    # order, coverage, uniqueness
    ("window ends before it starts", _set(["programs", 0, "active"], {"from": "2020-01-01", "to": "2019-12-31"}), {("/programs/0/active", "window_order")}),
    ("route missing a value without a default", _delete(["approval_chains", 0, "steps", 1, "route", "default"]), {("/approval_chains/0/steps/1/route", "route_incomplete")}),
    ("route case that is not a value", _set(["approval_chains", 0, "steps", 1, "route", "cases", "village"], {"office": "county_hr", "scope": "tenant"}),
     {("/approval_chains/0/steps/1/route/cases/village", "unknown_value")}),
    ("route on a set fact", _set(["approval_chains", 0, "steps", 1, "route", "fact"], "person.licenses"), {("/approval_chains/0/steps/1/route/fact", "type_mismatch")}),
    ("duplicate office id", lambda p: p["vocabulary"]["offices"].append(dict(p["vocabulary"]["offices"][0])), {("/vocabulary/offices/5/id", "duplicate_id")}),
    ("duplicate program id", lambda p: p["programs"][1].update(id="grassroots_service"), {("/programs/1/id", "duplicate_id")}),
    ("duplicate rule id in a program", _set(["programs", 0, "eligibility", "all", 2, "id"], "unit_level"), {("/programs/0/eligibility/all/2/id", "duplicate_id")}),
    ("duplicate step id", _set(["approval_chains", 0, "steps", 1, "id"], "unit_approval"), {("/approval_chains/0/steps/1/id", "duplicate_id")}),
    ("duplicate test name", lambda p: p["tests"].append(dict(p["tests"][0])), {("/tests/2/name", "duplicate_id")}),
    # the application form must capture what the rules read
    ("application fact not collected", _delete(["forms", 0, "schema", "properties", "title_level"]),
     {("/programs/0/eligibility/all/1/any/0/fact", "fact_not_collected")}),
    ("derived fact whose source is not collected", _delete(["forms", 0, "schema", "properties", "birth_date"]),
     {("/programs/1/eligibility/all/1/fact", "fact_not_collected"), ("/forms/0/layout/0/fields/1", "unknown_field")}),
    ("no application form", _delete(["programs", 0, "forms"]), {("/programs/0", "application_form_missing")}),
    # forms
    ("form field schema invalid", _set(["forms", 0, "schema", "properties", "name", "type"], "text"), {("/forms/0/schema/properties/name/type", "form_schema")}),
    ("form field without a title", _delete(["forms", 0, "schema", "properties", "name", "title"]), {("/forms/0/schema/properties/name", "missing_title")}),
    ("form field capturing an unknown fact", _set(["forms", 0, "schema", "properties", "unit_level", "x-fact"], "person.rank"),
     {("/forms/0/schema/properties/unit_level/x-fact", "unknown_fact"), ("/programs/0/eligibility/all/0/fact", "fact_not_collected")}),
    ("layout naming a missing field", lambda p: p["forms"][0]["layout"][0]["fields"].append("nickname"), {("/forms/0/layout/0/fields/3", "unknown_field")}),
    # params and calendar
    ("negative count parameter", _set(["programs", 0, "params", "min_term_years", "value"], -2), {("/programs/0/params/min_term_years/value", "type_mismatch")}),
    ("calendar day that does not exist", _do(_delete(["calendar", 0, "when"]), _set(["calendar", 0, "month_day"], "02-30")), {("/calendar/0/month_day", "bad_date")}),
    # worked examples
    ("test expecting another total", _set(["tests", 0, "expect", "total"], "1.00"), {("/tests/0", "test_failed")}),
    ("test expecting another outcome of eligibility", _set(["tests", 1, "expect", "eligible"], True), {("/tests/1", "test_failed")}),
    ("test of an unknown program", _set(["tests", 0, "program"], "nope"), {("/tests/0/program", "unknown_program")}),
    ("test whose input is not valid", _set(["tests", 0, "input", "person", "title_level"], "boss"), {("/tests/0/input/person/title_level", "unknown_value")}),
]


@pytest.mark.parametrize(("mutate", "expected"), [(m, e) for _, m, e in CASES], ids=[name for name, _, _ in CASES])
def test_broken_pack_is_caught_at_its_path(mutate, expected):
    pack = make_pack()
    mutate(pack)
    errors = check_pack(pack)
    assert {(e.path, e.code) for e in errors} == expected
    for e in errors:
        assert e.message["zh"] and e.message["en"]


def test_the_fixture_pack_is_valid():
    assert check_pack(make_pack()) == []


def test_a_failing_test_says_what_differed():
    pack = make_pack()
    pack["tests"][0]["expect"]["total"] = "1.00"
    (err,) = check_pack(pack)
    assert "total: expected 1.00, got 40000.00" in err.message["en"]
    assert "two full years, remote" in err.message["en"]
    assert "期望 1.00，实际 40000.00" in err.message["zh"]


def test_all_errors_at_once():
    pack = make_pack()
    pack["programs"][0]["lead_office"] = "mayor"
    pack["subsidy_components"][0]["amount_per_year"] = "-1"
    pack["programs"][0]["eligibility"]["all"][0]["fact"] = "person.shoe_size"
    codes = {e.code for e in check_pack(pack)}
    assert codes == {"unknown_office", "negative_amount", "unknown_fact"}


def test_tests_do_not_run_while_the_pack_has_other_errors():
    pack = make_pack()
    pack["programs"][0]["lead_office"] = "mayor"
    pack["tests"][0]["expect"]["total"] = "1.00"
    assert [e.code for e in check_pack(pack)] == ["unknown_office"]


@pytest.mark.parametrize("doc", [None, [], 3, "pack", {"format": 2}, {"programs": "all"}, {"format": 1, "jurisdiction": []}])
def test_anything_that_is_not_a_pack_gets_errors_not_exceptions(doc):
    errors = check_pack(doc)
    assert errors and all(e.code == "schema" for e in errors)
