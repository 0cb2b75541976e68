"""Cross-reference checks inside one manifest: unique codes, resolvable references, known pack and offices.

Runs on documents that may have failed the schema, so every read is type-guarded: a part with the wrong
shape is skipped here (the schema has already reported it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grassroots.tenancy.manifest_errors import Error, error, pointer
from grassroots.tenancy.permissions import BUILTIN_OFFICES

PACK_SLUG = re.compile(r"[a-z][a-z0-9_-]{1,31}")


def iter_areas(areas: Any, path: tuple = ("areas",), parent: str | None = None) -> Iterator[tuple[tuple, dict, str | None]]:
    """Every area of the nested tree as (path, area, parent code), parents before their children."""
    if not isinstance(areas, list):
        return
    for i, area in enumerate(areas):
        if not isinstance(area, dict):
            continue
        here = (*path, i)
        yield here, area, parent
        code = area.get("code")
        yield from iter_areas(area.get("children"), (*here, "children"), code if isinstance(code, str) else None)


def _items(doc: dict, key: str) -> list[tuple[int, dict]]:
    value = doc.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def check(doc: dict, packs_dir: Path) -> list[Error]:
    errors: list[Error] = []
    area_codes = _unique_codes([(p, a.get("code")) for p, a, _ in iter_areas(doc.get("areas"))], errors)
    units = _items(doc, "units")
    unit_codes = _unique_codes([(("units", i), u.get("code")) for i, u in units], errors)
    for i, unit in units:
        area = unit.get("area")
        if isinstance(area, str) and area not in area_codes:
            errors.append(_unknown_area(("units", i, "area"), area))
        parent = unit.get("parent")
        if isinstance(parent, str) and parent not in unit_codes:
            errors.append(_unknown_unit(("units", i, "parent"), parent))
    errors.extend(_unit_cycles(units, unit_codes))
    offices = pack_errors_and_offices(doc.get("pack"), packs_dir, errors)
    errors.extend(_staff(doc, area_codes, unit_codes, offices))
    return errors


def _unique_codes(pairs: list[tuple[tuple, Any]], errors: list[Error]) -> set[str]:
    seen: set[str] = set()
    for path, code in pairs:
        if not isinstance(code, str):
            continue
        if code in seen:
            errors.append(error(pointer((*path, "code")), "duplicate_code", f"编码 {code} 重复",
                                f"code {code} is used more than once"))
        seen.add(code)
    return seen


def _unknown_area(path: tuple, code: str) -> Error:
    return error(pointer(path), "unknown_area", f"本清单中没有编码为 {code} 的地区",
                 f"no area with code {code} in this manifest")


def _unknown_unit(path: tuple, code: str) -> Error:
    return error(pointer(path), "unknown_unit", f"本清单中没有编码为 {code} 的单位",
                 f"no unit with code {code} in this manifest")


def _unit_cycles(units: list[tuple[int, dict]], codes: set[str]) -> list[Error]:
    """A unit may not be its own ancestor; reported once, on the first unit of each cycle."""
    parent_of = {u["code"]: u.get("parent") for _, u in units if isinstance(u.get("code"), str)}
    errors: list[Error] = []
    reported: set[str] = set()
    for i, unit in units:
        code = unit.get("code")
        if not isinstance(code, str) or code in reported:
            continue
        chain, node = [], code
        while isinstance(node, str) and node in codes and node not in chain:
            chain.append(node)
            node = parent_of.get(node)
        if node == code:
            reported.update(chain)
            errors.append(error(pointer(("units", i, "parent")), "unit_cycle",
                                "上级单位形成循环：" + " → ".join([*chain, code]),
                                "the parent units form a cycle: " + " → ".join([*chain, code])))
    return errors


def pack_offices(slug: str, packs_dir: Path) -> dict[str, dict] | None:
    """Offices of pack `slug` and the packs it extends (child wins), or None if the pack file is missing.

    A small read of the pack file, so tenancy stays below the policy engine; cycles in `extends` stop.
    """
    offices: dict[str, dict] = {}
    seen: set[str] = set()
    node: Any = slug
    first = True
    while isinstance(node, str) and PACK_SLUG.fullmatch(node) and node not in seen:
        seen.add(node)
        path = packs_dir / f"{node}.json"
        try:
            pack = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            if first:
                return None
            break
        first = False
        if not isinstance(pack, dict):
            break
        vocabulary = pack.get("vocabulary")
        listed = vocabulary.get("offices") if isinstance(vocabulary, dict) else None
        for office in listed if isinstance(listed, list) else []:
            if isinstance(office, dict) and isinstance(office.get("id"), str):
                offices.setdefault(office["id"], office)
        node = pack.get("extends")
    return offices


def pack_errors_and_offices(pack: Any, packs_dir: Path, errors: list[Error]) -> set[str] | None:
    """The offices staff may hold, or None when the pack cannot be read (offices are then not checked)."""
    if pack is None:
        return set(BUILTIN_OFFICES)
    if not isinstance(pack, str) or not PACK_SLUG.fullmatch(pack):
        return None
    offices = pack_offices(pack, packs_dir)
    if offices is None:
        errors.append(error("/pack", "unknown_pack", f"没有名为 {pack} 的政策包（policy_packs/{pack}.json）",
                            f"no policy pack named {pack} (policy_packs/{pack}.json)"))
        return None
    return set(BUILTIN_OFFICES) | set(offices)


def _staff(doc: dict, area_codes: set[str], unit_codes: set[str], offices: set[str] | None) -> list[Error]:
    errors: list[Error] = []
    usernames: set[str] = set()
    for i, member in _items(doc, "staff"):
        username = member.get("username")
        if isinstance(username, str):
            if username in usernames:
                errors.append(error(pointer(("staff", i, "username")), "duplicate_username",
                                    f"用户名 {username} 在清单中重复", f"username {username} is listed more than once"))
            usernames.add(username)
        office = member.get("office")
        if offices is not None and isinstance(office, str) and office not in offices:
            errors.append(error(pointer(("staff", i, "office")), "unknown_office",
                                f"职务 {office} 既不是内置职务，也不在政策包中",
                                f"office {office} is neither built in nor in the policy pack"))
        scope = member.get("scope")
        if isinstance(scope, dict):
            area, unit = scope.get("area"), scope.get("unit")
            if isinstance(area, str) and area not in area_codes:
                errors.append(_unknown_area(("staff", i, "scope", "area"), area))
            if isinstance(unit, str) and unit not in unit_codes:
                errors.append(_unknown_unit(("staff", i, "scope", "unit"), unit))
    return errors
