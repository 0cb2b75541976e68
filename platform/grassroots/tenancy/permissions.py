"""The fixed platform permission vocabulary and the built-in offices.

A pack's offices map onto these codes; the platform never invents a permission a pack cannot name.
"""

from __future__ import annotations

from collections.abc import Callable

PERMISSIONS: dict[str, dict[str, str]] = {
    "program.view": {"zh": "查看项目", "en": "View programs"},
    "application.create": {"zh": "提交申请", "en": "Submit applications"},
    "application.review": {"zh": "审核申请", "en": "Review applications"},
    "application.approve": {"zh": "审批申请", "en": "Approve applications"},
    "application.file": {"zh": "备案", "en": "File (备案) applications"},
    "posting.manage": {"zh": "管理岗位需求", "en": "Manage demand postings"},
    "placement.manage": {"zh": "管理服务安排", "en": "Manage placements"},
    "assessment.record": {"zh": "录入考核", "en": "Record assessments"},
    "roster.compile": {"zh": "编制名册", "en": "Compile rosters"},
    "roster.review": {"zh": "审核名册", "en": "Review rosters"},
    "payment.disburse": {"zh": "核拨补贴", "en": "Disburse payments"},
    "pack.edit": {"zh": "编辑政策包", "en": "Edit policy packs"},
    "pack.publish": {"zh": "发布政策包", "en": "Publish policy packs"},
    "tenant.onboard": {"zh": "开通下级地区", "en": "Onboard child jurisdictions"},
    "member.manage": {"zh": "管理人员", "en": "Manage members"},
    "audit.view": {"zh": "查看审计日志", "en": "View the audit log"},
    "report.view": {"zh": "查看报表", "en": "View reports"},
    "activity.manage": {"zh": "管理专家活动", "en": "Manage activities"},
    "training.manage": {"zh": "管理培训", "en": "Manage training"},
}

BUILTIN_OFFICES: dict[str, dict] = {
    "tenant_admin": {
        "name": {"zh": "地区管理员", "en": "Jurisdiction administrator"},
        "permissions": ["program.view", "tenant.onboard", "member.manage", "audit.view", "report.view"],
    },
    "policy_author": {
        "name": {"zh": "政策编写人", "en": "Policy author"},
        "permissions": ["program.view", "pack.edit"],
    },
    "policy_publisher": {
        "name": {"zh": "政策发布人", "en": "Policy publisher"},
        "permissions": ["program.view", "pack.publish", "pack.edit"],
    },
    "professional": {
        "name": {"zh": "专业技术人员", "en": "Professional"},
        "permissions": ["program.view", "application.create"],
    },
}

# (tenant) -> {office id: {"name": {...}, "permissions": [...]}} from the tenant's pack.
OfficeSource = Callable[[object], dict[str, dict]]
_office_sources: list[OfficeSource] = []


def register_office_source(source: OfficeSource) -> None:
    """The packs module registers how a tenant's pack offices are read (keeps tenancy below packs)."""
    _office_sources[:] = [source]


def offices_for(tenant) -> dict[str, dict]:
    offices = dict(BUILTIN_OFFICES)
    for source in _office_sources:
        offices.update(source(tenant))
    return offices


def permissions_of(tenant, office: str) -> frozenset[str]:
    spec = offices_for(tenant).get(office)
    if not spec:
        return frozenset()
    return frozenset(p for p in spec.get("permissions", []) if p in PERMISSIONS)
