"""Models and migrations agree: autogenerate finds nothing to do on a freshly migrated database.

Nothing is ignored: a difference here means a model changed without a migration (or the reverse).
Row-level security, policies and CHECK constraints are invisible to autogenerate; test_rls.py and
the audit tests cover those.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import grassroots.models  # noqa: F401  (every table in the metadata)
from grassroots.db import db
from tests.db.factories import owner_engine


def test_models_and_migrations_agree(app):
    engine = owner_engine(app)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            diff = compare_metadata(context, db.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_migrations_are_at_head(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    engine = owner_engine(app)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
    finally:
        engine.dispose()
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    assert set(current) == set(script.get_heads())
