"""`grassroots identity rekey`: after rotating ID_NUMBER_KEY, move every tenant's numbers to the new key."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.identity.rekey import rekey_current_tenant
from grassroots.tenancy.models import Tenant

identity = AppGroup("identity", help="People register (人员名册): resident ID number keys.")


@identity.command("rekey")
def rekey() -> None:
    """Re-encrypt and re-hash stored ID numbers under the current key (idempotent)."""
    tenants = db.session.execute(select(Tenant.id, Tenant.slug).order_by(Tenant.id)).all()
    db.session.rollback()
    for tenant_id, slug in tenants:
        with tenant_context(tenant_id, db.session):
            moved = rekey_current_tenant()
        click.echo(f"{slug:16} {moved} re-encrypted")


def register(app: Flask) -> None:
    app.cli.add_command(identity)
