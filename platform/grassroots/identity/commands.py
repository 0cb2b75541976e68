"""`grassroots identity rekey`: after rotating ID_NUMBER_KEY, move every tenant's numbers to the new key:
the people register's, then those of every module that registered a rekey participant (rekey.py)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.identity.crypto import IdKeyError
from grassroots.identity.rekey import participants, rekey_current_tenant
from grassroots.tenancy.models import Tenant

identity = AppGroup("identity", help="People register (人员名册): resident ID number keys.")


@identity.command("rekey")
def rekey() -> None:
    """Re-encrypt stored ID numbers under the current key: the register (re-hashed too), form submissions…
    Idempotent: values already under the current key are left alone, so a second run moves 0."""
    tenants = db.session.execute(select(Tenant.id, Tenant.slug).order_by(Tenant.id)).all()
    db.session.rollback()
    steps = [("register", rekey_current_tenant), *participants(current_app)]
    for tenant_id, slug in tenants:
        counts = []
        with tenant_context(tenant_id, db.session):
            for label, step in steps:
                try:
                    counts.append(f"{label} {step()}")
                    db.session.commit()  # per tenant and step: an interrupted run resumes where it stopped
                except IdKeyError as exc:  # a key version no longer configured: name it, never the value
                    db.session.rollback()
                    raise click.ClickException(f"{slug}: {label}: {exc}") from None
        click.echo(f"{slug:16} {', '.join(counts)} re-encrypted")


def register(app: Flask) -> None:
    app.cli.add_command(identity)
