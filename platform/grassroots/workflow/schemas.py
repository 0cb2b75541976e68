"""Wire shapes of the workflow API: the act body refuses unknown fields."""

from __future__ import annotations

from marshmallow import fields, validate

from grassroots.api.schemas import StrictSchema
from grassroots.workflow.transitions import OUTCOME_STATE, REASON_MAX


class ActSchema(StrictSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(tuple(OUTCOME_STATE)),
                            metadata={"description": "approve | reject | return (approve/review steps); file (备案 steps)"})
    reason = fields.String(allow_none=True, validate=validate.Length(max=REASON_MAX),
                           metadata={"description": "required to reject or return"})
