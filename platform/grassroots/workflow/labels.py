"""Words the workflow pages show for its codes, Chinese first."""

from __future__ import annotations

OUTCOMES: dict[str, dict[str, str]] = {
    "approve": {"zh": "同意", "en": "Approve"},
    "reject": {"zh": "驳回", "en": "Reject"},
    "return": {"zh": "退回修改", "en": "Return for revision"},
    "file": {"zh": "备案", "en": "File (备案)"},
}
TASK_STATES: dict[str, dict[str, str]] = {
    "pending": {"zh": "待办理", "en": "Pending"},
    "approved": {"zh": "已同意", "en": "Approved"},
    "rejected": {"zh": "已驳回", "en": "Rejected"},
    "returned": {"zh": "已退回修改", "en": "Returned for revision"},
    "filed": {"zh": "已备案", "en": "Filed"},
    "cancelled": {"zh": "已取消", "en": "Cancelled"},
}
INSTANCE_STATES: dict[str, dict[str, str]] = {
    "in_progress": {"zh": "办理中", "en": "In progress"},
    "approved": {"zh": "已办结（同意）", "en": "Approved"},
    "rejected": {"zh": "已驳回", "en": "Rejected"},
    "returned": {"zh": "已退回修改", "en": "Returned for revision"},
    "withdrawn": {"zh": "已撤回", "en": "Withdrawn"},
}
KINDS: dict[str, dict[str, str]] = {
    "approve": {"zh": "审批", "en": "Approval"},
    "review": {"zh": "审核", "en": "Review"},
    "file": {"zh": "备案", "en": "Filing"},
    "parallel": {"zh": "会签（并行）", "en": "Parallel"},
}
SCOPE_KINDS: dict[str, dict[str, str]] = {
    "tenant": {"zh": "全地区", "en": "Whole jurisdiction"},
    "area": {"zh": "地区", "en": "Area"},
    "unit": {"zh": "单位", "en": "Unit"},
}


def template_labels() -> dict[str, dict]:
    return {"outcome_labels": OUTCOMES, "task_state_labels": TASK_STATES, "instance_state_labels": INSTANCE_STATES,
            "kind_labels": KINDS, "scope_kind_labels": SCOPE_KINDS}
