"""The province aggregates exactly its cities' rosters for the payer it funds, and nothing else."""

from __future__ import annotations

from datetime import date

from tests.subsidy.conftest import client_as, kunming_placement, lijiang_placement


def _compile(app, username: str, slug: str, payer: str, year: int) -> list[dict]:
    response = client_as(app, username).post(f"/api/v1/t/{slug}/subsidy/rosters/compile",
                                             json={"payer": payer, "year": year})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["rosters"]


def _roster_total_from_lines(app, username: str, slug: str, roster_id: int) -> int:
    """A city's roster total, summed here from its lines as the city reads them (fen, exact)."""
    lines = client_as(app, username).get(f"/api/v1/t/{slug}/subsidy/rosters/{roster_id}").get_json()["lines"]
    return sum(int(line["amount"].replace(".", "")) for line in lines)


def test_province_rollup_equals_the_sum_of_its_cities_rosters(seeded_app):
    lijiang_placement(remote=True, name="甲")
    lijiang_placement(remote=False, name="乙")
    lijiang_placement(remote=True, start=date(2021, 3, 1), end=date(2025, 2, 28), name="丙",
                      assessments=(("annual", 1, "qualified"), ("annual", 2, "qualified"), ("term_end", 2, "qualified"),
                                   ("annual", 3, "qualified"), ("term_end", 3, "qualified"),
                                   ("annual", 4, "excellent"), ("term_end", 4, "qualified")))
    kunming_placement(start=date(2024, 3, 1), name="丁")
    provincial = _compile(seeded_app, "lj_city_hr", "lijiang", "yunnan_finance", 2025)
    _compile(seeded_app, "lj_city_hr", "lijiang", "lijiang_finance", 2025)
    kunming = _compile(seeded_app, "km_city_hr", "kunming", "kunming_finance", 2025)
    assert [r["total"] for r in kunming] == ["10000.00"]  # Kunming's township subsidy: the city pays it

    rollup = client_as(seeded_app, "yn_province_hr").get("/api/v1/t/yunnan/subsidy/rollup?year=2025")
    assert rollup.status_code == 200, rollup.get_json()
    body = rollup.get_json()
    assert body["payers"] == ["yunnan_finance"]
    cities = {c["tenant"]: c for c in body["cities"]}
    assert {r["payer"] for c in cities.values() for r in c["rosters"]} == {"yunnan_finance"}
    assert cities["kunming"]["rosters"] == [] and cities["kunming"]["total"] == "0.00"
    expected = sum(_roster_total_from_lines(seeded_app, "lj_city_hr", "lijiang", r["id"]) for r in provincial)
    assert expected == 5_000_000  # 甲 20000 (years 1-2) + 乙 20000 + 丙 10000 (year 4, due 2025-03-01)
    assert body["total"] == f"{expected // 100}.{expected % 100:02d}" == cities["lijiang"]["total"]
    assert body["lines"] == sum(r["line_count"] for r in provincial) == 3
    page = client_as(seeded_app, "yn_province_finance").get("/t/yunnan/subsidy/rollup?year=2025")
    assert page.status_code == 200 and "50000.00" in page.get_data(as_text=True)


def test_a_city_officer_cannot_read_the_province_rollup(seeded_app):
    assert client_as(seeded_app, "lj_city_hr").get("/api/v1/t/yunnan/subsidy/rollup?year=2025").status_code == 404
