"""Who may do what where: the tenant comes from the URL, access from the user's memberships.

Every view declares its rule with one of the decorators below; a test walks the URL map and fails on
any endpoint without one. Another tenant (or one the user has no membership in) answers 404 exactly
like a missing one; a missing permission answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from grassroots.tenancy.permissions import permissions_of

OPERATOR_PERMISSIONS = frozenset({"tenant.onboard", "audit.view", "program.view", "report.view", "member.manage"})


@dataclass(frozen=True)
class AccessRule:
    """What a view needs: `public` (anyone), `login` (any signed-in user), or a permission in the tenant."""

    kind: str  # public | login | permission | operator
    permission: str | None = None
    tenant: bool = False


def _declare(view: Callable, rule: AccessRule) -> Callable:
    view._access = rule  # type: ignore[attr-defined]
    return view


def current_tenant():
    return getattr(g, "tenant", None)


def user_memberships(tenant=None):
    """The signed-in user's memberships in `tenant` (default: the current one)."""
    tenant = tenant or current_tenant()
    if tenant is None or not current_user.is_authenticated:
        return []
    return [m for m in current_user.memberships if m.tenant_id == tenant.id]


def user_permissions(tenant=None) -> frozenset[str]:
    tenant = tenant or current_tenant()
    if tenant is None or not current_user.is_authenticated:
        return frozenset()
    perms: set[str] = set()
    if current_user.is_operator:
        perms |= OPERATOR_PERMISSIONS
    for m in user_memberships(tenant):
        perms |= permissions_of(tenant, m.office)
    return frozenset(perms)


def can(permission: str) -> bool:
    return permission in user_permissions()


def _unauthenticated():
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("accounts.login", next=request.full_path))


def public(view: Callable) -> Callable:
    return _declare(view, AccessRule("public"))


def login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _unauthenticated()
        return view(*args, **kwargs)

    return _declare(wrapper, AccessRule("login"))


def operator_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _unauthenticated()
        if not current_user.is_operator:
            abort(403)
        return view(*args, **kwargs)

    return _declare(wrapper, AccessRule("operator"))


def requires(permission: str) -> Callable[[Callable], Callable]:
    """A tenant view needing `permission`: 401/login if anonymous, 404 if not a member, 403 if lacking it."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _unauthenticated()
            tenant = current_tenant()
            if tenant is None:
                abort(404)
            if not current_user.is_operator and not user_memberships(tenant):
                abort(404)
            if permission not in user_permissions(tenant):
                abort(403)
            return view(*args, **kwargs)

        return _declare(wrapper, AccessRule("permission", permission, tenant=True))

    return decorator


def member_required(view: Callable) -> Callable:
    """A tenant page any member may open (the tenant home)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _unauthenticated()
        tenant = current_tenant()
        if tenant is None or (not current_user.is_operator and not user_memberships(tenant)):
            abort(404)
        return view(*args, **kwargs)

    return _declare(wrapper, AccessRule("member", tenant=True))
