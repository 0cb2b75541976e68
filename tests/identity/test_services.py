"""register_person, find_by_id_number and reveal: the calls other modules make."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from grassroots.audit.models import AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import MissingTenantContext, tenant_context
from grassroots.errors import UserError
from grassroots.identity import crypto, present, services
from grassroots.identity.models import Person
from tests.db.factories import owner_engine
from tests.identity.conftest import user
from tests.identity.helpers import EXAMPLES, number


def _errors(exc: UserError) -> dict[str, str]:
    return {e["path"]: e["code"] for e in exc.errors}


def test_register_stores_the_numbers_facts_encrypted(lijiang, register):
    person_id = register(id_number=EXAMPLES[0].lower(), name="李老师", unit_code="lj-city-education-bureau",
                         education="bachelor", title_level="intermediate", title_series="primary_secondary_teacher",
                         licenses=["teacher_certificate"], ethnic_minority=True, phone="0888-5123456")
    with tenant_context(lijiang.id, db.session):
        person = services.get_person(person_id)
        assert (person.birth_date, person.gender) == (date(1949, 12, 31), "female")
        assert person.unit.code == "lj-city-education-bureau"
        assert crypto.decrypt(person.id_cipher, lijiang.id) == EXAMPLES[0]  # upper-case X
        assert person.id_hash == crypto.lookup_hash(EXAMPLES[0])
        assert present.masked_id(person) == "110105********002X"
        facts = present.facts_of(person, as_of=date(2026, 1, 1))
        assert facts["age"] == 76 and facts["title_level"] == "intermediate" and facts["unit_level"] == "city"


def test_the_raw_column_holds_no_digits_of_the_number(seeded_app, lijiang, register):
    register(id_number=EXAMPLES[1])
    engine = owner_engine(seeded_app)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM people")).mappings().all()
    engine.dispose()
    assert len(rows) == 1
    cipher = bytes(rows[0]["id_cipher"])
    assert EXAMPLES[1].encode() not in cipher and b"18800101" not in cipher and b"440524" not in cipher
    assert cipher.hex().find(EXAMPLES[1]) == -1
    assert all(EXAMPLES[1] not in str(value) and "18800101" not in str(value) for value in rows[0].values())


def test_form_facts_must_agree_with_the_number(lijiang, register):
    with pytest.raises(UserError) as raised:
        register(id_number=EXAMPLES[0], gender="male", birth_date="1949-12-30")
    assert raised.value.status == 422
    assert _errors(raised.value) == {"/gender": "id_gender_mismatch", "/birth_date": "id_birth_mismatch"}
    assert register(id_number=EXAMPLES[0], gender="female", birth_date="1949-12-31")


def test_every_error_at_once_and_none_repeats_the_number(lijiang, register):
    bad = EXAMPLES[0][:-1] + "3"
    with pytest.raises(UserError) as raised:
        register(id_number=bad, name="", unit_code="nowhere", username="km_city_hr", education="phd",
                 licenses=["practising_physician", "wizard"], phone="abc")
    assert _errors(raised.value) == {
        "/name": "required", "/id_number": "id_checksum", "/unit_code": "invalid_choice",
        "/username": "unknown_member", "/education": "invalid_choice", "/licenses/1": "invalid_choice",
        "/phone": "invalid_phone",
    }
    assert bad not in repr(raised.value.errors) and bad[:17] not in repr(raised.value.errors)


def test_a_duplicate_in_the_same_tenant_is_409(lijiang, register):
    register(id_number=number(5))
    with pytest.raises(UserError) as raised:
        register(id_number=number(5), name="另一人")
    assert raised.value.status == 409 and raised.value.code == "duplicate_id_number"
    assert "本地区" in raised.value.message["zh"]


def test_another_tenant_may_hold_the_same_number_and_neither_sees_the_other(lijiang, kunming, register):
    lj = register("lijiang", id_number=number(7))
    km = register("kunming", id_number=number(7), actor="km_city_hr")
    assert lj != km
    with tenant_context(lijiang.id, db.session):
        assert services.find_by_id_number(number(7)).id == lj
        with pytest.raises(UserError) as raised:
            services.get_person(km)
        assert raised.value.status == 404
    with tenant_context(kunming.id, db.session):
        assert services.find_by_id_number(number(7)).id == km
        assert [p.id for p in services.list_people()[0]] == [km]


def test_find_by_keyed_hash_and_not_with_another_key(seeded_app, lijiang, register):
    person_id = register(id_number=number(9))
    with tenant_context(lijiang.id, db.session):
        assert services.find_by_id_number(number(9)).id == person_id
        assert services.find_by_id_number(number(9).lower()).id == person_id
        assert services.find_by_id_number(number(11)) is None
        assert services.find_by_id_number(number(9) + "\n") is None
        seeded_app.config["ID_NUMBER_KEY"] = "f" * 64
        assert services.find_by_id_number(number(9)) is None


def test_no_tenant_context_is_an_error_not_all_tenants(lijiang, register):
    register(id_number=number(3))
    with pytest.raises(MissingTenantContext):
        services.find_by_id_number(number(3))


def test_reveal_returns_the_number_and_audits_without_it(lijiang, register):
    person_id = register(id_number=EXAMPLES[0])
    hr = user("lj_city_hr")
    with tenant_context(lijiang.id, db.session):
        person = services.get_person(person_id)
        assert services.reveal(person, hr, reason="签订三方协议") == EXAMPLES[0]
        entry = db.session.execute(
            db.select(AuditEntry).where(AuditEntry.action == "id.reveal")).scalar_one()
    assert (entry.tenant_id, entry.actor_user_id, entry.actor_label) == (lijiang.id, hr.id, "lj_city_hr")
    assert (entry.target_type, entry.target_id, entry.note) == ("people", str(person_id), "签订三方协议")
    assert entry.at is not None


def test_reveal_needs_the_permission_in_that_tenant(lijiang, register):
    person_id = register(id_number=number(13))
    with tenant_context(lijiang.id, db.session):
        person = services.get_person(person_id)
        for name in ("lj_doctor_he", "lj_admin", "km_city_hr"):
            with pytest.raises(UserError) as raised:
                services.reveal(person, user(name))
            assert raised.value.status == 403
        assert services.reveal(person, user("lj_service_unit")) == number(13)


def test_the_audit_table_never_holds_the_number(seeded_app, lijiang, register):
    person_id = register(id_number=EXAMPLES[0])
    with tenant_context(lijiang.id, db.session):
        services.reveal(services.get_person(person_id), user("lj_city_hr"))
        services.record_lookup(services.find_by_id_number(EXAMPLES[0]), user("lj_city_hr"))
        insert = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "insert",
                                                                AuditEntry.target_type == "people")).scalar_one()
    assert insert.after["id_cipher"] == "***" and insert.after["id_hash"] == "***"
    assert insert.actor_label == "lj_city_hr"
    engine = owner_engine(seeded_app)
    with engine.connect() as conn:
        dump = " ".join(str(tuple(row)) for row in conn.execute(text("SELECT * FROM audit_entries")))
    engine.dispose()
    digest = crypto.lookup_hash(EXAMPLES[0])
    assert EXAMPLES[0] not in dump and "19491231" not in dump and digest not in dump
    assert "id.reveal" in dump and "id.lookup" in dump


def test_rekey_moves_rows_to_the_current_key(seeded_app, lijiang, register):
    from grassroots.identity.rekey import rekey_current_tenant

    person_id = register(id_number=number(21))
    old = seeded_app.config["ID_NUMBER_KEY"]
    seeded_app.config.update(ID_NUMBER_KEY="e" * 64, ID_NUMBER_KEY_VERSION=2, ID_NUMBER_OLD_KEYS={1: old})
    with tenant_context(lijiang.id, db.session):
        assert services.find_by_id_number(number(21)).id == person_id  # found mid-rotation
        assert rekey_current_tenant() == 1 and rekey_current_tenant() == 0
        person = db.session.get(Person, person_id)
        assert person.id_cipher[0] == 2 and person.id_hash == crypto.lookup_hash(number(21))
    seeded_app.config["ID_NUMBER_OLD_KEYS"] = {}
    with tenant_context(lijiang.id, db.session):
        assert services.find_by_id_number(number(21)).id == person_id
        assert present.masked_id(services.get_person(person_id)) == number(21)[:6] + "********" + number(21)[-4:]


def test_rekey_runs_registered_participants_in_each_tenants_context(seeded_app, lijiang, register):
    from grassroots.db.tenant_scope import current_tenant_id
    from grassroots.identity.rekey import participants, register_participant
    from grassroots.tenancy.models import Tenant

    assert [label for label, _ in participants(seeded_app)] == ["form submissions"]  # forms registers itself
    seen = []

    def other_module() -> int:  # what a module holding its own ciphertexts registers
        seen.append(current_tenant_id())
        return 3 if current_tenant_id() == lijiang.id else 0

    register_participant(seeded_app, "other", other_module)
    register(id_number=number(23))
    seeded_app.config.update(ID_NUMBER_KEY="e" * 64, ID_NUMBER_KEY_VERSION=2,
                             ID_NUMBER_OLD_KEYS={1: seeded_app.config["ID_NUMBER_KEY"]})
    result = seeded_app.test_cli_runner().invoke(args=["identity", "rekey"])
    assert result.exit_code == 0, result.output
    tenants = db.session.execute(db.select(Tenant.id, Tenant.slug).order_by(Tenant.id)).all()
    assert seen == [tid for tid, _ in tenants]  # once per tenant, inside its context
    lines = dict(line.split(None, 1) for line in result.output.splitlines())
    assert lines["lijiang"] == "register 1, form submissions 0, other 3 re-encrypted"
    assert lines["kunming"] == "register 0, form submissions 0, other 0 re-encrypted"


def test_a_login_links_to_one_person_per_tenant(lijiang, register):
    register(id_number=number(31), username="lj_doctor_he")
    with pytest.raises(UserError) as raised:
        register(id_number=number(33), username="lj_doctor_he")
    assert _errors(raised.value) == {"/username": "already_linked"}
