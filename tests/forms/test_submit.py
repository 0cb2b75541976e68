"""Submitting: everything validated first and nothing stored on error (rows and upload folder unchanged);
the data stored with resident IDs masked and sealed; files removed when the transaction fails;
resubmission by the submitter only, once per revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func

from grassroots.audit.models import AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.forms import services, uploads
from grassroots.forms.models import Attachment, FormSubmission
from tests.forms.conftest import PDF, PNG, VALID_ID, good_data, good_files, submit_as, upload, user


def _counts(lj) -> tuple[int, int, list[str]]:
    with tenant_context(lj.tenant.id, db.session):
        rows = (db.session.scalar(db.select(func.count()).select_from(FormSubmission)),
                db.session.scalar(db.select(func.count()).select_from(Attachment)))
    root = Path(current_app.config["UPLOAD_DIR"])
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return (*rows, files)


def test_a_good_submission_is_stored_with_its_files(lijiang, seeded_app):
    submission_id = submit_as(lijiang)
    with tenant_context(lijiang.tenant.id, db.session):
        sub = services.get_submission(submission_id)
        assert sub.status == "submitted" and sub.form_id == "application_form" and sub.revision == 1
        assert sub.pack_version_id == lijiang.version_id and sub.submitted_by == user("lj_doctor_he").id
        assert sub.subject_type == "application" and sub.subject_id == 1 and sub.submitted_at is not None
        assert sub.form_def["copies"] == lijiang.form["copies"]  # the form it was validated against, pinned
        assert sub.data["name"] == "和志明" and sub.data["id_number"] == "**************002X"
        assert VALID_ID not in str(sub.data) and set(sub.sealed) == {"/id_number"}
        assert VALID_ID not in str(sub.sealed)
        kinds = {a.attachment_id: (a.content_type, a.original_name) for a in sub.attachments}
        assert kinds == {"id_card": ("image/png", "身份证.png"), "qualification_certificate": ("application/pdf", "资格证.pdf"),
                         "education_certificate": ("image/jpeg", "毕业证.jpg")}
        for a in sub.attachments:
            path = uploads.path_of(lijiang.tenant.id, a.stored_name)
            assert path.parent.name == str(lijiang.tenant.id) and path.is_file() and a.size == path.stat().st_size
        assert services.submissions_for("application", 1) == [sub]


def test_the_audit_log_never_holds_the_id_number(lijiang):
    submit_as(lijiang)
    with tenant_context(lijiang.tenant.id, db.session):
        entries = db.session.execute(db.select(AuditEntry).filter_by(target_type="form_submissions")).scalars().all()
    assert entries and all(VALID_ID not in str(e.after) for e in entries)
    assert entries[0].after["sealed"] == "***"


def test_reveal_gives_the_number_back_and_is_audited(lijiang):
    submission_id = submit_as(lijiang)
    with tenant_context(lijiang.tenant.id, db.session):
        sub = services.get_submission(submission_id)
        assert services.reveal(sub, "identity registration")["id_number"] == VALID_ID
        views = db.session.execute(db.select(AuditEntry).filter_by(action="view", target_type="form_submission")).scalars().all()
    assert len(views) == 1 and "/id_number" in views[0].note


@pytest.mark.parametrize("problem", ["data", "file", "missing_file", "both"])
def test_a_submission_with_errors_stores_nothing(lijiang, problem):
    submit_as(lijiang)  # something already there, so "unchanged" is not "empty"
    before = _counts(lijiang)
    data = {**good_data(), "birth_date": "1985-02-30"} if problem in ("data", "both") else good_data()
    files = good_files()
    if problem in ("file", "both"):
        files["id_card"] = upload(PNG, "renamed.pdf")
    if problem == "missing_file":
        del files["education_certificate"]
    with pytest.raises(UserError) as raised:
        submit_as(lijiang, data=data, files=files, commit=False)
    db.session.rollback()
    assert raised.value.status == 422
    paths = {e["path"] for e in raised.value.errors}
    if problem in ("data", "both"):
        assert "/birth_date" in paths
    if problem in ("file", "both"):
        assert "/attachments/id_card" in paths
    if problem == "missing_file":
        assert paths == {"/attachments/education_certificate"}
    assert _counts(lijiang) == before


def test_files_are_removed_when_the_transaction_fails(lijiang):
    before = _counts(lijiang)
    submit_as(lijiang, commit=False)
    assert len(_counts(lijiang)[2]) == len(before[2]) + 3  # written after the rows flushed
    db.session.rollback()
    assert _counts(lijiang) == before


def test_a_draft_may_lack_required_parts_but_not_hold_wrong_ones(lijiang):
    from grassroots.forms.services import submit

    with tenant_context(lijiang.tenant.id, db.session):
        draft = submit(lijiang.form, {"name": "和志明"}, {}, lijiang.version_id, "application", 2,
                       user("lj_doctor_he"), status="draft")
        assert draft.status == "draft" and draft.submitted_at is None
        with pytest.raises(UserError):
            submit(lijiang.form, {"planned_years": "x"}, {}, lijiang.version_id, "application", 2,
                   user("lj_doctor_he"), status="draft")
    db.session.rollback()


def test_resubmission_by_the_submitter_keeps_masked_ids_and_replaces_files(lijiang):
    submission_id = submit_as(lijiang)
    with tenant_context(lijiang.tenant.id, db.session):
        sub = services.get_submission(submission_id)
        old = {a.attachment_id: a.stored_name for a in sub.attachments}
        shown = dict(sub.data)  # what the edit page shows: the number masked
        shown["planned_years"] = 3
        services.resubmit(sub, shown, {"id_card": upload(PDF, "新身份证.pdf")}, user("lj_doctor_he"), expected_revision=1)
        db.session.commit()
        sub = services.get_submission(submission_id)
        assert sub.revision == 2 and sub.data["planned_years"] == 3
        assert services.reveal(sub)["id_number"] == VALID_ID
        new = {a.attachment_id: a for a in sub.attachments}
        assert new["id_card"].original_name == "新身份证.pdf" and new["id_card"].stored_name != old["id_card"]
        assert new["qualification_certificate"].stored_name == old["qualification_certificate"]
        assert not uploads.path_of(lijiang.tenant.id, old["id_card"]).exists()  # replaced: removed after commit
        assert uploads.path_of(lijiang.tenant.id, new["id_card"].stored_name).exists()


def test_resubmission_by_someone_else_or_of_a_stale_revision_is_refused(lijiang):
    submission_id = submit_as(lijiang)
    with tenant_context(lijiang.tenant.id, db.session):
        sub = services.get_submission(submission_id)
        with pytest.raises(UserError) as raised:
            services.resubmit(sub, good_data(), {}, user("lj_city_hr"))
        assert raised.value.status == 403
        with pytest.raises(UserError) as raised:
            services.resubmit(sub, good_data(), {}, user("lj_doctor_he"), expected_revision=7)
        assert raised.value.status == 409
        with pytest.raises(UserError) as raised:
            services.resubmit(sub, {**good_data(), "gender": "x"}, {}, user("lj_doctor_he"))
        assert raised.value.status == 422 and sub.revision == 1


def test_a_concurrent_resubmission_loses_with_409(lijiang):
    submission_id = submit_as(lijiang)
    with tenant_context(lijiang.tenant.id, db.session):
        sub = services.get_submission(submission_id)
        # Another writer moved the row on since we loaded it.
        db.session.execute(db.update(FormSubmission).where(FormSubmission.id == submission_id)
                           .values(revision=FormSubmission.revision + 1).execution_options(synchronize_session=False))
        with pytest.raises(UserError) as raised:
            services.resubmit(sub, good_data(), {}, user("lj_doctor_he"))
        assert raised.value.status == 409
        assert services.get_submission(submission_id).revision == 1  # rolled back; the session still works


def test_another_tenants_submission_is_not_found(lijiang):
    from tests.forms.conftest import tenant

    submission_id = submit_as(lijiang)
    with tenant_context(tenant("kunming").id, db.session):
        assert services.get_submission(submission_id) is None
