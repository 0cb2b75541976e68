"""Wire shapes of the subsidy API. Bodies refuse unknown fields; money is a yuan string ("10000.00")."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from grassroots.api.schemas import StrictSchema, utc_datetime
from grassroots.subsidy.compile import YEARS
from grassroots.subsidy.models import BATCH_STATES, ENTITLEMENT_STATUSES, ROSTER_STATES

MONEY = {"description": "yuan, two decimals, as a string (never a number)", "example": "20000.00",
         "pattern": r"^\d+\.\d{2}$"}


def text() -> fields.Dict:
    """A {"zh", "en"} pair."""
    return fields.Dict(keys=fields.String(), values=fields.String())


def utc_time(**kwargs) -> fields.DateTime:
    """A naive-UTC datetime as "2026-11-23T08:00:00Z" (documented as a date-time string)."""
    return utc_datetime(dump_only=True, **kwargs)


def money(description: str | None = None) -> fields.String:
    return fields.String(metadata={**MONEY, "description": description} if description else MONEY)


class QuerySchema(Schema):
    """Query strings: other parameters (such as `lang`) are left for others to read."""

    class Meta:
        unknown = EXCLUDE


# --- Requests ------------------------------------------------------------------------------------------


class CompileSchema(StrictSchema):
    payer = fields.String(required=True, validate=validate.Length(min=1, max=64),
                          metadata={"description": "a payer id of the pack (yunnan_finance, lijiang_finance, ...)"})
    year = fields.Integer(required=True, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))
    refresh = fields.Boolean(load_default=True,
                             metadata={"description": "bring entitlements up to date first (default true)"})


class WithdrawSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "why the roster is withdrawn (kept with the chain)"})


class ComputeSchema(StrictSchema):
    as_of = fields.Date(required=True, metadata={"description": "evaluate the placement as of this date"})


class ResubmitSchema(StrictSchema):
    pass


class BatchCreateSchema(StrictSchema):
    roster_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2_147_483_647))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ApproveSchema(StrictSchema):
    pass


class PaySchema(StrictSchema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=100),
                              metadata={"description": "the bank or treasury reference of the transfer"})


class RosterArgsSchema(QuerySchema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))
    payer = fields.String(load_default=None, validate=validate.Length(max=64))
    state = fields.String(load_default=None, validate=validate.OneOf(ROSTER_STATES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class PageArgsSchema(QuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class BatchArgsSchema(PageArgsSchema):
    state = fields.String(load_default=None, validate=validate.OneOf(BATCH_STATES))


class ExportArgsSchema(QuerySchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))


class RollupArgsSchema(QuerySchema):
    year = fields.Integer(required=True, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))


# --- Answers -------------------------------------------------------------------------------------------


class EntitlementSchema(StrictSchema):
    id = fields.Integer()
    placement_id = fields.Integer()
    program_id = fields.String()
    component = fields.String()
    payer = fields.String()
    first_year = fields.Integer(metadata={"description": "first service year of the schedule period"})
    last_year = fields.Integer(metadata={"description": "the year whose anniversary is the due date"})
    years = fields.List(fields.Integer(), metadata={"description": "service years paid"})
    due = fields.Date()
    amount = money()
    currency = fields.String()
    cite = fields.Dict()
    status = fields.String(validate=validate.OneOf(ENTITLEMENT_STATUSES))
    roster_id = fields.Integer(allow_none=True)
    decision_record_id = fields.Integer(allow_none=True)
    claim_chain = fields.String(allow_none=True)
    paid = fields.Boolean()


class EntitlementsSchema(StrictSchema):
    placement_id = fields.Integer()
    entitlements = fields.List(fields.Nested(EntitlementSchema))
    computed = fields.Dict(allow_none=True, metadata={"description": "what a computation did (POST only)"})


class EntitlementTraceSchema(StrictSchema):
    entitlement = fields.Nested(EntitlementSchema)
    decision = fields.Dict(allow_none=True, metadata={"description": "the decision record: pack version, "
                                                                      "facts and the engine's full answer"})


class RosterSchema(StrictSchema):
    id = fields.Integer()
    payer = fields.String()
    payer_name = text()
    year = fields.Integer()
    state = fields.String(validate=validate.OneOf(ROSTER_STATES))
    title = fields.Dict()
    scope = fields.Dict()
    claim_chain = fields.String()
    roster_form = fields.String(allow_none=True)
    claim_forms = fields.List(fields.String())
    line_count = fields.Integer()
    total = money()
    currency = fields.String()
    chain_instance_id = fields.Integer(allow_none=True)
    compiled_by = fields.Integer()
    compiled_at = utc_time()
    decided_at = utc_time(allow_none=True)


class RosterPageSchema(StrictSchema):
    page = fields.Integer()
    has_next = fields.Boolean()
    rosters = fields.List(fields.Nested(RosterSchema))


class CompiledSchema(StrictSchema):
    rosters = fields.List(fields.Nested(RosterSchema))


class ColumnSchema(StrictSchema):
    key = fields.String()
    title = text()


class LineSchema(StrictSchema):
    seq = fields.Integer()
    entitlement_id = fields.Integer()
    placement_id = fields.Integer()
    name = fields.String()
    gender = fields.String()
    id_number_masked = fields.String(metadata={"description": "first 6 and last 4 characters"})
    original_unit = fields.String()
    service_unit = fields.String()
    service_area = fields.String()
    service_county = fields.String()
    service_start = fields.Date()
    service_end = fields.Date(allow_none=True)
    years = fields.List(fields.Integer())
    years_text = fields.String()
    component = fields.String()
    amount = money()
    grade = fields.String(allow_none=True)
    attachments = fields.List(fields.Dict())


class RosterDetailSchema(StrictSchema):
    roster = fields.Nested(RosterSchema)
    columns = fields.List(fields.Nested(ColumnSchema))
    lines = fields.List(fields.Nested(LineSchema))
    page = fields.Integer()
    has_next = fields.Boolean()


class RollupRosterSchema(StrictSchema):
    id = fields.Integer()
    payer = fields.String()
    state = fields.String()
    title = fields.Dict()
    scope = fields.Dict()
    lines = fields.Integer()
    total = money()


class RollupCitySchema(StrictSchema):
    tenant = fields.String()
    name = text()
    lines = fields.Integer()
    total = money()
    rosters = fields.List(fields.Nested(RollupRosterSchema))


class RollupSchema(StrictSchema):
    tenant = fields.String()
    year = fields.Integer()
    payers = fields.List(fields.String())
    cities = fields.List(fields.Nested(RollupCitySchema))
    lines = fields.Integer()
    total = money()


class BatchSchema(StrictSchema):
    id = fields.Integer()
    roster_id = fields.Integer()
    payer = fields.String()
    state = fields.String(validate=validate.OneOf(BATCH_STATES))
    line_count = fields.Integer()
    total = money("what the roster claims, in yuan")
    paid_count = fields.Integer()
    paid_total = money("what this batch paid (entitlements paid elsewhere are skipped), in yuan")
    currency = fields.String()
    note = fields.String()
    reference = fields.String(allow_none=True)
    created_by = fields.Integer()
    created_at = utc_time()
    approved_by = fields.Integer(allow_none=True)
    approved_at = utc_time(allow_none=True)
    paid_by = fields.Integer(allow_none=True)
    paid_at = utc_time(allow_none=True)


class BatchPageSchema(StrictSchema):
    page = fields.Integer()
    has_next = fields.Boolean()
    batches = fields.List(fields.Nested(BatchSchema))
