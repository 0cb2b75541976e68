"""Pages of a submission: the record, its printable copies, its attachments (downloads).

Each handler loads, then checks access, then acts: a member of the tenant (decorator; anyone else 404),
a submission of this tenant (else 404, exactly like a missing one), a reader of it (else 403).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, g, render_template, send_file
from flask_login import current_user

from grassroots.accounts.models import User
from grassroots.audit.log import record
from grassroots.db import db
from grassroots.forms import printing, uploads
from grassroots.forms.models import FormSubmission
from grassroots.forms.readers import can_read
from grassroots.forms.rendering import pack_labels
from grassroots.forms.services import get_submission
from grassroots.packs.programs import effective_or_none
from grassroots.packs.versions import version_by_id
from grassroots.tenancy.access import member_required

log = logging.getLogger(__name__)


def load_readable(submission_id: int) -> FormSubmission:
    """The submission if this tenant has it (else 404) and the user may read it (else 403)."""
    submission = get_submission(submission_id)
    if submission is None:
        abort(404)
    if not can_read(current_user, g.tenant, submission):
        abort(403)
    return submission


def _submitter(submission: FormSubmission) -> str:
    user = db.session.get(User, submission.submitted_by) if submission.submitted_by else None
    return user.display_name if user else "—"


def page_context(submission: FormSubmission) -> dict[str, Any]:
    """What the record and print pages show: sections, copies, attachments, version and citation."""
    effective = effective_or_none(g.tenant)
    pack = effective.pack if effective else None
    form = submission.form_def or {}
    labels = pack_labels(pack)
    return {"submission": submission, "form": form, "sections": printing.sections(form, submission.data, labels),
            "copies": printing.print_copies(form, submission), "citation": printing.citation(form, pack),
            "version": version_by_id(submission.pack_version_id), "submitter": _submitter(submission),
            "attachments": [(a, uploads.attachment_label(form, a.attachment_id)) for a in submission.attachments]}


@member_required
def submission(submission_id: int):
    return render_template("forms/submission.html", **page_context(load_readable(submission_id)))


@member_required
def print_copies(submission_id: int):
    return render_template("forms/print.html", **page_context(load_readable(submission_id)))


@member_required
def attachment(submission_id: int, attachment_id: int):
    """The stored file, as a download with its detected content type; every download is audited."""
    found = load_readable(submission_id)
    row = next((a for a in found.attachments if a.id == attachment_id), None)
    if row is None:
        abort(404)
    try:
        path = uploads.path_of(row.tenant_id, row.stored_name)
    except (ValueError, uploads.UploadDirError):
        log.error("attachment %s has an unusable stored name or upload dir", row.id)
        abort(404)
    if not path.is_file():
        log.error("attachment %s of submission %s is missing on disk", row.id, found.id)
        abort(404)
    record("view", "attachment", row.id, note=f"download of {row.attachment_id} of form submission {found.id}")
    db.session.commit()
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.original_name,
                         max_age=0, etag=row.sha256)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
