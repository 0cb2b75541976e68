"""`grassroots identity rekey` after ID_NUMBER_KEY rotates: the register and the ID numbers sealed in form
submissions move to the current key, under the same numbers, idempotently, a page of submissions at a time,
with one audit entry per tenant for the submissions; the revision is untouched, so an open resubmission
still goes through; once the old key is retired, reveal and resubmission still read the numbers."""

from __future__ import annotations

import base64

from sqlalchemy import event

from grassroots.audit.models import AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.forms import rekey as forms_rekey
from grassroots.forms import services
from grassroots.forms.models import FormSubmission
from grassroots.identity import crypto
from grassroots.identity.models import Person
from grassroots.identity.services import register_person
from tests.conftest import login
from tests.forms.conftest import VALID_ID, submit_as, tenant, user
from tests.identity.helpers import number

NEW_KEY = "v2-" + "k" * 61


def _versions(sub: FormSubmission) -> dict[str, int]:
    return {p: crypto.key_version_of(base64.b64decode(t)) for p, t in sub.sealed.items()}


def _numbers(sub: FormSubmission, tenant_id: int) -> dict[str, str]:
    return {p: crypto.decrypt(base64.b64decode(t), tenant_id) for p, t in sub.sealed.items()}


def _rotate(app) -> str:
    old = app.config["ID_NUMBER_KEY"]
    app.config.update(ID_NUMBER_KEY=NEW_KEY, ID_NUMBER_KEY_VERSION=2, ID_NUMBER_OLD_KEYS={1: old})
    return old


def _line(output: str, slug: str) -> str:
    return next(line for line in output.splitlines() if line.split()[0] == slug)


def _rekey_entries(tenant_id: int) -> list[AuditEntry]:
    with tenant_context(tenant_id, db.session):
        rows = db.session.execute(db.select(AuditEntry).filter_by(action="id.rekey").order_by(AuditEntry.id)
                                  ).scalars().all()
        db.session.expunge_all()
        db.session.rollback()
    return rows


def _person(lijiang) -> int:
    with tenant_context(lijiang.tenant.id, db.session):
        person = register_person({"name": "和医生", "id_number": number(41)}, user("lj_city_hr"))
        person_id = person.id
    db.session.rollback()
    return person_id


def test_rekey_moves_register_and_sealed_submissions_and_survives_retiring_the_old_key(lijiang, seeded_app,
                                                                                        seeded_client):
    tid = lijiang.tenant.id
    person_id = _person(lijiang)
    submission_id = submit_as(lijiang)
    with tenant_context(tid, db.session):
        sub = services.get_submission(submission_id)
        assert _versions(sub) == {"/id_number": 1}
        before = dict(sub.sealed)
    db.session.rollback()

    _rotate(seeded_app)
    runner = seeded_app.test_cli_runner()
    first = runner.invoke(args=["identity", "rekey"])
    assert first.exit_code == 0, first.output
    assert _line(first.output, "lijiang").split(None, 1)[1] == "register 1, form submissions 1 re-encrypted"
    assert _line(first.output, "kunming").split(None, 1)[1] == "register 0, form submissions 0 re-encrypted"
    assert VALID_ID not in first.output and number(41) not in first.output

    with tenant_context(tid, db.session):
        sub = services.get_submission(submission_id)
        assert _versions(sub) == {"/id_number": 2} and sub.sealed != before
        assert _numbers(sub, tid) == {"/id_number": VALID_ID}  # the same number under the new key
        assert sub.revision == 1 and sub.data["id_number"] == "**************002X"  # only `sealed` changed
        person = db.session.get(Person, person_id)
        assert crypto.key_version_of(person.id_cipher) == 2 and crypto.decrypt(person.id_cipher, tid) == number(41)
    db.session.rollback()

    # One summary entry for the tenant's submissions, not one per row, and no ciphertext or number in it.
    entries = _rekey_entries(tid)
    assert len(entries) == 1
    assert entries[0].target_type == "form_submissions"
    assert entries[0].after == {"key_version": 2, "values": 1, "submissions": [submission_id]}
    assert before["/id_number"] not in str(entries[0].after) and VALID_ID not in str(entries[0].after)
    with tenant_context(tid, db.session):
        per_row = db.session.execute(db.select(AuditEntry).filter_by(target_type="form_submissions",
                                                                     action="update")).scalars().all()
        assert per_row == []
    db.session.rollback()

    second = runner.invoke(args=["identity", "rekey"])
    assert second.exit_code == 0, second.output
    assert all(line.endswith("register 0, form submissions 0 re-encrypted") for line in second.output.splitlines())
    assert len(_rekey_entries(tid)) == 1  # nothing moved, nothing recorded

    seeded_app.config["ID_NUMBER_OLD_KEYS"] = {}  # key 1 retired
    with tenant_context(tid, db.session):
        sub = services.get_submission(submission_id)
        assert services.reveal(sub, "identity registration")["id_number"] == VALID_ID
        shown = dict(sub.data)  # the returned form as its submitter sees it: the number masked
        shown["planned_years"] = 3
        services.resubmit(sub, shown, {}, user("lj_doctor_he"), expected_revision=1)  # not refused by the rekey
        db.session.commit()
        sub = services.get_submission(submission_id)
        assert sub.revision == 2 and services.reveal(sub)["id_number"] == VALID_ID
    db.session.rollback()
    login(seeded_client, "lj_city_hr")
    page = seeded_client.get(f"/t/lijiang/forms/submissions/{submission_id}/print").get_data(as_text=True)
    assert "**************002X" in page and VALID_ID not in page


def test_submissions_are_read_a_page_at_a_time(lijiang, seeded_app, monkeypatch):
    ids = [submit_as(lijiang) for _ in range(5)]
    _rotate(seeded_app)
    monkeypatch.setattr(forms_rekey, "BATCH", 2)
    pages = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM FORM_SUBMISSIONS" in statement.upper():
            pages.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = seeded_app.test_cli_runner().invoke(args=["identity", "rekey"])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert result.exit_code == 0, result.output
    assert _line(result.output, "lijiang").endswith("form submissions 5 re-encrypted")
    lijiang_pages = [s for s in pages if "LIMIT" in s.upper()]
    assert len(lijiang_pages) >= 4  # 2 + 2 + 1 + the empty page that ends Lijiang (other tenants: 1 each)
    with tenant_context(lijiang.tenant.id, db.session):
        subs = [services.get_submission(i) for i in ids]
        assert all(_versions(s) == {"/id_number": 2} for s in subs)
        assert all(_numbers(s, lijiang.tenant.id) == {"/id_number": VALID_ID} for s in subs)
    db.session.rollback()
    assert _rekey_entries(lijiang.tenant.id)[0].after["submissions"] == ids


def test_a_value_under_a_retired_key_stops_the_run_naming_the_submission_not_the_number(lijiang, seeded_app):
    submission_id = submit_as(lijiang)
    seeded_app.config.update(ID_NUMBER_KEY=NEW_KEY, ID_NUMBER_KEY_VERSION=2, ID_NUMBER_OLD_KEYS={})  # key 1 lost
    result = seeded_app.test_cli_runner().invoke(args=["identity", "rekey"])
    assert result.exit_code == 1
    assert f"lijiang: form submissions: form submission {submission_id}: no key for ID number key version 1" \
        in result.output
    assert VALID_ID not in result.output
    with tenant_context(tenant("lijiang").id, db.session):
        assert _versions(services.get_submission(submission_id)) == {"/id_number": 1}  # left as it was
    db.session.rollback()


def test_a_resubmission_between_read_and_write_is_left_to_the_resubmission(lijiang, seeded_app, monkeypatch):
    submission_id = submit_as(lijiang)
    _rotate(seeded_app)
    real = forms_rekey.sensitive.reseal

    def racing(sealed, tenant_id):
        # The submitter resubmits (new revision, sealed under the current key) while the rekey holds the old row.
        db.session.execute(db.update(FormSubmission).where(FormSubmission.id == submission_id)
                           .values(revision=FormSubmission.revision + 1).execution_options(synchronize_session=False))
        return real(sealed, tenant_id)

    monkeypatch.setattr(forms_rekey.sensitive, "reseal", racing)
    with tenant_context(lijiang.tenant.id, db.session):
        assert forms_rekey.rekey_current_tenant() == 0
        db.session.commit()
    assert _rekey_entries(lijiang.tenant.id) == []
