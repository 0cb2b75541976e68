"""The people pages: masked list with a constant query count, the form's field errors, the reveal button."""

from __future__ import annotations

import re

from grassroots.db import db
from tests.db.factories import count_queries
from tests.identity.conftest import audit_entries
from tests.identity.helpers import EXAMPLES, number


def _normal(html: str) -> str:
    """The CSRF token carries a timestamp: two answers a second apart differ only there."""
    return re.sub(r'(name="csrf-token" content=)"[^"]*"', r'\1""', html)


def test_the_list_masks_numbers_and_appears_in_the_nav(as_user, register):
    register(id_number=EXAMPLES[0], name="王医生")
    client = as_user("lj_city_hr")
    html = client.get("/t/lijiang/people").get_data(as_text=True)
    assert "王医生" in html and "110105********002X" in html
    assert EXAMPLES[0] not in html and "1949-12-31" not in html
    assert 'href="/t/lijiang/people"' in client.get("/t/lijiang/").get_data(as_text=True)
    assert 'href="/t/lijiang/people"' not in as_user("lj_doctor_he").get("/t/lijiang/").get_data(as_text=True)


def test_the_list_costs_the_same_queries_for_one_or_many(seeded_app, as_user, register):
    client = as_user("lj_city_hr")

    def measured() -> tuple[int, str]:
        client.get("/t/lijiang/people")  # re-warm what a registration's commit expired, and others' caches
        with count_queries(db.engine) as statements:
            html = client.get("/t/lijiang/people").get_data(as_text=True)
        return len(statements), html

    register(id_number=number(1), unit_code="lj-city-hrss")
    one, _ = measured()
    for seq in range(2, 22):
        register(id_number=number(seq), name=f"人员{seq}", unit_code="lj-city-hrss")
    many, html = measured()
    assert html.count('data-testid="masked-id"') == 21 and html.count("丽江市人力资源和社会保障局") == 21
    assert many == one


def test_access_anonymous_member_without_permission_and_other_tenant(as_user, register):
    person_id = register(id_number=number(3))
    assert as_user().get("/t/lijiang/people").status_code == 302
    assert as_user("lj_doctor_he").get("/t/lijiang/people").status_code == 403
    assert as_user("lj_doctor_he").get(f"/t/lijiang/people/{person_id}").status_code == 403
    assert as_user("km_city_hr").get("/t/lijiang/people").status_code == 404
    km = as_user("km_city_hr")
    assert km.get(f"/t/kunming/people/{person_id}").status_code == 404  # lijiang's person, kunming's URL
    assert km.get("/t/kunming/people/999999").status_code == 404
    mine = _normal(km.get(f"/t/kunming/people/{person_id}").get_data(as_text=True).replace(f"/{person_id}", "/N"))
    assert mine == _normal(km.get("/t/kunming/people/999999").get_data(as_text=True).replace("/999999", "/N"))


def test_a_bad_number_shows_at_its_field_and_is_not_echoed(as_user):
    client = as_user("lj_city_hr")
    assert client.get("/t/lijiang/people/new").status_code == 200
    bad = EXAMPLES[0][:-1] + "1"
    response = client.post("/t/lijiang/people/new", data={"name": "和医生", "id_number": bad, "phone": "x"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'data-field-errors="id_number".*data-code="id_checksum"', html, re.S)
    assert 'data-field-errors="phone"' in html
    assert "校验位不正确" in html and 'value="和医生"' in html
    assert bad not in html and bad[:17] not in html


def test_registering_from_the_form_then_a_duplicate(as_user):
    client = as_user("lj_city_hr")
    form = {"name": "和医生", "id_number": number(7), "gender": "male", "birth_date": "1990-01-01",
            "unit_code": "lj-city-health-commission", "education": "master", "licenses": ["practising_physician"],
            "ethnic_minority": "1"}
    done = client.post("/t/lijiang/people/new", data=form)
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已登记" in page and "执业医师" in page and number(7)[:6] + "********" in page
    assert number(7) not in page
    again = client.post("/t/lijiang/people/new", data={**form, "name": "重复"})
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert 'data-code="duplicate"' in html and number(7) not in html


def test_mismatched_gender_is_shown_at_the_gender_field(as_user):
    response = as_user("lj_city_hr").post("/t/lijiang/people/new", data={
        "name": "和医生", "id_number": number(8), "gender": "male"})  # even sequence: a woman
    assert response.status_code == 422
    assert re.search(r'data-field-errors="gender".*id_gender_mismatch', response.get_data(as_text=True), re.S)


def test_reveal_shows_the_number_once_and_audits_it(as_user, register):
    person_id = register(id_number=EXAMPLES[0])
    client = as_user("lj_service_unit")
    page = client.get(f"/t/lijiang/people/{person_id}").get_data(as_text=True)
    assert 'data-testid="reveal-form"' in page and 'name="csrf_token"' in page and EXAMPLES[0] not in page
    revealed = client.post(f"/t/lijiang/people/{person_id}/reveal", data={"reason": "核对身份"})
    assert revealed.status_code == 200
    assert revealed.headers["Cache-Control"] == "no-store"
    html = revealed.get_data(as_text=True)
    assert f'data-testid="revealed-number">{EXAMPLES[0]}<' in html and "1949-12-31" in html
    assert EXAMPLES[0] not in client.get(f"/t/lijiang/people/{person_id}").get_data(as_text=True)
    entries = audit_entries(action_prefix="id.reveal")
    assert [(e.actor_label, e.target_id, e.note) for e in entries] == [("lj_service_unit", str(person_id), "核对身份")]
    assert client.get(f"/t/lijiang/people/{person_id}/reveal").status_code == 405  # no state change on GET


def test_no_reveal_button_or_reveal_without_the_permission(as_user, register):
    person_id = register(id_number=number(9))
    assert as_user("lj_doctor_he").post(f"/t/lijiang/people/{person_id}/reveal").status_code == 403
    assert as_user("km_city_hr").post(f"/t/kunming/people/{person_id}/reveal").status_code == 404
    assert audit_entries() == []


def test_reveal_needs_a_csrf_token(seeded_app, register, csrf_client):
    person_id = register(id_number=number(11))
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert csrf_client.post("/login", data={"username": "lj_city_hr", "password": "demo-2026",
                                            "csrf_token": token}).status_code == 302
    refused = csrf_client.post(f"/t/lijiang/people/{person_id}/reveal", data={})
    assert refused.status_code == 400 and number(11) not in refused.get_data(as_text=True)
    page = csrf_client.get(f"/t/lijiang/people/{person_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    shown = csrf_client.post(f"/t/lijiang/people/{person_id}/reveal", data={"csrf_token": token})
    assert shown.status_code == 200 and number(11) in shown.get_data(as_text=True)
