"""The people API: masked answers, 422 at /id_number, 409, 404 across tenants, audited reveal and lookup."""

from __future__ import annotations

from tests.identity.conftest import audit_entries
from tests.identity.helpers import EXAMPLES, number

BASE = "/api/v1/t/lijiang/people"


def _actions() -> list[str]:
    return [entry.action for entry in audit_entries()]


def test_create_list_and_get_are_masked(as_user):
    client = as_user("lj_city_hr")
    created = client.post(BASE, json={"name": "和医生", "id_number": EXAMPLES[0].lower(), "gender": "female",
                                      "birth_date": "1949-12-31", "unit_code": "lj-city-health-commission",
                                      "licenses": ["practising_physician"], "title_level": "deputy_senior"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["id_number_masked"] == "110105********002X" and body["gender"] == "female"
    assert body["unit"]["code"] == "lj-city-health-commission" and "birth_date" not in body
    listed = client.get(BASE).get_json()
    assert listed["page"] == 1 and listed["has_next"] is False
    assert [p["id"] for p in listed["people"]] == [body["id"]]
    assert client.get(f"{BASE}/{body['id']}").get_json() == body


def test_a_bad_number_is_422_at_id_number(as_user):
    client = as_user("lj_city_hr")
    answer = client.post(BASE, json={"name": "和医生", "id_number": EXAMPLES[1][:-1] + "5"})
    assert answer.status_code == 422
    errors = answer.get_json()["error"]["errors"]
    assert [(e["path"], e["code"]) for e in errors] == [("/id_number", "id_checksum")]
    assert errors[0]["message"]["zh"] and errors[0]["message"]["en"]
    newline = client.post(BASE, json={"name": "和医生", "id_number": EXAMPLES[1] + "\n"})
    assert newline.status_code == 422
    assert newline.get_json()["error"]["errors"][0] | {"message": None} == {
        "path": "/id_number", "code": "id_format", "message": None}


def test_unknown_fields_and_missing_ones_are_422(as_user):
    client = as_user("lj_city_hr")
    answer = client.post(BASE, json={"name": "和医生", "id_number": number(1), "tenant_id": 2})
    assert answer.status_code == 422
    assert {e["path"] for e in answer.get_json()["error"]["errors"]} == {"/tenant_id"}
    assert client.post(BASE, json={"name": "和医生"}).status_code == 422


def test_a_duplicate_is_409_and_another_tenant_is_not_told(as_user, register):
    register("kunming", id_number=number(3), actor="km_city_hr")
    client = as_user("lj_city_hr")
    assert client.post(BASE, json={"name": "甲", "id_number": number(3)}).status_code == 201
    again = client.post(BASE, json={"name": "乙", "id_number": number(3)})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate_id_number"


def test_another_tenants_person_is_404_like_a_missing_one(as_user, register):
    km_person = register("kunming", id_number=number(5), actor="km_city_hr")
    client = as_user("lj_city_hr")
    other, missing = client.get(f"{BASE}/{km_person}"), client.get(f"{BASE}/999999")
    assert other.status_code == missing.status_code == 404
    assert other.get_json() == missing.get_json()
    assert client.post(f"{BASE}/{km_person}/reveal", json={}).status_code == 404
    assert as_user("km_city_hr").get(f"{BASE}/{km_person}").status_code == 404  # not a lijiang member


def test_permissions(as_user, register):
    person_id = register(id_number=number(7))
    assert as_user().get(BASE).status_code == 401
    doctor = as_user("lj_doctor_he")
    assert doctor.get(BASE).status_code == 403
    assert doctor.post(f"{BASE}/{person_id}/reveal", json={}).status_code == 403
    assert doctor.post(f"{BASE}/lookup", json={"id_number": number(7)}).status_code == 403
    assert _actions() == []


def test_reveal_answers_the_number_no_store_and_audits(as_user, register):
    person_id = register(id_number=EXAMPLES[1])
    client = as_user("lj_city_hr")
    answer = client.post(f"{BASE}/{person_id}/reveal", json={"reason": "签订协议"})
    assert answer.status_code == 200
    assert answer.get_json() == {"id": person_id, "id_number": EXAMPLES[1], "birth_date": "1880-01-01",
                                 "gender": "male"}
    assert answer.headers["Cache-Control"] == "no-store"
    assert client.post(f"{BASE}/{person_id}/reveal").status_code == 200  # the body is optional
    assert _actions() == ["id.reveal", "id.reveal"]


def test_lookup_takes_the_number_in_the_body(as_user, register):
    person_id = register(id_number=number(9))
    client = as_user("lj_city_hr")
    found = client.post(f"{BASE}/lookup", json={"id_number": number(9).lower()})
    assert found.status_code == 200 and found.get_json()["id"] == person_id
    assert number(9) not in found.get_data(as_text=True)
    assert client.post(f"{BASE}/lookup", json={"id_number": number(11)}).status_code == 404
    bad = client.post(f"{BASE}/lookup", json={"id_number": "123"})
    assert bad.status_code == 422 and bad.get_json()["error"]["errors"][0]["path"] == "/id_number"
    assert _actions() == ["id.lookup", "id.lookup"]
    assert client.get(f"{BASE}/lookup").status_code == 405  # no GET: a number never goes in a URL


def test_no_id_number_in_any_url_rule(seeded_app):
    for rule in seeded_app.url_map.iter_rules():
        if rule.endpoint.startswith("identity"):
            assert "id_number" not in rule.rule and "number" not in rule.arguments


def test_the_openapi_document_lists_the_people_api(as_user):
    paths = as_user().get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/t/{tenant}/people", "/api/v1/t/{tenant}/people/lookup",
            "/api/v1/t/{tenant}/people/{person_id}", "/api/v1/t/{tenant}/people/{person_id}/reveal"} <= set(paths)
