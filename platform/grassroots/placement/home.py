"""The tenant home's cards of placement work: applications waiting on someone, people serving. Each card
links to its filtered list; only cards with something in them are shown (the inbox card always is)."""

from __future__ import annotations

from flask import url_for

from grassroots.placement.applications import count_applications
from grassroots.placement.placements import count_placements
from grassroots.tenancy.models import Tenant

APPLICATION_CARDS = {
    "returned": {"zh": "退回修改的申请", "en": "Applications returned for revision"},
    "submitted": {"zh": "审批中的申请", "en": "Applications under approval"},
    "approved": {"zh": "已批准、待匹配岗位的申请", "en": "Approved applications awaiting a post"},
}
SERVING = {"zh": "服务中人员", "en": "Professionals serving"}


def home_counters(user, tenant: Tenant) -> list[dict]:
    counts = count_applications(user, tenant, tuple(APPLICATION_CARDS))
    cards = [("applications", state, "placement.applications", label, counts.get(state, 0))
             for state, label in APPLICATION_CARDS.items()]
    cards.append(("placements", "serving", "placement.placements", SERVING, count_placements(user, tenant, "serving")))
    out = []
    for kind, state, endpoint, label, count in cards:
        if count:
            out.append({"key": f"{kind}-{state}", "label": label, "count": count,
                        "url": url_for(endpoint, tenant=tenant.slug, state=state)})
    return out
