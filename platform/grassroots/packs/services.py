"""Creating versions outside the two-person flow: the import from policy_packs/ at onboarding or by CLI.

`import_pack_for_tenant` is the entry point the onboarding module calls (through its `after_onboard`
hook, registered in blueprint.py): it checks the file as the tenant's pack and, when it passes, writes
version 1, authored and published by "system import". It runs in the caller's transaction (flush, no
commit), so a failed onboarding leaves no version behind.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.packs import canonical
from grassroots.packs.checking import check_for_tenant
from grassroots.packs.errors import field_error, pack_invalid
from grassroots.packs.models import SYSTEM_IMPORT, PackDraft, PackVersion
from grassroots.packs.parents import packs_dir
from grassroots.packs.versions import china_today, latest_version, next_number
from grassroots.policy.errors import error
from grassroots.tenancy.models import Tenant


def _acting(actor: Any):
    """Name the onboarding actor in the audit entries the version's insert produces."""
    if actor is None or not hasattr(actor, "username"):
        return nullcontext()
    from grassroots.audit.log import acting_as

    return acting_as(actor.username, getattr(actor, "id", None))


def read_pack_text(path: Path) -> str:
    """The file's text exactly as authored (a version stores it byte for byte)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise field_error(404, "not_found", "", f"找不到政策包文件 {path.name}", f"pack file {path.name} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise pack_invalid([error("", "unreadable", f"无法读取 {path.name}：{exc}", f"cannot read {path.name}: {exc}")]) from None


def create_version(tenant: Tenant, text: str, *, author: tuple[int | None, str], publisher: tuple[int | None, str],
                   note: str = "", effective_date: date | None = None, allow_files: bool = False) -> PackVersion:
    """Check `text` as the tenant's pack and store it as the next version (flush only).

    Raises a 422 UserError with every error when the check fails. The caller owns the transaction.
    """
    with tenant_context(tenant.id, db.session):
        try:
            doc = canonical.parse(text)
        except canonical.PackTextError as exc:
            raise pack_invalid([exc.error]) from None
        result = check_for_tenant(tenant, doc, allow_files=allow_files)
        if not result.ok:
            raise pack_invalid(result.errors)
        version = PackVersion(
            number=next_number(), content=text, content_hash=canonical.content_hash(doc),
            effective_date=effective_date or china_today(), author_id=author[0], author_label=author[1][:100],
            publisher_id=publisher[0], publisher_label=publisher[1][:100], note=note, extends_chain=result.extends_chain,
        )
        db.session.add(version)
        db.session.flush()
        _follow_idle_draft(version)
        return version


def _follow_idle_draft(version: PackVersion) -> None:
    """A draft with no pending edits (already published) follows a version imported around it."""
    draft = db.session.execute(db.select(PackDraft)).scalar_one_or_none()
    if draft is not None and draft.status == "published":
        draft.content, draft.content_hash, draft.base_version = version.content, version.content_hash, version.number
        db.session.flush()


def import_pack_for_tenant(tenant: Tenant, pack_slug: str, actor: Any = None, *, path: Path | None = None) -> PackVersion:
    """Version 1 of `tenant` from policy_packs/<pack_slug>.json (or `path`); idempotent.

    If the tenant already has a version it is returned unchanged (re-running onboarding writes nothing).
    Parents are the parent tenants' published versions, or their files when they have published none.
    Raises a 422 UserError (`.errors` = [{path, code, message}]) when the pack does not pass its check.
    """
    with tenant_context(tenant.id, db.session):
        existing = latest_version()
        if existing is not None:
            return existing
        path = path or packs_dir() / f"{pack_slug}.json"
        text = read_pack_text(path)
        with _acting(actor):
            return create_version(tenant, text, author=(None, SYSTEM_IMPORT), publisher=(None, SYSTEM_IMPORT),
                                  note=f"imported from policy_packs/{path.name}", allow_files=True)


def import_file_as_new_version(tenant: Tenant, path: Path, actor_label: str) -> PackVersion:
    """The CLI's `packs import`: a new version from a file, by an operator at the server (not the web flow)."""
    text = read_pack_text(path)
    return create_version(tenant, text, author=(None, actor_label), publisher=(None, SYSTEM_IMPORT),
                          note=f"imported from {path.name} by {actor_label}", allow_files=True)


def on_onboard(tenant: Tenant, manifest: dict, summary: dict, actor: Any) -> None:
    """onboarding's `after_onboard` hook: import the manifest's pack as the tenant's first version.

    A pack that fails its check fails the onboarding (nothing is written), reported as manifest errors
    at `/pack` so the onboarding CLI, API and form show them like any other.
    """
    slug = manifest.get("pack") if isinstance(manifest, dict) else None
    if not (isinstance(slug, str) and slug):
        return
    try:
        import_pack_for_tenant(tenant, slug, actor)
    except UserError as exc:
        from grassroots.tenancy.manifest import ManifestError

        raise ManifestError([
            {"path": "/pack", "code": e["code"],
             "message": {"zh": f"政策包 {slug} 未通过检查（{e['path'] or '/'}）：{e['message']['zh']}",
                         "en": f"pack {slug!r} does not pass its check (at {e['path'] or '/'}): {e['message']['en']}"}}
            for e in (exc.errors or [{"path": "", "code": exc.code, "message": exc.message}])
        ]) from None
