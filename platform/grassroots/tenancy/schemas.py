"""Marshmallow shapes of the tenancy API (for the OpenAPI document and the responses)."""

from __future__ import annotations

from marshmallow import Schema, fields


class OnboardCountsSchema(Schema):
    tenant = fields.Integer()
    areas = fields.Integer()
    units = fields.Integer()
    users = fields.Integer()
    memberships = fields.Integer()


class OnboardLoginSchema(Schema):
    username = fields.String()
    office = fields.String()
    password = fields.String(allow_none=True, metadata={"description": "From the manifest; new users only."})


class OnboardSummarySchema(Schema):
    tenant = fields.String()
    created = fields.Nested(OnboardCountsSchema)
    updated = fields.Nested(OnboardCountsSchema)
    logins = fields.List(fields.Nested(OnboardLoginSchema))


class TenantChildCountsSchema(Schema):
    areas = fields.Integer()
    units = fields.Integer()
    staff = fields.Integer()


class TenantChildSchema(Schema):
    slug = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String())
    level = fields.String()
    status = fields.String()
    pack = fields.String(allow_none=True)
    counts = fields.Nested(TenantChildCountsSchema)
