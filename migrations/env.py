"""Alembic environment. Sees every model via grassroots.models; migrations run as the table owner
(MIGRATION_DATABASE_URL when set), the app itself as an unprivileged role (DATABASE_URL)."""

import logging
import os
from logging.config import fileConfig

from alembic import context
from flask import current_app

import grassroots.models  # noqa: F401  (registers every table)

config = context.config
if config.config_file_name and not getattr(config, "_grassroots_no_logging", False):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def _url() -> str:
    owner = os.environ.get("MIGRATION_DATABASE_URL") or current_app.config.get("MIGRATION_DATABASE_URI")
    if owner:
        if owner.startswith("postgresql://"):
            owner = "postgresql+psycopg://" + owner[len("postgresql://"):]
        return owner
    return target_db.engine.url.render_as_string(hide_password=False)


def run_migrations_offline():
    context.configure(url=_url(), target_metadata=target_db.metadata, literal_binds=True,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    from sqlalchemy import create_engine, pool

    url = _url()
    if url == target_db.engine.url.render_as_string(hide_password=False):
        connectable = target_db.engine
    else:
        connectable = create_engine(url, poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
