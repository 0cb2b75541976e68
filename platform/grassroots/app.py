"""The application factory: a flat list of small init steps (Indico's and Flask's pattern)."""

from __future__ import annotations

import logging

from flask import Flask, g

from grassroots import china_time, converters, errors, i18n
from grassroots.config import load_config
from grassroots.db import db
from grassroots.db.tenant_scope import install as install_tenant_scope
from grassroots.extensions import api, babel, csrf, login_manager, migrate
from grassroots.tenancy import resolver

# Each module registers its own blueprints; order is import order only.
MODULES = (
    "grassroots.web.blueprint",
    "grassroots.accounts.blueprint",
    "grassroots.tenancy.blueprint",
    "grassroots.audit.blueprint",
    "grassroots.packs.blueprint",
    "grassroots.identity.blueprint",
    "grassroots.workflow.blueprint",
    "grassroots.forms.blueprint",
    "grassroots.placement.blueprint",
    "grassroots.subsidy.blueprint",
)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(load_config(test_config))
    configure_logging(app)
    configure_urls(app)
    configure_db(app)
    configure_security(app)
    configure_i18n(app)
    configure_api(app)
    resolver.init_app(app)
    errors.register_error_handlers(app)
    register_modules(app)
    from grassroots.cli import register_commands

    register_commands(app)
    return app


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure_urls(app: Flask) -> None:
    """URL converters every blueprint's rules may name (before any blueprint is bound): `<id:...>`."""
    converters.register(app.url_map)


def configure_db(app: Flask) -> None:
    db.init_app(app)
    install_tenant_scope()
    from pathlib import Path

    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parents[2] / "migrations"))


def configure_security(app: Flask) -> None:
    from grassroots.api import security as request_security

    if app.config.get("PROXY_FIX_X_FOR"):  # believe X-Forwarded-For only from that many proxies
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    request_security.init_app(app)  # bearer tokens under /api/, CSRF for everything cookie-authenticated

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def configure_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=i18n.babel_locale)
    app.add_template_filter(china_time.local_time, "local_time")  # pages show Beijing time; the API keeps UTC

    @app.context_processor
    def _helpers():
        from grassroots.tenancy.access import can, user_memberships

        return {"t": i18n.t, "tr": i18n.tr, "locale": i18n.current_locale(), "can": can,
                "tenant": g.get("tenant"), "my_memberships": user_memberships}


def configure_api(app: Flask) -> None:
    from grassroots.api import openapi

    api.init_app(app)
    openapi.init_app(app)


def register_modules(app: Flask) -> None:
    import importlib

    for name in MODULES:
        importlib.import_module(name).init_app(app)
