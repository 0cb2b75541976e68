"""Wire shapes of the people API. Bodies refuse unknown fields; answers carry the masked number only.

No birth date in a masked answer: the mask hides exactly the birth-date digits, so the two together
would rebuild the number. The age is given instead; the birth date comes with a reveal.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from grassroots.api.schemas import StrictSchema, utc_datetime

ID_NUMBER_DOC = {"description": "18-character resident ID number (GB 11643); a lower-case x is accepted"}


class PersonCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(max=100))
    id_number = fields.String(required=True, metadata=ID_NUMBER_DOC)
    gender = fields.String(allow_none=True, metadata={"description": "female | male; checked against the number"})
    birth_date = fields.Date(allow_none=True, metadata={"description": "checked against the number"})
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    unit_code = fields.String(allow_none=True, metadata={"description": "the employing unit's code"})
    username = fields.String(allow_none=True, metadata={"description": "the person's own login (a member here)"})
    ethnic_minority = fields.Boolean(load_default=False)
    education = fields.String(allow_none=True)
    title_level = fields.String(allow_none=True)
    title_series = fields.String(allow_none=True)
    licenses = fields.List(fields.String(), load_default=list)


class LookupSchema(StrictSchema):
    id_number = fields.String(required=True, metadata=ID_NUMBER_DOC)


class RevealSchema(StrictSchema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                           metadata={"description": "why the full number is needed (kept in the audit log)"})


class PageArgsSchema(Schema):
    """Query string: other parameters (such as `lang`) are left for others to read."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class UnitRefSchema(StrictSchema):
    code = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String())


class PersonSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    gender = fields.String()
    age = fields.Integer()
    id_number_masked = fields.String(metadata={"description": "first 6 and last 4 characters"})
    phone = fields.String(allow_none=True)
    unit = fields.Nested(UnitRefSchema, allow_none=True)
    username = fields.String(allow_none=True)
    ethnic_minority = fields.Boolean()
    education = fields.String(allow_none=True)
    title_level = fields.String(allow_none=True)
    title_series = fields.String(allow_none=True)
    licenses = fields.List(fields.String())
    created_at = utc_datetime()


class PeoplePageSchema(StrictSchema):
    page = fields.Integer()
    has_next = fields.Boolean()
    people = fields.List(fields.Nested(PersonSchema))


class RevealedSchema(StrictSchema):
    id = fields.Integer()
    id_number = fields.String(metadata={"description": "the full number; this view is in the audit log"})
    birth_date = fields.Date()
    gender = fields.String()
