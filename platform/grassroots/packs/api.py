"""/api/v1/t/<tenant>/programs (public: listing, rules, evaluation) and /pack (authors and publishers).

Handlers load, then check access (the decorators, outermost), then act. The evaluation stores nothing,
so it is public, CSRF-exempt and rate-limited per client address instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, abort, g, request
from flask_login import current_user
from flask_smorest import Blueprint

from grassroots.api.views import ApiView
from grassroots.errors import UserError
from grassroots.packs import canonical, drafts, history, publishing
from grassroots.packs.evaluation import evaluate_current
from grassroots.packs.offices import forget as forget_offices
from grassroots.packs.programs import describe_all, describe_one, effective_or_none
from grassroots.packs.ratelimit import rate_limited
from grassroots.packs.schemas import (
    DiffArgsSchema,
    DraftStateSchema,
    EvaluateSchema,
    PublishSchema,
    SubmitSchema,
    VersionSchema,
)
from grassroots.tenancy.access import public, requires

MAX_PACK_BYTES = 4_000_000

blp = Blueprint("packs_api", __name__, url_prefix="/api/v1/t/<tenant>",
                description="Programs, evaluation and policy pack versions of one jurisdiction")

PACK_BODY = {
    "required": True,
    "description": "The whole pack as JSON text (docs; schema policy_packs/schema/pack.schema.json), saved byte "
                   "for byte; it need not pass its check yet.",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": "the ETag (content hash) of the draft you opened; 409 if it changed meanwhile"}
ETAG = {"ETag": {"description": "the content hash, quoted", "schema": {"type": "string"}}}
ATTACHMENT = {"Content-Disposition": {"description": 'attachment; filename="<tenant>-v<number>.json"',
                                      "schema": {"type": "string"}}}


def json_body(view: Callable) -> Callable:
    """A body that is not declared JSON is refused (415), not read as an empty input."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not request.is_json:
            raise UserError(415, "unsupported_media_type", {"zh": "请求体须为 JSON（Content-Type: application/json）",
                                                            "en": "The body must be JSON (Content-Type: application/json)"})
        return view(*args, **kwargs)

    return wrapper


@blp.route("/programs")
class Programs(ApiView):
    @public
    @blp.response(200)
    def get(self):
        """Every program of the pack in force, its rules in words with their citations."""
        effective = effective_or_none(g.tenant)
        if effective is None:
            return {"pack_version": None, "programs": []}
        return {"pack_version": effective.ref(), "programs": describe_all(effective)}


@blp.route("/programs/<program>")
class Program(ApiView):
    @public
    @blp.response(200)
    def get(self, program: str):
        """One program: eligibility lines, subsidies (amount, payer, schedule), outcomes, citations."""
        effective = effective_or_none(g.tenant)
        described = describe_one(effective, program) if effective is not None else None
        if described is None:
            raise UserError(404, "not_found", {"zh": "没有该项目", "en": "No such program"})
        return {"pack_version": effective.ref(), "program": described}


@blp.route("/programs/<program>/evaluate")
class Evaluate(ApiView):
    @public
    @rate_limited
    @json_body
    @blp.arguments(EvaluateSchema)
    @blp.response(200)
    @blp.alt_response(415, description="The body is not declared JSON (Content-Type: application/json)")
    @blp.alt_response(429, description="More than EVALUATE_RATE_PER_MINUTE evaluations from this address in a "
                                       "minute; try again after Retry-After seconds")
    def post(self, body: dict, program: str):
        """Eligibility with every reason and cite, service, payments and total (DESIGN's contract).

        Public and stateless; limited to EVALUATE_RATE_PER_MINUTE calls per client address (429).
        """
        return evaluate_current(g.tenant, program, body)


@blp.route("/pack/draft")
class Draft(ApiView):
    @requires("pack.edit")
    @blp.response(200, DraftStateSchema, headers=ETAG)
    def get(self):
        """The draft (or, before the first edit, the latest version) with its check; ETag = its hash."""
        state = drafts.draft_state(g.tenant)
        if state is None:
            return {"draft": None, "content": None, "valid": False, "errors": []}
        return {"draft": state.draft, "content": state.doc, "valid": state.check.ok,
                "errors": state.check.error_dicts()}, 200, {"ETag": f'"{state.digest}"'}

    @requires("pack.edit")
    @blp.doc(requestBody=PACK_BODY, parameters=[IF_MATCH])
    @blp.response(200, DraftStateSchema, headers=ETAG)
    @blp.alt_response(413, description="The pack is larger than 4 MB")
    def put(self):
        """Save the body (the whole pack) as the draft; answers its check. `If-Match`: the hash you opened.

        Saved even when the check fails (a draft may be invalid while being edited); not saved when the
        body is not a JSON object (400). Submitting needs a valid pack.
        """
        if (request.content_length or 0) > MAX_PACK_BYTES:
            abort(413)
        text = request.get_data(as_text=True)
        try:
            canonical.parse(text)
        except canonical.PackTextError as exc:
            raise UserError(400, "bad_json", {"zh": "请求体不是 JSON 对象", "en": "The body is not a JSON object"},
                            [exc.error.to_dict()]) from None
        expected = (request.headers.get("If-Match") or "").strip().strip('"') or None
        saved = drafts.save_draft(g.tenant, text, current_user, expected_hash=expected)
        return {"draft": saved.draft, "saved": True, "changed": saved.changed, "valid": saved.check.ok,
                "errors": saved.check.error_dicts()}, 200, {"ETag": f'"{saved.draft.content_hash}"'}


@blp.route("/pack/draft/submit")
class Submit(ApiView):
    @requires("pack.edit")
    @blp.arguments(SubmitSchema)
    @blp.response(200, DraftStateSchema)
    def post(self, body: dict):
        """draft → submitted; 422 with every error at its path when the pack fails its check."""
        draft = drafts.submit_draft(g.tenant, current_user, body.get("expected_hash"))
        return {"draft": draft, "valid": True, "errors": []}


@blp.route("/pack/draft/publish")
class Publish(ApiView):
    @requires("pack.publish")
    @blp.arguments(PublishSchema)
    @blp.response(201, VersionSchema)
    def post(self, body: dict):
        """submitted → a new version, by a second person (403 for the submitter)."""
        version = publishing.publish_draft(g.tenant, current_user, note=body.get("note", ""),
                                           effective_date=body.get("effective_date"),
                                           expected_hash=body.get("expected_hash"))
        forget_offices()
        return history.version_row(version)


@blp.route("/pack/versions")
class Versions(ApiView):
    @requires("pack.edit")
    @blp.response(200, VersionSchema(many=True))
    def get(self):
        """Every published version, newest first, with hash, effective date, author, publisher, note."""
        return history.version_rows(g.tenant)


@blp.route("/pack/versions/<id:number>")
class VersionExport(ApiView):
    @requires("pack.edit")
    @blp.response(200, content_type="application/json", headers={**ETAG, **ATTACHMENT})
    def get(self, number: int):
        """The version exactly as authored (byte for byte): the export."""
        version = history.version_with_content(g.tenant, number)
        return Response(version.content, mimetype="application/json",
                        headers={"ETag": f'"{version.content_hash}"',
                                 "Content-Disposition": f'attachment; filename="{g.tenant.slug}-v{number}.json"'})


@blp.route("/pack/diff")
class Diff(ApiView):
    @requires("pack.edit")
    @blp.arguments(DiffArgsSchema, location="query")
    @blp.response(200)
    def get(self, args: dict):
        """Structural diff by id of two versions (`from`, `to` numbers; `to=draft` for the draft)."""
        return history.diff(g.tenant, args.get("from_"), args.get("to"))

