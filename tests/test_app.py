"""The app boots on a migrated database and answers its health check."""


def test_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_login_page_is_chinese_first(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "登录" in response.get_data(as_text=True)


def test_unknown_tenant_is_404(client):
    response = client.get("/t/nowhere/")
    assert response.status_code == 404
