"""A provincial administrator onboards a child city from the web UI and the API; the Dali journey."""

from __future__ import annotations

import io
import json
import re

import pytest

from grassroots.db import db
from grassroots.tenancy.models import Tenant
from tests.conftest import login
from tests.tenancy.helpers import area_count, manifest, row_counts


def _dali_text(**changes) -> str:
    doc = manifest("dali")
    doc.update(changes)
    return json.dumps(doc, ensure_ascii=False)


def _dali_exists() -> bool:
    return db.session.execute(db.select(Tenant).filter_by(slug="dali")).scalar_one_or_none() is not None


def test_children_page_lists_children_with_counts(seeded_client):
    login(seeded_client, "yn_admin")
    page = seeded_client.get("/t/yunnan/children")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    lijiang = manifest("lijiang")
    row = re.search(r'<tr data-slug="lijiang">(.*?)</tr>', html, re.S).group(1)
    assert f'data-count="areas">{area_count(lijiang)}<' in row
    assert f'data-count="units">{len(lijiang["units"])}<' in row
    assert f'data-count="staff">{len(lijiang["staff"])}<' in row
    assert 'data-slug="kunming"' in html and 'data-slug="yuxi"' in html and 'data-slug="jilin"' not in html
    assert "下级地区" in seeded_client.get("/t/yunnan/").get_data(as_text=True)  # the nav entry


def test_dali_journey_through_the_web_form(seeded_app, seeded_client):
    login(seeded_client, "yn_admin")
    assert seeded_client.get("/t/yunnan/children/new").status_code == 200
    response = seeded_client.post("/t/yunnan/children/new", data={"manifest": _dali_text()})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-slug="dali"' in html and "dl_admin" in html and "demo-2026" in html
    dali = db.session.execute(db.select(Tenant).filter_by(slug="dali")).scalar_one()
    assert dali.parent.slug == "yunnan" and dali.name_zh == "大理白族自治州"
    children = seeded_client.get("/t/yunnan/children").get_data(as_text=True)
    assert 'data-slug="dali"' in children

    # Uploading the same file again is idempotent.
    before = row_counts(seeded_app)
    again = seeded_client.post("/t/yunnan/children/new", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(_dali_text().encode()), "dali.json")})
    assert again.status_code == 200 and "dl_admin" not in again.get_data(as_text=True)
    assert row_counts(seeded_app) == before

    # Dali's staff see Dali, and nothing else.
    seeded_client.post("/logout")
    login(seeded_client, "dl_admin")
    home = seeded_client.get("/t/dali/")
    assert home.status_code == 200 and "大理白族自治州" in home.get_data(as_text=True)
    assert seeded_client.get("/t/lijiang/").status_code == 404
    assert seeded_client.get("/t/yunnan/").status_code == 404
    assert seeded_client.get("/t/yunnan/children").status_code == 404
    assert seeded_client.get("/").headers["Location"].endswith("/t/dali/")


def test_dali_journey_through_the_api(seeded_app, seeded_client):
    login(seeded_client, "yn_admin")
    response = seeded_client.post("/api/v1/t/yunnan/children", json=manifest("dali"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["tenant"] == "dali" and body["created"]["tenant"] == 1
    assert {x["username"] for x in body["logins"]} == {m["username"] for m in manifest("dali")["staff"]}
    again = seeded_client.post("/api/v1/t/yunnan/children", json=manifest("dali"))
    assert again.status_code == 200
    assert set(again.get_json()["created"].values()) == {0} and set(again.get_json()["updated"].values()) == {0}
    listing = seeded_client.get("/api/v1/t/yunnan/children").get_json()
    dali = next(c for c in listing if c["slug"] == "dali")
    assert dali["counts"] == {"areas": area_count(manifest("dali")), "units": len(manifest("dali")["units"]),
                              "staff": len(manifest("dali")["staff"])}
    assert dali["name"] == {"zh": "大理白族自治州", "en": "Dali"}

    client = seeded_app.test_client()
    login(client, "dl_city_hr")
    assert client.get("/t/dali/").status_code == 200
    assert client.get("/t/lijiang/").status_code == 404
    assert client.get("/t/yunnan/").status_code == 404


def test_parent_is_filled_in_when_left_out(seeded_client):
    login(seeded_client, "yn_admin")
    doc = manifest("dali")
    del doc["parent"]
    assert seeded_client.post("/api/v1/t/yunnan/children", json=doc).status_code == 201


def test_bad_manifest_in_the_form_shows_every_path_and_writes_nothing(seeded_app, seeded_client):
    login(seeded_client, "yn_admin")
    doc = manifest("dali")
    doc["units"][0]["area"] = "532999"
    doc["staff"][1]["office"] = "chief_wizard"
    before = row_counts(seeded_app)
    response = seeded_client.post("/t/yunnan/children/new", data={"manifest": json.dumps(doc)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-path="/units/0/area" data-code="unknown_area"' in html
    assert 'data-path="/staff/1/office" data-code="unknown_office"' in html
    assert "chief_wizard" in html  # the pasted text is kept for correcting
    for text in ("", "{ nope", "[]"):
        bad = seeded_client.post("/t/yunnan/children/new", data={"manifest": text})
        assert bad.status_code == 422 and 'data-path="/"' in bad.get_data(as_text=True)
    assert row_counts(seeded_app) == before


def test_bad_manifest_in_the_api_answers_422_with_paths(seeded_app, seeded_client):
    login(seeded_client, "yn_admin")
    before = row_counts(seeded_app)
    doc = manifest("dali")
    doc["areas"][1]["code"] = doc["areas"][0]["code"]
    response = seeded_client.post("/api/v1/t/yunnan/children", json=doc)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_manifest" and error["message"]["zh"]
    assert [(e["path"], e["code"]) for e in error["errors"]] == [("/areas/1/code", "duplicate_code")]
    broken = seeded_client.post("/api/v1/t/yunnan/children", data="{", content_type="application/json")
    assert broken.status_code == 422 and broken.get_json()["error"]["errors"][0]["code"] == "invalid_json"
    form = seeded_client.post("/api/v1/t/yunnan/children", data={"manifest": "{}"})
    assert form.status_code == 415
    assert row_counts(seeded_app) == before


def test_a_province_cannot_take_over_another_tree(seeded_app, seeded_client):
    login(seeded_client, "yn_admin")
    before = row_counts(seeded_app)
    jilin = manifest("jilin")
    jilin["parent"] = "yunnan"
    response = seeded_client.post("/api/v1/t/yunnan/children", json=jilin)
    assert response.status_code == 422
    assert ("/slug", "slug_taken") in {(e["path"], e["code"]) for e in response.get_json()["error"]["errors"]}
    elsewhere = seeded_client.post("/api/v1/t/yunnan/children", json={**manifest("dali"), "parent": "jilin"})
    assert [(e["path"], e["code"]) for e in elsewhere.get_json()["error"]["errors"]] == [("/parent", "parent_mismatch")]
    assert seeded_client.post("/api/v1/t/jilin/children", json={**manifest("dali"), "parent": "jilin"}).status_code == 404
    assert row_counts(seeded_app) == before


@pytest.mark.parametrize("url", ["/api/v1/t/yunnan/children", "/t/yunnan/children/new"])
def test_a_city_admin_cannot_onboard_under_the_province(seeded_app, seeded_client, url):
    login(seeded_client, "lj_admin")
    before = row_counts(seeded_app)
    if url.startswith("/api/"):
        response = seeded_client.post(url, json=manifest("dali"))
    else:
        response = seeded_client.post(url, data={"manifest": _dali_text()})
    assert response.status_code == 404  # not a member of yunnan: answered like a missing tenant
    assert not _dali_exists() and row_counts(seeded_app) == before


def test_a_city_admin_cannot_place_a_city_under_itself(seeded_app, seeded_client):
    login(seeded_client, "lj_admin")
    before = row_counts(seeded_app)
    as_is = seeded_client.post("/api/v1/t/lijiang/children", json=manifest("dali"))
    assert as_is.status_code == 422
    assert [(e["path"], e["code"]) for e in as_is.get_json()["error"]["errors"]] == [("/parent", "parent_mismatch")]
    moved = seeded_client.post("/api/v1/t/lijiang/children", json={**manifest("dali"), "parent": "lijiang"})
    assert moved.status_code == 422
    assert [(e["path"], e["code"]) for e in moved.get_json()["error"]["errors"]] == [("/parent", "parent_level")]
    assert row_counts(seeded_app) == before


def test_anonymous_and_unprivileged_callers(seeded_app, seeded_client):
    before = row_counts(seeded_app)
    assert seeded_client.post("/api/v1/t/yunnan/children", json=manifest("dali")).status_code == 401
    assert seeded_client.get("/api/v1/t/yunnan/children").status_code == 401
    page = seeded_client.get("/t/yunnan/children")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert seeded_client.post("/t/yunnan/children/new", data={"manifest": _dali_text()}).status_code == 302
    assert row_counts(seeded_app) == before
    login(seeded_client, "yn_province_hr")  # a member of yunnan without tenant.onboard
    before = row_counts(seeded_app)  # signing in is audited
    assert seeded_client.get("/t/yunnan/children").status_code == 403
    assert seeded_client.post("/api/v1/t/yunnan/children", json=manifest("dali")).status_code == 403
    assert row_counts(seeded_app) == before


def test_the_operator_may_onboard_under_any_province(seeded_client):
    login(seeded_client, "operator")
    assert seeded_client.get("/t/jilin/children").status_code == 200
    assert seeded_client.post("/api/v1/t/yunnan/children", json=manifest("dali")).status_code == 201


def _csrf_token(client) -> str:
    html = client.get("/t/yunnan/children").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def test_cookie_api_calls_need_the_csrf_token_and_bearer_calls_do_not(seeded_app, seeded_client):
    from grassroots.accounts.models import User
    from grassroots.accounts.tokens import create_token

    login(seeded_client, "yn_admin")
    seeded_app.config["WTF_CSRF_ENABLED"] = True
    refused = seeded_client.post("/api/v1/t/yunnan/children", json=manifest("dali"))
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    assert not _dali_exists()
    form = seeded_client.post("/t/yunnan/children/new", data={"manifest": _dali_text()})
    assert form.status_code == 400 and not _dali_exists()
    token = _csrf_token(seeded_client)
    ok = seeded_client.post("/api/v1/t/yunnan/children", json=manifest("dali"), headers={"X-CSRFToken": token})
    assert ok.status_code == 201 and ok.headers["Cache-Control"] == "no-store"
    form = seeded_client.post("/t/yunnan/children/new", data={"manifest": _dali_text(), "csrf_token": token})
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"

    admin = db.session.execute(db.select(User).filter_by(username="yn_admin")).scalar_one()
    _, raw = create_token(admin, "script")
    db.session.commit()
    doc = manifest("dali")
    doc["name"]["en"] = "Dali Bai Autonomous Prefecture"
    by_token = seeded_app.test_client().post("/api/v1/t/yunnan/children", json=doc,
                                             headers={"Authorization": f"Bearer {raw}"})
    assert by_token.status_code == 200 and by_token.get_json()["updated"]["tenant"] == 1


def test_pages_speak_english_on_request(seeded_client):
    login(seeded_client, "yn_admin")
    assert "Child jurisdictions" in seeded_client.get("/t/yunnan/children?lang=en").get_data(as_text=True)
    assert "Onboard a child jurisdiction" in seeded_client.get("/t/yunnan/children/new?lang=en").get_data(as_text=True)


def test_openapi_documents_the_children_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    children = paths["/api/v1/t/{tenant}/children"]
    assert {"get", "post"} <= set(children)
    assert {"200", "201", "422"} <= set(children["post"]["responses"])
