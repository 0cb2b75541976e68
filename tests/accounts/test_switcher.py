"""Tenant switching: the switcher lists exactly the user's tenants; /switch goes only where they belong;
/api/v1/me says the same; the language switch keeps the page and refuses other sites."""

from __future__ import annotations

import re

import pytest

from tests.accounts.helpers import login


@pytest.fixture()
def three_tenants(make_tenant):
    yunnan = make_tenant("yunnan", level="province")
    return yunnan, make_tenant("lijiang", parent=yunnan), make_tenant("jilin", level="province")


def _switcher_options(html: str) -> list[str]:
    form = re.search(r'<form[^>]*data-testid="tenant-switcher".*?</form>', html, re.S)
    return re.findall(r'<option value="([^"]+)"', form.group(0)) if form else []


def test_switcher_lists_exactly_the_users_tenants(client, make_user, grant, three_tenants):
    yunnan, lijiang, _jilin = three_tenants
    user = make_user()
    grant(user, lijiang, "professional")
    grant(user, lijiang, "policy_author")  # two offices in one tenant: listed once
    grant(user, yunnan, "tenant_admin")
    login(client)
    html = client.get("/t/lijiang/").get_data(as_text=True)
    assert sorted(_switcher_options(html)) == ["lijiang", "yunnan"]
    assert re.search(r'<option value="lijiang" selected>', html)


def test_one_tenant_means_no_switcher(client, make_user, grant, three_tenants):
    user = make_user()
    grant(user, three_tenants[1], "professional")
    grant(user, three_tenants[1], "policy_author")
    login(client)
    html = client.get("/t/lijiang/").get_data(as_text=True)
    assert 'data-testid="tenant-switcher"' not in html


def test_switch_goes_to_own_tenants_only(client, make_user, grant, three_tenants, make_tenant):
    user = make_user()
    grant(user, three_tenants[0], "tenant_admin")
    grant(user, three_tenants[1], "professional")
    make_tenant("closed", status="suspended")
    login(client)
    response = client.get("/switch", query_string={"to": "lijiang"})
    assert response.status_code == 302 and response.headers["Location"] == "/t/lijiang/"
    assert client.get("/t/lijiang/").status_code == 200
    for slug in ("jilin", "nowhere", "closed", ""):
        assert client.get("/switch", query_string={"to": slug}).status_code == 404, slug
    assert client.get("/t/jilin/").status_code == 404


def test_switch_needs_a_session(client, three_tenants):
    response = client.get("/switch", query_string={"to": "lijiang"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_api_me_lists_memberships_and_tenants(client, make_user, grant, three_tenants):
    yunnan, lijiang, _ = three_tenants
    user = make_user()
    grant(user, lijiang, "professional")
    grant(user, lijiang, "county_hr", scope_kind="area", scope_code="530721")
    grant(user, yunnan, "tenant_admin")
    login(client)
    me = client.get("/api/v1/me").get_json()
    assert sorted(t["slug"] for t in me["tenants"]) == ["lijiang", "yunnan"]
    assert {(m["tenant"], m["office"], m["scope"]["kind"], m["scope"]["code"]) for m in me["memberships"]} == {
        ("lijiang", "professional", "tenant", ""), ("lijiang", "county_hr", "area", "530721"),
        ("yunnan", "tenant_admin", "tenant", "")}
    assert me["tenants"][0]["name"].keys() == {"zh", "en"}
    assert me["authenticated_by"] == "session"


def test_language_switch_keeps_the_page(client, make_user, grant, three_tenants):
    user = make_user()
    grant(user, three_tenants[1], "professional")
    login(client)
    html = client.get("/t/lijiang/").get_data(as_text=True)
    link = re.search(r'href="(/lang/en\?next=[^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"].startswith("/t/lijiang/")
    assert "Programs" in client.get("/t/lijiang/").get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)", "evil.example", "///evil.example",
])
def test_language_switch_refuses_other_sites(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/", target


def test_language_switch_ignores_unknown_languages(client):
    client.get("/lang/xx")
    with client.session_transaction() as sess:
        assert "lang" not in sess
