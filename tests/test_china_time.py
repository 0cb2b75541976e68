"""Pages show Beijing time (UTC+8, no daylight saving); the database and the API keep UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from grassroots.china_time import CHINA, in_china, local_time


def test_an_evening_in_utc_is_the_next_morning_in_china():
    assert local_time(datetime(2026, 11, 23, 18, 4, tzinfo=UTC)) == "2026-11-24 02:04"
    assert local_time(datetime(2026, 11, 23, 18, 4, tzinfo=UTC), "date") == "2026-11-24"
    assert local_time(datetime(2026, 11, 23, 18, 4, 9, tzinfo=UTC), "second") == "2026-11-24 02:04:09"


def test_a_naive_datetime_is_utc_as_the_database_stores_it():
    assert local_time(datetime(2026, 11, 23, 18, 4)) == "2026-11-24 02:04"
    assert local_time(datetime(2026, 1, 1, 3, 0)) == "2026-01-01 11:00"
    assert in_china(datetime(2026, 11, 23, 18, 4)).utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("text", ["2026-11-23T18:04:00Z", "2026-11-23T18:04:00+00:00", "2026-11-23T18:04:00",
                                  "2026-11-24T02:04:00+08:00", "2026-11-23T13:04:00-05:00", " 2026-11-23T18:04:00Z "])
def test_iso_strings_as_the_api_writes_them(text):
    assert local_time(text) == "2026-11-24 02:04"
    assert local_time(text, "date") == "2026-11-24"


def test_an_aware_moment_in_china_is_shown_as_it_is():
    assert local_time(datetime(2026, 11, 24, 2, 4, tzinfo=CHINA)) == "2026-11-24 02:04"
    assert local_time(datetime(2026, 11, 24, 2, 4, tzinfo=timezone(timedelta(hours=8)))) == "2026-11-24 02:04"


def test_a_calendar_date_is_a_day_not_a_moment():
    assert local_time(date(2026, 11, 23)) == "2026-11-23"  # a service start, an assessment day: never shifted
    assert local_time("2026-11-23") == "2026-11-23"
    assert local_time(date(2026, 11, 23), "date") == "2026-11-23"


def test_nothing_is_empty_and_anything_else_is_shown_as_it_is():
    assert local_time(None) == "" and local_time("") == ""
    assert local_time("尚未签署") == "尚未签署"  # never fails the page


def test_templates_have_the_filter(app):
    render = app.jinja_env.from_string("{{ at|local_time }}|{{ at|local_time('date') }}|{{ none|local_time or '—' }}").render
    assert render(at=datetime(2026, 11, 23, 18, 4), none=None) == "2026-11-24 02:04|2026-11-24|—"
