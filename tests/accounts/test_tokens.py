"""API tokens: shown once, stored hashed, usable only as Bearer on /api/, revocable, private to their owner."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from grassroots.accounts.models import ApiToken, User
from grassroots.db import db
from tests.accounts.helpers import login


def _create(client, name: str = "script") -> dict:
    response = client.post("/api/v1/tokens", json={"name": name})
    assert response.status_code == 201, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def test_token_lifecycle_create_use_revoke(app, client, make_user):
    make_user()
    login(client)
    body = _create(client)
    raw = body["token"]
    assert raw.startswith("gr_") and len(raw) > 40 and body["prefix"] == raw[:9]
    stored = db.session.get(ApiToken, body["id"])
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in repr(stored.__dict__)

    script = app.test_client()
    me = script.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == "alice" and me.get_json()["authenticated_by"] == "token"
    db.session.refresh(stored)
    assert stored.last_used_at is not None
    assert "Set-Cookie" not in me.headers  # a script gets no session

    assert client.delete(f"/api/v1/tokens/{body['id']}").status_code == 204
    refused = script.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthenticated"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    listed = client.get("/api/v1/tokens").get_json()
    assert [(t["id"], t["active"]) for t in listed] == [(body["id"], False)]
    assert "token" not in listed[0]


def test_tokens_page_shows_the_token_once(client, make_user):
    make_user()
    login(client)
    created = client.post("/account/tokens", data={"name": "报表脚本"})
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    raw = re.search(r'<code id="new-token-value">(gr_[^<]+)</code>', created.get_data(as_text=True)).group(1)
    later = client.get("/account/tokens").get_data(as_text=True)
    assert "报表脚本" in later and raw not in later and raw[:9] in later
    with client.session_transaction() as sess:
        assert raw not in repr(dict(sess))


def test_tokens_page_shows_beijing_time(client, make_user):
    make_user()
    login(client)
    body = _create(client)
    stored = db.session.get(ApiToken, body["id"])
    stored.created_at = datetime(2026, 11, 23, 18, 4)  # stored as naive UTC: 02:04 the next morning in Beijing
    db.session.commit()
    row = client.get("/account/tokens").get_data(as_text=True)
    assert "创建时间（北京时间）" in row and "UTC" not in row
    row = row[row.index(body["prefix"]):]
    row = row[:row.index("</tr>")]
    assert "2026-11-24 02:04" in row and "2026-11-23" not in row
    assert "—" in row  # never used
    assert client.get("/api/v1/tokens").get_json()[0]["created_at"].startswith("2026-11-23T18:04")  # the API keeps UTC


def test_tokens_page_revokes(client, make_user):
    make_user()
    login(client)
    token_id = _create(client)["id"]
    response = client.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302
    assert db.session.get(ApiToken, token_id).revoked_at is not None


def test_another_users_token_is_404(app, client, make_user):
    make_user("alice")
    make_user("bob")
    login(client, "bob")
    bobs = _create(client)
    alice = app.test_client()
    login(alice, "alice")
    assert alice.get(f"/api/v1/tokens/{bobs['id']}").status_code == 404
    assert alice.delete(f"/api/v1/tokens/{bobs['id']}").status_code == 404
    assert alice.post(f"/account/tokens/{bobs['id']}/revoke").status_code == 404
    assert alice.get("/api/v1/tokens").get_json() == []
    assert db.session.get(ApiToken, bobs["id"]).revoked_at is None
    missing = alice.delete("/api/v1/tokens/999999")
    assert missing.status_code == 404 and missing.get_json() == alice.delete(f"/api/v1/tokens/{bobs['id']}").get_json()


def test_a_token_cannot_create_tokens_but_can_revoke_itself(app, client, make_user):
    make_user()
    login(client)
    body = _create(client)
    script = app.test_client()
    bearer = {"Authorization": f"Bearer {body['token']}"}
    refused = script.post("/api/v1/tokens", json={"name": "more"}, headers=bearer)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "token_cannot_create_token"
    assert script.delete(f"/api/v1/tokens/{body['id']}", headers=bearer).status_code == 204
    assert script.get("/api/v1/me", headers=bearer).status_code == 401


def test_bearer_tokens_do_not_open_web_pages(app, client, make_user):
    make_user()
    login(client)
    raw = _create(client)["token"]
    page = app.test_client().get("/account/tokens", headers={"Authorization": f"Bearer {raw}"})
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


def test_tokens_of_a_deactivated_user_stop_working(app, client, make_user):
    user = make_user()
    login(client)
    raw = _create(client)["token"]
    db.session.execute(db.update(User).where(User.id == user.id).values(active=False))
    db.session.commit()
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_token_bodies_are_validated_strictly(client, make_user):
    make_user()
    login(client)
    unknown = client.post("/api/v1/tokens", json={"name": "x", "scopes": ["all"]})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["errors"] == [
        {"path": "/scopes", "code": "invalid", "message": {"zh": "未知字段。", "en": "Unknown field."}}]
    missing = client.post("/api/v1/tokens", json={})
    assert missing.status_code == 422
    assert [e["path"] for e in missing.get_json()["error"]["errors"]] == ["/name"]
    too_long = client.post("/api/v1/tokens", json={"name": "x" * 101})
    assert too_long.status_code == 422
    assert client.get("/api/v1/tokens").get_json() == []
