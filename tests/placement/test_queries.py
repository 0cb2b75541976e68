"""A list costs the same number of queries whatever its rows (DESIGN § No N+1 queries): counted for one case
and for three, per list endpoint and per kind of reader (tenant-wide, county-scoped, the professional)."""

from __future__ import annotations

import re
from datetime import date

from grassroots.db import db
from tests.db.factories import count_queries
from tests.placement.conftest import apply, approve_application, assess, open_posting
from tests.placement.test_journeys import TERM_END, ninglang_case, run_lijiang

LISTS = ("/api/v1/t/lijiang/applications", "/api/v1/t/lijiang/postings", "/api/v1/t/lijiang/placements",
         "/api/v1/t/lijiang/assessments")
READERS = ("lj_city_hr", "lj_county_hr_ninglang", "lj_doctor_nl", "lj_service_unit")


def _case(world, year: int):
    case = ninglang_case(date(year, 9, 1), date(year + 2, 8, 31))
    run_lijiang(world, case)
    assess(world, case, "lj_service_unit", "annual", 1, "qualified", date(year + 1, 8, 20))
    assess(world, case, "lj_county_hr_ninglang", "term_end", 2, "qualified", date(year + 2, 9, 5), TERM_END)
    return case


def _counts(world) -> dict[tuple[str, str], tuple[int, int]]:
    out = {}
    for reader in READERS:
        for path in LISTS:
            world.get(reader, path)  # warm the pack cache: the first read of a version compiles it
            with count_queries(db.engine) as statements:
                body = world.get(reader, path)
            rows = next(v for k, v in body.items() if isinstance(v, list) and k != "rollup")
            out[(reader, path)] = (len(statements), len(rows))
    return out


def test_list_queries_do_not_grow_with_rows(world):
    _case(world, 2019)
    one = _counts(world)
    _case(world, 2020)
    _case(world, 2021)
    three = _counts(world)
    for key, (queries, rows) in three.items():
        assert rows >= one[key][1], key
        assert queries == one[key][0], f"{key}: {one[key][0]} queries for {one[key][1]} rows, {queries} for {rows}"
    assert three[("lj_city_hr", LISTS[2])][1] == 3 and three[("lj_doctor_nl", LISTS[0])][1] == 3
    assert three[("lj_service_unit", LISTS[3])][1] == 6


def _match_choices(world, username: str, path: str) -> tuple[int, list[str]]:
    """(queries, the postings offered in the match form) of one application page, after a warming read."""
    client = world.client(username)
    client.get(path)
    with count_queries(db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    form = re.search(r'<select id="posting_id" name="posting_id">(.*?)</select>', response.get_data(as_text=True), re.S)
    return len(statements), re.findall(r'<option value="(\d+)"', form.group(1) if form else "")


def test_application_page_queries_do_not_grow_with_open_postings(world):
    """The match form lists every open posting with its open places: one query for all their places."""
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    open_posting(world, case)
    apply(world, case)
    approve_application(world, case)
    path = f"/t/lijiang/applications/{case.app_id}"
    one, offered = _match_choices(world, case.matcher, path)
    assert offered == [str(case.posting_id)]
    more = [open_posting(world, ninglang_case(date(2021, 9, 1), date(2023, 8, 31))) for _ in range(4)]
    five, offered = _match_choices(world, case.matcher, path)
    assert sorted(map(int, offered)) == sorted([case.posting_id, *more])
    assert five == one, f"{one} queries with 1 open posting, {five} with 5"
