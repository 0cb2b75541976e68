"""The API base: JSON errors for every status, 401 (not a redirect) for anonymous calls, the OpenAPI
document, and an access rule findable on every endpoint, class-based ones included."""

from __future__ import annotations

import pytest

from grassroots.api.views import ApiView
from grassroots.tenancy.access import AccessRule, login_required, public
from tests.accounts.helpers import login


def _error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "errors"} and set(error["message"]) == {"zh", "en"}
    return error


def test_anonymous_api_calls_get_401_json_not_a_redirect(client):
    for method, path in (("get", "/api/v1/me"), ("get", "/api/v1/tokens"), ("post", "/api/v1/tokens"),
                         ("delete", "/api/v1/tokens/1")):
        response = getattr(client, method)(path)
        assert _error(response, 401)["code"] == "unauthenticated"
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="grassroots"'
        assert "Location" not in response.headers


def test_anonymous_with_a_bad_body_still_gets_401(client):
    assert client.post("/api/v1/tokens", json={"nonsense": 1}).status_code == 401


def test_unknown_api_paths_and_methods_are_json(client, make_user):
    make_user()
    login(client)
    assert _error(client.get("/api/v1/nothing-here"), 404)["code"] == "not_found"
    assert _error(client.put("/api/v1/me"), 405)["code"] == "method_not_allowed"
    assert _error(client.post("/api/v1/tokens", data="not json", content_type="text/plain"), 422)


def test_a_crash_is_a_json_500_without_a_traceback(app, client):
    @public
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/_boom", "boom", boom)
    response = client.get("/api/v1/_boom")
    body = response.get_data(as_text=True)
    assert _error(response, 500)["code"] == "internal"
    assert "secret internals" not in body and "Traceback" not in body


def test_openapi_document_is_public_and_declares_bearer_auth(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert {"bearerAuth": []} in spec["security"]
    assert {"/api/v1/me", "/api/v1/tokens", "/api/v1/tokens/{token_id}"} <= set(spec["paths"])
    assert set(spec["paths"]["/api/v1/tokens"]) >= {"get", "post"}


def test_every_endpoint_declares_access(app):
    """How the isolation matrix finds rules: `_access` on the registered view function, for function and
    class views alike; class views also carry `_access_methods` per HTTP method."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        if not isinstance(getattr(view, "_access", None), AccessRule):
            missing.append(rule.endpoint)
        view_class = getattr(view, "view_class", None)
        if view_class is not None:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert isinstance(view_class._access_methods.get(method), AccessRule), (rule.endpoint, method)
                assert getattr(view_class, method.lower())._access is view_class._access_methods[method]
    assert missing == []


def test_account_endpoints_have_the_expected_rules(app):
    rules = {ep: app.view_functions[ep]._access.kind for ep in app.view_functions if ep != "static"}
    assert rules["accounts.login"] == "public"
    assert rules["api-docs.openapi_json"] == "public"
    for endpoint in ("accounts.logout", "accounts.password", "accounts.tokens", "accounts.revoke_token",
                     "accounts_api.Me", "accounts_api.Tokens", "accounts_api.TokenById"):
        assert rules[endpoint] == "login", endpoint


def test_an_api_view_without_a_rule_cannot_be_defined():
    with pytest.raises(TypeError, match="declares no access rule"):
        class Careless(ApiView):
            @login_required
            def get(self):
                return {}

            def post(self):
                return {}
