"""Moves `<tenant>` from the URL into `g` and the tenant context, and back into `url_for`.

An unknown or suspended tenant is a 404; there is no default tenant to fall back to.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g

from grassroots.db import db
from grassroots.db.tenant_scope import set_tenant
from grassroots.tenancy.models import Tenant


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def _pull_tenant(endpoint, values) -> None:
        set_tenant(None)
        g.tenant = None
        if not values or "tenant" not in values:
            return
        slug = values.pop("tenant")
        tenant = db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one_or_none()
        if tenant is None or tenant.status != "active":
            abort(404)
        g.tenant = tenant
        set_tenant(tenant.id)

    @app.url_defaults
    def _add_tenant(endpoint, values) -> None:
        tenant = g.get("tenant")
        if tenant is None or "tenant" in values:
            return
        if current_app.url_map.is_endpoint_expecting(endpoint, "tenant"):
            values["tenant"] = tenant.slug

    @app.teardown_request
    def _clear_tenant(exc) -> None:
        set_tenant(None)
