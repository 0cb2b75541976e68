"""Wire shapes of the placement API. Bodies refuse unknown fields (SECURITY.md); a form's own fields travel
in `data`/`form` and are checked against the pack form's JSON Schema by the forms module."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from grassroots.api.schemas import StrictSchema
from grassroots.converters import ID_MAX, ID_MIN
from grassroots.placement.models.applications import APPLICATION_STATES
from grassroots.placement.models.placements import DISPATCH_STATES

FORM_DATA = {"description": "the pack form's fields by their schema keys (checked against its JSON Schema)"}
CODE = validate.Length(min=1, max=64)
ID = validate.Range(min=ID_MIN, max=ID_MAX)  # a database id in a body (in a URL: `<id:...>`)


class Query(Schema):
    """Query strings: other parameters (such as `lang`) are left for others to read."""

    class Meta:
        unknown = EXCLUDE


PAGE = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000),
                      metadata={"description": "the page (50 rows a page, newest first); `has_next` says if one follows"})


class PostingQuery(Query):
    year = fields.Integer(validate=validate.Range(min=2000, max=2199))
    program = fields.String(validate=CODE)
    state = fields.String(validate=validate.OneOf(("draft", "published", "closed")))


class PostingCreate(StrictSchema):
    program = fields.String(required=True, validate=CODE)
    unit_code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                              metadata={"description": "the demanding (township) unit"})
    year = fields.Integer(validate=validate.Range(min=2000, max=2199))
    data = fields.Dict(required=True, metadata=FORM_DATA)


class PostingResubmit(StrictSchema):
    data = fields.Dict(allow_none=True, metadata={
        "description": "the whole corrected demand form (需求信息表), checked against the form the posting was filled "
                       "on; its posts and headcount replace the posting's (default: unchanged)"})
    note = fields.String(validate=validate.Length(max=2000), load_default="",
                         metadata={"description": "what was corrected (kept in the audit log)"})


class PostingClose(StrictSchema):
    reason = fields.String(required=True, metadata={
        "description": "why the posting is closed (its posts filled, or no longer needed): required, at most 500 "
                       "characters (a blank or longer one is refused with 422 at `/reason`)"})


class ApplicationQuery(Query):
    program = fields.String(validate=CODE)
    state = fields.String(validate=validate.OneOf(APPLICATION_STATES))
    page = PAGE


class ApplicationCreate(StrictSchema):
    program = fields.String(required=True, validate=CODE)
    unit_code = fields.String(validate=validate.Length(min=1, max=40), allow_none=True,
                              metadata={"description": "the applicant's own unit (default: the professional's)"})
    data = fields.Dict(required=True, metadata=FORM_DATA)
    submit = fields.Boolean(load_default=False, metadata={"description": "submit at once (attachments then required)"})


class ApplicationData(StrictSchema):
    data = fields.Dict(allow_none=True, metadata=FORM_DATA)


class FileUpload(StrictSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class MatchCreate(StrictSchema):
    application_id = fields.Integer(required=True, strict=True, validate=ID)
    posting_id = fields.Integer(required=True, strict=True, validate=ID)
    post_name = fields.String(validate=validate.Length(max=200), allow_none=True)


class AgreementTerms(StrictSchema):
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True, metadata={"description": "the agreed last day (inclusive)"})
    duties = fields.String(validate=validate.Length(max=5000), allow_none=True)
    post_name = fields.String(validate=validate.Length(max=200), allow_none=True)
    full_time = fields.Boolean(allow_none=True)
    professional_post = fields.Boolean(allow_none=True)
    form = fields.Dict(allow_none=True, metadata=FORM_DATA)


class Empty(StrictSchema):
    pass


class PlacementQuery(Query):
    program = fields.String(validate=CODE)
    state = fields.String(validate=validate.OneOf(("serving", "ended")))
    page = PAGE


class FactsQuery(Query):
    as_of = fields.Date()


class PlacementEnd(StrictSchema):
    end_date = fields.Date(required=True, metadata={"description": "the last day served"})
    reason = fields.String(validate=validate.Length(max=2000), load_default="")
    continuous = fields.Boolean(load_default=True)


class AssessmentQuery(Query):
    placement_id = fields.Integer(validate=ID)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000),
                          metadata={"description": "the page (200 assessments a page); `has_next` says if one follows"})


class AssessmentCreate(StrictSchema):
    placement_id = fields.Integer(required=True, strict=True, validate=ID)
    kind = fields.String(required=True, validate=validate.OneOf(("annual", "term_end")))
    year_no = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))
    grade = fields.String(required=True, validate=CODE)
    assessed_on = fields.Date(required=True)
    note = fields.String(validate=validate.Length(max=2000), load_default="")
    form = fields.Dict(allow_none=True, metadata=FORM_DATA)


class ExtensionCreate(StrictSchema):
    placement_id = fields.Integer(required=True, strict=True, validate=ID)
    extension_years = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=20))
    reason = fields.String(validate=validate.Length(max=2000), load_default="")
    form = fields.Dict(allow_none=True, metadata=FORM_DATA)


class ExtensionResubmit(StrictSchema):
    extension_years = fields.Integer(strict=True, validate=validate.Range(min=1, max=20),
                                     metadata={"description": "a new term (default: the one asked for)"})
    reason = fields.String(validate=validate.Length(max=2000), metadata={"description": "default: the one given"})
    form = fields.Dict(allow_none=True, metadata={"description": "extension form fields to correct (checked against "
                                                                 "the form's JSON Schema); others stay as submitted"})


class DispatchResubmit(StrictSchema):
    note = fields.String(validate=validate.Length(max=2000), load_default="",
                         metadata={"description": "what was corrected (kept in the audit log)"})


RETURNED = {"description": "while returned for revision: the step that returned it (step_id, step_name, office), the "
                           "reason, returned_at and resubmit_by (the user id who may resubmit); else null"}


# --- Answers (documented shapes; nested records are objects as present.py builds them) ---------------------


class Labelled(Schema):
    code = fields.String()
    label = fields.Dict(keys=fields.String(), values=fields.String())


class DispatchState(Labelled):
    """A placement's dispatch recognition (全职选派认可, Kunming 八)."""

    code = fields.String(validate=validate.OneOf(DISPATCH_STATES), metadata={"description": (
        "none (the program has no dispatch chain), pending (along its chain), returned (returned for revision: "
        "waits for whoever signed the agreement to correct and resubmit it; `dispatch_returned` says why), "
        "recognised, refused (rejected or withdrawn). Only recognised is a recognition.")})


class DemandStepOut(Schema):
    step_id = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    group = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True,
                        metadata={"description": "the parallel group of a sub-step, else null"})
    kind = fields.Nested(Labelled, metadata={"description": "approve, review or file (备案)"})
    office = fields.Dict(metadata={"description": "{code, name: {zh, en}} of the office that acts"})
    state = fields.Nested(Labelled, metadata={"description": "a task state (pending, approved, filed, returned, "
                                                            "rejected, cancelled) or not_reached"})
    opened_at = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    acted_at = fields.String(allow_none=True)
    acted_by = fields.Dict(allow_none=True, metadata={"description": "{id, name}; to HR offices and overseers only"})
    reason = fields.String(allow_none=True, metadata={"description": "a return's or rejection's reason; to HR "
                                                                    "offices and overseers only"})
    cite = fields.Dict(allow_none=True, metadata={"description": "the article the step rests on, as text {zh, en}"})
    quote = fields.String(allow_none=True, metadata={"description": "the words of the article the step makes concrete"})


class DemandReportOut(Schema):
    instance_id = fields.Integer()
    chain_id = fields.String()
    state = fields.Nested(Labelled, metadata={"description": "the chain instance's state: in_progress, approved, "
                                                            "rejected, returned"})
    round = fields.Integer()
    name = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(DemandStepOut), metadata={"description": "every step of the current round in "
                                                                             "chain order (one posting only)"})
    returned = fields.Dict(allow_none=True, metadata=RETURNED)


class PostingOut(Schema):
    id = fields.Integer()
    program = fields.String()
    year = fields.Integer()
    state = fields.Nested(Labelled)
    unit = fields.Dict(allow_none=True)
    county = fields.Dict(allow_none=True)
    posts = fields.List(fields.Dict())
    headcount = fields.Integer()
    open_places = fields.Integer()
    submission_id = fields.Integer(allow_none=True)
    pack_version_id = fields.Integer()
    tenant = fields.String()
    created_at = fields.String()
    published_at = fields.String(allow_none=True)
    chain_instance_id = fields.Integer(allow_none=True, metadata={"description": "the demand report's chain instance"})
    demand_report = fields.Nested(DemandReportOut, allow_none=True, metadata={
        "description": "the demand report up the program's `chains.demand` (Lijiang 第三条), started when the posting "
                       "is published; null for a draft or a program without one. Lists carry its state only"})
    closed_at = fields.String(allow_none=True, metadata={"description": "when the posting was closed (by its managing "
                                                                        "officer, or by its demand report's rejection)"})
    closed_by = fields.Dict(allow_none=True, metadata={"description": "{id, name} of whoever closed it (the rejecting "
                                                                      "officer for a rejected report); to HR offices "
                                                                      "and overseers only"})
    close_reason = fields.String(allow_none=True, metadata={"description": "why it was closed; to HR offices and "
                                                                           "overseers only"})


class PostingList(Schema):
    postings = fields.List(fields.Nested(PostingOut))
    rollup = fields.List(fields.Dict(), metadata={"description": "child jurisdictions' published postings"})


class DecisionOut(Schema):
    id = fields.Integer()
    subject = fields.Dict()
    stage = fields.Nested(Labelled)
    program = fields.String()
    verdict = fields.Nested(Labelled)
    eligible = fields.Boolean(allow_none=True)
    failed_rules = fields.List(fields.String())
    as_of = fields.String()
    pack_version_id = fields.Integer()
    pack_hash = fields.String()
    pack_version = fields.Dict(allow_none=True)
    created_at = fields.String()
    reasons = fields.List(fields.Dict(), metadata={"description": "every rule with passed, message and cite"})
    facts = fields.Dict(metadata={"description": "the evaluation input exactly as evaluated"})
    answer = fields.Dict(metadata={"description": "the engine's full answer (the evaluation API's shape)"})


class ApplicationOut(Schema):
    id = fields.Integer()
    program = fields.String()
    state = fields.Nested(Labelled)
    person = fields.Dict(allow_none=True)
    unit = fields.Dict(allow_none=True)
    service_unit = fields.Dict(allow_none=True)
    submission_id = fields.Integer(allow_none=True)
    chain_instance_id = fields.Integer(allow_none=True)
    pack_version_id = fields.Integer()
    submitted_by = fields.Integer()
    applicant_user_id = fields.Integer(allow_none=True)
    decision = fields.Nested(DecisionOut, allow_none=True)
    created_at = fields.String()
    submitted_at = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    agreement = fields.Dict(allow_none=True)
    placement_id = fields.Integer(allow_none=True)
    decisions = fields.List(fields.Nested(DecisionOut))


class ApplicationDetail(ApplicationOut):
    returned = fields.Dict(allow_none=True, metadata=RETURNED)
    rejected = fields.Dict(allow_none=True, metadata={
        "description": "when rejected along its chain: the step that rejected it (step_id, step_name, office), the "
                       "reason and rejected_at; else null (a rejected application stays rejected)"})


class ApplicationList(Schema):
    applications = fields.List(fields.Nested(ApplicationOut))
    page = fields.Integer()
    has_next = fields.Boolean()


class AgreementOut(Schema):
    id = fields.Integer()
    application_id = fields.Integer()
    posting_id = fields.Integer()
    post_name = fields.String()
    service_unit = fields.Dict(allow_none=True)
    start_date = fields.String(allow_none=True)
    end_date = fields.String(allow_none=True)
    duties = fields.String()
    full_time = fields.Boolean()
    professional_post = fields.Boolean()
    form = fields.Dict()
    submission_id = fields.Integer(allow_none=True)
    state = fields.Nested(Labelled)
    chain_instance_id = fields.Integer(allow_none=True)
    matched_by = fields.Integer(allow_none=True)
    matched_at = fields.String(allow_none=True)
    signed_by = fields.Integer(allow_none=True)
    signed_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    placement_id = fields.Integer(allow_none=True)
    signature = fields.Dict(metadata={"description": "what the last signature did (on sign)"})


class AssessmentOut(Schema):
    id = fields.Integer()
    placement_id = fields.Integer()
    kind = fields.Nested(Labelled)
    year_no = fields.Integer()
    grade = fields.Dict()
    assessed_on = fields.String()
    by_office = fields.String()
    assessed_by = fields.Integer(allow_none=True)
    submission_id = fields.Integer(allow_none=True)
    copy_unit_id = fields.Integer(allow_none=True)
    note = fields.String()
    created_at = fields.String()


class AssessmentList(Schema):
    assessments = fields.List(fields.Nested(AssessmentOut))
    page = fields.Integer()
    has_next = fields.Boolean()


class ExtensionOut(Schema):
    id = fields.Integer()
    placement_id = fields.Integer()
    extension_years = fields.Integer()
    previous_end_date = fields.String()
    new_end_date = fields.String()
    reason = fields.String()
    state = fields.Nested(Labelled)
    submission_id = fields.Integer(allow_none=True)
    chain_instance_id = fields.Integer(allow_none=True)
    requested_by = fields.Integer()
    created_at = fields.String()
    decided_at = fields.String(allow_none=True)
    returned = fields.Dict(allow_none=True, metadata=RETURNED)


class PlacementOut(Schema):
    id = fields.Integer()
    program = fields.String()
    state = fields.Nested(Labelled)
    person = fields.Dict(allow_none=True)
    original_unit = fields.Dict(allow_none=True)
    service_unit = fields.Dict(allow_none=True)
    area_tags = fields.List(fields.String())
    unit_level = fields.String()
    unit_type = fields.String()
    professional_post = fields.Boolean()
    full_time = fields.Boolean()
    continuous = fields.Boolean()
    start_date = fields.String()
    planned_end_date = fields.String(allow_none=True)
    end_date = fields.String(allow_none=True)
    end_reason = fields.String(allow_none=True)
    recognised_by = fields.String(allow_none=True)
    dispatch = fields.Nested(DispatchState)
    dispatch_instance_id = fields.Integer(allow_none=True)
    dispatch_returned = fields.Dict(allow_none=True, metadata=RETURNED)
    application_id = fields.Integer()
    agreement_id = fields.Integer()
    pack_version_id = fields.Integer()
    created_at = fields.String()
    full_years = fields.Integer()
    assessments = fields.List(fields.Nested(AssessmentOut))
    extensions = fields.List(fields.Nested(ExtensionOut))
    assessments_due = fields.List(fields.Dict())
    decisions = fields.List(fields.Nested(DecisionOut))


class PlacementList(Schema):
    placements = fields.List(fields.Nested(PlacementOut))
    page = fields.Integer()
    has_next = fields.Boolean()


class FactsOut(Schema):
    placement_id = fields.Integer()
    as_of = fields.String()
    facts = fields.Dict(metadata={"description": "the evaluation input (POST it to programs/<program>/evaluate)"})


TIMELINE_KINDS = ("application.created", "application.submitted", "decision", "task", "agreement.matched",
                  "agreement.signed", "placement.started", "placement.ended", "assessment", "extension",
                  "subsidy.entitlement", "subsidy.roster", "subsidy.payment")
MONEY = "subsidy.* only: "


class TimelineEvent(Schema):
    """One entry of a person's timeline; which fields appear depends on `kind` (absent ones are left out).
    Every field an event carries must be declared here: an undeclared one is not sent."""

    at = fields.String(allow_none=True, metadata={"description": "a date (YYYY-MM-DD) or a UTC date-time"})
    kind = fields.String(metadata={"description": " | ".join(TIMELINE_KINDS)})
    title = fields.Dict(metadata={"description": "{zh, en}"})
    who = fields.String(allow_none=True, metadata={"description": "the person who acted (display name)"})
    office = fields.String(allow_none=True)
    outcome = fields.Dict(allow_none=True, metadata={"description": "{zh, en}"})
    state = fields.String(allow_none=True, metadata={"description": "task: its state"})
    reason = fields.String(allow_none=True)
    cite = fields.Dict(allow_none=True, metadata={"description": "{zh, en} citation text (subsidy.*: with the "
                                                                 "pack's doc, article, quote)"})
    chain = fields.Dict(allow_none=True, metadata={"description": "task: the chain's name {zh, en}"})
    round = fields.Integer(allow_none=True)
    link = fields.Dict(allow_none=True, metadata={"description": "{type, id} of the case object"})
    decision_id = fields.Integer(allow_none=True, metadata={"description": "the decision record (its why)"})
    total = fields.String(allow_none=True, metadata={"description": "decision: the answer's total in yuan"})
    why = fields.List(fields.Dict(), metadata={"description": "decision: the reasons not (yet) passed, with cites"})
    amount = fields.String(metadata={"description": MONEY + "yuan, exact (\"20000.00\")"})
    currency = fields.String(metadata={"description": MONEY + "CNY"})
    component = fields.String(allow_none=True, metadata={"description": MONEY + "the subsidy component"})
    component_name = fields.Dict(allow_none=True, metadata={"description": MONEY + "{zh, en}"})
    payer = fields.String(metadata={"description": "subsidy.entitlement: the payer"})
    years = fields.List(fields.Integer(), metadata={"description": MONEY + "the service years paid"})
    due = fields.String(metadata={"description": "subsidy.entitlement: the due date"})
    status = fields.String(metadata={"description": "subsidy.entitlement: due | void"})
    entitlement_id = fields.Integer(metadata={"description": MONEY + "the entitlement"})
    placement_id = fields.Integer(metadata={"description": "subsidy.entitlement: its placement"})
    roster_id = fields.Integer(metadata={"description": "subsidy.roster, subsidy.payment: the roster"})
    roster = fields.Dict(metadata={"description": "subsidy.roster, subsidy.payment: {id, year, title, state, "
                                                  "state_label}"})
    live = fields.Boolean(metadata={"description": "subsidy.roster: whether the line still claims it"})
    batch_id = fields.Integer(metadata={"description": "subsidy.payment: the disbursement batch"})
    reference = fields.String(allow_none=True, metadata={"description": "subsidy.payment: the transfer reference"})
    url = fields.String(metadata={"description": MONEY + "the page of the entitlement, roster or batch"})
    why_url = fields.String(metadata={"description": MONEY + "\"why this amount\": the entitlement's trace"})


class TimelineOut(Schema):
    person = fields.Dict()
    events = fields.List(fields.Nested(TimelineEvent), metadata={
        "description": "every step, assessment and decision, and what was owed, claimed and paid, oldest first"})
