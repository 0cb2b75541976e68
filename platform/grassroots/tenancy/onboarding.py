"""Onboarding: create or update a tenant from a manifest, all in one transaction, idempotently.

Areas and units are matched by code, staff by username; nothing is ever deleted. A manifest with any
error raises `ManifestError` before anything is written. The tenant's own rows are written inside its
tenant context, so the ORM wall stamps them and PostgreSQL row-level security sees the right tenant.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.tenancy import manifest
from grassroots.tenancy.manifest import ManifestError
from grassroots.tenancy.manifest_errors import error
from grassroots.tenancy.models import Tenant
from grassroots.tenancy.upserts import upsert_areas, upsert_staff, upsert_tenant, upsert_units

KINDS = ("tenant", "areas", "units", "users", "memberships")

# Called inside the transaction, in the tenant's context, after the rows are written: (tenant, manifest,
# summary, actor). The packs module registers the import of the manifest's pack as the first version.
# A hook refuses by raising UserError with errors; onboarding then rolls back and answers them at /pack.
OnboardHook = Callable[[Tenant, dict, dict, Any], None]
after_onboard: list[OnboardHook] = []


def register_after_onboard(hook: OnboardHook) -> None:
    """Add a hook once (init_app runs for every app the process builds)."""
    if hook not in after_onboard:
        after_onboard.append(hook)


def onboard(doc: Any, actor: Any = None, parent_required: str | None = None, commit: bool = True) -> dict:
    """Validate `doc`, then apply it; returns {tenant, created, updated, logins}."""
    errors = manifest.validate(doc, parent_required=parent_required)
    if errors:
        raise ManifestError(errors)
    try:
        summary = _apply(doc, actor)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ManifestError([error("/", "conflict", "数据已被同时修改，请重试",
                                   "the data changed at the same time; try again")]) from None
    except UserError as exc:
        db.session.rollback()
        raise ManifestError(_pack_errors(doc.get("pack"), exc)) from None
    except BaseException:
        db.session.rollback()
        raise
    return summary


def onboard_file(path: str | Path, actor: Any = None, parent_required: str | None = None) -> dict:
    """Onboard the manifest in `path`; unreadable or invalid JSON is a ManifestError at "/"."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ManifestError([error("/", "unreadable", f"无法读取文件：{exc.strerror}",
                                   f"cannot read the file: {exc.strerror}")]) from None
    return onboard(manifest.parse(raw), actor=actor, parent_required=parent_required)


def _pack_errors(pack: Any, exc: UserError) -> list:
    """A hook's refusal (the pack does not pass its check) as manifest errors at /pack."""
    if not exc.errors:
        return [error("/pack", exc.code, exc.message.get("zh", ""), exc.message.get("en", ""))]
    out = []
    for e in exc.errors:
        where = e.get("path") or "/"
        message = e.get("message") or {}
        out.append(error("/pack", e.get("code", exc.code), f"政策包 {pack} 的 {where}：{message.get('zh', '')}",
                         f"pack {pack} at {where}: {message.get('en', '')}"))
    return out


def _apply(doc: dict, actor: Any) -> dict:
    created = dict.fromkeys(KINDS, 0)
    updated = dict.fromkeys(KINDS, 0)
    tenant = upsert_tenant(doc, created, updated)
    with tenant_context(tenant.id, db.session):
        areas = upsert_areas(doc, created, updated)
        upsert_units(doc, areas, created, updated)
        logins = upsert_staff(doc, tenant, created, updated)
        summary = {"tenant": tenant.slug, "created": created, "updated": updated, "logins": logins}
        _record_audit(tenant, summary, actor)
        for hook in after_onboard:
            hook(tenant, doc, summary, actor)
        db.session.flush()
    return summary


def _record_audit(tenant: Tenant, summary: dict, actor: Any) -> None:
    """The single audit call site for onboarding: one entry on the tenant's chain when anything changed.

    Row-level entries come from the audit flush hook; this one says why they happened. A re-run that
    changes nothing writes nothing, so onboarding stays idempotent down to the audit log.
    """
    counts = {"created": summary["created"], "updated": summary["updated"]}
    if not any(summary["created"].values()) and not any(summary["updated"].values()):
        return
    from grassroots.audit.log import acting_as, record

    who = acting_as(actor.username, actor.id) if actor is not None else nullcontext()
    with who:
        record("onboard", target_type="tenants", target_id=tenant.id, after=counts, note=f"manifest {tenant.slug}")


def onboard_child(parent: Tenant, doc: Any, actor: Any = None) -> dict:
    """Onboard a child of `parent` (the web form and the API): the manifest's parent is `parent`.

    A manifest without a `parent` key gets it filled in; any other parent (null included) is refused
    at /parent, so an administrator can create children only under the tenant in the URL.
    """
    if isinstance(doc, dict) and "parent" not in doc:
        doc = {**doc, "parent": parent.slug}
    return onboard(doc, actor=actor, parent_required=parent.slug)
