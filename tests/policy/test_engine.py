"""The evaluation answer (DESIGN § The evaluation API), compilation and its cache."""

import json

import pytest

from grassroots.policy import (
    CompiledPack,
    EvaluationInputError,
    PackInvalidError,
    compile_pack,
    evaluate,
    evaluate_batch,
)
from tests.policy.helpers import CITE, case, make_pack


def test_answer_shape(compiled):
    answer = evaluate(compiled, "grassroots_service", case(), pack_version="v3")
    assert set(answer) == {"program", "pack_version", "as_of", "eligible", "failed_rules", "pending", "reasons", "service",
                           "payments", "total", "currency", "outcomes"}
    assert (answer["program"], answer["pack_version"], answer["as_of"], answer["currency"]) == ("grassroots_service", "v3", "2020-03-01", "CNY")
    assert [r["rule"] for r in answer["reasons"]] == ["unit_level", "title", "licence", "township", "continuous"]
    assert answer["reasons"][0] == {"rule": "unit_level", "passed": True, "cite": CITE,
                                    "message": {"zh": "须为县及县以上单位人员", "en": "Must work at a county-level or higher unit"}}
    json.dumps(answer)  # the API sends it as is


def test_pack_version_defaults_to_the_content_hash(compiled):
    assert evaluate(compiled, "grassroots_service", case())["pack_version"] == compiled.content_hash
    assert len(compiled.content_hash) == 64


def test_answers_do_not_share_state(compiled):
    first = evaluate(compiled, "grassroots_service", case())
    first["reasons"][0]["cite"]["doc"] = "changed"
    first["payments"].clear()
    again = evaluate(compiled, "grassroots_service", case())
    assert again["reasons"][0]["cite"]["doc"] == "lijiang-2017"
    assert again["payments"] == []  # no assessments in case(): nothing paid, but for the right reason
    assert compiled.pack["programs"][0]["cite"]["doc"] == "lijiang-2017"


def test_compiled_once_per_content():
    a, b = compile_pack(make_pack()), compile_pack(make_pack())
    assert a is b
    changed = make_pack()
    changed["subsidy_components"][0]["amount_per_year"] = "12000.00"
    assert compile_pack(changed) is not a
    assert compile_pack(a) is a


def test_evaluate_accepts_a_pack_document(compiled):
    assert evaluate(make_pack(), "grassroots_service", case()) == evaluate(compiled, "grassroots_service", case())


def test_an_invalid_pack_is_not_compiled():
    pack = make_pack()
    pack["programs"][0]["eligibility"]["all"][0]["fact"] = "person.shoe_size"
    with pytest.raises(PackInvalidError) as caught:
        compile_pack(pack)
    assert [(e.path, e.code) for e in caught.value.errors] == [("/programs/0/eligibility/all/0/fact", "unknown_fact")]
    with pytest.raises(PackInvalidError):
        evaluate(pack, "grassroots_service", case())


def test_batch_reports_a_bad_case_with_its_index(compiled):
    good = case()
    bad = case(person={"title_level": "boss"})
    with pytest.raises(EvaluationInputError) as caught:
        evaluate_batch(compiled, "grassroots_service", [good, good, bad])
    assert [(e.path, e.code) for e in caught.value.errors] == [("/2/person/title_level", "unknown_value")]
    with pytest.raises(EvaluationInputError) as caught:
        evaluate_batch(compiled, "grassroots_service", [good, "not a case"])
    assert [(e.path, e.code) for e in caught.value.errors] == [("/1", "type_mismatch")]


def test_batch_reads_only_what_the_rules_reach(compiled):
    # a township applicant fails the first rule; the malformed start date is never read
    (result,) = evaluate_batch(compiled, "grassroots_service", [case(person={"unit_level": "township"}, placement={"start_date": "soon"})])
    assert (result.eligible, result.payments, result.total_fen) == (False, (), 0)


def test_batch_result_fields(compiled):
    data = case(assessments=[{"kind": "annual", "year_no": 1, "grade": "qualified"}, {"kind": "annual", "year_no": 2, "grade": "qualified"}])
    (result,) = evaluate_batch(compiled, "grassroots_service", [data])
    assert result.eligible is True
    assert [(p.component, p.years, p.due.isoformat(), p.amount_fen) for p in result.payments] == [
        ("provincial_post_subsidy", (1, 2), "2020-03-01", 2_000_000),
        ("remote_city_subsidy", (1, 2), "2020-03-01", 2_000_000),
    ]
    assert result.total_fen == 4_000_000


def test_compiled_pack_type(compiled):
    assert isinstance(compiled, CompiledPack)
    assert set(compiled.programs) == {"grassroots_service", "early_title"}


def test_editing_a_document_after_compiling_it_does_not_change_the_compiled_pack():
    pack = make_pack()
    compiled = compile_pack(pack)
    pack["programs"][0]["eligibility"]["all"][0]["cite"]["article"] = "第九十九条"
    answer = evaluate(compiled, "grassroots_service", case())
    assert answer["reasons"][0]["cite"]["article"] == "第二条"
