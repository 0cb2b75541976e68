"""`grassroots decisions replay [--tenant T]`: recompute every decision record under its pinned pack version
and list those that would now differ (exit 1 if any); `grassroots demo cases`: the demo's living cases (and,
through `placement.demo.after_cases`, what later modules add to them)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from grassroots.db import db
from grassroots.placement.decisions import replay
from grassroots.tenancy.models import Tenant

decisions = AppGroup("decisions", help="Decision records (决定记录): replay them under their pinned pack versions.")


@decisions.command("replay")
@click.option("--tenant", "slug", default=None, help="Only this jurisdiction (slug).")
def replay_command(slug: str | None) -> None:
    """Recompute each record exactly as it was made; report any that would now differ (exit 1)."""
    query = select(Tenant).order_by(Tenant.id)
    if slug:
        query = query.where(Tenant.slug == slug)
    tenants = list(db.session.execute(query).scalars())
    if slug and not tenants:
        click.echo(f"no such tenant: {slug}", err=True)
        sys.exit(2)
    total, differing = 0, []
    for tenant in tenants:
        checked, found = replay(tenant)
        total += checked
        differing += found
    for item in differing:
        click.echo(item.line())
    click.echo(f"{total} decision record(s) replayed, {len(differing)} would now differ")
    if differing:
        sys.exit(1)


@click.command("cases")
def cases_command() -> None:
    """Seed Lijiang and Kunming with secondment cases in every state (after `demo seed`; idempotent), then
    whatever the modules built on placement add to them (subsidy: rosters and paid batches)."""
    from grassroots.errors import UserError
    from grassroots.placement.demo import after_cases, seed_cases

    try:
        lines = seed_cases()
    except UserError as exc:
        db.session.rollback()
        click.echo(f"{exc.message['zh']}\n{exc.message['en']}", err=True)
        sys.exit(1)
    for line in lines:
        click.echo(line)
    for seeder in after_cases:
        for line in seeder():
            click.echo(line)


def register(app: Flask) -> None:
    app.cli.add_command(decisions)
    from grassroots.demo.commands import demo

    if "cases" not in demo.commands:
        demo.add_command(cases_command)
