"""Wire shapes of the accounts API."""

from __future__ import annotations

from marshmallow import fields, validate

from grassroots.api.schemas import StrictSchema, utc_datetime


class NamePairSchema(StrictSchema):
    zh = fields.String()
    en = fields.String()


class ScopeSchema(StrictSchema):
    kind = fields.String(metadata={"description": "tenant | area | unit"})
    code = fields.String(metadata={"description": "area or unit code; empty for the whole tenant"})


class MembershipSchema(StrictSchema):
    tenant = fields.String(metadata={"description": "tenant slug"})
    tenant_name = fields.Nested(NamePairSchema)
    office = fields.String()
    scope = fields.Nested(ScopeSchema)


class TenantRefSchema(StrictSchema):
    slug = fields.String()
    name = fields.Nested(NamePairSchema)


class MeSchema(StrictSchema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    is_operator = fields.Boolean()
    authenticated_by = fields.String(metadata={"description": "session | token"})
    tenants = fields.List(fields.Nested(TenantRefSchema), metadata={"description": "what the switcher lists"})
    memberships = fields.List(fields.Nested(MembershipSchema))


class TokenSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "the first characters, to tell tokens apart"})
    created_at = utc_datetime()
    last_used_at = utc_datetime(allow_none=True)
    revoked_at = utc_datetime(allow_none=True)
    active = fields.Function(lambda t: t.revoked_at is None)


class TokenCreatedSchema(TokenSchema):
    token = fields.String(metadata={"description": "the secret; shown in this response only"})


class TokenCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
