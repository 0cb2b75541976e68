"""The `grassroots` command: the Flask CLI bound to the app, with the platform's command groups."""

from __future__ import annotations

import importlib

from flask import Flask
from flask.cli import FlaskGroup

# Modules that contribute CLI groups; each exposes `register(app)`.
CLI_MODULES = (
    "grassroots.db.commands",
    "grassroots.tenancy.commands",
    "grassroots.audit.commands",
    "grassroots.packs.commands",
    "grassroots.accounts.commands",
    "grassroots.demo.commands",
)


def register_commands(app: Flask) -> None:
    for name in CLI_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


def _create_app():
    from grassroots.app import create_app

    return create_app()


def main() -> None:
    FlaskGroup(create_app=_create_app, help="Grassroots talent platform (基层人才服务平台)")()
