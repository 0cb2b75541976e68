"""A tenant's programs in readable form: the listing, one program's rules with citations, and the facts
its self-check form asks for. Read from the pack in force; nothing here evaluates."""

from __future__ import annotations

import logging

from flask import url_for

from grassroots.errors import UserError
from grassroots.i18n import tr
from grassroots.packs.effective import Effective, current_effective
from grassroots.policy import describe_program
from grassroots.tenancy.models import Tenant

log = logging.getLogger(__name__)

KIND_LABELS = {
    "secondment": {"zh": "到基层服务", "en": "Secondment to the grassroots"},
    "training": {"zh": "培训进修", "en": "Training"},
    "activity": {"zh": "专家服务活动", "en": "Expert service activity"},
    "title_track": {"zh": "职称评聘", "en": "Professional title track"},
}


def effective_or_none(tenant: Tenant) -> Effective | None:
    """The pack in force, or None (no pack, or one that does not resolve: logged, shown as no programs)."""
    try:
        return current_effective(tenant)
    except UserError:
        log.warning("pack of tenant %s does not resolve", tenant.slug)
        return None


def program_summaries(tenant: Tenant) -> list[dict]:
    """The `program_lister` hook for the tenant home: id, name, kind, summary and the public page."""
    effective = effective_or_none(tenant)
    if effective is None:
        return []
    return [{"id": p["id"], "name": p.get("name"), "kind": p.get("kind"), "summary": p.get("summary"),
             "kind_label": tr(KIND_LABELS.get(p.get("kind"))) or p.get("kind"),
             "url": url_for("packs_web.program_page", tenant=tenant.slug, program=p["id"])}
            for p in effective.pack.get("programs", [])]


def describe_all(effective: Effective) -> list[dict]:
    return [describe_program(effective.compiled, p["id"]) for p in effective.pack.get("programs", [])]


def describe_one(effective: Effective, program_id: str) -> dict | None:
    return describe_program(effective.compiled, program_id)


def alternative_rules(effective: Effective, program_id: str) -> set[str]:
    """Rule ids of leaves under an `any`: one of them failing does not make a person ineligible."""
    found: set[str] = set()
    for n, program in enumerate(effective.pack.get("programs", [])):
        if program.get("id") == program_id:
            _alternatives(program.get("eligibility"), f"/programs/{n}/eligibility", False, found)
    return found


def _alternatives(node: object, path: str, inside_any: bool, found: set[str]) -> None:
    if not isinstance(node, dict):
        return
    for group in ("all", "any", "not"):
        if group in node:
            children = node[group] if group != "not" else [node[group]]
            for k, child in enumerate(children if isinstance(children, list) else []):
                where = f"{path}/{group}" + (f"/{k}" if group != "not" else "")
                _alternatives(child, where, inside_any or group == "any", found)
            return
    if inside_any:
        found.add(node.get("id") or path)
