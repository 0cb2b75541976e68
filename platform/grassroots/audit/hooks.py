"""Every write to an audited model becomes an audit entry in the same transaction.

A model opts in with `__audited__ = True`. After each flush the inserted, updated (changed columns
only) and deleted rows are appended with their column values; secrets are masked, never logged
(SECRET_COLUMNS plus a model's `__audit_mask__`), and a model's `__audit_ignore__` columns are left out.
The entry goes to the chain of the tenant context the write happened in (the platform chain when
none is set). A tenant-owned row written outside its tenant's context is refused here, exactly as
row-level security refuses it on PostgreSQL, so SQLite runs catch what PostgreSQL would refuse.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.base import NO_VALUE

from grassroots.audit.log import append
from grassroots.db.tenant_scope import CrossTenantWrite, MissingTenantContext, TenantScoped, peek_tenant_id

SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "secret", "key_hash"})
MASK = "***"


def _audited(obj: Any) -> bool:
    return bool(getattr(type(obj), "__audited__", False))


def _masked(cls: type, key: str, value: Any) -> Any:
    secrets = SECRET_COLUMNS | frozenset(getattr(cls, "__audit_mask__", ()))
    return MASK if key in secrets and value is not None else value


def _ignored(obj: Any) -> frozenset[str]:
    """Columns a model leaves out of its entries (`__audit_ignore__`: large text beside its hash)."""
    return frozenset(getattr(type(obj), "__audit_ignore__", ()))


def _values(obj: Any) -> dict[str, Any]:
    """Every loaded column value (never triggers a load: the row may already be gone)."""
    state = inspect(obj)
    ignored = _ignored(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key in ignored:
            continue
        value = state.attrs[attr.key].loaded_value
        if value is not NO_VALUE:
            out[attr.key] = _masked(type(obj), attr.key, value)
    return out


def _changes(obj: Any) -> tuple[dict, dict]:
    state = inspect(obj)
    ignored = _ignored(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        if attr.key in ignored:
            continue
        history = state.attrs[attr.key].history
        if not history.added and not history.deleted:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[attr.key] = _masked(type(obj), attr.key, old)
        after[attr.key] = _masked(type(obj), attr.key, new)
    return before, after


def _target_id(obj: Any) -> str:
    state = inspect(obj)
    ident = state.mapper.primary_key_from_instance(obj) if state.key is None else state.key[1]
    return ",".join(str(part) for part in ident)


def _check_tenant(obj: Any, current: int | None) -> None:
    """A tenant-owned row must belong to the context it is written in (RLS's WITH CHECK, on SQLite too)."""
    if not isinstance(obj, TenantScoped):
        return
    if current is None:
        raise MissingTenantContext(f"{type(obj).__name__} written with no tenant context")
    if obj.tenant_id != current:
        raise CrossTenantWrite(f"{type(obj).__name__} of tenant {obj.tenant_id} written as tenant {current}")


def _entry(action: str, obj: Any, before: dict | None = None, after: dict | None = None) -> dict:
    return {"action": action, "target_type": type(obj).__tablename__, "target_id": _target_id(obj),
            "before": before, "after": after}


def _entries(session: Session, current: int | None) -> list[dict]:
    entries = []
    for obj in session.new:
        if _audited(obj):
            _check_tenant(obj, current)
            entries.append(_entry("insert", obj, after=_values(obj)))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            _check_tenant(obj, current)
            before, after = _changes(obj)
            if after:
                entries.append(_entry("update", obj, before, after))
    for obj in session.deleted:
        if _audited(obj):
            _check_tenant(obj, current)
            entries.append(_entry("delete", obj, before=_values(obj)))
    return entries


def _after_flush(session: Session, flush_context) -> None:
    """All of a flush's entries go to one chain: the tenant context's (the platform's when none)."""
    current = peek_tenant_id()
    entries = _entries(session, current)
    if entries:
        append(session.connection(), current, entries)


def _noop(target, value, oldvalue, initiator):
    return value


_tracked: set[type] = set()


def _keep_old_values(mapper: Mapper, class_: type) -> None:
    """Load a column's old value when it is set while expired (after a commit), so `before` is known."""
    if not getattr(class_, "__audited__", False) or class_ in _tracked:
        return
    _tracked.add(class_)
    ignored = frozenset(getattr(class_, "__audit_ignore__", ()))
    for attr in mapper.column_attrs:
        if attr.key not in ignored:
            event.listen(getattr(class_, attr.key), "set", _noop, active_history=True)


def install() -> None:
    """Register the flush hook on every ORM session and old-value tracking on audited models (idempotent)."""
    from grassroots.db import db

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Mapper, "mapper_configured", _keep_old_values)
        for mapper in db.Model.registry.mappers:
            if mapper.configured:
                _keep_old_values(mapper, mapper.class_)
