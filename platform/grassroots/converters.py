"""URL converters shared by every blueprint (pages and API alike).

`<id:name>` is a database id: an integer from 1 to 2³¹−1 (the range of the id columns on both
databases). Anything else matches no rule, so the answer is the platform's ordinary 404, never a 500:
an id past the column's range used to reach the query and overflow (SQLite raises OverflowError,
PostgreSQL "integer out of range"). Zero and negative numbers name no row either.

The app factory registers it on the URL map (`app.url_map.converters`) before any blueprint is bound,
and with the OpenAPI document (extensions.py: `api.register_converter`), which then describes every such
path parameter as an integer with minimum 1 and maximum 2147483647. This module depends on Werkzeug
only, so every layer may use it.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

ID_MIN = 1
ID_MAX = 2**31 - 1
NAME = "id"


class IdConverter(IntegerConverter):
    """`<id:name>`: 1 … 2³¹−1, no arguments (unsigned digits; out of range is no match, hence 404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError("<id:...> takes no arguments")
        super().__init__(map, min=ID_MIN, max=ID_MAX)


def id_param_schema(converter: IdConverter) -> dict[str, Any]:
    """The OpenAPI schema of an `<id:...>` path parameter (flask-smorest's converter hook)."""
    return {"type": "integer", "minimum": ID_MIN, "maximum": ID_MAX}


def register(url_map: Map) -> None:
    url_map.converters[NAME] = IdConverter
