"""`grassroots tenants onboard FILE...` and `grassroots tenants list`: the operators' onboarding tools."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from grassroots.db import db
from grassroots.tenancy.manifest import ManifestError
from grassroots.tenancy.models import Tenant
from grassroots.tenancy.onboarding import KINDS, onboard_file

tenants = AppGroup("tenants", help="Jurisdictions (地区): onboard from manifests, list.")


def format_errors(errors: list[dict]) -> list[str]:
    """One line per error: `path  code  zh / en`."""
    return [f"{e['path']}  {e['code']}  {e['message']['zh']} / {e['message']['en']}" for e in errors]


def format_summary(summary: dict) -> list[str]:
    def counts(which: dict) -> str:
        return ", ".join(f"{kind} {which[kind]}" for kind in KINDS)

    lines = [f"{summary['tenant']}: created {counts(summary['created'])}; updated {counts(summary['updated'])}"]
    for login in summary["logins"]:
        password = login["password"] or "(未设置 / not set)"
        lines.append(f"  {login['username']:28} {login['office']:24} {password}")
    return lines


@tenants.command("onboard")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def onboard_command(files: tuple[str, ...]) -> None:
    """Create or update tenants from manifest FILES, in the order given (parents first)."""
    failed = False
    for path in files:
        try:
            summary = onboard_file(path)
        except ManifestError as exc:
            failed = True
            click.echo(f"{path}: {len(exc.errors)} 个错误 / error(s), nothing written", err=True)
            for line in format_errors(exc.errors):
                click.echo(f"  {line}", err=True)
            continue
        for line in format_summary(summary):
            click.echo(line)
    if failed:
        raise SystemExit(1)


@tenants.command("list")
def list_command() -> None:
    """Every tenant with its level, parent, status and pack."""
    rows = db.session.execute(db.select(Tenant).order_by(Tenant.slug)).scalars().all()
    by_id = {t.id: t.slug for t in rows}
    for tenant in rows:
        parent = by_id.get(tenant.parent_id, "-")
        click.echo(f"{tenant.slug:16} {tenant.level:9} {parent:16} {tenant.status:10} "
                   f"{tenant.pack_slug or '-':16} {tenant.name_zh} / {tenant.name_en}")


def register(app: Flask) -> None:
    app.cli.add_command(tenants)
