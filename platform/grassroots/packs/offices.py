"""The office source for tenancy.permissions: a tenant's offices come from its pack in force.

Registered once (blueprint.py). Permission checks run many times a request (every nav entry asks),
so the answer is memoised per request and tenant, and the mapping per pack chain (effective.py caches
the compiled pack by its chain of version hashes). No pack, or a pack that does not resolve: no pack
offices, so only the built-in ones grant anything — failing closed.
"""

from __future__ import annotations

import logging

from flask import has_request_context, request

from grassroots.errors import UserError
from grassroots.packs.effective import current_effective

log = logging.getLogger(__name__)
_MEMO = "grassroots.pack_offices"


def _offices(tenant) -> dict[str, dict]:
    try:
        effective = current_effective(tenant)
    except UserError:
        log.warning("pack of tenant %s does not resolve; its pack offices grant nothing", tenant.slug)
        return {}
    if effective is None:
        return {}
    offices = effective.pack.get("vocabulary", {}).get("offices", [])
    return {o["id"]: {"name": o.get("name"), "permissions": list(o.get("permissions", []))}
            for o in offices if isinstance(o, dict) and "id" in o}


def pack_offices(tenant) -> dict[str, dict]:
    """{office id: {"name", "permissions"}} of the tenant's pack in force (merged with its parents')."""
    if tenant is None or getattr(tenant, "id", None) is None:
        return {}
    if not has_request_context():
        return _offices(tenant)
    memo = request.environ.setdefault(_MEMO, {})  # per request (tests may share one app context)
    if tenant.id not in memo:
        memo[tenant.id] = _offices(tenant)
    return memo[tenant.id]


def forget() -> None:
    """After publishing in this request, the next check reads the new version."""
    if has_request_context():
        request.environ.pop(_MEMO, None)
