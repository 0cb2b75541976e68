"""Submitting a form: validate everything first, store nothing on error, then rows, then files.

Runs in the caller's transaction (flush, no commit), so a placement application and its form commit or
fail together; files written for a transaction that does not commit are deleted (uploads.py).
Resubmitting after a return is an optimistic update: two resubmissions of one revision make one
change and one 409.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.errors import UserError
from grassroots.forms import sensitive, uploads
from grassroots.forms.models import Attachment, FormSubmission
from grassroots.forms.readers import Readers, can_read, readers  # noqa: F401  (part of this module's API)
from grassroots.forms.validation import validate

DRAFT_TOLERATED = ("required", "attachment_required", "const")


def invalid(errors: list[dict]) -> UserError:
    return UserError(422, "invalid", {"zh": "表单填写有误，请按提示修改", "en": "The form has errors; please correct them"},
                     errors)


def check(form: dict, data: Any, files: Any, present: frozenset[str] = frozenset(), draft: bool = False,
          labels: dict | None = None) -> tuple[list[dict], dict[str, uploads.CheckedFile]]:
    """(every error of the data and the files, the files that passed). A draft may lack required parts."""
    errors = validate(form, data, labels)
    checked, file_errors = uploads.check_files(form, files, present, enforce_required=not draft)
    errors += file_errors
    if draft:
        errors = [e for e in errors if e["code"] not in DRAFT_TOLERATED]
    return errors, checked


def _user_id(user: Any) -> int | None:
    return getattr(user, "id", None)


def _store_files(submission: FormSubmission, checked: dict[str, uploads.CheckedFile], user_id: int | None) -> None:
    session = db.session()
    existing = {a.attachment_id: a for a in submission.attachments}
    for attachment_id, file in checked.items():
        stored = uploads.store(session, submission.tenant_id, file)
        row = existing.get(attachment_id)
        if row is None:
            row = Attachment(submission_id=submission.id, attachment_id=attachment_id)
            submission.attachments.append(row)
        else:
            uploads.discard_after_commit(session, submission.tenant_id, row.stored_name)
        row.original_name, row.stored_name, row.content_type = file.original_name, stored, file.content_type
        row.size, row.sha256, row.uploaded_by, row.uploaded_at = file.size, file.sha256, user_id, utcnow()
    db.session.flush()


def submit(form: dict, data: Any, files: Any, pack_version_id: int, subject_type: str | None,
           subject_id: int | None, user: Any, *, scope: dict | None = None, status: str = "submitted",
           labels: dict | None = None) -> FormSubmission:
    """A new submission of `form` (from the pinned pack version), with its attachments.

    `files`: {attachment id: FileStorage} (see uploads.files_from_request). `scope`: the workflow
    context narrowing which offices read it (readers.py). Raises UserError 422 with every error.
    """
    if status not in ("draft", "submitted"):
        raise ValueError(f"unknown status {status!r}")
    errors, checked = check(form, data, files, draft=status == "draft", labels=labels)
    if errors:
        raise invalid(errors)
    tenant_id = current_tenant_id()
    masked, sealed = sensitive.seal(form.get("schema") or {}, data, tenant_id)
    now = utcnow()
    submission = FormSubmission(
        pack_version_id=pack_version_id, form_id=str(form.get("id")), form_def=copy.deepcopy(form), data=masked,
        sealed=sealed, scope=dict(scope or {}), status=status, subject_type=subject_type, subject_id=subject_id,
        submitted_by=_user_id(user), submitted_at=now if status == "submitted" else None, created_at=now,
        updated_at=now)
    db.session.add(submission)
    db.session.flush()
    _store_files(submission, checked, _user_id(user))
    return submission


def resubmit(submission: FormSubmission, data: Any, files: Any, user: Any, *, expected_revision: int | None = None,
             status: str = "submitted", labels: dict | None = None) -> FormSubmission:
    """New data (and any replaced files) for a returned or draft submission, by its submitter.

    Validated against the form the submission was made with. A resident ID shown masked and posted back
    unchanged keeps its sealed value. 403 for anyone but the submitter; 409 when the submission changed
    since `expected_revision` (or concurrently).
    """
    if submission.submitted_by is None or _user_id(user) != submission.submitted_by:
        raise UserError(403, "not_submitter", {"zh": "只有提交人可以修改并重新提交", "en": "Only the submitter can resubmit"})
    if expected_revision is not None and expected_revision != submission.revision:
        raise _changed()
    form = submission.form_def or {}
    schema = form.get("schema") or {}
    if isinstance(data, dict):
        data = sensitive.restore_unchanged(schema, copy.deepcopy(data), submission.data or {},
                                           submission.sealed or {}, submission.tenant_id)
    present = frozenset(a.attachment_id for a in submission.attachments)
    errors, checked = check(form, data, files, present, draft=status == "draft", labels=labels)
    if errors:
        raise invalid(errors)
    masked, sealed = sensitive.seal(schema, data, submission.tenant_id)
    now = utcnow()
    submission.data, submission.sealed, submission.status, submission.updated_at = masked, sealed, status, now
    if status == "submitted":
        submission.submitted_at = now
    try:
        db.session.flush()  # UPDATE ... WHERE revision = :seen (version_id_col): 0 rows → StaleDataError
    except StaleDataError:
        db.session.rollback()  # the failed flush already doomed the transaction; free the session for the error page
        raise _changed() from None
    _store_files(submission, checked, _user_id(user))
    return submission


def _changed() -> UserError:
    return UserError(409, "changed", {"zh": "表单已被修改，请刷新后重试", "en": "The submission changed; reload and try again"})


def get_submission(submission_id: int) -> FormSubmission | None:
    """In the current tenant only; another tenant's id is simply not found.

    A query, not `session.get`: an identity-map hit would skip the tenant criteria."""
    found = db.session.execute(db.select(FormSubmission).filter_by(id=submission_id)).scalar_one_or_none()
    return found if found is not None and found.tenant_id == current_tenant_id() else None


def submissions_for(subject_type: str, subject_id: int) -> list[FormSubmission]:
    query = (db.select(FormSubmission).filter_by(subject_type=subject_type, subject_id=subject_id)
             .order_by(FormSubmission.id))
    return list(db.session.execute(query).scalars())


def reveal(submission: FormSubmission, reason: str = "") -> dict:
    """The data with resident IDs in clear (for identity registration); audited."""
    return sensitive.unseal(submission, reason)
