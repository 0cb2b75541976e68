"""Checking a pack for one tenant: the engine's checker with parents read from the tenant tree.

Adds the one rule the engine cannot know: the pack must be this tenant's (its `jurisdiction.slug` is
the tenant's slug or the pack slug its manifest names), so a city cannot publish another city's pack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grassroots.packs.parents import TenantResolver
from grassroots.policy import PackError, check_pack
from grassroots.policy.errors import error
from grassroots.tenancy.models import Tenant


@dataclass
class CheckResult:
    errors: list[PackError]
    extends_chain: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_dicts(self) -> list[dict]:
        return [e.to_dict() for e in self.errors]


def _ownership_errors(tenant: Tenant, doc: dict) -> list[PackError]:
    jurisdiction = doc.get("jurisdiction")
    slug = jurisdiction.get("slug") if isinstance(jurisdiction, dict) else None
    allowed = {tenant.slug, tenant.pack_slug} - {None}
    if isinstance(slug, str) and slug not in allowed:
        names = "、".join(sorted(allowed))
        return [error("/jurisdiction/slug", "wrong_jurisdiction", f"此政策包属于 {slug}，不属于本地区（{names}）",
                      f"this pack belongs to {slug!r}, not to this jurisdiction ({', '.join(sorted(allowed))})")]
    return []


def check_for_tenant(tenant: Tenant, doc: object, *, allow_files: bool = False, run_tests: bool = True) -> CheckResult:
    """Every error of `doc` as `tenant`'s pack, and the parent versions it was checked against."""
    resolver = TenantResolver(tenant, allow_files=allow_files)
    errors = check_pack(doc, resolve=resolver, run_tests=run_tests)
    if isinstance(doc, dict):
        errors = _ownership_errors(tenant, doc) + errors
    return CheckResult(errors, resolver.chain())
