"""Resolving `extends`: a child pack's parent is the parent tenant's published pack, read across tenants.

That read is the one place the packs module looks at another tenant's rows, so it is explicit: it runs
under the parent's tenant context (`tenant_context(parent.id, db.session)`), which both isolation walls
honour. The files in policy_packs/ are a fallback only while importing a tenant whose parent has not
published yet (onboarding a province and its cities from the repository in one go).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs import canonical
from grassroots.packs.versions import current_version, version_by_number
from grassroots.policy.loader import read_pack_file
from grassroots.tenancy.models import Tenant


def parent_tenant(tenant: Tenant, slug: str) -> Tenant | None:
    """The tenant whose pack `slug` names: an ancestor first (by pack or tenant slug), else any tenant."""
    for ancestor in tenant.ancestors():
        if slug in (ancestor.pack_slug, ancestor.slug):
            return ancestor
    return db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one_or_none()


def packs_dir() -> Path:
    return Path(current_app.config["PACKS_DIR"])


class TenantResolver:
    """slug → parent document for the policy loader, remembering exactly which versions it read.

    `pinned` ({tenant_id: number}) reads exactly those versions instead of the current ones (a case's
    pins; a parent missing from it resolves to nothing rather than floating to its current version);
    `allow_files` falls back to policy_packs/<slug>.json when the parent tenant has no version.
    """

    def __init__(self, tenant: Tenant, *, pinned: dict[int, int] | None = None, allow_files: bool = False):
        self.tenant = tenant
        self.pinned = pinned
        self.allow_files = allow_files
        self.used: list[dict] = []  # child-most first, as the loader walks up
        self._memo: dict[str, Any] = {}

    def __call__(self, slug: str) -> Any:
        if slug not in self._memo:
            self._memo[slug] = self._read(slug)
        return self._memo[slug]

    def _read(self, slug: str) -> Any:
        parent = parent_tenant(self.tenant, slug)
        if parent is not None and parent.id != self.tenant.id:
            with tenant_context(parent.id, db.session):
                if self.pinned is None:
                    version = current_version()
                else:
                    number = self.pinned.get(parent.id)
                    version = version_by_number(number) if number is not None else None
                if version is not None:
                    doc = canonical.parse(version.content)
                    self.used.append({"slug": slug, "tenant_id": parent.id, "tenant": parent.slug,
                                      "number": version.number, "hash": version.content_hash})
                    return doc
        if not self.allow_files:
            return None
        path = packs_dir() / f"{slug}.json"
        if not path.is_file():
            return None
        doc = read_pack_file(path)  # PackReadError: the loader reports it at /extends
        self.used.append({"slug": slug, "file": f"{slug}.json", "hash": canonical.content_hash(doc)})
        return doc

    def chain(self) -> list[dict]:
        """What was read, root first."""
        return list(reversed(self.used))
