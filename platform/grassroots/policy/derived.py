"""Facts the engine computes from other facts (source "derived" in facts.json), as of the evaluation date.

Each takes its sources' coerced values (None when absent) and `as_of`; it answers None when a source it
needs is absent, so a criterion on it fails as "not provided" rather than on a made-up value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from .coercion import AnnualGrade, Award
from .dates import age_on, full_months, full_years
from .spec import COUNTY_OR_ABOVE


def service_end(end: date | None, as_of: date) -> date:
    """The last day served so far: the end date if service has ended by `as_of`, else `as_of`."""
    return end if end is not None and end < as_of else as_of


def _age(birth: date | None, as_of: date) -> int | None:
    return None if birth is None else age_on(birth, as_of)


def _full_years(start: date | None, end: date | None, as_of: date) -> int | None:
    if start is None:
        return None
    return full_years(start, end if end is not None and end < as_of else as_of)  # service_end, inline


def _months(start: date | None, end: date | None, as_of: date) -> int | None:
    return None if start is None else full_months(start, service_end(end, as_of))


def _run(grades: tuple[AnnualGrade, ...] | None, counts: Callable[[AnnualGrade], bool]) -> int | None:
    """Most recent consecutive years (no gap) whose grade `counts`, from the latest year recorded."""
    if grades is None:
        return None
    n, expected = 0, None
    for g in reversed(grades):  # coerced grades are sorted by year
        if (expected is not None and g.year != expected) or not counts(g):
            break
        n, expected = n + 1, g.year - 1
    return n


def _consecutive_passing(grades: tuple[AnnualGrade, ...] | None, as_of: date) -> int | None:
    return _run(grades, lambda g: g.passes)


def _consecutive_excellent(grades: tuple[AnnualGrade, ...] | None, as_of: date) -> int | None:
    return _run(grades, lambda g: g.grade == "excellent")


def _county_level_award(awards: tuple[Award, ...] | None, as_of: date) -> bool | None:
    return None if awards is None else any(a.level in COUNTY_OR_ABOVE for a in awards)


# name → (source fact names in argument order, function(*sources, as_of)).
DERIVED: dict[str, tuple[tuple[str, ...], Callable[..., Any]]] = {
    "person.age": (("person.birth_date",), _age),
    "placement.full_years": (("placement.start_date", "placement.end_date"), _full_years),
    "placement.months": (("placement.start_date", "placement.end_date"), _months),
    "person.consecutive_passing_years": (("person.annual_grades",), _consecutive_passing),
    "person.consecutive_excellent_years": (("person.annual_grades",), _consecutive_excellent),
    "person.county_level_award": (("person.awards",), _county_level_award),
}
