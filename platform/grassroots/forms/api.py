"""/api/v1/t/<tenant>/forms: a form's definition from the pack in force (public, like the programs), and
one submission for its readers (member of the tenant, then a reader of it: 404, then 403)."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_smorest import Blueprint

from grassroots.api.views import ApiView
from grassroots.errors import UserError
from grassroots.forms import printing, uploads
from grassroots.forms.models import FormSubmission
from grassroots.forms.views import load_readable
from grassroots.packs.programs import effective_or_none
from grassroots.tenancy.access import member_required, public

blp = Blueprint("forms_api", __name__, url_prefix="/api/v1/t/<tenant>/forms",
                description="Pack forms (definitions) and form submissions of one jurisdiction")

FORM_KEYS = ("id", "title", "annex", "cite", "interpretation", "schema", "layout", "attachments", "copies")


def find_form(pack: dict | None, form_id: str) -> dict | None:
    """The form with `form_id` in a (merged) pack, or None."""
    for form in (pack or {}).get("forms") or []:
        if isinstance(form, dict) and form.get("id") == form_id:
            return form
    return None


def _time(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def submission_json(submission: FormSubmission) -> dict[str, Any]:
    form = submission.form_def or {}
    return {
        "id": submission.id, "form_id": submission.form_id, "title": form.get("title"),
        "status": submission.status, "revision": submission.revision,
        "subject": {"type": submission.subject_type, "id": submission.subject_id},
        "pack_version_id": submission.pack_version_id, "data": submission.data,
        "submitted_by": submission.submitted_by, "submitted_at": _time(submission.submitted_at),
        "created_at": _time(submission.created_at), "updated_at": _time(submission.updated_at),
        "attachments": [{"id": a.id, "attachment_id": a.attachment_id,
                         "name": uploads.attachment_label(form, a.attachment_id), "original_name": a.original_name,
                         "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
                         "uploaded_at": _time(a.uploaded_at),
                         "url": url_for("forms.attachment", submission_id=submission.id, attachment_id=a.id)}
                        for a in submission.attachments],
        "copies": [{"number": c.number, "recipient": c.recipient, "office": c.office}
                   for c in printing.print_copies(form, submission)],
        "links": {"html": url_for("forms.submission", submission_id=submission.id),
                  "print": url_for("forms.print_copies", submission_id=submission.id)},
    }


@blp.route("/<form_id>")
class FormDefinition(ApiView):
    @public
    @blp.response(200)
    def get(self, form_id: str):
        """The form in the pack in force: schema, layout, attachments, copies (一式N份), citation."""
        effective = effective_or_none(g.tenant)
        form = find_form(effective.pack, form_id) if effective is not None else None
        if form is None:
            raise UserError(404, "not_found", {"zh": "没有该表格", "en": "No such form"})
        return {"pack_version": effective.ref(), "form": {k: form[k] for k in FORM_KEYS if k in form}}


@blp.route("/submissions/<id:submission_id>")
class Submission(ApiView):
    @member_required
    @blp.response(200)
    def get(self, submission_id: int):
        """A submission (resident IDs masked) with its attachments and copy recipients, for its readers."""
        return submission_json(load_readable(submission_id))
