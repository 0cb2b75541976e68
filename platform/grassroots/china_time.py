"""China Standard Time (UTC+8, no daylight saving): the platform's one offset, today's date there, and how a
page shows a moment. Pure: no app, no DB. The offset and
`china_today` live in `grassroots.policy.dates` (the pure engine defaults its as-of date to it) and are
re-exported here.

The database keeps naive UTC and the API answers ISO-8601 UTC (`...Z`); pages show Beijing time through the
`local_time` Jinja filter (registered by the app factory): `{{ task.acted_at|local_time }}` → `2026-11-24 02:04`,
`{{ task.due_at|local_time('date') }}` → `2026-11-24`. A calendar date (a `date`, or `YYYY-MM-DD`: a service
start, an assessment day) is a day, not a moment, and is shown as it is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from grassroots.policy.dates import CHINA, china_today  # the one offset lives with the pure engine

__all__ = ["CHINA", "FORMATS", "china_today", "in_china", "local_time"]

FORMATS = {"minute": "%Y-%m-%d %H:%M", "second": "%Y-%m-%d %H:%M:%S", "date": "%Y-%m-%d"}


def in_china(moment: datetime) -> datetime:
    """An aware moment, or a naive one in UTC (as the database stores them), in China time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA)


def _parse(text: str) -> date | datetime | None:
    try:
        return date.fromisoformat(text)  # a day: never shifted
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text)  # `Z`, an offset, or none (then UTC)
    except ValueError:
        return None


def local_time(value: date | datetime | str | None, style: str = "minute") -> str:
    """`value` as a page shows it, in Beijing time: `style` "minute" (default), "second" or "date".

    None (or "") is "", so a template writes `x|local_time or '—'`; a string that is not ISO-8601 is shown
    as it is rather than failing the page."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        parsed = _parse(value.strip())
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, datetime):
        return in_china(value).strftime(FORMATS.get(style, FORMATS["minute"]))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
