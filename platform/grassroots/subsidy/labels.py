"""Words the subsidy pages show for its codes, Chinese first."""

from __future__ import annotations

ROSTER_STATES: dict[str, dict[str, str]] = {
    "in_review": {"zh": "审核中", "en": "In review"},
    "returned": {"zh": "已退回修改", "en": "Returned for revision"},
    "approved": {"zh": "已审核通过", "en": "Approved"},
    "rejected": {"zh": "已驳回", "en": "Rejected"},
    "withdrawn": {"zh": "已撤回", "en": "Withdrawn"},
}
BATCH_STATES: dict[str, dict[str, str]] = {
    "draft": {"zh": "待审批", "en": "Awaiting approval"},
    "approved": {"zh": "已审批，待拨付", "en": "Approved, to be paid"},
    "paid": {"zh": "已拨付", "en": "Paid"},
}
ENTITLEMENT_STATUSES: dict[str, dict[str, str]] = {
    "due": {"zh": "应发", "en": "Due"},
    "void": {"zh": "已作废", "en": "Void"},
}


def template_labels() -> dict[str, dict]:
    return {"roster_states": ROSTER_STATES, "batch_states": BATCH_STATES, "entitlement_statuses": ENTITLEMENT_STATUSES}
