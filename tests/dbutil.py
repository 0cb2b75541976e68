"""Test database plumbing: templates, clones and the unprivileged app role on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

OWNER_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
APP_ROLE = os.environ.get("TEST_APP_ROLE", "grassroots_app_test")


def _pg(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def test_config(backend: str, url: str, tmp_path: Path) -> dict:
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "ID_NUMBER_KEY": "0" * 64,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_DIR": str(instance / "uploads"),
        "SQLALCHEMY_DATABASE_URI": url if backend == "sqlite" else app_url(url),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": "localhost",
    }
    if backend == "postgres":
        config["MIGRATION_DATABASE_URI"] = url
    return config


def app_url(owner_url: str) -> str:
    """The same database reached as the unprivileged app role (neither superuser nor table owner)."""
    return make_url(_pg(owner_url)).set(username=APP_ROLE, password=None).render_as_string(hide_password=False)


_admin = None


def _admin_engine():
    global _admin
    if _admin is None:
        _admin = create_engine(_pg(OWNER_URL), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    return _admin


def ensure_role(name: str) -> None:
    """An unprivileged login role, created once: two xdist workers starting together on a fresh server both
    try, and the loser's CREATE ROLE fails with duplicate_object or, mid-race, unique_violation."""
    with _admin_engine().connect() as conn:
        conn.execute(text(
            f'DO $$ BEGIN CREATE ROLE "{name}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; '
            'EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$'))


def ensure_app_role() -> None:
    ensure_role(APP_ROLE)


def migrate(url: str, backend: str, tmp_path: Path) -> None:
    """Build the schema exactly as production does: `flask db upgrade`, as the owner."""
    from flask_migrate import upgrade

    from grassroots.app import create_app

    app = create_app(test_config(backend, url, tmp_path))
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
        if backend == "postgres":
            grant_app_role(url)
    dispose(app)


def grant_app_role(owner_url: str) -> None:
    from grassroots.db.roles import grant_app_role as grant

    engine = create_engine(_pg(owner_url), poolclass=NullPool)
    with engine.begin() as conn:
        grant(conn, APP_ROLE)
    engine.dispose()


def build_template(backend: str, workdir: Path, name: str, builder: Callable | None) -> str:
    if backend == "sqlite":
        path = workdir / f"template_{name}.db"
        url = f"sqlite:///{path}"
        migrate(url, backend, workdir)
    else:
        ensure_app_role()
        dbname = f"gr_tpl_{name}_{uuid.uuid4().hex[:8]}"
        with _admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{dbname}"'))
        url = make_url(_pg(OWNER_URL)).set(database=dbname).render_as_string(hide_password=False)
        migrate(url, backend, workdir)
    if builder is not None:
        from grassroots.app import create_app

        app = create_app(test_config(backend, url, workdir))
        with app.app_context():
            builder(app)
        dispose(app)
    return url


def clone(backend: str, template_url: str, target: Path) -> str:
    if backend == "sqlite":
        shutil.copyfile(make_url(template_url).database, target)
        return f"sqlite:///{target}"
    src = make_url(template_url).database
    dbname = f"gr_t_{uuid.uuid4().hex[:12]}"
    with _admin_engine().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{dbname}" TEMPLATE "{src}"'))
    return make_url(template_url).set(database=dbname).render_as_string(hide_password=False)


def drop(backend: str, url: str) -> None:
    if backend == "sqlite":
        Path(make_url(url).database).unlink(missing_ok=True)
        return
    dbname = make_url(url).database
    with _admin_engine().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))


def dispose(app) -> None:
    from grassroots.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
