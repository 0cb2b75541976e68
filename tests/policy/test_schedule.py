"""Subsidy schedules (pack-format.md § SUBSIDY; Lijiang 第十四条、第十六条), through the evaluation API.

The fixture's grassroots_service pays 10,000/yr from the province, and 10,000/yr from the city when the
township is remote; nothing before 2 full years; then years 1–2 at once, then each full year; a year is
paid only with an annual or term-end assessment that passes and none that fails. Service starts 2018-03-01.
"""

from datetime import date

from grassroots.policy import compile_pack, evaluate, evaluate_batch
from tests.policy.helpers import case, make_pack


def annual(*grades: str) -> list[dict]:
    return [{"kind": "annual", "year_no": n, "grade": g} for n, g in enumerate(grades, start=1) if g]


def paid(answer: dict) -> list[tuple]:
    return [(p["component"], p["years"], p["due"], p["amount"]) for p in answer["payments"]]


def run(compiled, data: dict, program: str = "grassroots_service") -> dict:
    """The full answer, after checking that the batch path agrees with it."""
    answer = evaluate(compiled, program, data)
    (batch,) = evaluate_batch(compiled, program, [data])
    assert batch.eligible == answer["eligible"]
    assert [(p.component, list(p.years), p.due.isoformat(), f"{p.amount_fen // 100}.{p.amount_fen % 100:02d}")
            for p in batch.payments] == paid(answer)
    assert f"{batch.total_fen // 100}.{batch.total_fen % 100:02d}" == answer["total"]
    (total_only,) = evaluate_batch(compiled, program, [data], totals_only=True)
    assert total_only.total_fen == batch.total_fen
    return answer


def test_lump_for_years_1_and_2_then_each_full_year(compiled):
    answer = run(compiled, case(as_of="2021-03-01", placement={"area_tags": []}, assessments=annual("qualified", "excellent", "qualified")))
    assert answer["service"] == {"full_years": 3}
    assert paid(answer) == [
        ("provincial_post_subsidy", [1, 2], "2020-03-01", "20000.00"),
        ("provincial_post_subsidy", [3], "2021-03-01", "10000.00"),
    ]
    assert answer["total"] == "30000.00"
    assert answer["payments"][0]["payer"] == "province_finance"
    assert answer["payments"][0]["currency"] == "CNY"
    assert answer["payments"][0]["cite"] == {"doc": "lijiang-2017", "article": "第二条、第十四条、第十六条"}


def test_remote_adds_the_city_component_in_due_order(compiled):
    answer = run(compiled, case(as_of="2021-03-01", assessments=annual("qualified", "qualified", "qualified")))
    assert paid(answer) == [
        ("provincial_post_subsidy", [1, 2], "2020-03-01", "20000.00"),
        ("remote_city_subsidy", [1, 2], "2020-03-01", "20000.00"),
        ("provincial_post_subsidy", [3], "2021-03-01", "10000.00"),
        ("remote_city_subsidy", [3], "2021-03-01", "10000.00"),
    ]
    assert answer["payments"][1]["payer"] == "city_finance"
    assert answer["total"] == "60000.00"


def test_nothing_before_two_full_years(compiled):
    answer = run(compiled, case(as_of="2020-02-28", assessments=annual("qualified", "qualified")))
    assert (answer["eligible"], answer["service"]["full_years"], answer["payments"], answer["total"]) == (True, 1, [], "0.00")


def test_exactly_two_full_years_falls_due_on_the_second_anniversary(compiled):
    answer = run(compiled, case(as_of="2020-02-29", placement={"area_tags": []}, assessments=annual("qualified", "qualified")))
    assert paid(answer) == [("provincial_post_subsidy", [1, 2], "2020-03-01", "20000.00")]


def test_a_failed_middle_year_is_left_out_and_the_others_paid(compiled):
    answer = run(compiled, case(as_of="2021-03-01", placement={"area_tags": []}, assessments=annual("qualified", "unqualified", "qualified")))
    assert paid(answer) == [
        ("provincial_post_subsidy", [1], "2020-03-01", "10000.00"),
        ("provincial_post_subsidy", [3], "2021-03-01", "10000.00"),
    ]
    assert answer["total"] == "20000.00"


def test_a_year_without_an_assessment_is_not_paid(compiled):
    answer = run(compiled, case(as_of="2021-03-01", placement={"area_tags": []}, assessments=annual("qualified", None, "qualified")))
    assert [p[1] for p in paid(answer)] == [[1], [3]]


def test_a_term_end_assessment_counts_and_a_failing_one_spoils_the_year(compiled):
    term_end_only = annual("qualified") + [{"kind": "term_end", "year_no": 2, "grade": "qualified"}]
    assert [p[1] for p in paid(run(compiled, case(placement={"area_tags": []}, assessments=term_end_only)))] == [[1, 2]]
    mixed = annual("qualified", "qualified") + [{"kind": "term_end", "year_no": 2, "grade": "unqualified"}]
    assert [p[1] for p in paid(run(compiled, case(placement={"area_tags": []}, assessments=mixed)))] == [[1]]
    training = annual("qualified") + [{"kind": "training", "year_no": 2, "grade": "qualified"}]  # not a kind that counts
    assert [p[1] for p in paid(run(compiled, case(placement={"area_tags": []}, assessments=training)))] == [[1]]


def test_when_no_year_passes_nothing_is_paid(compiled):
    answer = run(compiled, case(placement={"area_tags": []}, assessments=annual("unqualified", "unqualified")))
    assert (answer["eligible"], answer["payments"], answer["total"]) == (True, [], "0.00")


def test_empty_requires_passing_pays_every_full_year():
    pack = make_pack()
    for subsidy in pack["programs"][0]["subsidies"]:
        subsidy["schedule"]["requires_passing"] = []
    answer = run(compile_pack(pack), case(as_of="2021-03-01", placement={"area_tags": []}))
    assert [p[1] for p in paid(answer)] == [[1, 2], [3]]


def test_payments_every_two_years_after_the_first():
    pack = make_pack()
    for subsidy in pack["programs"][0]["subsidies"]:
        subsidy["schedule"].update(then_every_full_years=2, requires_passing=[])
    answer = run(compile_pack(pack), case(as_of="2023-03-01", placement={"area_tags": []}))  # 5 full years
    assert paid(answer) == [
        ("provincial_post_subsidy", [1, 2], "2020-03-01", "20000.00"),
        ("provincial_post_subsidy", [3, 4], "2022-03-01", "20000.00"),
    ]


def test_an_ended_service_counts_years_to_its_end_date(compiled):
    answer = run(compiled, case(as_of="2024-01-01", placement={"end_date": "2020-06-30", "area_tags": []},
                                assessments=annual("qualified", "qualified", "qualified")))
    assert answer["service"]["full_years"] == 2
    assert [p[1] for p in paid(answer)] == [[1, 2]]


def test_a_29_february_start_completes_two_years_on_28_february(compiled):
    answer = run(compiled, case(as_of="2018-02-28", placement={"start_date": "2016-02-29", "area_tags": []},
                                assessments=annual("qualified", "qualified")))
    assert paid(answer) == [("provincial_post_subsidy", [1, 2], "2018-03-01", "20000.00")]


def test_no_payments_when_not_eligible_or_without_a_start_date(compiled):
    ineligible = run(compiled, case(person={"unit_level": "township"}, assessments=annual("qualified", "qualified")))
    assert (ineligible["eligible"], ineligible["payments"], ineligible["total"]) == (False, [], "0.00")
    placement = {"unit_level": "township", "continuous": True, "area_tags": ["remote"]}
    no_start = run(compiled, {**case(assessments=annual("qualified", "qualified")), "placement": placement})
    assert (no_start["service"]["full_years"], no_start["payments"]) == (None, [])


def test_batch_of_many_cases_matches_case_by_case(compiled):
    cases = [case(as_of=f"{year}-03-01", assessments=annual(*["qualified"] * 6)) for year in range(2018, 2025)]
    results = evaluate_batch(compiled, "grassroots_service", cases, today=date(2024, 1, 1))
    assert [r.total_fen // 100 for r in results] == [0, 0, 40000, 60000, 80000, 100000, 120000]


def test_a_failed_term_end_appraisal_voids_the_whole_lump_with_void_on_failing():
    """Lijiang 第十六条: 期满考核不合格 forfeits the 2-year lump though year 1's annual grade passed;
    a failed yearly appraisal from year 3 voids only that year's payment."""
    pack = make_pack()
    for subsidy in pack["programs"][0]["subsidies"]:
        subsidy["schedule"]["void_on_failing"] = ["term_end"]
    compiled = compile_pack(pack)
    failed_term = annual("qualified", "qualified", "qualified", "qualified") + [
        {"kind": "term_end", "year_no": 2, "grade": "unqualified"},
    ]
    answer = run(compiled, case(as_of="2022-03-01", placement={"area_tags": []}, assessments=failed_term))
    assert paid(answer) == [
        ("provincial_post_subsidy", [3], "2021-03-01", "10000.00"),
        ("provincial_post_subsidy", [4], "2022-03-01", "10000.00"),
    ]
    assert answer["total"] == "20000.00"
    # Without the flag the same facts pay year 1 of the lump (the year-by-year reading).
    plain = run(compile_pack(make_pack()), case(as_of="2022-03-01", placement={"area_tags": []}, assessments=failed_term))
    assert paid(plain)[0] == ("provincial_post_subsidy", [1], "2020-03-01", "10000.00")
