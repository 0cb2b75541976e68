"""`grassroots users create|set-password|grant`: accounts from the command line (operators, scripts)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import update

from grassroots.accounts.models import Membership, User
from grassroots.accounts.passwords import password_problems
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Area, Tenant, Unit
from grassroots.tenancy.permissions import offices_for

users = AppGroup("users", help="Users (用户): create, set passwords, grant offices in tenants.")


def _fail(zh: str, en: str) -> None:
    raise click.ClickException(f"{zh} / {en}")


def _user(username: str) -> User:
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        _fail(f"没有用户 {username}", f"no user {username}")
    return user


def _check_password(username: str, password: str) -> None:
    problems = password_problems(username, password)
    if problems:
        _fail("；".join(p["zh"] for p in problems), "; ".join(p["en"] for p in problems))


@users.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Display name (姓名).")
@click.option("--email", default=None)
@click.option("--operator", is_flag=True, help="A platform operator (平台运维).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for (hidden) when not given.")
def create_command(username: str, display_name: str, email: str | None, operator: bool, password: str) -> None:
    """Create USERNAME."""
    username = username.strip()
    if db.session.execute(db.select(User.id).filter_by(username=username)).first():
        _fail(f"用户 {username} 已存在", f"user {username} exists")
    _check_password(username, password)
    user = User(username=username, display_name=display_name, email=email, is_operator=operator)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {username} (id {user.id}{', operator' if operator else ''})")


@users.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for (hidden) when not given.")
def set_password_command(username: str, password: str) -> None:
    """Set USERNAME's password, lift any lockout and end all their sessions."""
    user = _user(username)
    _check_password(user.username, password)
    user.set_password(password)
    db.session.flush()
    db.session.execute(
        update(User).where(User.id == user.id)
        .values(session_version=User.session_version + 1, failed_logins=0, locked_until=None)
    )
    db.session.commit()
    click.echo(f"password set for {username}; other sessions ended")


def _scope(tenant: Tenant, area: str | None, unit: str | None) -> tuple[str, str]:
    if area and unit:
        _fail("--area 与 --unit 只能选一个", "give --area or --unit, not both")
    if not (area or unit):
        return "tenant", ""
    model, code, kind = (Area, area, "area") if area else (Unit, unit, "unit")
    with tenant_context(tenant.id, db.session):
        found = db.session.execute(db.select(model.id).filter_by(code=code)).first()
    if not found:
        _fail(f"{tenant.slug} 中没有代码为 {code} 的{'地区' if area else '单位'}", f"no {kind} {code} in {tenant.slug}")
    return kind, code


@users.command("grant")
@click.argument("username")
@click.argument("tenant_slug", metavar="TENANT")
@click.argument("office")
@click.option("--area", default=None, help="Limit to an area (its code).")
@click.option("--unit", default=None, help="Limit to a unit (its code).")
def grant_command(username: str, tenant_slug: str, office: str, area: str | None, unit: str | None) -> None:
    """Give USERNAME the OFFICE in TENANT, for the whole tenant or one area or unit."""
    user = _user(username)
    tenant = db.session.execute(db.select(Tenant).filter_by(slug=tenant_slug)).scalar_one_or_none()
    if tenant is None:
        _fail(f"没有地区 {tenant_slug}", f"no tenant {tenant_slug}")
    with tenant_context(tenant.id, db.session):
        offices = offices_for(tenant)
    if office not in offices:
        _fail(f"{tenant_slug} 没有职务 {office}（可用：{', '.join(sorted(offices))}）",
              f"{tenant_slug} has no office {office} (known: {', '.join(sorted(offices))})")
    kind, code = _scope(tenant, area, unit)
    exists = db.session.execute(
        db.select(Membership.id).filter_by(user_id=user.id, tenant_id=tenant.id, office=office,
                                           scope_kind=kind, scope_code=code)
    ).first()
    if exists:
        click.echo(f"{username} already holds {office} in {tenant_slug} ({kind} {code})".rstrip())
        return
    with tenant_context(tenant.id, db.session):  # audited on the tenant's own chain
        db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, office=office, scope_kind=kind, scope_code=code))
        db.session.commit()
    click.echo(f"granted {office} in {tenant_slug} to {username}" + (f" ({kind} {code})" if code else ""))


def register(app: Flask) -> None:
    app.cli.add_command(users)
