"""The audit pages: a tenant's auditors see its chain only; operators see the platform chain."""

from __future__ import annotations

import re

import pytest
from flask import g

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Tenant
from tests.db.factories import add_membership, count_queries, make_area, make_tenant, make_user


@pytest.fixture()
def world(app):
    alpha, beta = make_tenant("alpha"), make_tenant("beta")
    make_area(alpha, "A-530721")
    area = make_area(alpha, "A-530722")
    with tenant_context(alpha.id):
        area.name_zh = "改名县"
        db.session.commit()
    make_area(beta, "B-530102")
    admin, professional, operator = make_user("admin"), make_user("pro"), make_user("ops", operator=True)
    add_membership(admin, alpha, "tenant_admin")
    add_membership(professional, alpha, "professional")
    # Plain values: each request below starts from an empty session, which detaches ORM objects.
    return {"alpha": alpha.id, "admin": admin.get_id(), "pro": professional.get_id(), "ops": operator.get_id()}


def get(app, session_id: str | None, url: str):
    """A request as a fresh one: the `app` fixture keeps one app context (so `g`, where flask-login
    caches the user, and the db session) alive across requests; drop both first."""
    g.pop("_login_user", None)
    db.session.remove()
    client = app.test_client()
    if session_id:
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_id, True
    return client.get(url)


def seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'data-seq="(\d+)"', html)]


def test_auditor_sees_only_their_tenant(app, world):
    response = get(app, world["admin"], "/t/alpha/audit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "审计日志" in html
    assert "A-530721" in html and "改名县" in html
    assert "B-530102" not in html
    assert seqs(html) == [3, 2, 1]  # newest first


def test_other_tenant_is_404_and_missing_permission_403(app, world):
    assert get(app, world["admin"], "/t/beta/audit").status_code == 404
    assert get(app, world["pro"], "/t/alpha/audit").status_code == 403
    assert get(app, None, "/t/alpha/audit").status_code == 302  # to the login page


def test_filter_by_action_and_target(app, world):
    def page(query: str) -> list[int]:
        return seqs(get(app, world["admin"], f"/t/alpha/audit?{query}").get_data(as_text=True))

    assert page("action=update") == [3]
    assert page("target=units") == []
    assert page("action=bogus") == []
    assert page("action=DROP%20TABLE&page=x") == [3, 2, 1]  # not an action name: no filter


def test_english_labels(app, world):
    html = get(app, world["admin"], "/t/alpha/audit?lang=en").get_data(as_text=True)
    assert "Audit log" in html and "Insert" in html


def test_pages_cost_a_constant_number_of_queries(app, world):
    admin = world["admin"]
    get(app, admin, "/t/alpha/audit")  # warm up caches that are not per request
    with count_queries(db.engine) as few:
        get(app, admin, "/t/alpha/audit")
    for i in range(60):
        make_area(db.session.get(Tenant, world["alpha"]), f"A-{i:03}")
    with count_queries(db.engine) as many:
        html = get(app, admin, "/t/alpha/audit").get_data(as_text=True)
    assert len(seqs(html)) == 50 and 'rel="next"' in html
    assert len(many) == len(few), many
    assert seqs(get(app, admin, "/t/alpha/audit?page=2").get_data(as_text=True)) == list(range(13, 0, -1))


def test_operator_sees_the_platform_chain(app, world):
    html = get(app, world["ops"], "/operator/audit").get_data(as_text=True)
    assert "tenants" in html and "alpha" in html
    assert "A-530721" not in html  # tenant rows stay in the tenant chain
    assert get(app, world["admin"], "/operator/audit").status_code == 403


def test_nav_links_the_audit_page_for_auditors_only(app, world):
    admin_home = get(app, world["admin"], "/t/alpha/").get_data(as_text=True)
    pro_home = get(app, world["pro"], "/t/alpha/").get_data(as_text=True)
    assert "/t/alpha/audit" in admin_home and "/t/alpha/audit" not in pro_home
