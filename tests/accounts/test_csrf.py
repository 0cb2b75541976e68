"""CSRF as a browser meets it (the app here enforces it, as production does), and the bearer exemption."""

from __future__ import annotations

from tests.accounts.helpers import PASSWORD, csrf_from


def _browser_login(client, username: str = "alice") -> str:
    """GET the form, read its token, POST it back; returns a CSRF token for later requests."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return csrf_from(client.get("/account/tokens").get_data(as_text=True))


def test_login_form_without_a_token_is_refused(csrf_client, make_user):
    make_user()
    csrf_client.get("/login")
    response = csrf_client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    with csrf_client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_login_form_with_a_wrong_token_is_refused(csrf_client, make_user):
    make_user()
    csrf_client.get("/login")
    response = csrf_client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400


def test_login_form_with_its_token_works(csrf_client, make_user):
    make_user()
    _browser_login(csrf_client)
    assert csrf_client.get("/api/v1/me").get_json()["username"] == "alice"


def test_logout_and_other_forms_need_the_token(csrf_client, make_user):
    make_user()
    token = _browser_login(csrf_client)
    assert csrf_client.post("/logout").status_code == 400
    assert csrf_client.post("/account/tokens", data={"name": "x"}).status_code == 400
    assert csrf_client.post("/account/password", data={}).status_code == 400
    assert csrf_client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_cookie_api_writes_need_x_csrftoken(csrf_client, make_user):
    make_user()
    token = _browser_login(csrf_client)
    refused = csrf_client.post("/api/v1/tokens", json={"name": "script"})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf"
    created = csrf_client.post("/api/v1/tokens", json={"name": "script"}, headers={"X-CSRFToken": token})
    assert created.status_code == 201
    token_id = created.get_json()["id"]
    assert csrf_client.delete(f"/api/v1/tokens/{token_id}").status_code == 400
    assert csrf_client.delete(f"/api/v1/tokens/{token_id}", headers={"X-CSRFToken": token}).status_code == 204


def test_bearer_calls_need_no_csrf_token(csrf_app, make_user):
    make_user()
    browser = csrf_app.test_client()
    token = _browser_login(browser)
    raw = browser.post("/api/v1/tokens", json={"name": "a"}, headers={"X-CSRFToken": token}).get_json()["token"]
    second = browser.post("/api/v1/tokens", json={"name": "b"}, headers={"X-CSRFToken": token}).get_json()
    script = csrf_app.test_client()  # no cookie at all
    response = script.delete(f"/api/v1/tokens/{second['id']}", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 204


def test_a_bearer_header_does_not_lift_csrf_on_web_forms(csrf_client, make_user):
    make_user()
    token = _browser_login(csrf_client)
    raw = csrf_client.post("/api/v1/tokens", json={"name": "a"}, headers={"X-CSRFToken": token}).get_json()["token"]
    response = csrf_client.post("/account/tokens", data={"name": "x"}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 400


def test_a_bad_bearer_is_refused_even_with_a_valid_cookie(csrf_client, make_user):
    """Otherwise `Authorization: Bearer junk` plus the cookie would skip CSRF and act as the cookie's user."""
    make_user()
    _browser_login(csrf_client)
    response = csrf_client.post("/api/v1/tokens", json={"name": "x"}, headers={"Authorization": "Bearer junk"})
    assert response.status_code == 401
    assert csrf_client.get("/api/v1/me", headers={"Authorization": "Bearer "}).status_code == 401
