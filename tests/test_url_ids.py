"""Ids in URLs never give a 500: every URL rule with an object id uses the shared `<id:...>` converter
(grassroots.converters: 1 … 2³¹−1), so 0, -1, 2³¹ and 10²⁰ match no rule and answer the platform's 404
(the JSON error body under /api/, the error page elsewhere), before anything reaches the database.
The sweep walks the live URL map, so a rule added later with a plain `<int:...>` fails here."""

from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter

from grassroots.converters import ID_MAX, IdConverter
from grassroots.errors import MESSAGES
from tests.conftest import login

OUT_OF_RANGE = (0, -1, 2**31, 10**20)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _id_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(c, IdConverter) for c in rule._converters.values())]


def _path(rule, values: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name in values:
            return str(values[name])
        if name == "tenant":
            return "lijiang"
        return "1" if isinstance(rule._converters[name], IntegerConverter) else "x"

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", fill, rule.rule)


def _other_rule_matches(app, path: str, method: str, endpoint: str) -> bool:
    """`-1` may be a fine value of some other rule's string parameter: that rule's answer is not ours."""
    try:
        matched, _ = app.url_map.bind("localhost").match(path, method=method)
    except (NotFound, MethodNotAllowed):
        return False
    return matched != endpoint


def test_no_url_rule_takes_a_plain_integer(app):
    plain = [f"{rule.endpoint} {rule.rule}" for rule in app.url_map.iter_rules()
             for c in rule._converters.values() if isinstance(c, IntegerConverter) and not isinstance(c, IdConverter)]
    assert plain == [], "use <id:...> (grassroots.converters) for ids in URLs:\n" + "\n".join(plain)
    assert len(_id_rules(app)) > 40  # pages and API of every module


def test_openapi_describes_ids_as_bounded_integers(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    ids = [(path, p["name"], p["schema"]) for path, item in doc["paths"].items() for p in item.get("parameters", [])
           if p["in"] == "path" and p["name"] != "tenant" and p["schema"].get("type") == "integer"]
    assert len(ids) > 25
    wrong = [(path, name, schema) for path, name, schema in ids
             if schema != {"type": "integer", "minimum": 1, "maximum": ID_MAX}]
    assert wrong == []


@pytest.mark.parametrize("value", OUT_OF_RANGE, ids=lambda v: f"id={v}")
def test_every_id_out_of_range_is_a_404_never_a_500(seeded_app, value):
    client = seeded_app.test_client()
    login(client, "lj_city_hr")  # a member of the URL's tenant: the wall is not what answers here
    checked = 0
    for rule in _id_rules(seeded_app):
        for name, converter in rule._converters.items():
            if not isinstance(converter, IdConverter):
                continue
            path = _path(rule, {name: value})
            for method in sorted(rule.methods & set(METHODS)):
                where = f"{method} {path} ({rule.endpoint})"
                response = client.open(path, method=method, **({"json": {}} if path.startswith("/api/") else {}))
                body = response.get_data(as_text=True)
                assert response.status_code < 500, f"{where}: {response.status_code}\n{body[:1000]}"
                if _other_rule_matches(seeded_app, path, method, rule.endpoint):
                    continue
                assert response.status_code == 404, f"{where}: {response.status_code}\n{body[:1000]}"
                if path.startswith("/api/"):
                    assert response.get_json() == {"error": {"code": "not_found", "message": MESSAGES[404],
                                                             "errors": []}}, where
                else:
                    assert response.mimetype == "text/html" and MESSAGES[404]["zh"] in body, where
                checked += 1
    assert checked > 50


def test_the_largest_id_reaches_the_database_and_is_simply_missing(seeded_app):
    """2³¹−1 is a valid id: the handler runs its query on either database and finds nothing."""
    client = seeded_app.test_client()
    login(client, "lj_city_hr")
    for rule in _id_rules(seeded_app):
        if "GET" not in rule.methods:
            continue
        path = _path(rule, {name: ID_MAX for name, c in rule._converters.items() if isinstance(c, IdConverter)})
        response = client.get(path)
        assert response.status_code in (403, 404), f"GET {path}: {response.status_code}"
