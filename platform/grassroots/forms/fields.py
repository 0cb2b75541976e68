"""A pack form's JSON Schema read as form fields: kind, label, options, rows. Shared by rendering,
parsing, validation messages and printing, so the four always agree on what a property is.

Input names are the fields' JSON pointers (`/birth_date`, `/annual_grades/0/year`): an error's path
names its input, with no mapping table to keep in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grassroots.forms.sensitive import escape, is_resident_id
from grassroots.packs.labels import value_label

DEFAULT_ROWS = 5  # blank rows offered for a list of records (annual grades, roster lines)
MAX_ROWS = 50  # rows read back from a posted form, whatever the client sends
LONG_TEXT = 200  # maxLength above which a string gets a textarea
LONG_KEYS = ("summary", "opinion", "statement", "achievements", "reason", "remarks", "performance")


def kind_of(prop: Any) -> str:
    """text | textarea | date | select | integer | number | checkbox | choices | list | group | rows."""
    if not isinstance(prop, dict):
        return "text"
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        if "enum" in items:
            return "choices"
        return "rows" if items.get("type") == "object" else "list"
    if kind == "object":
        return "group"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return kind
    if "enum" in prop:
        return "select"
    if prop.get("format") == "date":
        return "date"
    if prop.get("x-widget") == "textarea":
        return "textarea"
    return "text"


def label_of(key: str, prop: Any) -> dict[str, str]:
    """The property's zh `title`, `x-title-en` in English (the zh title, else the key, when missing)."""
    prop = prop if isinstance(prop, dict) else {}
    zh = prop.get("title") if isinstance(prop.get("title"), str) else key
    en = prop.get("x-title-en") if isinstance(prop.get("x-title-en"), str) else zh
    return {"zh": zh, "en": en}


def options_of(prop: Any, labels: dict | None = None) -> list[tuple[str, dict[str, str]]]:
    """(value, label) for an enum (or the enum of an array's items): `x-enum-labels` first, then the
    pack's own labels (grades, area tags), then the fact vocabulary's, else the code itself."""
    prop = prop if isinstance(prop, dict) else {}
    if "enum" not in prop and isinstance(prop.get("items"), dict):
        prop = prop["items"]
    own = prop.get("x-enum-labels")
    values = prop.get("enum") if isinstance(prop.get("enum"), list) else []
    if isinstance(own, list):
        own = {str(v): lab for v, lab in zip(values, own, strict=False)}
    own = own if isinstance(own, dict) else {}
    out = []
    for value in values:
        key = str(value)
        found = own.get(key)
        if isinstance(found, str):
            found = {"zh": found, "en": found}
        out.append((key, found if isinstance(found, dict) else value_label(key, labels)))
    return out


def option_text(prop: Any, value: Any, labels: dict | None = None) -> dict[str, str]:
    for key, label in options_of(prop, labels):
        if key == str(value):
            return label
    return {"zh": str(value), "en": str(value)}


@dataclass
class Field:
    key: str
    pointer: str
    kind: str
    label: dict[str, str]
    schema: dict
    required: bool = False
    sensitive: bool = False
    options: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)  # a group's properties
    columns: list[Field] = field(default_factory=list)  # a rows field's columns (row 0's pointers)
    rows: list[list[Field]] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "f" + "".join(c if c.isalnum() else "-" for c in self.pointer)


def properties(schema: Any) -> dict[str, Any]:
    props = schema.get("properties") if isinstance(schema, dict) else None
    return props if isinstance(props, dict) else {}


def required_of(schema: Any) -> set[str]:
    req = schema.get("required") if isinstance(schema, dict) else None
    return {r for r in req if isinstance(r, str)} if isinstance(req, list) else set()


def build(key: str, prop: Any, pointer: str, required: bool, labels: dict | None,
          row_count: Any = None) -> Field:
    """One field (and its children). `row_count(pointer, field_schema)` says how many rows to lay out."""
    prop = prop if isinstance(prop, dict) else {}
    kind = kind_of(prop)
    if kind == "text" and (prop.get("maxLength", 0) > LONG_TEXT if isinstance(prop.get("maxLength"), int)
                           else key.endswith(LONG_KEYS)):
        kind = "textarea"
    f = Field(key, pointer, kind, label_of(key, prop), prop, required, is_resident_id(key, prop))
    if kind in ("select", "choices"):
        f.options = options_of(prop, labels)
    elif kind == "group":
        f.children = build_all(prop, pointer, labels, row_count)
    elif kind == "rows":
        items = prop["items"]
        count = row_count(pointer, prop) if row_count else DEFAULT_ROWS
        f.rows = [build_all(items, f"{pointer}/{i}", labels, row_count) for i in range(count)]
        f.columns = build_all(items, f"{pointer}/0", labels, row_count)
    return f


def build_all(schema: Any, base: str, labels: dict | None, row_count: Any = None) -> list[Field]:
    required = required_of(schema)
    return [build(k, p, f"{base}/{escape(k)}", k in required, labels, row_count)
            for k, p in properties(schema).items()]


def schema_at(schema: Any, parts: list) -> tuple[str, Any] | None:
    """(key, property schema) at a data path such as ["annual_grades", 0, "year"]; None if unknown."""
    node, key = schema, ""
    for part in parts:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit() and kind_of(node) in ("rows", "list",
                                                                                                   "choices")):
            items = node.get("items") if isinstance(node, dict) else None
            if not isinstance(items, dict):
                return None
            node = items
            continue
        props = properties(node)
        if part not in props:
            return None
        key, node = part, props[part]
    return key, node
