"""The database handle and the declarative base every model uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)


# How far the record clock runs behind the wall clock: zero except while the demo tells a case's history.
_lag: ContextVar[timedelta] = ContextVar("grassroots_record_clock_lag", default=timedelta(0))


def wallclock() -> datetime:
    """The real UTC now, naive: for what must never be told in the past (the audit log)."""
    return datetime.now(UTC).replace(tzinfo=None)


def utcnow() -> datetime:
    """When a record happens: UTC now, stored naive so SQLite and PostgreSQL compare alike."""
    return wallclock() - _lag.get()


@contextmanager
def recorded_at(moment: datetime) -> Iterator[None]:
    """Stamp what happens inside as from `moment` (naive UTC; it keeps ticking, so order is kept): the demo
    builds a case's past through the real services, and a 2023 placement's application must read as filed
    before it. Only record timestamps move; dates the rules read (today in China) and the audit log do not."""
    token = _lag.set(max(wallclock() - moment, timedelta(0)))
    try:
        yield
    finally:
        _lag.reset(token)
