"""Lists page through every row they reach (50 a page, newest first) instead of stopping at a cap, and
filter by state: the API answers `page` and `has_next`, the pages a state filter and previous/next links."""

from __future__ import annotations

import re
from datetime import date

import pytest

from grassroots.placement import applications, placements
from tests.placement.test_queries import _case

API = "/api/v1/t/lijiang"


@pytest.fixture()
def three(world, monkeypatch):
    """Three Lijiang cases served and assessed; lists two to a page (assessments four)."""
    cases = [_case(world, year) for year in (2019, 2020, 2021)]
    monkeypatch.setattr(placements, "PER_PAGE", 2)
    monkeypatch.setattr(applications, "PER_PAGE", 2)
    monkeypatch.setattr(placements, "ASSESSMENTS_PER_PAGE", 4)
    return world, cases


def _walk(world, username: str, path: str, key: str) -> list[list[int]]:
    """The ids of each page, following has_next from page 1."""
    pages, number = [], 1
    while True:
        body = world.get(username, f"{path}{'&' if '?' in path else '?'}page={number}")
        assert body["page"] == number
        pages.append([row["id"] for row in body[key]])
        if not body["has_next"]:
            return pages
        number += 1


@pytest.mark.parametrize("reader", ["lj_city_hr", "lj_county_hr_ninglang"])
def test_every_placement_and_application_is_reached_page_by_page(three, reader):
    world, cases = three
    pages = _walk(world, reader, f"{API}/placements", "placements")
    assert [len(p) for p in pages] == [2, 1]
    assert sorted(sum(pages, [])) == sorted(c.placement_id for c in cases)  # each once, none lost
    assert pages[0] == sorted(pages[0], reverse=True)  # newest (latest start) first
    apps = _walk(world, reader, f"{API}/applications", "applications")
    assert [len(p) for p in apps] == [2, 1] and sorted(sum(apps, [])) == sorted(c.app_id for c in cases)
    assessments = _walk(world, reader, f"{API}/assessments", "assessments")
    assert [len(p) for p in assessments] == [4, 2] and len(set(sum(assessments, []))) == 6


def test_a_page_past_the_end_is_empty_and_a_bad_page_or_state_is_422(three):
    world, _cases = three
    beyond = world.get("lj_city_hr", f"{API}/placements?page=3")
    assert beyond["placements"] == [] and beyond["has_next"] is False
    for query in ("page=0", "page=10001", "page=x", "state=finished"):
        error = world.get("lj_city_hr", f"{API}/placements?{query}", status=422)["error"]
        assert error["message"]["zh"] and error["message"]["en"], query
    assert world.get("lj_city_hr", f"{API}/applications?state=bogus", status=422)["error"]["errors"]


def _code(value) -> str:
    return value["code"] if isinstance(value, dict) else value


def test_state_filters_keep_to_their_state(three):
    world, cases = three
    by_state = {}
    for state in ("serving", "ended"):
        rows = [p for n in range(1, 4) for p in world.get("lj_city_hr", f"{API}/placements?state={state}&page={n}")
                ["placements"]]
        assert all(_code(p["state"]) == state for p in rows), state
        by_state[state] = {p["id"] for p in rows}
    assert by_state["serving"] | by_state["ended"] == {c.placement_id for c in cases}
    assert not by_state["serving"] & by_state["ended"]
    placed = world.get("lj_city_hr", f"{API}/applications?state=placed")["applications"]
    assert placed and all(_code(a["state"]) == "placed" for a in placed)
    assert world.get("lj_city_hr", f"{API}/applications?state=rejected")["applications"] == []


def test_assessments_of_one_placement_need_its_reader(three, world):
    _world, cases = three
    mine = world.get("lj_service_unit", f"{API}/assessments?placement_id={cases[0].placement_id}")["assessments"]
    assert {a["placement_id"] for a in mine} == {cases[0].placement_id} and len(mine) == 2
    world.get("lj_city_hr", f"{API}/assessments?placement_id=2147483647", status=404)


def test_the_list_pages_filter_and_turn(three):
    world, cases = three
    client = world.client("lj_city_hr")
    first = client.get("/t/lijiang/placements").get_data(as_text=True)
    assert 'data-testid="pager"' in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert len(re.findall(r'<tr data-placement="(\d+)"', first)) == 2
    second = client.get("/t/lijiang/placements?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second and 'rel="next"' not in second and "第 2 页" in second
    shown = re.findall(r'<tr data-placement="(\d+)"', first) + re.findall(r'<tr data-placement="(\d+)"', second)
    assert sorted(map(int, shown)) == sorted(c.placement_id for c in cases)
    filtered = client.get("/t/lijiang/applications?state=placed").get_data(as_text=True)
    assert '<option value="placed" selected>' in filtered
    assert "page=2&amp;state=placed" in filtered or "state=placed&amp;page=2" in filtered  # the filter is kept
    none = client.get("/t/lijiang/applications?state=rejected").get_data(as_text=True)
    assert "没有符合条件的申请" in none
    odd = client.get("/t/lijiang/applications?state=<script>&page=-1")
    assert odd.status_code == 200 and "<script>" not in odd.get_data(as_text=True).split("<main")[1]


def test_a_submitted_time_is_shown_in_beijing_time(three):
    world, cases = three
    body = world.get("lj_city_hr", f"{API}/applications/{cases[0].app_id}")
    submitted = body["submitted_at"]
    page = world.client("lj_city_hr").get("/t/lijiang/applications?state=placed").get_data(as_text=True)
    from grassroots.china_time import local_time

    assert local_time(submitted) in page and date.fromisoformat(local_time(submitted)[:10])
