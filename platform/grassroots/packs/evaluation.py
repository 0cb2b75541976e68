"""Evaluating a program for a tenant: the engine's answer under a stored version, named by number and hash.

The evaluation API, its CLI twin, the public self-check form and cases all answer through `answer()`,
so the four can never disagree. It stores nothing.
"""

from __future__ import annotations

from typing import Any

from grassroots.packs.effective import Effective, current_effective
from grassroots.packs.errors import input_invalid, not_found
from grassroots.policy import EvaluationInputError, evaluate
from grassroots.tenancy.models import Tenant


def no_pack():
    return not_found("本地区尚未发布政策包", "this jurisdiction has not published a pack")


def answer(effective: Effective, program_id: str, facts: Any) -> dict:
    """DESIGN's answer; 404 for a program the pack lacks, 422 with every input error at its path."""
    if not isinstance(program_id, str) or program_id not in effective.compiled.programs:
        raise not_found("政策包中没有该项目", "the pack has no such program")
    try:
        result = evaluate(effective.compiled, program_id, facts)
    except EvaluationInputError as exc:
        raise input_invalid(exc.errors) from None
    result["pack_version"] = effective.ref()
    return result


def evaluate_current(tenant: Tenant, program_id: str, facts: Any) -> dict:
    """The answer under the tenant's version in force now; 404 without a pack or program."""
    effective = current_effective(tenant)
    if effective is None:
        raise no_pack()
    return answer(effective, program_id, facts)
