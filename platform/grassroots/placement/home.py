"""The tenant home's cards of placement work: applications waiting on someone, people serving. Each card
links to its filtered list; only cards with something in them are shown (the inbox card always is)."""

from __future__ import annotations

from flask import url_for

from grassroots.placement.applications import count_applications
from grassroots.placement.placements import count_placements
from grassroots.tenancy.models import Tenant

CARDS = (
    ("applications", "returned", "placement.applications", {"zh": "退回修改的申请", "en": "Applications returned for revision"}),
    ("applications", "submitted", "placement.applications", {"zh": "审批中的申请", "en": "Applications under approval"}),
    ("applications", "approved", "placement.applications", {"zh": "已批准、待匹配岗位的申请", "en": "Approved applications awaiting a post"}),
    ("placements", "serving", "placement.placements", {"zh": "服务中人员", "en": "Professionals serving"}),
)


def home_counters(user, tenant: Tenant) -> list[dict]:
    out = []
    for kind, state, endpoint, label in CARDS:
        count = (count_applications if kind == "applications" else count_placements)(user, tenant, state)
        if count:
            out.append({"key": f"{kind}-{state}", "label": label, "count": count,
                        "url": url_for(endpoint, tenant=tenant.slug, state=state)})
    return out
