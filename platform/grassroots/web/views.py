"""The web shell's pages. Program listings come from the tenant's pack through a provider hook."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from flask import abort, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from grassroots.db import db
from grassroots.tenancy.access import login_required, member_required, operator_required, public
from grassroots.tenancy.models import Tenant
from grassroots.web.nav import NAV

# (tenant) -> list of {"id", "name": {zh, en}, "kind", "summary"?}; set by the packs module.
program_lister: list[Callable] = []
# (user, tenant) -> list of {"key", "label": {zh, en}, "count", "url"}: what waits for this person here, from
# the modules that hold the work (the inbox, the applications and placements), so the web shell imports none.
work_counters: list[Callable] = []


def tenant_nav():
    return NAV


def _safe_next(target: str | None) -> str | None:
    """A same-site path or None. Browsers read `/\\evil`, `//evil` and `/<tab>/evil` as other hosts."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 33 or ord(ch) == 127 for ch in target):
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc:
        return None
    return target


@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    if current_user.memberships:
        return redirect(url_for("web.tenant_home", tenant=current_user.memberships[0].tenant.slug))
    if current_user.is_operator:
        return redirect(url_for("web.operator_tenants"))
    return render_template("web/no_membership.html")


@public
def set_language(lang: str):
    if lang in ("zh", "en"):
        session["lang"] = lang
    return redirect(_safe_next(request.args.get("next")) or url_for("web.index"))


@login_required
def switch_tenant():
    slug = request.args.get("to", "")
    tenants = {m.tenant.slug for m in current_user.memberships}
    if slug not in tenants and not current_user.is_operator:
        abort(404)
    return redirect(url_for("web.tenant_home", tenant=slug))


@member_required
def tenant_home():
    programs = []
    for lister in program_lister:
        programs = lister(g.tenant)
    children = g.tenant.children
    work = [card for counter in work_counters for card in counter(current_user, g.tenant)]
    return render_template("web/tenant_home.html", programs=programs, children=children, work=work)


@operator_required
def operator_tenants():
    tenants = db.session.execute(db.select(Tenant).order_by(Tenant.parent_id.is_not(None), Tenant.slug)).scalars().all()
    return render_template("web/operator_tenants.html", tenants=tenants)


@public
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
