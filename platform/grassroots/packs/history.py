"""A tenant's version history for people: the list, the export, and the diff of any two (or the draft)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs import canonical
from grassroots.packs.drafts import get_draft
from grassroots.packs.errors import field_error, not_found
from grassroots.packs.models import PackCase, PackVersion
from grassroots.packs.versions import current_version, latest_version, list_versions, version_by_number
from grassroots.policy import diff_packs
from grassroots.tenancy.models import Tenant

DRAFT = "draft"


def version_row(version: PackVersion, in_force: bool | None = None) -> dict:
    return {"number": version.number, "content_hash": version.content_hash, "effective_date": version.effective_date,
            "author_label": version.author_label, "publisher_label": version.publisher_label, "note": version.note,
            "published_at": version.published_at, "extends_chain": version.extends_chain or [], "in_force": in_force}


def version_rows(tenant: Tenant) -> list[dict]:
    """Newest first; `in_force` marks the version evaluations use today (a later one may be scheduled)."""
    with tenant_context(tenant.id, db.session):
        current = current_version()
        rows = list_versions()
    return [version_row(v, current is not None and v.id == current.id) for v in rows]


def cases_per_version(tenant: Tenant) -> dict[int, int]:
    """{version number: cases pinned to it}: what a new version will not change (one grouped query)."""
    with tenant_context(tenant.id, db.session):
        rows = db.session.execute(
            db.select(PackVersion.number, func.count(PackCase.id))
            .join(PackCase, PackCase.pack_version_id == PackVersion.id)
            .group_by(PackVersion.number)
        ).all()
    return {number: count for number, count in rows}


def version_with_content(tenant: Tenant, number: int) -> PackVersion:
    with tenant_context(tenant.id, db.session):
        version = version_by_number(number)
        if version is None:
            raise not_found("没有该版本", "no such version")
        _ = version.content  # load the deferred text while the tenant context holds
    return version


@dataclass
class Side:
    label: str
    number: int | None
    hash: str
    doc: dict

    def ref(self) -> dict:
        return {"label": self.label, "number": self.number, "hash": self.hash}


def _side(tenant: Tenant, which: str, field: str) -> Side:
    if which == DRAFT:
        draft = get_draft()
        if draft is not None:
            return Side(DRAFT, None, draft.content_hash, canonical.parse(draft.content))
        latest = latest_version()  # no draft yet: it would open as the latest version
        if latest is None:
            raise field_error(404, "not_found", f"/{field}", "尚无草稿或版本", "there is no draft or version yet")
        return Side(DRAFT, None, latest.content_hash, canonical.parse(latest.content))
    if not which.isdigit():
        raise field_error(422, "invalid", f"/{field}", "应为版本号或 draft", "expected a version number or `draft`")
    version = version_by_number(int(which))
    if version is None:
        raise field_error(404, "not_found", f"/{field}", f"没有版本 {which}", f"no version {which}")
    return Side(f"v{version.number}", version.number, version.content_hash, canonical.parse(version.content))


def diff(tenant: Tenant, old: str | None, new: str | None) -> dict:
    """`{"from", "to", "diff"}`; defaults: from the latest version to the draft."""
    with tenant_context(tenant.id, db.session):
        if old is None:
            latest = latest_version()
            if latest is None:
                raise not_found("尚无已发布版本", "no version has been published yet")
            old = str(latest.number)
        old_side, new_side = _side(tenant, old, "from"), _side(tenant, new or DRAFT, "to")
    return {"from": old_side.ref(), "to": new_side.ref(), "diff": diff_packs(old_side.doc, new_side.doc)}
