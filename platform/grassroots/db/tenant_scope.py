"""The first isolation wall: every ORM query on a tenant table is filtered by the current tenant.

The tenant lives in a context variable set from the URL (or explicitly by a CLI command). Reading a
tenant table with no tenant set raises: "no tenant" never means "all tenants". Inserts are stamped
with the current tenant, and an insert for another tenant is refused. On PostgreSQL the same id is
also written per transaction to `app.tenant_id` for row-level security, the second wall, and
re-synced before every ORM statement and flush when the context changed inside the transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import ForeignKey, event, text
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, scoped_session, with_loader_criteria

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
def tenant_context(tenant_id: int | None, session: Session | scoped_session | None = None) -> Iterator[None]:
    """Run a block as one tenant (None: as no tenant); the PostgreSQL setting follows it."""
    token = _current.set(tenant_id)
    if session is not None:
        _apply_pg_setting(session)
    try:
        yield
    except BaseException:
        _current.reset(token)  # no SQL while unwinding (the transaction may be aborted); ORM re-syncs
        raise
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


def _tenant_tables() -> frozenset:
    from sqlalchemy.orm import class_mapper

    tables = set()
    stack = list(TenantScoped.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if getattr(cls, "__table__", None) is not None:
            tables.add(class_mapper(cls).local_table)
    return frozenset(tables)


def _reads_tenant_table(statement) -> bool:
    """`select(func.count()).select_from(Area)` names no mapper in its columns: look at its FROMs too."""
    froms = getattr(statement, "get_final_froms", None)
    if froms is None:
        return False
    tenant_tables = _tenant_tables()
    stack = list(froms())
    while stack:
        clause = stack.pop()
        if clause in tenant_tables:
            return True
        for attr in ("left", "right", "element", "original"):
            child = getattr(clause, attr, None)
            if child is not None and child is not clause:
                stack.append(child)
    return False


def _is_scoped(mapper) -> bool:
    return issubclass(mapper.class_, TenantScoped)


_PG_KEY = "grassroots_pg_tenant"  # session.info: the tenant the open transaction's setting holds
_UNSET = object()


def _set_pg(connection, session: Session) -> None:
    """Transaction-local (`true`) and a bound parameter: never leaks to the next pooled checkout."""
    tid = _current.get()
    connection.execute(text("SELECT set_config('app.tenant_id', :tid, true)"), {"tid": "" if tid is None else str(tid)})
    session.info[_PG_KEY] = tid


def _apply_pg_setting(session: Session | scoped_session) -> None:
    """Bring the open transaction's `app.tenant_id` in line with the context, if it differs.

    The context can change after the transaction began (the URL resolver reads the tenant row, then
    sets the tenant), so every ORM statement and flush re-checks before it runs.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "postgresql" or not session.in_transaction():
        return
    connection = session.connection()  # a fresh transaction sets it in after_begin
    applied = session.info.get(_PG_KEY, _UNSET)
    if applied is _UNSET or applied != _current.get():
        _set_pg(connection, session)


def sync_pg_setting(session: Session | scoped_session) -> None:
    """For code that runs SQL on `session.connection()` directly (no ORM event fires for it)."""
    _apply_pg_setting(session)


def install(session_cls: type[Session] | Session = Session) -> None:
    """Register the hooks on every ORM session (idempotent)."""
    if getattr(install, "_done", False):
        return
    install._done = True  # type: ignore[attr-defined]

    @event.listens_for(Session, "do_orm_execute")
    def _scope_query(state) -> None:
        _apply_pg_setting(state.session)
        if _unscoped.get() or state.execution_options.get("skip_tenant_scope"):
            return
        if not (state.is_select or state.is_update or state.is_delete):
            return
        mappers = state.all_mappers
        if not any(_is_scoped(m) for m in mappers) and (mappers or not _reads_tenant_table(state.statement)):
            # A statement naming no mapper at all (a count over select_from) still gets its FROMs read;
            # reading them costs a compile-like walk, so only mapper-less statements pay it.
            return
        tid = current_tenant_id()
        state.statement = state.statement.options(
            with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tid, include_aliases=True)
        )

    @event.listens_for(Session, "before_flush")
    def _stamp_inserts(session: Session, flush_context, instances) -> None:
        _apply_pg_setting(session)
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
        session.info.pop(_PG_KEY, None)
        if connection.dialect.name == "postgresql":
            _set_pg(connection, session)

    @event.listens_for(Session, "after_soft_rollback")
    def _pg_forget(session: Session, previous_transaction) -> None:
        # A rolled-back savepoint undoes a set_config made inside it: re-apply before the next statement.
        session.info.pop(_PG_KEY, None)
