"""The record clock: `recorded_at` moves what records say (utcnow), never the wall clock the audit log keeps."""

from __future__ import annotations

from datetime import datetime, timedelta

from grassroots.db import recorded_at, utcnow, wallclock


def test_records_inside_read_as_from_that_moment_and_keep_their_order():
    moment = datetime(2023, 3, 1, 2, 0)
    with recorded_at(moment):
        first, second = utcnow(), utcnow()
        assert moment <= first <= second < moment + timedelta(seconds=5)
        assert wallclock() - datetime(2026, 1, 1) > timedelta(0)  # the wall clock has not moved
    assert utcnow() - wallclock() < timedelta(seconds=1)


def test_nested_moments_restore_the_outer_one_and_a_future_moment_is_now():
    with recorded_at(datetime(2023, 3, 1)):
        with recorded_at(datetime(2024, 6, 1)):
            assert utcnow().year == 2024
        assert utcnow().year == 2023
        with recorded_at(wallclock() + timedelta(days=30)):  # no record is stamped in the future
            assert abs(utcnow() - wallclock()) < timedelta(seconds=1)
    assert abs(utcnow() - wallclock()) < timedelta(seconds=1)
