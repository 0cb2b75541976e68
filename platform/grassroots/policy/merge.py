"""Merging a child pack onto its parent by id (docs/pack-format.md § Top level).

A child item with a new id is added; one with an existing id replaces the parent's whole, keeping its
`kind` and every field the parent locked. The merge also remembers where each merged item came from, so an
error found in the merged pack can be reported at the pointer of the document the author is editing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import PackError, error, join, pointer
from .spec import MERGED_LISTS

_MISSING = object()

# merged item pointer → (slug of the pack it came from, None for the pack being checked; its pointer there)
Origins = dict[str, tuple[str | None, str]]


@dataclass
class Merged:
    pack: dict
    origins: Origins = field(default_factory=dict)
    errors: list[PackError] = field(default_factory=list)


def _get(doc: dict, path: tuple[str, ...], key: str) -> list:
    node = doc
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, list) else []


def _item_id(item: object) -> str | None:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return item["id"]
    return None


def _union_locks(old: object, new: object) -> object:
    if new is True or old is True:
        return True
    merged = list(old) if isinstance(old, list) else []
    for name in new if isinstance(new, list) else []:
        if name not in merged:
            merged.append(name)
    return merged or None


def _replace(old: dict, new: object, where: str, errors: list[PackError]) -> object:
    """The item replacing `old`, after checking the parent's locks and kind."""
    locked = old.get("locked")
    if locked is True and new != old:
        errors.append(error(where, "locked_item", f"上级政策包锁定了 {old.get('id')}，不能替换",
                            f"the parent pack locked {old.get('id')!r}; it cannot be replaced"))
        return old
    if not isinstance(new, dict):
        return new
    if isinstance(locked, list):
        for name in locked:
            if isinstance(name, str) and new.get(name, _MISSING) != old.get(name, _MISSING):
                errors.append(error(join(where, name), "locked_field", f"上级政策包锁定了字段 {name}，替换时须保持不变",
                                    f"the parent pack locked field {name!r}; a replacement must keep it equal"))
    if "kind" in old and new.get("kind") != old.get("kind"):
        errors.append(error(join(where, "kind"), "kind_changed", f"不能把 {old.get('id')} 的类型由 {old.get('kind')} 改为 {new.get('kind')}",
                            f"{old.get('id')!r} cannot change kind from {old.get('kind')!r} to {new.get('kind')!r}"))
    locks = _union_locks(locked, new.get("locked"))
    if locks is not None and locks != new.get("locked"):
        new = {**new, "locked": locks}
    return new


def _merge_list(parent: list, child: list, merged_at: str, child_at: str, child_slug: str | None,
                origins: Origins, errors: list[PackError]) -> list:
    result = list(parent)
    index = {}
    for i, item in enumerate(result):
        item_id = _item_id(item)
        if item_id is not None and item_id not in index:
            index[item_id] = i
    for j, item in enumerate(child):
        item_id = _item_id(item)
        where = join(child_at, j)
        if item_id is not None and item_id in index:
            i = index[item_id]
            old = result[i]
            result[i] = _replace(old, item, where, errors) if isinstance(old, dict) else item
        else:
            i = len(result)
            if item_id is not None:
                index[item_id] = i
            result.append(item)
        origins[join(merged_at, i)] = (child_slug, where)
    return result


def own(doc: dict, slug: str | None = None) -> Merged:
    """A pack without a parent, as a merge result: every item comes from `slug` (None: the checked doc)."""
    origins: Origins = {}
    for path, key in MERGED_LISTS:
        at = pointer(*path, key)
        for i in range(len(_get(doc, path, key))):
            origins[join(at, i)] = (slug, join(at, i))
    pack = {k: v for k, v in doc.items() if k not in ("extends", "$schema", "$comment")}
    return Merged(pack, origins)


def merge(parent: Merged, child: dict, child_slug: str | None = None) -> Merged:
    """`child` merged onto the already merged `parent`; lock and kind errors are at the child's pointers."""
    origins: Origins = dict(parent.origins)
    errors: list[PackError] = []
    base = parent.pack
    pack = {k: v for k, v in child.items() if k not in ("extends", "$schema", "$comment")}
    lists = {}
    for path, key in MERGED_LISTS:
        at = pointer(*path, key)
        lists[(path, key)] = _merge_list(_get(base, path, key), _get(child, path, key), at, at, child_slug, origins, errors)
    jurisdiction = child.get("jurisdiction")
    pack["jurisdiction"] = dict(jurisdiction) if isinstance(jurisdiction, dict) else {}
    pack["jurisdiction"]["sources"] = lists[(("jurisdiction",), "sources")]
    vocabulary = child.get("vocabulary")
    pack["vocabulary"] = dict(vocabulary) if isinstance(vocabulary, dict) else {}
    for path, key in MERGED_LISTS:
        if path == ("vocabulary",):
            pack["vocabulary"][key] = lists[(path, key)]
        elif not path:
            pack[key] = lists[(path, key)]
    pack["tests"] = child.get("tests", [])
    return Merged(pack, origins, errors)
