"""URL rules of the web shell: start page, language switch, tenant home, tenant switch, operator list."""

from __future__ import annotations

from flask import Blueprint, Flask

from grassroots.web import views

bp = Blueprint("web", __name__)
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/lang/<lang>", "set_language", views.set_language)
bp.add_url_rule("/switch", "switch_tenant", views.switch_tenant)
bp.add_url_rule("/operator/tenants", "operator_tenants", views.operator_tenants)
bp.add_url_rule("/t/<tenant>/", "tenant_home", views.tenant_home)
bp.add_url_rule("/healthz", "health", views.health)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["tenant_nav"] = views.tenant_nav
