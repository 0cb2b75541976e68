"""The pack a tenant evaluates with: one of its versions merged over its parents' versions, compiled once.

A child's rules depend on its own version and on the parent versions it extends, so the cache key is
that whole chain of (tenant, number, hash). Looking the chain up costs one small query per tenant in it
(content deferred); the content is read, merged and compiled only on a miss, once per chain per process.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from threading import Lock

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs import canonical
from grassroots.packs.errors import conflict
from grassroots.packs.models import PackVersion
from grassroots.packs.parents import TenantResolver, parent_tenant
from grassroots.packs.versions import current_version, version_by_id, version_by_number
from grassroots.policy import CompiledPack, PackInvalidError, compile_pack
from grassroots.tenancy.models import Tenant

CACHE_SIZE = 128
_cache: OrderedDict[tuple, Effective] = OrderedDict()
_lock = Lock()


@dataclass(frozen=True)
class Effective:
    tenant_id: int
    version_id: int
    number: int
    hash: str
    effective_date: date
    ancestors: tuple[dict, ...]  # [{"slug", "tenant_id", "tenant", "number", "hash"}], root first
    compiled: CompiledPack

    @property
    def pack(self) -> dict:
        return self.compiled.pack

    def ref(self) -> dict:
        """`pack_version` in an answer: this version's number and hash, and the parents it was merged with."""
        return {"number": self.number, "hash": self.hash, "effective_date": self.effective_date.isoformat(),
                "extends": [{"tenant": a["tenant"], "number": a["number"], "hash": a["hash"]} for a in self.ancestors]}


def unavailable(errors) -> Exception:
    first = errors[0] if errors else None
    detail_zh = f"（{first.path}：{first.message['zh']}）" if first else ""
    detail_en = f" ({first.path}: {first.message['en']})" if first else ""
    return conflict("pack_unavailable", f"本地区的政策包当前无法与上级政策包合并{detail_zh}",
                    f"this jurisdiction's pack does not currently resolve against its parent's{detail_en}")


def _parent_parts(tenant: Tenant, version: PackVersion, pinned: dict[int, int] | None) -> tuple:
    parts = []
    for entry in version.extends_chain or []:
        parent = parent_tenant(tenant, entry.get("slug", ""))
        if parent is None or parent.id == tenant.id:
            parts.append((entry.get("slug"), None, None))
            continue
        with tenant_context(parent.id, db.session):
            if pinned is None:
                found = current_version()
            else:
                found = version_by_number(pinned[parent.id]) if parent.id in pinned else None
            parts.append((parent.id, found.number, found.content_hash) if found else (parent.id, None, None))
    return tuple(parts)


def effective_of(tenant: Tenant, version: PackVersion, pinned: dict[int, int] | None = None) -> Effective:
    """`version` (of `tenant`) merged over its parents' current versions, or the `pinned` ones."""
    key = (tenant.id, version.id, version.content_hash, _parent_parts(tenant, version, pinned))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    with tenant_context(tenant.id, db.session):
        doc = canonical.parse(version.content)
    resolver = TenantResolver(tenant, pinned=pinned)
    try:
        compiled = compile_pack(doc, resolve=resolver)
    except PackInvalidError as exc:
        raise unavailable(exc.errors) from None
    effective = Effective(tenant.id, version.id, version.number, version.content_hash, version.effective_date,
                          tuple(resolver.chain()), compiled)
    with _lock:
        _cache[key] = effective
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return effective


def current_effective(tenant: Tenant) -> Effective | None:
    """The tenant's pack in force now, or None when it has published none."""
    with tenant_context(tenant.id, db.session):
        version = current_version()
    return effective_of(tenant, version) if version is not None else None


def pinned_effective(tenant: Tenant, version_id: int, ancestors: list[dict]) -> Effective:
    """The pack exactly as a case pinned it: its version and its parents' versions at opening."""
    with tenant_context(tenant.id, db.session):
        version = version_by_id(version_id)
    if version is None:  # the foreign key makes this impossible short of a broken database
        raise conflict("pack_unavailable", "案件所依据的政策包版本不存在", "the case's pack version does not exist")
    pinned = {a["tenant_id"]: a["number"] for a in ancestors if "tenant_id" in a}
    return effective_of(tenant, version, pinned)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
