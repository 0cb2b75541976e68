"""Full years (周年), full months and age (周岁), as DESIGN § Facts defines them."""

from datetime import date

import pytest

from grassroots.policy.dates import add_months, age_on, anniversary, full_months, full_years, parse_date


@pytest.mark.parametrize(("start", "end", "years"), [
    (date(2018, 3, 1), date(2020, 2, 29), 2),   # exactly 2 years: the day before the 2nd anniversary
    (date(2018, 3, 1), date(2020, 2, 28), 1),   # one day short
    (date(2018, 3, 1), date(2020, 3, 1), 2),    # the anniversary itself is already year 3
    (date(2018, 3, 1), date(2021, 2, 28), 3),
    (date(2018, 3, 1), date(2018, 3, 1), 0),    # one day served
    (date(2018, 3, 1), date(2018, 2, 1), 0),    # ended before it began
    (date(2019, 1, 1), date(2019, 12, 31), 1),  # a calendar year
])
def test_full_years(start, end, years):
    assert full_years(start, end) == years


def test_29_february_start_into_a_common_year():
    # A(2020-02-29, 1) is 1 March 2021, so the first full year ends on 28 February 2021.
    assert anniversary(date(2020, 2, 29), 1) == date(2021, 3, 1)
    assert full_years(date(2020, 2, 29), date(2021, 2, 28)) == 1
    assert full_years(date(2020, 2, 29), date(2021, 2, 27)) == 0


def test_29_february_start_into_a_leap_year():
    # A(2020-02-29, 4) is 29 February 2024: four full years end on 28 February 2024.
    assert anniversary(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert full_years(date(2020, 2, 29), date(2024, 2, 28)) == 4
    assert full_years(date(2020, 2, 29), date(2024, 2, 27)) == 3


def test_anniversary_backwards_from_29_february():
    assert anniversary(date(2024, 2, 29), -35) == date(1989, 3, 1)
    assert anniversary(date(2024, 6, 30), -35) == date(1989, 6, 30)


@pytest.mark.parametrize(("start", "end", "months"), [
    (date(2024, 1, 15), date(2024, 7, 14), 6),
    (date(2024, 1, 15), date(2024, 7, 13), 5),
    (date(2023, 1, 31), date(2023, 2, 28), 1),  # 31 Jan + 1 month → 1 March: February completes the month
    (date(2024, 1, 31), date(2024, 2, 28), 0),  # leap year: 29 February is still owed
    (date(2024, 1, 31), date(2024, 2, 29), 1),
])
def test_full_months(start, end, months):
    assert full_months(start, end) == months


def test_add_months_past_year_end_and_short_months():
    assert add_months(date(2023, 12, 31), 2) == date(2024, 3, 1)
    assert add_months(date(2023, 11, 15), 3) == date(2024, 2, 15)


@pytest.mark.parametrize(("birth", "on", "age"), [
    (date(1989, 6, 30), date(2024, 6, 29), 34),
    (date(1989, 6, 30), date(2024, 6, 30), 35),  # the birthday itself
    (date(2000, 2, 29), date(2018, 2, 28), 17),  # 29 Feb birthdays count from 1 March in common years
    (date(2000, 2, 29), date(2018, 3, 1), 18),
    (date(2000, 2, 29), date(2020, 2, 29), 20),
])
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age


@pytest.mark.parametrize("text", ["2020-02-30", "20200101", "2020-W01-1", "2020-1-01", "1899-12-31", "2200-01-01", "", 20200101, None])
def test_parse_date_refuses_what_is_not_a_plain_date_in_range(text):
    assert parse_date(text) is None


def test_parse_date_reads_plain_dates():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
