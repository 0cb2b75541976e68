"""Structural diff of two pack versions, by id, for the version diff a publisher reviews.

Lists of identified items are matched by `id` (subsidies by `component`, tests by `name`), so moving an item
is not a change; other lists compare item by item when their length is the same, else are replaced whole.
Every changed field is given as a JSON pointer with old and new values. Pointers are into
the new version, except for what was removed, which points into the old one.
"""

from __future__ import annotations

from typing import Any

from .errors import join, pointer
from .spec import MERGED_LISTS

_KEYS = ("id", "component", "name")


def _key_of(items: list) -> str | None:
    """The field identifying the items of a list, if every item has a distinct one."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in _KEYS:
        values = [i.get(key) for i in items]
        if all(isinstance(v, str) for v in values) and len(set(values)) == len(values):
            return key
    return None


def _changes(old: Any, new: Any, path: str, old_path: str, out: list[dict]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key not in new:
                out.append({"path": join(old_path, key), "op": "remove", "old": old[key], "new": None})
        for key in new:
            if key not in old:
                out.append({"path": join(path, key), "op": "add", "old": None, "new": new[key]})
            else:
                _changes(old[key], new[key], join(path, key), join(old_path, key), out)
        return
    if isinstance(old, list) and isinstance(new, list):
        key = _key_of(old) if _key_of(new) == _key_of(old) else None
        if key:
            old_at = {item[key]: n for n, item in enumerate(old)}
            new_ids = {item[key] for item in new}
            for n, item in enumerate(old):
                if item[key] not in new_ids:
                    out.append({"path": join(old_path, n), "op": "remove", "old": item, "new": None})
            for n, item in enumerate(new):
                if item[key] in old_at:
                    m = old_at[item[key]]
                    _changes(old[m], item, join(path, n), join(old_path, m), out)
                else:
                    out.append({"path": join(path, n), "op": "add", "old": None, "new": item})
            return
        if len(old) == len(new):
            for n, (a, b) in enumerate(zip(old, new, strict=True)):
                _changes(a, b, join(path, n), join(old_path, n), out)
            return
    if old != new or type(old) is not type(new):
        out.append({"path": path, "op": "replace", "old": old, "new": new})


def _list(doc: dict, path: tuple[str, ...], key: str) -> list:
    node: Any = doc
    for part in (*path, key):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def diff_packs(old: dict, new: dict) -> dict:
    """`{"sections": {name: {"added", "removed", "changed": [{"id", "changes"}]}}, "other": [changes]}`.

    A change is `{"path", "op": add|remove|replace, "old", "new"}`. Sections are the lists merged by id
    (programs, forms, ...) plus tests; "other" holds everything else (jurisdiction fields, format, extends).
    """
    sections: dict[str, dict] = {}
    for path, key in [*MERGED_LISTS, ((), "tests")]:
        ident = "name" if key == "tests" else "id"
        at = pointer(*path, key)
        before = {i.get(ident): (n, i) for n, i in enumerate(_list(old, path, key)) if isinstance(i, dict)}
        after = {i.get(ident): (n, i) for n, i in enumerate(_list(new, path, key)) if isinstance(i, dict)}
        changed = []
        for item_id, (n, item) in after.items():
            if item_id in before and before[item_id][1] != item:
                m = before[item_id][0]
                found: list[dict] = []
                _changes(before[item_id][1], item, join(at, n), join(at, m), found)
                changed.append({"id": item_id, "changes": found})
        section = {
            "added": [i for i in after if i not in before],
            "removed": [i for i in before if i not in after],
            "changed": changed,
        }
        if any(section.values()):
            sections[key] = section
    other: list[dict] = []
    strip = {k for p, k in MERGED_LISTS if not p} | {"tests", "jurisdiction", "vocabulary"}
    _changes({k: v for k, v in old.items() if k not in strip}, {k: v for k, v in new.items() if k not in strip}, "", "", other)
    for part in ("jurisdiction", "vocabulary"):
        a, b = old.get(part), new.get(part)
        lists = {k for p, k in MERGED_LISTS if p == (part,)}
        a = {k: v for k, v in a.items() if k not in lists} if isinstance(a, dict) else a
        b = {k: v for k, v in b.items() if k not in lists} if isinstance(b, dict) else b
        _changes(a, b, pointer(part), pointer(part), other)
    return {"sections": sections, "other": other}
