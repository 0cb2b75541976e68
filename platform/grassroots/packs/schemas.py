"""Wire shapes of the packs API. Bodies with a fixed shape refuse unknown fields (StrictSchema).

The evaluation body's `person`/`placement` are free mappings: the engine validates them against the
fact vocabulary and answers every problem at its JSON pointer, which a schema here could only duplicate.
"""

from __future__ import annotations

from marshmallow import fields, validate

from grassroots.api.schemas import StrictSchema, utc_datetime

HASH = validate.Regexp(r"^[0-9a-f]{64}$", error="Not a sha256 hex digest.")


class EvaluateSchema(StrictSchema):
    """Only the top-level keys are fixed here; types and values are the engine's (bilingual, by pointer)."""

    as_of = fields.Raw(metadata={"description": "YYYY-MM-DD; default today", "type": "string", "format": "date"})
    person = fields.Raw(metadata={"description": "person facts without the `person.` prefix", "type": "object"})
    placement = fields.Raw(metadata={"description": "placement facts without the `placement.` prefix", "type": "object"})
    assessments = fields.Raw(metadata={"description": "[{kind, year_no, grade}]", "type": "array"})
    attestations = fields.Raw(metadata={"description": "{attestation: true|false}", "type": "object"})


class SubmitSchema(StrictSchema):
    expected_hash = fields.String(validate=HASH, metadata={"description": "hash of the draft you reviewed"})


class PublishSchema(StrictSchema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    effective_date = fields.Date(metadata={"description": "default today (China time)"})
    expected_hash = fields.String(validate=HASH, metadata={"description": "hash of the draft you reviewed"})


class DiffArgsSchema(StrictSchema):
    from_ = fields.String(data_key="from", metadata={"description": "version number (default: latest)"})
    to = fields.String(metadata={"description": "version number or `draft` (default: draft)"})


class VersionChainSchema(StrictSchema):
    slug = fields.String()
    tenant_id = fields.Integer()
    tenant = fields.String()
    number = fields.Integer()
    file = fields.String()
    hash = fields.String()


class VersionSchema(StrictSchema):
    number = fields.Integer()
    content_hash = fields.String()
    effective_date = fields.Date()
    author = fields.String(attribute="author_label")
    publisher = fields.String(attribute="publisher_label")
    note = fields.String()
    published_at = utc_datetime()
    extends_chain = fields.List(fields.Nested(VersionChainSchema))
    in_force = fields.Boolean()


class PackErrorSchema(StrictSchema):
    path = fields.String()
    code = fields.String()
    message = fields.Dict(keys=fields.String(), values=fields.String())


class DraftSchema(StrictSchema):
    status = fields.String(metadata={"description": "draft | submitted | published"})
    content_hash = fields.String()
    base_version = fields.Integer(allow_none=True)
    author = fields.String(attribute="author_label")
    updated_at = utc_datetime()
    submitted_by = fields.String(attribute="submitted_label", allow_none=True)
    submitted_at = utc_datetime(allow_none=True)


class DraftStateSchema(StrictSchema):
    draft = fields.Nested(DraftSchema, allow_none=True)
    content = fields.Dict(allow_none=True, metadata={"description": "the draft pack (GET only)"})
    saved = fields.Boolean()
    changed = fields.Boolean()
    valid = fields.Boolean()
    errors = fields.List(fields.Nested(PackErrorSchema))
