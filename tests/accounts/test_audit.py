"""Sign-ins, sign-outs, failures, password and token changes leave audit entries (platform chain)."""

from __future__ import annotations

import pytest

from grassroots.db import db
from tests.accounts.helpers import PASSWORD, login

audit_models = pytest.importorskip("grassroots.audit.models", reason="the audit module is not in this build")


def _actions() -> list[tuple[str, str | None, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        db.select(audit_models.AuditEntry).filter(audit_models.AuditEntry.tenant_id.is_(None))
        .order_by(audit_models.AuditEntry.seq)
    ).scalars()
    return [(r.action, r.target_id, r.actor_label) for r in rows if r.action.startswith(("log", "password", "token"))]


def test_account_events_are_audited(client, make_user):
    user = make_user()
    uid = str(user.id)
    login(client, password="wrong-wrong")
    login(client, username="ghost")
    login(client)
    token_id = client.post("/api/v1/tokens", json={"name": "s"}).get_json()["id"]
    client.delete(f"/api/v1/tokens/{token_id}")
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": "another-secret-9",
                                            "confirm_password": "another-secret-9"})
    client.post("/logout")
    assert _actions() == [
        ("login.failed", uid, "anonymous"),
        ("login.failed", None, "anonymous"),
        ("login", uid, "alice"),
        ("token.create", str(token_id), "alice"),
        ("token.revoke", str(token_id), "alice"),
        ("password.change", uid, "alice"),
        ("logout", uid, "alice"),
    ]
