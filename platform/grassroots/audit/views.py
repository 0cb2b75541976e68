"""The audit pages: a tenant's chain for its auditors, the platform chain for operators."""

from __future__ import annotations

import re

from flask import g, render_template, request

from grassroots.audit.models import ACTIONS, PLATFORM_CHAIN
from grassroots.audit.queries import page_of
from grassroots.tenancy.access import operator_required, requires


def _filters() -> dict:
    action = request.args.get("action", "").strip()
    target = request.args.get("target", "").strip()[:64]
    number = request.args.get("page", "1")
    return {
        "action": action if re.fullmatch(r"[a-z_.]{1,32}", action) else "",
        "target_type": target,
        "number": int(number) if number.isdigit() else 1,
    }


def _render(chain: int, endpoint: str):
    filters = _filters()
    page = page_of(chain, filters["number"], filters["action"] or None, filters["target_type"] or None)
    return render_template("audit/log.html", page=page, filters=filters, actions=ACTIONS, endpoint=endpoint)


@requires("audit.view")
def tenant_log():
    return _render(g.tenant.id, "audit.tenant_log")


@operator_required
def platform_log():
    return _render(PLATFORM_CHAIN, "audit.platform_log")
