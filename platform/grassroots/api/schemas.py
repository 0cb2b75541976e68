"""Base schemas for API bodies: unknown fields are refused (SECURITY.md), times are UTC with a Z."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


def utc_datetime(**kwargs) -> fields.DateTime:
    """Times are stored as naive UTC; say so on the wire."""
    return fields.DateTime(format="%Y-%m-%dT%H:%M:%SZ", **kwargs)
