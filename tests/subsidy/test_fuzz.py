"""Schemathesis over the subsidy part of /api/v1/openapi.json as authenticated officers: whatever the bodies,
ids, query strings and idempotency keys, no answer is a server error and every success is as documented
(run with `-m slow`; see README). Refusals all share the platform's error shape (grassroots.errors)."""

from __future__ import annotations

import pytest

from grassroots.accounts import tokens
from grassroots.db import db
from tests.subsidy.conftest import client_as, lijiang_placement, user

PATHS = r"^/api/v1/t/\{tenant\}/subsidy/"


@pytest.mark.slow
@pytest.mark.parametrize("username", ["lj_city_hr", "lj_city_finance", "lj_doctor_he"])
def test_the_subsidy_api_never_answers_a_server_error(seeded_app, username):
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    lijiang_placement()
    client_as(seeded_app, "lj_city_hr").post("/api/v1/t/lijiang/subsidy/rosters/compile",
                                             json={"payer": "yunnan_finance", "year": 2025})
    _, raw = tokens.create_token(user(username), "fuzz")
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded_app).include(path_regex=PATHS)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        fuzz(operation, raw, failures, given, settings, HealthCheck)()
    assert failures == []


def fuzz(operation, raw: str, failures: list, given, settings, health):
    """One operation's Hypothesis test (a closure: @given refuses default arguments)."""

    from schemathesis.checks import content_type_conformance, response_schema_conformance

    documented = [response_schema_conformance, content_type_conformance]

    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(health))
    @given(case=operation.as_strategy())
    def run(case):
        case.path_parameters = {**(case.path_parameters or {}), "tenant": "lijiang"}
        response = case.call(headers={**(case.headers or {}), "Authorization": f"Bearer {raw}"})
        where = f"{operation.method.upper()} {case.formatted_path} → {response.status_code}"
        if response.status_code >= 500:
            failures.append(where)
        elif response.status_code < 300:  # errors share the platform's one shape (grassroots.errors)
            try:
                case.validate_response(response, checks=documented)
            except BaseException as exc:  # noqa: BLE001  (collected: every undocumented answer is listed)
                detail = " | ".join(str(e).splitlines()[0] for e in getattr(exc, "exceptions", [exc]))
                failures.append(f"{where}: {detail[:300]}")

    return run
