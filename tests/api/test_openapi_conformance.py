"""The OpenAPI document at /api/v1/openapi.json is valid and says what the API really answers.

- A valid OpenAPI 3.0 document (no `format: null` and the like); every operation lists each status it can
  answer, every error with the platform's one error body (grassroots.errors), which real refusals match.
- Schemathesis over the whole document (accounts, tenancy, packs, forms, workflow, identity, placement,
  subsidy), one test per module (its OpenAPI tag), as one authenticated officer with a Bearer token on a
  database with the demo cases in every state and a compiled roster: no server error, and every response,
  refusals included, has a documented status, content type, headers and body. Marked `slow` (README names
  the command); derandomized with no example database, so a run is repeatable.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable

import pytest

from grassroots.accounts import tokens
from grassroots.accounts.models import Membership, User
from grassroots.db import db
from tests import dbutil
from tests.conftest import BACKEND, DEMO_PASSWORD, _clone_app, build_seeded

SPEC = "/api/v1/openapi.json"
TENANT = "lijiang"
OFFICER = "api_fuzz_officer"
# The Lijiang offices that together hold every permission an API operation asks for, all tenant-wide, so
# that operations get past their access rule and into their own checks (a second person's, a state's).
OFFICES = ("city_hr", "city_finance", "county_hr", "tenant_admin", "policy_publisher")
# Revoking a token by a fuzzed id would sooner or later revoke the run's own token (ids start at 1) and
# turn the rest of the run into 401s. That one operation is called as another user with a fresh token per
# call: it can revoke only its own tokens (anyone else's id answers 404), never the officer's.
REVOKE = ("DELETE", "/api/v1/tokens/{token_id}")
REVOKER = "api_fuzz_revoker"
# Nothing is left out: signing in and out are pages, not API operations (a run cannot log its token out);
# POST /api/v1/tokens needs a browser session and answers a token its documented 403; the evaluation's
# rate limit is lifted in `api_world` below.
# One test per module (its blueprint's OpenAPI tag), with the examples each of its operations gets.
# 70 operations, about 2,500 requests: under a minute on SQLite, about 70 s on PostgreSQL (one core).
MODULES = {"accounts_api": 40, "tenancy_api": 30, "packs_api": 40, "forms_api": 50, "workflow_api": 50,
           "identity_api": 40, "placement_api": 30, "subsidy_api": 40}
METHODS = ("get", "put", "post", "patch", "delete")
# Fuzzed ids rarely name a row (ids go up to 2³¹−1): a third of the examples take ids among the first rows.
ROW_IDS = range(1, 61)


def _spec(client) -> dict:
    response = client.get(SPEC)
    assert response.status_code == 200
    return response.get_json()


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


# --- The document ------------------------------------------------------------------------------------------


def _nulls(node, where: str = "") -> list[str]:
    if isinstance(node, dict):
        out = [f"{where}/{k}" for k, v in node.items() if v is None and k in ("format", "type", "pattern", "$ref")]
        for key, value in node.items():
            out += _nulls(value, f"{where}/{key}")
        return out
    if isinstance(node, list):
        return [hit for i, value in enumerate(node) for hit in _nulls(value, f"{where}/{i}")]
    return []


def test_the_openapi_document_is_valid(client):
    spec = _spec(client)
    assert _nulls(spec) == []
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)


def test_every_operation_documents_each_status_with_the_platform_error_body(client):
    spec = _spec(client)
    responses = spec["components"]["responses"]
    error_ref = {"$ref": "#/components/schemas/Error"}
    missing = []
    for path, method, operation in _operations(spec):
        documented = operation["responses"]
        assert "default" not in documented, f"{method} {path}: statuses are listed, not defaulted"
        wanted = {"401"} | ({"404"} if "{" in path else set()) | ({"400"} if method != "get" else set())
        if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
            wanted.add("422")
        missing += [f"{method.upper()} {path} {status}" for status in sorted(wanted - set(documented))]
        for status, response in documented.items():
            response = responses[response["$ref"].rsplit("/", 1)[1]] if "$ref" in response else response
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == error_ref, f"{method} {path} {status}: {schema}"
            elif status != "204":
                assert response.get("content"), f"{method} {path} {status} documents no content"
    assert missing == []
    assert spec["components"]["schemas"]["Error"]["required"] == ["error"]


def _validator(spec: dict, name: str):
    """A JSON Schema validator for one component schema, its $refs resolved within the document."""
    jsonschema = pytest.importorskip("jsonschema")  # both come with schemathesis
    referencing = pytest.importorskip("referencing")
    from referencing.jsonschema import DRAFT4

    registry = referencing.Registry().with_resource("urn:spec", DRAFT4.create_resource(spec))
    return jsonschema.Draft4Validator({"$ref": f"urn:spec#/components/schemas/{name}"}, registry=registry)


def test_real_refusals_match_the_documented_error_body(client):
    """The documented body against what grassroots.errors answers: 401, 404, 405 and a 422 with paths."""
    from grassroots.errors import error_response

    spec = _spec(client)
    validator = _validator(spec, "Error")
    bodies = [client.get("/api/v1/me"), client.get("/api/v1/nothing-here"), client.put(SPEC)]
    with client.application.test_request_context("/api/v1/x"):
        response, _ = error_response(422, "invalid", None, [
            {"path": "/name", "code": "invalid", "message": {"zh": "无效", "en": "Invalid"}},
            {"path": "/eligibility/age", "code": "ineligible", "message": {"zh": "年龄", "en": "Age"},
             "cite": {"article": "第五条"}, "decision_id": 3}])
        bodies.append(response)
    for response in bodies:
        errors = [e.message for e in validator.iter_errors(response.get_json())]
        assert errors == [], (response.status_code, response.get_json(), errors)
    assert not validator.is_valid({"code": 404, "status": "Not Found", "message": "x"})  # flask-smorest's shape


# --- Schemathesis ------------------------------------------------------------------------------------------


def build_api_world(app) -> None:
    """The demo tenants and their cases in every state, a Lijiang roster compiled, and the two fuzzing users."""
    from grassroots.placement.demo import seed_cases
    from grassroots.tenancy.models import Tenant
    from tests.subsidy.conftest import client_as, lijiang_placement

    build_seeded(app)
    seed_cases()
    lijiang_placement()
    response = client_as(app, "lj_city_hr").post(f"/api/v1/t/{TENANT}/subsidy/rosters/compile",
                                                 json={"payer": "yunnan_finance", "year": 2025})
    assert response.status_code == 201, response.get_data(as_text=True)
    tenant = db.session.execute(db.select(Tenant).filter_by(slug=TENANT)).scalar_one()
    for username in (OFFICER, REVOKER):
        user = User(username=username, display_name=username)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    officer = db.session.execute(db.select(User).filter_by(username=OFFICER)).scalar_one()
    for office in OFFICES:
        db.session.add(Membership(user_id=officer.id, tenant_id=tenant.id, office=office, scope_kind="tenant",
                                  scope_code=""))
    db.session.commit()


@pytest.fixture()
def api_world(template_factory, tmp_path):
    app, url = _clone_app(template_factory, "api_world", build_api_world, tmp_path)
    # Evaluation is public and rate-limited per address; every fuzzed call comes from one address, so the
    # limit is lifted here (its 429 is tested in tests/packs) to fuzz the evaluation itself.
    app.config["EVALUATE_RATE_PER_MINUTE"] = 0
    with app.app_context():
        yield app
    dbutil.dispose(app)
    dbutil.drop(BACKEND, url)


def _token(username: str) -> str:
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
    _, raw = tokens.create_token(user, f"openapi conformance {uuid.uuid4().hex[:8]}")
    db.session.commit()
    return raw


def _known_names() -> dict[str, list[str]]:
    """URL values that name something in Lijiang's pack: its programs, forms and attachment slots."""
    from grassroots.packs.programs import effective_or_none
    from grassroots.tenancy.models import Tenant

    pack = effective_or_none(db.session.execute(db.select(Tenant).filter_by(slug=TENANT)).scalar_one()).pack
    forms = [f for f in pack.get("forms") or [] if isinstance(f, dict)]
    return {"program": [p["id"] for p in pack.get("programs") or []],
            "form_id": [f["id"] for f in forms],
            "slot": sorted({a["id"] for f in forms for a in f.get("attachments") or []}) or ["id_card"]}


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
            response_schema_conformance]


@pytest.mark.slow
@pytest.mark.parametrize("tag", list(MODULES))
def test_every_response_is_as_documented(api_world, tag):
    schemathesis = pytest.importorskip("schemathesis")

    officer = _token(OFFICER)
    schema = schemathesis.openapi.from_wsgi(SPEC, api_world)
    operations = [result.ok() for result in schema.include(tag=tag).get_all_operations()]
    assert operations, f"no operation tagged {tag}"
    known = _known_names()
    failures: dict[str, str] = {}
    statuses: dict[str, Counter] = {}
    for operation in operations:
        revoke = (operation.method.upper(), operation.path) == REVOKE
        fuzz(operation, MODULES[tag], (lambda: _token(REVOKER)) if revoke else (lambda: officer), known,
             failures, statuses.setdefault(f"{operation.method.upper()} {operation.path}", Counter()))()
    assert failures == {}, "\n".join(f"{what}\n    e.g. {example}" for what, example in sorted(failures.items()))
    # Refusals conform too, so a run that never got past them would pass: the token must hold throughout,
    # and some operations must have done their work.
    assert not [op for op, seen in statuses.items() if seen[401]], statuses
    assert [op for op, seen in statuses.items() if any(200 <= s < 300 for s in seen)], statuses


def fuzz(operation, examples: int, token: Callable[[], str], known: dict[str, list[str]],
         failures: dict[str, str], statuses: Counter) -> Callable[[], None]:
    """One operation's Hypothesis test over valid and invalid requests (a closure: @given refuses defaults).

    Each distinct failure (operation, status, first line of each check's complaint) is kept once, with the
    first request that showed it."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    checks = _checks()
    fixed = {"tenant": TENANT}
    names = re.findall(r"{(\w+)}", operation.path)
    rows = st.fixed_dictionaries({name: st.sampled_from(known[name]) if name in known else st.sampled_from(ROW_IDS)
                                  for name in names if name != "tenant"})
    strategy = st.one_of(
        rows.flatmap(lambda values: operation.as_strategy(GenerationMode.POSITIVE, path_parameters={**fixed, **values})),
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed),
    )

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        headers = {**(case.headers or {}), "Authorization": f"Bearer {token()}"}
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except BaseException as exc:  # noqa: BLE001  (collected: every undocumented answer is listed)
            detail = " | ".join(_first_line(e) for e in getattr(exc, "exceptions", [exc]))
            what = f"{operation.method.upper()} {operation.path} → {response.status_code}: {detail[:300]}"
            failures.setdefault(what, f"{case.formatted_path} {_sent(case)} → {response.text[:300]}")

    return run


def test_the_conformance_run_covers_every_operation(client):
    """A new module's blueprint must join MODULES, or Schemathesis would silently skip its operations."""
    spec = _spec(client)
    untested = sorted(f"{method.upper()} {path}" for path, method, operation in _operations(spec)
                      if not set(operation.get("tags", [])) & set(MODULES))
    assert untested == []


def _first_line(exc: BaseException) -> str:
    """A Schemathesis failure as its title and the first line of its message."""
    message = (getattr(exc, "message", None) or str(exc)).strip().splitlines() or [type(exc).__name__]
    title = getattr(exc, "title", None)
    return f"{title}: {message[0]}" if title else message[0]


def _sent(case) -> str:
    from schemathesis.core import NOT_SET

    body = getattr(case, "body", None)
    if body is NOT_SET:
        return f"query={case.query}"
    try:
        shown = json.dumps(body, ensure_ascii=False, default=str)[:150]
    except (TypeError, ValueError):
        shown = repr(body)[:150]
    return f"query={case.query} body={shown}"
