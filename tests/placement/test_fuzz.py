"""Schemathesis over the placement part of /api/v1/openapi.json as an authenticated officer: whatever the
bodies, ids and query strings, no answer is a server error (run with `-m slow`; see README)."""

from __future__ import annotations

import pytest

from grassroots.accounts import tokens
from grassroots.accounts.models import User
from grassroots.db import db

PATHS = r"^/api/v1/t/\{tenant\}/(postings|applications|matches|agreements|placements|assessments|extensions|decisions|people/\{person_id\}/timeline)"


@pytest.mark.slow
@pytest.mark.parametrize("username", ["lj_city_hr", "lj_doctor_nl"])
def test_the_placement_api_never_answers_a_server_error(world, username):
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
    _, raw = tokens.create_token(user, "fuzz")
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world.app).include(path_regex=PATHS)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        @settings(max_examples=25, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            case.path_parameters = {**(case.path_parameters or {}), "tenant": "lijiang"}
            response = case.call(headers={"Authorization": f"Bearer {raw}"})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:200]}")

        run()
    assert failures == []
