"""Signing in: sessions, lockouts per username and per address, no username enumeration."""

from __future__ import annotations

from datetime import timedelta

from grassroots.accounts import login as login_service
from grassroots.accounts.models import User
from grassroots.db import db, utcnow
from tests.accounts.helpers import login


def test_login_sets_a_session_and_redirects(client, make_user):
    user = make_user()
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client.session_transaction() as sess:
        assert sess["_user_id"] == f"{user.id}:{user.session_version}"
        assert sess.permanent
    assert client.get("/api/v1/me").get_json()["username"] == "alice"


def test_wrong_password_and_unknown_user_answer_alike(client, make_user):
    make_user()
    wrong = login(client, password="nope-nope-nope")
    unknown = login(client, username="nobody")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        body = response.get_data(as_text=True)
        assert "用户名或密码错误" in body and "Wrong username or password" in body
    assert wrong.get_data(as_text=True).replace('value="alice"', "") == unknown.get_data(as_text=True).replace(
        'value="nobody"', "")


def test_unknown_user_costs_one_password_hash(client, make_user, monkeypatch):
    make_user()
    calls = []
    real = login_service.check_password_hash
    monkeypatch.setattr(login_service, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    login(client, username="nobody")
    login(client, username="alice", password="wrong-wrong")
    assert len(calls) == 2
    assert calls[0].split("$")[0] == calls[1].split("$")[0]  # same method and cost for both


def test_five_failures_lock_the_account_even_for_the_right_password(client, make_user, app):
    user = make_user()
    statuses = [login(client, password=f"wrong-{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = login(client)  # the right password
    assert locked.status_code == 429
    body = locked.get_data(as_text=True)
    assert "尝试次数过多" in body and "Too many attempts" in body
    assert login(client, password="wrong-again").get_data(as_text=True) == body
    db.session.refresh(user)
    assert user.locked_until > utcnow() + timedelta(seconds=app.config["LOGIN_LOCK_SECONDS"] - 60)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_lock_expires_and_success_resets_the_count(client, make_user):
    user = make_user()
    for i in range(5):
        login(client, password=f"wrong-{i}")
    db.session.execute(db.update(User).where(User.id == user.id).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert login(client).status_code == 302
    db.session.refresh(user)
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_unknown_usernames_lock_like_known_ones(client, make_user):
    make_user()
    known = [login(client, username="alice", password=f"x{i}").status_code for i in range(6)]
    unknown = [login(client, username="ghost", password=f"x{i}").status_code for i in range(6)]
    assert known == unknown == [401, 401, 401, 401, 429, 429]


def test_failures_from_one_address_lock_that_address(client, make_user, app):
    app.config["LOGIN_IP_MAX_FAILURES"] = 3
    make_user("bob")
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for name in ("u1", "u2", "u3"):
        assert login(client, username=name, environ_base=attacker).status_code in (401, 429)
    assert login(client, username="bob", environ_base=attacker).status_code == 429
    assert login(client, username="bob", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302


def test_x_forwarded_for_is_not_believed_by_default(client, make_user, app):
    app.config["LOGIN_IP_MAX_FAILURES"] = 3
    make_user("bob")
    for i in range(3):
        login(client, username=f"u{i}", environ_base={"REMOTE_ADDR": "203.0.113.9"},
              headers={"X-Forwarded-For": f"10.0.0.{i}"})
    response = login(client, username="bob", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                     headers={"X-Forwarded-For": "10.9.9.9"})
    assert response.status_code == 429


def test_x_forwarded_for_is_believed_when_configured(make_user, app_with):
    behind_proxy = app_with(PROXY_FIX_X_FOR=1, LOGIN_IP_MAX_FAILURES=3)
    make_user("bob")
    client = behind_proxy.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(3):
        login(client, username=f"u{i}", environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.9"})
    assert login(client, username="bob", environ_base=proxy,
                 headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429
    assert login(client, username="bob", environ_base=proxy,
                 headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 302


def test_inactive_user_cannot_sign_in(client, make_user):
    make_user(active=False)
    assert login(client).status_code == 401


def test_login_clears_the_session_but_keeps_the_language(client, make_user):
    make_user()
    client.get("/lang/en")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker before login"
    login(client)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["lang"] == "en"


def test_locked_login_answers_json_when_asked(client, make_user):
    make_user()
    for i in range(5):
        login(client, password=f"wrong-{i}")
    response = login(client, headers={"Accept": "application/json"})
    assert response.status_code == 429
    assert response.get_json()["error"]["message"]["en"].startswith("Too many attempts")


def test_login_redirects_only_to_local_paths(client, make_user):
    make_user()
    assert login(client, query_string={"next": "/account/tokens"}).headers["Location"] == "/account/tokens"
    client.post("/logout")
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example"):
        response = login(client, query_string={"next": evil})
        assert response.headers["Location"] == "/", evil
        client.post("/logout")


def test_session_cookie_holds_no_personal_data(client, app, make_user):
    make_user(display_name="张三", email="zhangsan@example.cn")
    client.get("/lang/en")
    login(client)
    client.get("/account/tokens")  # a page that renders a CSRF token into the session
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert set(data) <= {"_user_id", "_fresh", "_permanent", "csrf_token", "lang"}, data
    raw = repr(data)
    for personal in ("alice", "张三", "zhangsan", "127.0.0.1"):
        assert personal not in raw
    assert cookie.http_only and cookie.same_site.lower() == "lax"


def test_session_cookie_is_secure_in_production(monkeypatch):
    from grassroots.config import load_config

    monkeypatch.setenv("GRASSROOTS_ENV", "production")
    config = load_config({"SECRET_KEY": "x", "ID_NUMBER_KEY": "y", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["PERMANENT_SESSION_LIFETIME"] <= 12 * 3600


def test_no_session_is_started_by_a_failed_login(client, make_user):
    make_user()
    login(client, password="wrong-wrong")
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
