"""Fixtures: a real database per test, built only by the migrations.

Backend: SQLite by default; PostgreSQL when GRASSROOTS_TEST_DB=postgres (the owner URL comes from
TEST_DATABASE_URL, default the local server). The migrated schema is built once per session as a
template (a file on SQLite, a template database on PostgreSQL) and cloned for every test, so each
test starts clean without rebuilding. On PostgreSQL the app connects as an unprivileged role, so
row-level security is in force exactly as in production.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import dbutil

BACKEND = os.environ.get("GRASSROOTS_TEST_DB", "sqlite")


def pytest_collection_modifyitems(config, items):
    if BACKEND != "postgres":
        skip = pytest.mark.skip(reason="PostgreSQL-only check; run with GRASSROOTS_TEST_DB=postgres")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def backend() -> str:
    return BACKEND


@pytest.fixture(scope="session")
def template_factory(tmp_path_factory) -> Iterator[Callable[[str, Callable | None], str]]:
    """Builds named, migrated template databases once per session; returns their URL."""
    made: dict[str, str] = {}
    workdir = tmp_path_factory.mktemp("db")

    def get(name: str, builder: Callable | None = None) -> str:
        if name not in made:
            made[name] = dbutil.build_template(BACKEND, workdir, name, builder)
        return made[name]

    yield get
    for url in made.values():
        dbutil.drop(BACKEND, url)


def _clone_app(template_factory, template: str, builder, tmp_path: Path):
    from grassroots.app import create_app

    template_url = template_factory(template, builder)
    url = dbutil.clone(BACKEND, template_url, tmp_path / f"{uuid.uuid4().hex}.db")
    app = create_app(dbutil.test_config(BACKEND, url, tmp_path))
    return app, url


@pytest.fixture()
def app(template_factory, tmp_path):
    """An app on an empty, migrated database of its own."""
    app, url = _clone_app(template_factory, "empty", None, tmp_path)
    with app.app_context():
        yield app
    dbutil.dispose(app)
    dbutil.drop(BACKEND, url)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def instance_dir(tmp_path) -> Path:
    path = tmp_path / "instance"
    path.mkdir(exist_ok=True)
    return path


def copy_file(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)


# --- Seeded databases: the six demo tenants and the operator, built once per session, cloned per test.

DEMO_PASSWORD = "demo-2026"
DEMO_TENANTS = ("yunnan", "lijiang", "kunming", "yuxi", "jilin", "shandong")


def build_seeded(app) -> None:
    """What `grassroots demo seed` makes: the operator, then the demo manifests through onboarding."""
    from grassroots.demo.commands import ensure_operator, seed_tenants

    ensure_operator()
    seed_tenants(Path(app.config["TENANTS_DIR"]))


@pytest.fixture()
def seeded_app(template_factory, tmp_path):
    """An app on its own copy of the seeded database."""
    app, url = _clone_app(template_factory, "seeded", build_seeded, tmp_path)
    with app.app_context():
        yield app
    dbutil.dispose(app)
    dbutil.drop(BACKEND, url)


@pytest.fixture()
def seeded_client(seeded_app):
    return seeded_app.test_client()


def login(client, username: str, password: str = DEMO_PASSWORD):
    """Sign in through the login form (CSRF is off in the test config); fails the test if refused."""
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code in (302, 303), f"login as {username} answered {response.status_code}"
    return response
