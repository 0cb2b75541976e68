"""The pack a case runs under: its pinned version (and parents), the program, its forms, chains, grades.

A case pins the version in force when it was opened (packs/cases.py's model: version id plus the parents'
versions), and everything it does later (its forms, chains, assessments, decisions) reads that pin,
never the tenant's current pack. Every threshold, office and form comes from here, never from code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grassroots.packs.effective import Effective, current_effective, pinned_effective
from grassroots.placement.errors import conflict, invalid
from grassroots.tenancy.models import Tenant

SECONDMENT = "secondment"


@dataclass(frozen=True)
class Pin:
    """What a case stores to be evaluated under the same rules forever."""

    version_id: int
    ancestors: list[dict]

    @classmethod
    def of(cls, effective: Effective) -> Pin:
        return cls(effective.version_id, list(effective.ancestors))


def current(tenant: Tenant) -> Effective:
    """The pack in force now (to pin a new case); 409 when the tenant has published none."""
    effective = current_effective(tenant)
    if effective is None:
        raise conflict("no_pack", "本地区尚未发布政策包", "This jurisdiction has not published a policy pack")
    return effective


def pinned(tenant: Tenant, case: Any) -> Effective:
    """The pack exactly as `case` (anything with pack_version_id and ancestors) pinned it."""
    return pinned_effective(tenant, case.pack_version_id, list(case.ancestors or []))


def program_of(effective: Effective, program_id: str, path: str = "/program") -> dict:
    """The secondment program `program_id` of the pack; 422 at `path` when there is none."""
    for program in effective.pack.get("programs") or []:
        if program.get("id") == program_id and program.get("kind") == SECONDMENT:
            return program
    raise invalid(path, "unknown_program", f"政策包中没有到基层服务项目 {program_id}",
                  f"the pack has no secondment program {program_id!r}")


def secondment_programs(effective: Effective | None) -> list[dict]:
    return [p for p in (effective.pack.get("programs") or []) if p.get("kind") == SECONDMENT] if effective else []


def form_of(effective: Effective, program: dict, *keys: str) -> dict | None:
    """The program's form for the first of `keys` it names (programs[].forms → forms by id), or None."""
    forms = {f.get("id"): f for f in effective.pack.get("forms") or [] if isinstance(f, dict)}
    for key in keys:
        form_id = (program.get("forms") or {}).get(key)
        if isinstance(form_id, str) and form_id in forms:
            return forms[form_id]
    return None


def chain_of(program: dict, key: str) -> str | None:
    """The id of the program's chain named `key` (application, agreement, extension, dispatch, ...)."""
    value = (program.get("chains") or {}).get(key)
    return value if isinstance(value, str) else None


def find_chain(effective: Effective, chain_id: str | None) -> dict | None:
    for chain in effective.pack.get("approval_chains") or []:
        if isinstance(chain, dict) and chain.get("id") == chain_id:
            return chain
    return None


def assessment_spec(program: dict, kind: str) -> dict | None:
    """The program's assessment of `kind`: by_office, from_year, form, cite (Lijiang 第十条、第十一条)."""
    return next((a for a in program.get("assessments") or [] if a.get("kind") == kind), None)


def grades(effective: Effective) -> dict[str, dict]:
    """The pack's grade scale by id: label and whether it passes."""
    return {g["id"]: g for g in (effective.pack.get("vocabulary") or {}).get("grades") or [] if "id" in g}


def area_tags(effective: Effective) -> set[str]:
    return {t["id"] for t in (effective.pack.get("vocabulary") or {}).get("area_tags") or [] if "id" in t}


def office_names(effective: Effective) -> dict[str, dict]:
    return {o["id"]: o.get("name") or {"zh": o["id"], "en": o["id"]}
            for o in (effective.pack.get("vocabulary") or {}).get("offices") or [] if "id" in o}


def sources(effective: Effective) -> dict[str, dict]:
    return {s["id"]: s for s in (effective.pack.get("jurisdiction") or {}).get("sources") or [] if "id" in s}


def param(program: dict, name: str, default: Any = None) -> Any:
    """A kind parameter's value (programs[].params.<name>.value), each with its cite in the pack."""
    spec = (program.get("params") or {}).get(name)
    return spec.get("value", default) if isinstance(spec, dict) else default
