"""Calendar arithmetic the texts use: full years (周年), full months, age in full years (周岁).

DESIGN § Facts: service from S to E inclusive has N full years when E ≥ A(S, N) − 1 day, where A(S, N) is
the date N years after S; a 29 February start maps to 1 March in a common year. Months follow the same
rule (a day the target month lacks maps to the 1st of the month after).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

ONE_DAY = timedelta(days=1)
CHINA = timezone(timedelta(hours=8), "CST")  # China Standard Time: no daylight saving, so a fixed offset is exact


def china_today() -> date:
    """Today in China: the default as-of date of an evaluation (the server's own clock is UTC, which is still
    yesterday between 00:00 and 08:00 Beijing time)."""
    return datetime.now(UTC).astimezone(CHINA).date()

# Dates a pack or an input may carry: wide enough for any career, narrow enough that N years later exists.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def parse_date(value: object) -> date | None:
    """`"YYYY-MM-DD"` → date within EARLIEST..LATEST, else None (no other ISO 8601 forms)."""
    if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-" or not value.isascii():
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return None
    return d if EARLIEST <= d <= LATEST else None


def anniversary(start: date, years: int) -> date:
    """A(S, N): the date `years` years after `start` (negative: before); 29 Feb → 1 Mar in a common year."""
    year = start.year + years
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def add_months(start: date, months: int) -> date:
    """The date `months` months after `start`; a day the target month lacks → the 1st of the next month."""
    y, m = divmod(start.month - 1 + months, 12)
    try:
        return date(start.year + y, m + 1, start.day)
    except ValueError:
        y, m = divmod(start.month + months, 12)
        return date(start.year + y, m + 1, 1)


def full_years(start: date, end: date) -> int:
    """Full years (周年) served from `start` to `end`, both days included; 0 when `end` is before `start`."""
    after = end + ONE_DAY  # N full years ⇔ A(S, N) ≤ end + 1 day
    n = after.year - start.year
    if n > 0 and anniversary(start, n) > after:
        n -= 1
    return n if n > 0 else 0


def full_months(start: date, end: date) -> int:
    """Full months served from `start` to `end`, both days included."""
    after = end + ONE_DAY
    n = (after.year - start.year) * 12 + after.month - start.month
    if n > 0 and add_months(start, n) > after:
        n -= 1
    return n if n > 0 else 0


def age_on(birth: date, as_of: date) -> int:
    """Age in full years (周岁) on `as_of`: the number of birthdays reached (29 Feb → 1 Mar)."""
    n = as_of.year - birth.year
    if n > 0 and anniversary(birth, n) > as_of:
        n -= 1
    return n if n > 0 else 0
