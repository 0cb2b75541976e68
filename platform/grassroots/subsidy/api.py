"""/api/v1/t/<tenant>/subsidy/...: entitlements, rosters (compile, read, export, resubmit, withdraw), the
province roll-up, and disbursement batches (create, approve, pay).

Handlers load, check access (decorator, then the object check), act. Every request that moves money
(create, approve, pay a batch) carries an `Idempotency-Key` header: the same key and body replay the
first answer (header `Idempotent-Replayed: true`); the same key with another body is 409.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import g, jsonify, request, send_file
from flask_login import current_user
from flask_smorest import Blueprint

from grassroots.api.views import ApiView
from grassroots.db import db
from grassroots.placement.decisions import get_decision
from grassroots.subsidy import access, batches, rosters
from grassroots.subsidy.columns import columns_for
from grassroots.subsidy.compile import compile_roster
from grassroots.subsidy.entitlements import compute_entitlements, entitlements_of
from grassroots.subsidy.exports import CSV_TYPE, XLSX_TYPE
from grassroots.subsidy.idempotency import HEADER, KEY_PATTERN, fingerprint, run_once
from grassroots.subsidy.lines import line_views, pack_view
from grassroots.subsidy.present import (
    batch_dict,
    column_dicts,
    entitlement_dicts,
    export_roster,
    line_dict,
    roster_dict,
)
from grassroots.subsidy.rollup import province_rollup
from grassroots.subsidy.schemas import (
    ApproveSchema,
    BatchArgsSchema,
    BatchCreateSchema,
    BatchPageSchema,
    BatchSchema,
    CompiledSchema,
    CompileSchema,
    ComputeSchema,
    EntitlementsSchema,
    EntitlementTraceSchema,
    ExportArgsSchema,
    PageArgsSchema,
    PaySchema,
    ResubmitSchema,
    RollupArgsSchema,
    RollupSchema,
    RosterArgsSchema,
    RosterDetailSchema,
    RosterPageSchema,
    RosterSchema,
    WithdrawSchema,
)
from grassroots.tenancy.access import member_required, requires

blp = Blueprint("subsidy_api", __name__, url_prefix="/api/v1/t/<tenant>/subsidy",
                description="Subsidies: entitlements, year-end rosters per payer, province roll-up, disbursement")

IDEMPOTENCY_DOC = {"parameters": [{
    "in": "header", "name": HEADER, "required": True,
    "description": "A new random key per payment request (a retry sends the same key and body)",
    "schema": {"type": "string", "pattern": f"^{KEY_PATTERN.pattern}$"}}]}
REPLAYED = {"Idempotent-Replayed": {"description": "`true` when this is the stored answer to an earlier request "
                                                  "with the same key and body", "schema": {"type": "string",
                                                                                          "enum": ["true"]}}}
FILE = {"schema": {"type": "string", "format": "binary"}}
EXPORT_DOC = {"responses": {200: {
    "content": {XLSX_TYPE: FILE, CSV_TYPE.split(";")[0]: FILE},
    "headers": {"Content-Disposition": {"description": 'attachment; filename="<tenant>-roster-<id>-<year>.xlsx"',
                                        "schema": {"type": "string"}}}}}}


def _user():
    return current_user._get_current_object()


def _once(body: dict, operation: Callable[[], tuple[dict, int]]):
    """Run a money-moving operation under the request's idempotency key; the answer is replayable JSON."""
    user = _user()
    digest = fingerprint(user.id, request.method, request.path, body)
    answer, status, replayed = run_once(request.headers.get(HEADER), digest, user.id, operation)
    response = jsonify(answer)
    response.status_code = status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@blp.route("/placements/<id:placement_id>/entitlements")
class PlacementEntitlements(ApiView):
    @member_required
    @blp.response(200, EntitlementsSchema)
    def get(self, placement_id: int):
        """What a placement is owed: each payment period with its years, due date, amount and cite."""
        placement = access.placement_or_404(placement_id)
        access.check_may_read(_user(), g.tenant, placement)
        return {"placement_id": placement.id, "entitlements": entitlement_dicts(entitlements_of(placement.id)),
                "computed": None}

    @requires("roster.compile")
    @blp.arguments(ComputeSchema)
    @blp.response(200, EntitlementsSchema)
    def post(self, body: dict, placement_id: int):
        """Evaluate (full trace, kept as a decision record) and store what is owed; a repeat adds nothing."""
        placement = access.placement_or_404(placement_id)
        try:
            outcome = compute_entitlements(placement, body["as_of"], _user())
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return {"placement_id": placement.id, "entitlements": entitlement_dicts(entitlements_of(placement.id)),
                "computed": outcome.as_dict()}


@blp.route("/entitlements/<id:entitlement_id>")
class EntitlementTrace(ApiView):
    @member_required
    @blp.response(200, EntitlementTraceSchema)
    def get(self, entitlement_id: int):
        """Why this amount: the entitlement and the decision record (facts, pack version, full trace) behind it."""
        entitlement = access.entitlement_or_404(entitlement_id)
        access.check_may_read(_user(), g.tenant, access.placement_or_404(entitlement.placement_id))
        decision = get_decision(entitlement.decision_record_id) if entitlement.decision_record_id else None
        return {"entitlement": entitlement_dicts([entitlement])[0], "decision": None if decision is None else {
            "id": decision.id, "pack_version_id": decision.pack_version_id, "pack_hash": decision.pack_hash,
            "as_of": decision.as_of.isoformat(), "facts": decision.facts, "answer": decision.answer}}


@blp.route("/rosters")
class Rosters(ApiView):
    @requires("roster.review")
    @blp.arguments(RosterArgsSchema, location="query")
    @blp.response(200, RosterPageSchema)
    def get(self, args: dict):
        """Rosters, newest first (50 a page), filtered by year, payer and state."""
        rows, has_next = rosters.list_rosters(year=args["year"], payer=args["payer"], state=args["state"],
                                              page=args["page"])
        view = pack_view(g.tenant)
        return {"page": args["page"], "has_next": has_next, "rosters": [roster_dict(r, view) for r in rows]}


@blp.route("/rosters/compile")
class Compile(ApiView):
    @requires("roster.compile")
    @blp.arguments(CompileSchema)
    @blp.response(201, CompiledSchema)
    @blp.alt_response(409, description="Nothing left to claim for that payer and year")
    def post(self, body: dict):
        """Compile the payer's year-end rosters from entitlements due that year and start their claim chains."""
        made = compile_roster(body["payer"], body["year"], _user(), refresh=body["refresh"])
        view = pack_view(g.tenant)
        return {"rosters": [roster_dict(r, view) for r in made]}, 201


@blp.route("/rosters/<id:roster_id>")
class RosterById(ApiView):
    @requires("roster.review")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, RosterDetailSchema)
    def get(self, args: dict, roster_id: int):
        """A roster and one page (200) of its lines: masked ID numbers, years, amounts, attached forms."""
        roster = rosters.get_roster(roster_id)
        view = pack_view(g.tenant)
        page = args["page"]
        lines = rosters.lines_of(roster, page)
        return {"roster": roster_dict(roster, view), "columns": column_dicts(columns_for(roster, view)),
                "lines": [line_dict(v) for v in line_views(roster, lines, view)], "page": page,
                "has_next": page * rosters.LINES_PER_PAGE < roster.line_count}


@blp.route("/rosters/<id:roster_id>/export")
class Export(ApiView):
    @requires("roster.review")
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.response(200, description="The roster as an XLSX workbook or a CSV file (UTF-8 with BOM)")
    @blp.doc(**EXPORT_DOC)
    def get(self, args: dict, roster_id: int):
        """The whole roster as a file, columns as its annex lays them out, amounts as yuan strings."""
        data, mimetype, name = export_roster(rosters.get_roster(roster_id), args["format"])
        return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@blp.route("/rosters/<id:roster_id>/resubmit")
class Resubmit(ApiView):
    @requires("roster.compile")
    @blp.arguments(ResubmitSchema)
    @blp.response(200, RosterSchema)
    def post(self, body: dict, roster_id: int):
        """A returned roster goes along its claim chain again (its compiler only)."""
        return roster_dict(rosters.resubmit_roster(roster_id, _user()), pack_view(g.tenant))


@blp.route("/rosters/<id:roster_id>/withdraw")
class Withdraw(ApiView):
    @requires("roster.compile")
    @blp.arguments(WithdrawSchema)
    @blp.response(200, RosterSchema)
    def post(self, body: dict, roster_id: int):
        """Its compiler withdraws an open roster; its entitlements can be compiled again."""
        return roster_dict(rosters.withdraw_roster(roster_id, _user(), body["reason"]), pack_view(g.tenant))


@blp.route("/rollup")
class Rollup(ApiView):
    @requires("roster.review")
    @blp.arguments(RollupArgsSchema, location="query")
    @blp.response(200, RollupSchema)
    def get(self, args: dict):
        """The province's payers: each child city's live rosters for the year, with exact totals."""
        return province_rollup(g.tenant, args["year"])


@blp.route("/batches")
class Batches(ApiView):
    @requires("roster.review")
    @blp.arguments(BatchArgsSchema, location="query")
    @blp.response(200, BatchPageSchema)
    def get(self, args: dict):
        """Disbursement batches, newest first (50 a page)."""
        rows, has_next = batches.list_batches(state=args["state"], page=args["page"])
        return {"page": args["page"], "has_next": has_next, "batches": [batch_dict(b) for b in rows]}

    @requires("roster.compile")
    @blp.arguments(BatchCreateSchema)
    @blp.response(201, BatchSchema, headers=REPLAYED)
    @blp.doc(**IDEMPOTENCY_DOC)
    @blp.alt_response(409, description="Roster not approved, already batched, or the key was used for another body")
    def post(self, body: dict):
        """Prepare a batch paying an approved roster (Idempotency-Key required)."""
        return _once(body, lambda: (BatchSchema().dump(batch_dict(
            batches.create_batch(body["roster_id"], _user(), body["note"]))), 201))


@blp.route("/batches/<id:batch_id>")
class BatchById(ApiView):
    @requires("roster.review")
    @blp.response(200, BatchSchema)
    def get(self, batch_id: int):
        """One batch: what it claims, and once paid, what it paid and the reference."""
        return batch_dict(batches.get_batch(batch_id))


@blp.route("/batches/<id:batch_id>/approve")
class Approve(ApiView):
    @requires("payment.disburse")
    @blp.arguments(ApproveSchema)
    @blp.response(200, BatchSchema, headers=REPLAYED)
    @blp.doc(**IDEMPOTENCY_DOC)
    @blp.alt_response(403, description="You prepared this batch: a second person approves it")
    @blp.alt_response(409, description="Already approved or paid, or the key was used for another body")
    def post(self, body: dict, batch_id: int):
        """draft → approved, by someone other than its preparer (Idempotency-Key required)."""
        batches.get_batch(batch_id)  # load (404 for another tenant's) before anything else
        return _once(body, lambda: (BatchSchema().dump(batch_dict(batches.approve_batch(batch_id, _user()))), 200))


@blp.route("/batches/<id:batch_id>/pay")
class Pay(ApiView):
    @requires("payment.disburse")
    @blp.arguments(PaySchema)
    @blp.response(200, BatchSchema, headers=REPLAYED)
    @blp.doc(**IDEMPOTENCY_DOC)
    @blp.alt_response(409, description="Not approved, already paid, or the key was used for another body")
    def post(self, body: dict, batch_id: int):
        """approved → paid with the transfer's reference; each entitlement is paid at most once."""
        batches.get_batch(batch_id)
        return _once(body, lambda: (BatchSchema().dump(batch_dict(
            batches.pay_batch(batch_id, _user(), body["reference"]))), 200))
