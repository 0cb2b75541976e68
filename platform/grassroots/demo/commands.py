"""`grassroots demo seed`: onboard every manifest in tenants/ and print the demo logins."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from grassroots.accounts.models import User
from grassroots.db import db

demo = AppGroup("demo", help="Demo data (演示数据).")

OPERATOR = ("operator", "平台运维", "demo-2026")
DEMO_ORDER = ("yunnan", "lijiang", "kunming", "yuxi", "jilin", "shandong")


@demo.command("seed")
def seed() -> None:
    """Create the platform operator and onboard the six demo tenants (idempotent)."""
    username, name, password = OPERATOR
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        user = User(username=username, display_name=name, is_operator=True)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
    click.echo(f"operator: {username} / {password}")
    try:
        from grassroots.tenancy.onboarding import onboard_file
    except ImportError:
        click.echo("(tenant onboarding not available yet)")
        return
    from pathlib import Path

    tenants_dir = Path(current_app.config["TENANTS_DIR"])
    for slug in DEMO_ORDER:
        result = onboard_file(tenants_dir / f"{slug}.json")
        for login in result.get("logins", []):
            click.echo(f"{slug:10} {login['username']:28} {login['office']:20} {login['password']}")


def register(app: Flask) -> None:
    app.cli.add_command(demo)
