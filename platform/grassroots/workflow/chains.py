"""Reading a pack chain: which tasks a step opens, for which office in which scope (no database).

A step's office and scope come from the step, or from its `route` by the value of a fact of the case
(`cases[value]`, else `default`). A parallel step opens one task per sub-step. A SCOPE names where the
office is found relative to the case and becomes (scope_kind, scope_code):
applicant_unit / applicant_unit_parent / service_unit → a unit code from the context; applicant_county /
service_county / applicant_city → an area code from the context; city / province / tenant → the whole
tenant (a city tenant's "province" office is its tenant-wide holder of that office, if any).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grassroots.errors import UserError
from grassroots.policy.spec import SCOPES

UNIT_SCOPES = frozenset({"applicant_unit", "applicant_unit_parent", "service_unit"})
AREA_SCOPES = frozenset({"applicant_county", "applicant_city", "service_county"})
TENANT_SCOPES = frozenset({"city", "province", "tenant"})
CONTEXT_KEYS = tuple(sorted(UNIT_SCOPES | AREA_SCOPES))
LEAF_KINDS = ("approve", "review", "file")


@dataclass(frozen=True)
class TaskSpec:
    """One task a step opens."""

    step_index: int
    step_id: str
    parent_step_id: str | None
    kind: str
    office: str
    scope_kind: str
    scope_code: str
    deadline_days: int | None


def _error(path: str, code: str, zh: str, en: str) -> dict:
    return {"path": path, "code": code, "message": {"zh": zh, "en": en}}


def unroutable(errors: list[dict]) -> UserError:
    return UserError(422, "chain_unroutable", {"zh": "无法按本案情况确定审批流程的办理人",
                                               "en": "The chain cannot be routed for this case"}, errors)


def find_chain(pack: dict, chain_id: str) -> dict | None:
    for chain in pack.get("approval_chains") or []:
        if isinstance(chain, dict) and chain.get("id") == chain_id:
            return chain
    return None


def _cited_docs(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        cite = node.get("cite")
        if isinstance(cite, dict) and isinstance(cite.get("doc"), str):
            out.add(cite["doc"])
        for step in node.get("steps") or []:
            _cited_docs(step, out)
    return out


def snapshot(chain: dict, pack: dict | None) -> dict:
    """What an instance keeps: the chain, and the sources its cites name (for 《title》article)."""
    docs = _cited_docs(chain, set())
    sources = {s["id"]: s for s in ((pack or {}).get("jurisdiction") or {}).get("sources") or []
               if isinstance(s, dict) and s.get("id") in docs}
    return {"chain": chain, "sources": sources}


def steps_of(definition: dict) -> list[dict]:
    return list((definition.get("chain") or {}).get("steps") or [])


def step_lookup(definition: dict) -> dict[str, tuple[dict, dict | None]]:
    """{step id: (step, its parallel group or None)} over every step and sub-step."""
    out: dict[str, tuple[dict, dict | None]] = {}
    for step in steps_of(definition):
        if step.get("kind") == "parallel":
            for sub in step.get("steps") or []:
                out[sub.get("id")] = (sub, step)
        out[step.get("id")] = (step, None)
    return out


def fact_value(facts: dict, name: str) -> Any:
    """`person.unit_level` from flat facts ({"person.unit_level": ...}) or nested ({"person": {...}})."""
    if name in facts:
        return facts[name]
    node: Any = facts
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _route_key(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    return None


def _target(step: dict, facts: dict, path: str, errors: list[dict]) -> tuple[str | None, str | None]:
    """(office, scope) of a leaf step after routing."""
    route = step.get("route")
    if not isinstance(route, dict):
        return step.get("office"), step.get("scope")
    fact = route.get("fact", "")
    key = _route_key(fact_value(facts, fact))
    target = (route.get("cases") or {}).get(key) if key is not None else None
    target = target or route.get("default")
    if not isinstance(target, dict):
        shown = "（缺失）" if key is None else key
        errors.append(_error(f"/facts/{fact}", "route_no_case",
                             f"步骤 {step.get('id')} 按 {fact} 分流，但 {shown} 没有对应的办理人",
                             f"step {step.get('id')} routes by {fact}, and {key or '(missing)'} has no case"))
        return None, None
    return target.get("office"), target.get("scope")


def resolve_scope(scope: str | None, context: dict, path: str, errors: list[dict]) -> tuple[str, str] | None:
    """SCOPE → (scope_kind, scope_code), or None with an error when the context lacks what it names."""
    if scope in TENANT_SCOPES:
        return "tenant", ""
    if scope not in SCOPES or scope not in context or not context.get(scope):
        errors.append(_error(f"/context/{scope}", "scope_missing",
                             f"{path} 的范围 {scope} 在本案中没有对应的单位或地区",
                             f"{path}: scope {scope} has no unit or area in this case"))
        return None
    return ("unit" if scope in UNIT_SCOPES else "area"), str(context[scope])


def step_tasks(definition: dict, index: int, facts: dict, context: dict) -> list[TaskSpec]:
    """The tasks step `index` opens (empty past the last step); 422 with every problem if unroutable."""
    steps = steps_of(definition)
    if index >= len(steps):
        return []
    errors: list[dict] = []
    specs = _step_specs(steps[index], index, facts, context, errors)
    if errors:
        raise unroutable(errors)
    return specs


def _step_specs(step: dict, index: int, facts: dict, context: dict, errors: list[dict]) -> list[TaskSpec]:
    group = step if step.get("kind") == "parallel" else None
    leaves = (step.get("steps") or []) if group else [step]
    specs = []
    for leaf in leaves:
        path = f"/steps/{index}" + (f"/steps/{leaves.index(leaf)}" if group else "")
        office, scope = _target(leaf, facts, path, errors)
        if office is None:
            continue
        if leaf.get("kind") not in LEAF_KINDS:
            errors.append(_error(f"{path}/kind", "bad_kind", f"步骤 {leaf.get('id')} 的类型无法办理",
                                 f"step {leaf.get('id')} has a kind that cannot be acted on"))
            continue
        resolved = resolve_scope(scope, context, path, errors)
        if resolved is None:
            continue
        deadline = leaf.get("deadline_days") or (group or {}).get("deadline_days")
        specs.append(TaskSpec(index, leaf["id"], group["id"] if group else None, leaf["kind"], office,
                              resolved[0], resolved[1], deadline if isinstance(deadline, int) else None))
    return specs


def plan(definition: dict, facts: dict, context: dict) -> list[list[TaskSpec]]:
    """Every step's tasks, checked up front: a chain that would stall half-way is refused at its start."""
    steps = steps_of(definition)
    errors: list[dict] = []
    if not steps:
        errors.append(_error("/steps", "no_steps", "审批流程没有步骤", "the chain has no steps"))
    out = [_step_specs(step, i, facts, context, errors) for i, step in enumerate(steps)]
    if errors:
        raise unroutable(errors)
    return out
