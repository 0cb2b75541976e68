"""URL rules of the audit module; installs the flush hook that audits every write."""

from __future__ import annotations

from flask import Blueprint, Flask

from grassroots.audit import hooks, views
from grassroots.web.nav import add_nav

bp = Blueprint("audit", __name__)
bp.add_url_rule("/t/<tenant>/audit", "tenant_log", views.tenant_log)
bp.add_url_rule("/operator/audit", "platform_log", views.platform_log)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    hooks.install()
    add_nav("audit.tenant_log", "audit.view", "审计日志", "Audit log")
