"""Properties over generated data: the checker and the engine never answer with an exception, and the
batch path agrees with the traced path on every valid case."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.policy import EvaluationInputError, check_pack, compile_pack, evaluate, evaluate_batch
from tests.policy.helpers import make_pack

PACK_KEYS = ["format", "jurisdiction", "extends", "vocabulary", "programs", "forms", "id", "kind", "fact", "op", "value",
             "all", "any", "not", "cite", "doc", "schedule", "subsidies", "when", "tests", "route", "steps", "schema"]
INPUT_KEYS = ["as_of", "person", "placement", "assessments", "attestations", "unit_level", "title_level", "licenses",
              "start_date", "end_date", "kind", "year_no", "grade", "area_tags", "birth_date", "continuous"]


def json_values(keys: list[str]) -> st.SearchStrategy:
    scalars = st.none() | st.booleans() | st.integers(min_value=-10**6, max_value=10**6) | st.floats(allow_nan=False) | st.text(max_size=12)
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), children, max_size=4),
        max_leaves=25,
    )


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _pointers(node, prefix=()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _pointers(value, (*prefix, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            out += _pointers(value, (*prefix, n))
    return out


POINTERS = _pointers(make_pack())[1:]


def assert_clean(errors) -> None:
    assert isinstance(errors, list)
    assert not {e.code for e in errors} & {"internal", "too_deep"}, errors
    for e in errors:
        assert isinstance(e.path, str) and e.path == "" or e.path.startswith("/")
        assert e.message["zh"] and e.message["en"]


@SETTINGS
@given(json_values(PACK_KEYS))
def test_check_pack_answers_any_json_with_errors(doc):
    assert_clean(check_pack(doc))


@SETTINGS
@given(st.sampled_from(POINTERS), json_values(PACK_KEYS))
def test_check_pack_answers_a_pack_with_any_part_replaced(where, replacement):
    pack = make_pack()
    node = pack
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = replacement
    assert_clean(check_pack(pack))


COMPILED = compile_pack(make_pack())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["grassroots_service", "early_title"]), json_values(INPUT_KEYS))
def test_evaluate_answers_any_input_or_says_what_is_wrong(program, data):
    try:
        answer = evaluate(COMPILED, program, data)
    except EvaluationInputError as exc:
        assert_clean(exc.errors)
        assert exc.errors
    else:
        assert answer["eligible"] in (True, False, None)
    try:
        evaluate_batch(COMPILED, program, [data])
    except EvaluationInputError as exc:
        assert_clean(exc.errors)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


dates = st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31))
levels = st.sampled_from(["township", "county", "city", "province"])


@st.composite
def valid_inputs(draw) -> dict:
    start = draw(maybe(dates))
    person = {
        "unit_level": draw(maybe(levels)),
        "title_level": draw(maybe(st.sampled_from(["none", "junior", "intermediate", "deputy_senior", "senior"]))),
        "licenses": draw(maybe(st.lists(st.sampled_from(["practising_physician", "nurse", "pharmacist"]), unique=True))),
        "birth_date": draw(maybe(st.dates(min_value=date(1960, 1, 1), max_value=date(2000, 12, 31)))),
    }
    placement = {
        "start_date": start,
        "end_date": draw(maybe(st.builds(lambda s, d: s + timedelta(days=d), dates, st.integers(0, 3000)))),
        "unit_level": draw(maybe(levels)),
        "continuous": draw(maybe(st.booleans())),
        "area_tags": draw(maybe(st.lists(st.just("remote"), max_size=1))),
    }
    assessments = draw(st.lists(st.fixed_dictionaries({
        "kind": st.sampled_from(["annual", "term_end", "training"]),
        "year_no": st.integers(0, 10),
        "grade": st.sampled_from(["excellent", "qualified", "basically_qualified", "unqualified"]),
    }), max_size=8))
    data = {
        "as_of": draw(dates).isoformat(),
        "person": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in person.items() if v is not None},
        "placement": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in placement.items() if v is not None},
        "assessments": assessments,
    }
    attestation = draw(maybe(st.booleans()))
    if attestation is not None:
        data["attestations"] = {"good_political_quality": attestation}
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["grassroots_service", "early_title"]), valid_inputs())
def test_the_batch_path_agrees_with_the_traced_path(program, data):
    answer = evaluate(COMPILED, program, data)
    (detailed,) = evaluate_batch(COMPILED, program, [data])
    (totals,) = evaluate_batch(COMPILED, program, [data], totals_only=True)
    assert detailed.eligible is answer["eligible"] and totals.eligible is answer["eligible"]
    assert [(p.component, list(p.years), p.due.isoformat()) for p in detailed.payments] == [
        (p["component"], p["years"], p["due"]) for p in answer["payments"]]
    assert detailed.total_fen == totals.total_fen == round(float(answer["total"]) * 100)
