"""`grassroots db-roles grant|check ROLE`: prepare the unprivileged PostgreSQL role the app connects as.

Connects as the owner: MIGRATION_DATABASE_URL (or config MIGRATION_DATABASE_URI), else DATABASE_URL.
"""

from __future__ import annotations

import os
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from grassroots.db.roles import UnsafeAppRole, grant_app_role, role_problems

db_roles = AppGroup("db-roles", help="PostgreSQL roles (数据库角色): the app role that row-level security binds.")


def _owner_engine():
    url = (os.environ.get("MIGRATION_DATABASE_URL") or current_app.config.get("MIGRATION_DATABASE_URI")
           or current_app.config["SQLALCHEMY_DATABASE_URI"])
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    engine = create_engine(url, poolclass=NullPool)
    if engine.dialect.name != "postgresql":
        click.echo("not PostgreSQL: SQLite has no roles; nothing to do")
        sys.exit(0)
    return engine


@db_roles.command("grant")
@click.argument("role")
def grant(role: str) -> None:
    """Grant ROLE what the app needs (and default privileges for future tables); refuse an unsafe role."""
    engine = _owner_engine()
    try:
        with engine.begin() as conn:
            grant_app_role(conn, role)
    except (UnsafeAppRole, ValueError) as exc:
        click.echo(f"refused: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"granted {role}: DML on all tables, no UPDATE/DELETE/TRUNCATE on audit_entries")


@db_roles.command("check")
@click.argument("role")
def check(role: str) -> None:
    """Exit 1 if ROLE is a superuser, has BYPASSRLS or owns a table (each bypasses row-level security)."""
    engine = _owner_engine()
    with engine.connect() as conn:
        problems = role_problems(conn, role)
    engine.dispose()
    for problem in problems:
        click.echo(f"unsafe: {problem}")
    if problems:
        sys.exit(1)
    click.echo(f"{role}: not superuser, no BYPASSRLS, owns no table")


def register(app: Flask) -> None:
    app.cli.add_command(db_roles)
