"""flask-smorest's `Api` as the platform documents it: the OpenAPI document says what the platform answers.

- Every refusal is the platform's one error body (grassroots.errors, documented by `api.schemas.ErrorSchema`),
  never flask-smorest's `{code, status, message, errors}`: `ERROR_SCHEMA` is the platform's, and the
  per-status response components flask-smorest refers to (UNPROCESSABLE_ENTITY for a bad argument, ...)
  carry it with the platform's own wording.
- There is no catch-all `default` response: `ErrorResponses` lists, on every operation, each status it can
  answer, from what the platform knows about it (its access rule, URL values, body); a module adds what only
  it knows (409 states, 413, 415, 429) with `@blp.alt_response(status, description=...)`, whose body is then
  the error body too. tests/api/test_openapi_conformance.py holds every answer to its documentation.
- `api.schemas.UtcDateTime` is documented as a `date-time` string (apispec writes `format: null` for a
  strftime format).
"""

from __future__ import annotations

import http
from typing import Any

from apispec import BasePlugin
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from grassroots.api.schemas import UTC_PATTERN, ErrorSchema, UtcDateTime

HTTP_METHODS = ("get", "put", "post", "patch", "delete")
BODY_METHODS = ("put", "post", "patch", "delete")

# The platform's wording of the statuses it answers (grassroots.errors); other statuses keep their phrase.
ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request: a body that is not JSON, a missing or malformed header the operation requires "
         "(Idempotency-Key), or, for a cookie session, a state-changing call without its X-CSRFToken",
    401: "Not signed in, or the bearer token is unknown, revoked or expired (a bad token is refused even "
         "on public paths; the session cookie is not a fallback)",
    403: "Signed in, but your offices (or this object) do not allow it",
    404: "No such object in this jurisdiction, or a jurisdiction you are not a member of: another tenant's "
         "ids answer exactly like missing ones",
    409: "The record changed meanwhile, or its state does not allow this; reload and try again",
    413: "The body is larger than this operation accepts",
    415: "The body must be JSON (Content-Type: application/json)",
    422: "The request is invalid: every problem with the JSON pointer of its field",
    429: "Too many requests; try again after Retry-After seconds",
}
HEADERS: dict[int, dict[str, dict]] = {
    401: {"WWW-Authenticate": {"description": 'Bearer realm="grassroots" (with error="invalid_token" for a '
                                              "bad token)", "required": True, "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "seconds until a call is allowed again", "required": True,
                          "schema": {"type": "integer", "minimum": 0}}},
}


def utc_datetime2properties(self, field, **kwargs: Any) -> dict:
    """An apispec attribute function (runs after its own datetime2properties)."""
    if isinstance(field, UtcDateTime):
        return {"type": "string", "format": "date-time", "pattern": UTC_PATTERN}
    return {}


def _access_of(view: Any, method: str):
    """The access rule of one method of a view (grassroots.api.views.ApiView, or a plain view)."""
    rules = getattr(view, "_access_methods", None) or {}
    return rules.get(method.upper()) or getattr(view, "_access", None)


def error_statuses(method: str, rule: Any, access: Any, operation: dict) -> set[int]:
    """The statuses an operation of this shape can answer, whatever its module does; a module documents the
    rest with `@blp.alt_response` (a 409 of its states, 413, 415, 429, a 403 of a `login` operation)."""
    statuses = {401}  # a bad bearer token is refused on every /api/ path
    if getattr(access, "kind", "public") in ("member", "permission", "operator"):
        statuses.add(403)  # the rule itself, or the object (a member who is not one of its readers)
    if rule is not None and rule.arguments:  # an unknown tenant or id
        statuses.add(404)
    has_query = any(isinstance(p, dict) and p.get("in") == "query" for p in operation.get("parameters", []))
    if has_query or "requestBody" in operation:
        statuses.add(422)
    if method in BODY_METHODS:
        statuses.add(400)
        if getattr(access, "tenant", False) and "requestBody" in operation:
            statuses.add(409)  # a tenant's records move through states, and may move meanwhile
    return statuses


class ErrorResponses(BasePlugin):
    """Documents on each operation every error status it can answer, each with the platform's error body."""

    def __init__(self, api: PlatformApi):
        self.api = api

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        view = self.api._app.view_functions.get(rule.endpoint) if rule is not None else None
        for method, operation in (operations or {}).items():
            if method not in HTTP_METHODS:
                continue
            access = _access_of(view, method)
            responses = operation.setdefault("responses", {})
            have = {str(status) for status in responses}
            for status in sorted(error_statuses(method, rule, access, operation)):
                if str(status) not in have:
                    responses[status] = http.HTTPStatus(status).name  # the component below
            for status, response in responses.items():
                self._complete(int(status) if str(status).isdigit() else None, response)
            if getattr(access, "kind", None) == "public":  # credentials optional (but checked when sent)
                operation.setdefault("security", [{}, {"bearerAuth": []}, {"sessionCookie": []}])

    def _complete(self, status: int | None, response: Any) -> None:
        """A response a module declared without a body: errors have the error body; JSON answers an object."""
        if status is None or not isinstance(response, dict) or "content" in response or "$ref" in response:
            return
        if status >= 400:
            error_schema = self.api.ma_plugin.resolver.resolve_schema_dict(self.api.ERROR_SCHEMA)
            response["content"] = {"application/json": {"schema": error_schema}}
            if status in HEADERS:
                response.setdefault("headers", {}).update(HEADERS[status])
        elif 200 <= status < 300 and status != 204:
            response["content"] = {"application/json": {"schema": {"type": "object"}}}


class PlatformApi(Api):
    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # no catch-all: ErrorResponses lists each status per operation

    def _init_spec(self, *, extra_plugins: Any = None, **kwargs: Any) -> None:
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), ErrorResponses(self)], **kwargs)
        self.ma_plugin.converter.add_attribute_function(utc_datetime2properties)

    def _register_responses(self) -> None:
        """flask-smorest's per-status response components, with the platform's body and wording."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": ERROR_DESCRIPTIONS.get(status, status.phrase)}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                if status in HEADERS:
                    response["headers"] = HEADERS[status]
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
