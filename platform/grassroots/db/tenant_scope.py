"""The first isolation wall: every ORM query on a tenant table is filtered by the current tenant.

The tenant lives in a context variable set from the URL (or explicitly by a CLI command). Reading a
tenant table with no tenant set raises: "no tenant" never means "all tenants". Inserts are stamped
with the current tenant, and an insert for another tenant is refused. On PostgreSQL the same id is
also written per transaction to `app.tenant_id` for row-level security, the second wall.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import ForeignKey, event, text
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria

_current: ContextVar[int | None] = ContextVar("grassroots_tenant_id", default=None)
_unscoped: ContextVar[bool] = ContextVar("grassroots_unscoped", default=False)


class MissingTenantContext(RuntimeError):
    """A tenant table was touched with no tenant set."""


class CrossTenantWrite(RuntimeError):
    """A row of another tenant was about to be written."""


class TenantScoped:
    """Mixin for tenant-owned rows: `tenant_id` is part of the row and of its indexes."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("tenants.id", ondelete="RESTRICT"), index=True, nullable=False)


def current_tenant_id() -> int:
    tid = _current.get()
    if tid is None:
        raise MissingTenantContext("no tenant context is set")
    return tid


def peek_tenant_id() -> int | None:
    return _current.get()


@contextmanager
def tenant_context(tenant_id: int, session: Session | None = None) -> Iterator[None]:
    """Run a block as one tenant; also re-sets the PostgreSQL setting if a transaction is open."""
    token = _current.set(tenant_id)
    if session is not None:
        _apply_pg_setting(session)
    try:
        yield
    finally:
        _current.reset(token)
        if session is not None:
            _apply_pg_setting(session)


def set_tenant(tenant_id: int | None) -> None:
    """Set the tenant for the rest of this context (a request); the request teardown clears it."""
    _current.set(tenant_id)


@contextmanager
def unscoped() -> Iterator[None]:
    """For the few explicit cross-tenant services (roll-ups, onboarding, operator lists)."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)


def _is_scoped(mapper) -> bool:
    return issubclass(mapper.class_, TenantScoped)


def _apply_pg_setting(session: Session) -> None:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or not session.in_transaction():
        return
    tid = _current.get()
    session.execute(text("SELECT set_config('app.tenant_id', :tid, true)"), {"tid": "" if tid is None else str(tid)})


def install(session_cls: type[Session] | Session = Session) -> None:
    """Register the hooks on every ORM session (idempotent)."""
    if getattr(install, "_done", False):
        return
    install._done = True  # type: ignore[attr-defined]

    @event.listens_for(Session, "do_orm_execute")
    def _scope_query(state) -> None:
        if _unscoped.get() or state.execution_options.get("skip_tenant_scope"):
            return
        if not (state.is_select or state.is_update or state.is_delete):
            return
        if not any(_is_scoped(m) for m in state.all_mappers):
            return
        tid = current_tenant_id()
        state.statement = state.statement.options(
            with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tid, include_aliases=True)
        )

    @event.listens_for(Session, "before_flush")
    def _stamp_inserts(session: Session, flush_context, instances) -> None:
        if _unscoped.get():
            return
        for obj in list(session.new) + list(session.dirty):
            if not isinstance(obj, TenantScoped):
                continue
            tid = current_tenant_id()
            if obj.tenant_id is None:
                obj.tenant_id = tid
            elif obj.tenant_id != tid:
                raise CrossTenantWrite(f"{type(obj).__name__} belongs to tenant {obj.tenant_id}, not {tid}")

    @event.listens_for(Session, "after_begin")
    def _pg_tenant(session: Session, transaction, connection) -> None:
        if connection.dialect.name != "postgresql":
            return
        tid = _current.get()
        connection.execute(
            text("SELECT set_config('app.tenant_id', :tid, true)"), {"tid": "" if tid is None else str(tid)}
        )
