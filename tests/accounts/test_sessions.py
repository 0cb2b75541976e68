"""Logout and password change end every session of the user, not just the current one."""

from __future__ import annotations

from grassroots.db import db
from tests.accounts.helpers import PASSWORD, login


def test_logout_ends_the_users_other_sessions(app, make_user):
    make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    assert phone.get("/account/tokens").status_code == 200
    assert laptop.post("/logout").status_code == 302
    assert phone.get("/account/tokens").status_code == 302  # back to the login page
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 401


def test_an_old_cookie_replayed_after_logout_does_not_work(app, client, make_user):
    make_user()
    login(client)
    cookie = client.get_cookie("session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", cookie, domain="localhost")
    assert replay.get("/api/v1/me").status_code == 401


def test_logout_is_post_only(client, make_user):
    make_user()
    login(client)
    assert client.get("/logout").status_code == 405
    assert client.get("/api/v1/me").status_code == 200


def test_password_change_ends_other_sessions_and_keeps_this_one(app, make_user):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here)
    login(elsewhere)
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a-new-long-secret", "confirm_password": "a-new-long-secret"})
    assert response.status_code == 302
    assert here.get("/api/v1/me").status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401
    db.session.refresh(user)
    assert user.check_password("a-new-long-secret")
    assert login(app.test_client(), password=PASSWORD).status_code == 401
    assert login(app.test_client(), password="a-new-long-secret").status_code == 302


def test_password_change_checks_the_current_password_and_the_rules(client, make_user):
    user = make_user()
    login(client)
    wrong = client.post("/account/password", data={
        "current_password": "not-it-at-all", "new_password": "a-new-long-secret", "confirm_password": "a-new-long-secret"})
    assert wrong.status_code == 422
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "short", "confirm_password": "different"})
    assert short.status_code == 422
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_password_page_needs_a_session(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
