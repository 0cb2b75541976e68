"""Fixed words of the pack format (docs/pack-format.md) that code, checker and schema must agree on."""

from __future__ import annotations

# Lists of identified items merged by `id` with the parent pack, as (container path, list key).
MERGED_LISTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("jurisdiction",), "sources"),
    (("vocabulary",), "grades"),
    (("vocabulary",), "area_tags"),
    (("vocabulary",), "offices"),
    ((), "payers"),
    ((), "subsidy_components"),
    ((), "approval_chains"),
    ((), "forms"),
    ((), "programs"),
    ((), "calendar"),
)

COMPARISON_OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "contains")
ORDER_OPS = frozenset({"lt", "lte", "gt", "gte"})

# Which ops fit which fact type (records and sets are not compared whole).
OPS_BY_TYPE: dict[str, frozenset[str]] = {
    "integer": frozenset({"eq", "ne", "lt", "lte", "gt", "gte", "in"}),
    "decimal": frozenset({"eq", "ne", "lt", "lte", "gt", "gte", "in"}),
    "date": frozenset({"eq", "ne", "lt", "lte", "gt", "gte", "in"}),
    "ordinal": frozenset({"eq", "ne", "lt", "lte", "gt", "gte", "in"}),
    "enum": frozenset({"eq", "ne", "in"}),
    "string": frozenset({"eq", "ne", "in"}),
    "boolean": frozenset({"eq", "ne"}),
    "set": frozenset({"contains"}),
    "records": frozenset(),
}

ASSESSMENT_KINDS = ("annual", "term_end", "training")
GRADE_IDS = ("excellent", "qualified", "basically_qualified", "unqualified")

# Award levels (person.awards[].level) and those that count as county level or above (县级以上).
AWARD_LEVELS = ("unit", "township", "county", "city", "province", "national")
COUNTY_OR_ABOVE = frozenset({"county", "city", "province", "national"})

# OUTCOME keys and how several items with the same key combine.
OUTCOME_COMBINE: dict[str, str] = {
    "early_years": "max",
    "commitment_years": "max",
    "exam_ban_years": "max",
    "duration_months": "max",
    "waivers": "union",
    "equivalents": "union",
    "funding": "list",
    "exceptional": "or",
}
WAIVERS = ("foreign_language", "computer", "papers", "publications", "post_ratio")

SCOPES = (
    "applicant_unit", "applicant_unit_parent", "applicant_county", "applicant_city",
    "service_unit", "service_county", "city", "province", "tenant",
)

PERMISSIONS = (
    "program.view", "application.create", "application.review", "application.approve", "application.file",
    "posting.manage", "placement.manage", "assessment.record", "roster.compile", "roster.review",
    "payment.disburse", "pack.edit", "pack.publish", "tenant.onboard", "member.manage", "audit.view",
    "report.view", "activity.manage", "training.manage",
)
