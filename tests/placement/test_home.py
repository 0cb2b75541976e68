"""The tenant home's 我的工作 cards: each count equals the rows behind its link, within the reader's reach."""

from __future__ import annotations

import re

import pytest
from flask import g

from tests.conftest import login


@pytest.fixture()
def demo(seeded_app):
    result = seeded_app.test_cli_runner().invoke(args=["demo", "cases"])
    assert result.exit_code == 0, result.output
    return seeded_app


def _cards(client, slug: str) -> dict[str, tuple[int, str]]:
    g.pop("_login_user", None)
    html = client.get(f"/t/{slug}/").get_data(as_text=True)
    return {key: (int(count), href.replace("&amp;", "&")) for href, key, count in re.findall(
        r'<a class="card work-card[^"]*" href="([^"]+)" data-work="([^"]+)">\s*<span class="count num">(\d+)</span>', html)}


def _rows(client, href: str, marker: str) -> int:
    g.pop("_login_user", None)
    return len(re.findall(marker, client.get(href).get_data(as_text=True)))


@pytest.mark.parametrize("username", ["lj_county_hr_ninglang", "lj_city_hr", "lj_nl_hospital", "lj_doctor_04"])
def test_each_card_counts_what_its_link_lists(demo, username):
    client = demo.test_client()
    login(client, username)
    cards = _cards(client, "lijiang")
    assert "inbox" in cards  # always shown, even at 0
    inbox_count, inbox_href = cards.pop("inbox")
    assert inbox_count == _rows(client, inbox_href, r'<tr data-task="\d+"')
    for key, (count, href) in cards.items():
        assert count > 0, key  # only cards with something in them
        marker = r'<tr data-application="\d+"' if key.startswith("applications") else r'<tr data-placement="\d+"'
        assert count == _rows(client, href, marker), (username, key, href)


def test_what_waits_for_whom_in_the_demo(demo):
    client = demo.test_client()
    login(client, "lj_county_hr_ninglang")
    county = _cards(client, "lijiang")
    # Ninglang: application #3's 备案 in the inbox, #7 approved awaiting a match, two placements serving
    assert county["inbox"][0] == 1 and county["applications-approved"][0] == 1
    assert county["placements-serving"][0] == 2 and "state=approved" in county["applications-approved"][1]
    professional = demo.test_client()
    login(professional, "lj_doctor_04")  # returned for revision: the professional's own to-do
    own = _cards(professional, "lijiang")
    assert own["applications-returned"][0] == 1 and "applications-approved" not in own
    # km_doctor_02's dispatch recognition waits on the sending unit first, the talent office after it
    unit, office = demo.test_client(), demo.test_client()
    login(unit, "km_applicant_unit")
    login(office, "km_talent_office")
    assert _cards(unit, "kunming")["inbox"][0] == 1 and _cards(office, "kunming")["inbox"][0] == 0
