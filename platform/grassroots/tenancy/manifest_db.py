"""Manifest checks against the platform: the parent, the slug and the usernames already in use.

Usernames are platform-wide. A manifest may name an existing user only when that user already belongs
to the same tenant tree (same root province) and is not a platform operator: re-onboarding finds its
own staff again, and a province may give one of its people an office in a new city, but no manifest can
reach an account of another province.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.tenancy.manifest_errors import Error, error, pointer
from grassroots.tenancy.models import LEVELS, Tenant


def check(doc: dict, packs_dir: Path) -> list[Error]:
    registry = {row.slug: row for row in db.session.execute(
        db.select(Tenant.id, Tenant.slug, Tenant.parent_id, Tenant.level, Tenant.status)).all()}
    by_id = {row.id: row for row in registry.values()}
    slug, parent_slug, level = doc.get("slug"), doc.get("parent"), doc.get("level")
    errors = _parent_errors(registry, parent_slug, level)
    existing = registry.get(slug) if isinstance(slug, str) else None
    if existing is not None:
        current_parent = by_id[existing.parent_id].slug if existing.parent_id else None
        if current_parent != parent_slug:
            errors.append(error("/slug", "slug_taken", f"标识 {slug} 已被其他地区使用",
                                f"slug {slug} is already used by another jurisdiction"))
        elif isinstance(level, str) and existing.level != level:
            errors.append(error("/level", "level_change", f"地区层级不能更改（当前为 {existing.level}）",
                                f"a jurisdiction's level cannot change (it is {existing.level})"))
    root = _root_of(registry, by_id, slug, parent_slug)
    errors.extend(_username_errors(doc, by_id, root))
    return errors


def _parent_errors(registry: dict, parent_slug: Any, level: Any) -> list[Error]:
    if not isinstance(parent_slug, str):
        return []
    parent = registry.get(parent_slug)
    if parent is None:
        return [error("/parent", "unknown_parent", f"上级地区 {parent_slug} 不存在，请先开通上级地区",
                      f"parent jurisdiction {parent_slug} does not exist; onboard it first")]
    if parent.status != "active":
        return [error("/parent", "parent_inactive", f"上级地区 {parent_slug} 已停用",
                      f"parent jurisdiction {parent_slug} is suspended")]
    if level in LEVELS and parent.level in LEVELS and LEVELS.index(parent.level) >= LEVELS.index(level):
        return [error("/parent", "parent_level", f"上级地区的层级（{parent.level}）必须高于本地区（{level}）",
                      f"the parent's level ({parent.level}) must be above this jurisdiction's ({level})")]
    return []


def _root_of(registry: dict, by_id: dict, slug: Any, parent_slug: Any) -> int | str | None:
    """The id of the tree's root tenant; the new tenant's own slug when it will be a root itself."""
    start = registry.get(parent_slug) if isinstance(parent_slug, str) else registry.get(slug)
    if start is None:
        return slug if parent_slug is None and isinstance(slug, str) else None
    return _root_id(by_id, start.id)


def _root_id(by_id: dict, tenant_id: int) -> int:
    seen: set[int] = set()
    node = by_id[tenant_id]
    while node.parent_id is not None and node.parent_id in by_id and node.id not in seen:
        seen.add(node.id)
        node = by_id[node.parent_id]
    return node.id


def _username_errors(doc: dict, by_id: dict, root: int | str | None) -> list[Error]:
    staff = doc.get("staff")
    wanted = {}
    for i, member in enumerate(staff if isinstance(staff, list) else []):
        if isinstance(member, dict) and isinstance(member.get("username"), str):
            wanted.setdefault(member["username"], i)
    if not wanted:
        return []
    users = db.session.execute(db.select(User).where(User.username.in_(wanted))).scalars().all()
    if not users:
        return []
    tenants_of: dict[int, set[int]] = {u.id: set() for u in users}
    rows = db.session.execute(db.select(Membership.user_id, Membership.tenant_id)
                              .where(Membership.user_id.in_(tenants_of))).all()
    for user_id, tenant_id in rows:
        tenants_of[user_id].add(tenant_id)
    errors = []
    for user in users:
        roots = {_root_id(by_id, tid) for tid in tenants_of[user.id] if tid in by_id}
        if user.is_operator or not roots or roots != {root}:
            errors.append(error(pointer(("staff", wanted[user.username], "username")), "username_taken",
                                f"用户名 {user.username} 已被占用", f"username {user.username} is already taken"))
    return errors
