"""`grassroots demo seed`: onboard every demo manifest in tenants/ and print the demo logins."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from grassroots.accounts.models import User
from grassroots.db import db

demo = AppGroup("demo", help="Demo data (演示数据).")

OPERATOR = ("operator", "平台运维", "demo-2026")
DEMO_ORDER = ("yunnan", "lijiang", "kunming", "yuxi", "jilin", "shandong")


def ensure_operator() -> None:
    """The platform operator account (idempotent)."""
    username, name, password = OPERATOR
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        user = User(username=username, display_name=name, is_operator=True)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()


def seed_tenants(tenants_dir: Path) -> list[dict]:
    """Onboard the six demo tenants, parents first; raises ManifestError on a bad manifest."""
    from grassroots.tenancy.onboarding import onboard_file

    return [onboard_file(tenants_dir / f"{slug}.json") for slug in DEMO_ORDER]


def demo_logins(tenants_dir: Path) -> list[tuple[str, str, str, str]]:
    """(tenant, username, office, password) of every demo staff member, read from the manifests."""
    rows = []
    for slug in DEMO_ORDER:
        doc = json.loads((tenants_dir / f"{slug}.json").read_text(encoding="utf-8"))
        rows += [(slug, m["username"], m["office"], m.get("password") or "-") for m in doc["staff"]]
    return rows


@demo.command("seed")
def seed() -> None:
    """Create the platform operator and onboard the six demo tenants (idempotent)."""
    from grassroots.tenancy.commands import format_errors, format_summary
    from grassroots.tenancy.manifest import ManifestError

    ensure_operator()
    tenants_dir = Path(current_app.config["TENANTS_DIR"])
    try:
        summaries = seed_tenants(tenants_dir)
    except ManifestError as exc:
        click.echo("demo manifests have errors; nothing written for the failing one:", err=True)
        for line in format_errors(exc.errors):
            click.echo(f"  {line}", err=True)
        raise SystemExit(1) from None
    for summary in summaries:
        click.echo(format_summary({**summary, "logins": []})[0])
    click.echo("")
    click.echo(f"{'tenant':10} {'username':28} {'office':24} password")
    click.echo(f"{'-':10} {OPERATOR[0]:28} {'operator':24} {OPERATOR[2]}")
    for slug, username, office, password in demo_logins(tenants_dir):
        click.echo(f"{slug:10} {username:28} {office:24} {password}")


def register(app: Flask) -> None:
    app.cli.add_command(demo)
