"""Base schemas for API bodies: unknown fields are refused (SECURITY.md), times are UTC with a Z, and the one
error body every refusal has (grassroots.errors)."""

from __future__ import annotations

from marshmallow import INCLUDE, RAISE, Schema, fields

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class UtcDateTime(fields.DateTime):
    """A naive-UTC datetime on the wire as "2026-11-23T08:00:00Z".

    Documented as `format: date-time` with UTC_PATTERN by grassroots.api.smorest (apispec alone would
    write `format: null` for a strftime format, which OpenAPI validators refuse)."""

    def __init__(self, **kwargs):
        super().__init__(format=UTC_FORMAT, **kwargs)


def utc_datetime(**kwargs) -> fields.DateTime:
    """Times are stored as naive UTC; say so on the wire."""
    return UtcDateTime(**kwargs)


# --- The error body: exactly what grassroots.errors answers under /api/ ---------------------------------------


class BilingualSchema(StrictSchema):
    zh = fields.String(required=True)
    en = fields.String(required=True)


class ErrorItemSchema(Schema):
    """One problem at its place; some carry more (an ineligibility its `cite` and `decision_id`)."""

    class Meta:
        unknown = INCLUDE  # documented as additionalProperties: true

    path = fields.String(required=True, metadata={
        "description": "JSON pointer into the request body (`/` for the whole of it); "
                       "query, header and URL values appear at their name (`/headers/Idempotency-Key`)"})
    code = fields.String(required=True, metadata={"description": "short snake_case code"})
    message = fields.Nested(BilingualSchema, required=True)


class ErrorBodySchema(StrictSchema):
    code = fields.String(required=True, metadata={
        "description": "short snake_case code: unauthenticated, forbidden, not_found, invalid, ..."})
    message = fields.Nested(BilingualSchema, required=True)
    errors = fields.List(fields.Nested(ErrorItemSchema), required=True,
                         metadata={"description": "every field error with its path (may be empty)"})


class ErrorSchema(StrictSchema):
    """`{"error": {"code", "message": {"zh", "en"}, "errors": [{"path", "code", "message"}]}}`."""

    error = fields.Nested(ErrorBodySchema, required=True)
