"""Reading a tenant's published versions (always within the current tenant context).

"Current" is the version in force: the highest-numbered one whose effective date has come (China time);
"latest" is the highest-numbered one, in force or scheduled. Content is deferred: most callers need
only the number and hash (cache keys), and a pack is tens of kilobytes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import defer

from grassroots.china_time import china_today
from grassroots.db import db
from grassroots.packs.models import PackVersion


def _select():
    return db.select(PackVersion).options(defer(PackVersion.content))


def current_version(on: date | None = None) -> PackVersion | None:
    on = on or china_today()
    query = _select().where(PackVersion.effective_date <= on).order_by(PackVersion.number.desc()).limit(1)
    return db.session.execute(query).scalar_one_or_none()


def latest_version() -> PackVersion | None:
    return db.session.execute(_select().order_by(PackVersion.number.desc()).limit(1)).scalar_one_or_none()


def version_by_number(number: int) -> PackVersion | None:
    return db.session.execute(_select().filter_by(number=number)).scalar_one_or_none()


def version_by_id(version_id: int) -> PackVersion | None:
    return db.session.execute(_select().filter_by(id=version_id)).scalar_one_or_none()


def list_versions() -> list[PackVersion]:
    return list(db.session.execute(_select().order_by(PackVersion.number.desc())).scalars())


def next_number() -> int:
    return (db.session.execute(db.select(func.max(PackVersion.number))).scalar() or 0) + 1
