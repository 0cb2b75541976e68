"""Checking a tenant manifest (docs/tenant-manifest.md): JSON Schema, then the cross-reference checks.

`check_document` needs no database (the manifest tests and editors use it); `validate` adds the checks
against the platform (parent, slug, usernames). Both take any JSON value, never raise, and return every
error at once as `{"path": JSON pointer, "code", "message": {"zh", "en"}}`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from grassroots.config import REPO_ROOT
from grassroots.tenancy import manifest_db, manifest_refs
from grassroots.tenancy.manifest_errors import Error, error, pointer

MAX_DEPTH = 32  # a real manifest nests about 6 levels; far deeper is an attack on the recursive checks


class ManifestError(Exception):
    """A manifest that cannot be onboarded; carries every error found."""

    def __init__(self, errors: list[Error]):
        super().__init__(f"{len(errors)} manifest error(s)")
        self.errors = errors


def _dir(key: str, default: Path) -> Path:
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get(key):
        return Path(current_app.config[key])
    return default


def tenants_dir() -> Path:
    return _dir("TENANTS_DIR", REPO_ROOT / "tenants")


def packs_dir() -> Path:
    return _dir("PACKS_DIR", REPO_ROOT / "policy_packs")


@lru_cache(maxsize=4)
def _validator(schema_path: str) -> Draft202012Validator:
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(doc: Any) -> list[Error]:
    validator = _validator(str(tenants_dir() / "schema" / "manifest.schema.json"))
    out: dict[str, Error] = {}  # one error per path: the first, from the most specific keyword
    for err in validator.iter_errors(doc):
        converted = _convert(err)
        out.setdefault(converted["path"], converted)
    return sorted(out.values(), key=lambda e: e["path"])


_MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("缺少必填字段", "is required"),
    "unknown_field": ("不允许的字段", "is not an allowed field"),
    "type": ("类型错误，应为 {expected}", "has the wrong type; expected {expected}"),
    "enum": ("取值不在允许范围内：{expected}", "must be one of: {expected}"),
    "pattern": ("格式不符合要求（{expected}）", "does not match the pattern {expected}"),
    "length": ("长度不符合要求", "has the wrong length"),
    "format": ("格式无效（{expected}）", "is not a valid {expected}"),
    "duplicate": ("含有重复项", "contains duplicates"),
    "items": ("项目数量不符合要求", "has the wrong number of items"),
    "invalid": ("取值无效", "is not valid"),
}
_CODES = {"required": "required", "additionalProperties": "unknown_field", "type": "type", "enum": "enum",
          "const": "enum", "pattern": "pattern", "minLength": "length", "maxLength": "length",
          "format": "format", "uniqueItems": "duplicate", "minItems": "items", "maxItems": "items"}


def _convert(err: ValidationError) -> Error:
    """One schema error as one platform error; a failed oneOf reports its most relevant branch."""
    code = _CODES.get(str(err.validator), "invalid")
    expected = ""
    if err.validator in ("oneOf", "anyOf") and err.context:
        shaped = _fitting_branch(err.context)
        if shaped:
            err = best_match(shaped)
            code = _CODES.get(str(err.validator), "invalid")
        else:
            code = "type"
            expected = " | ".join(sorted({str(e.validator_value) for e in err.context}))
    parts = list(err.absolute_path)
    if parts == ["parent"] and "allOf" in err.schema_path:
        return error("/parent", "parent_level", "省级地区没有上级地区；市、县级地区必须有上级地区",
                     "a province has no parent; a city or a county must have one")
    if err.validator == "required":
        missing = _quoted(err.message)
        if missing:
            parts.append(missing)
    elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set((err.schema or {}).get("properties", {}))
        extra = sorted(k for k in err.instance if k not in allowed)
        if len(extra) == 1:
            parts.append(extra[0])
        expected = ", ".join(extra)
    elif err.validator in ("type", "pattern", "format", "enum", "const"):
        value = err.validator_value
        expected = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    zh, en = _MESSAGES[code]
    return error(pointer(parts), code, zh.format(expected=expected), en.format(expected=expected))


_STRUCTURAL = ("type", "required", "additionalProperties")


def _fitting_branch(context: list[ValidationError]) -> list[ValidationError]:
    """Errors of the oneOf branch the value was meant for: the one whose shape fits (no type, required
    or unknown-field error at its root); else every non-type error; else none (a plain type mismatch)."""
    branches: dict[object, list[ValidationError]] = {}
    for e in context:
        branches.setdefault(e.relative_schema_path[0] if e.relative_schema_path else None, []).append(e)
    for errors in branches.values():
        if not any(e.validator in _STRUCTURAL and not list(e.relative_path) for e in errors):
            return errors
    return [e for e in context if e.validator != "type" or list(e.relative_path)]


def _quoted(message: str) -> str | None:
    match = re.match(r"'([^']*)' is a required property", message)
    return match.group(1) if match else None


def check_document(doc: Any, parent_required: str | None = None) -> list[Error]:
    """Schema and cross-reference checks that need no database."""
    if _depth(doc) > MAX_DEPTH:
        return [error("/", "too_deep", f"嵌套层级超过 {MAX_DEPTH} 层", f"nested more than {MAX_DEPTH} levels deep")]
    errors = schema_errors(doc)
    if not isinstance(doc, dict):
        return errors
    more = manifest_refs.check(doc, packs_dir())
    if parent_required is not None and doc.get("parent") != parent_required:
        more.append(error("/parent", "parent_mismatch", f"上级地区必须是当前地区（{parent_required}）",
                          f"the parent must be the current jurisdiction ({parent_required})"))
    return _merge(errors, more)


def validate(doc: Any, parent_required: str | None = None) -> list[Error]:
    """Every error of `doc`, including those against the platform's tenants and users (needs the app)."""
    errors = check_document(doc, parent_required)
    if not isinstance(doc, dict) or _depth(doc) > MAX_DEPTH:
        return errors
    return _merge(errors, manifest_db.check(doc, packs_dir()))


def _depth(doc: Any) -> int:
    """How deeply `doc` nests, measured without recursion."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _merge(first: list[Error], more: list[Error]) -> list[Error]:
    """Adds errors at paths not already reported (a bad code need not also be an unknown reference)."""
    seen = {e["path"] for e in first}
    out = list(first)
    for e in more:
        if e["path"] not in seen:
            seen.add(e["path"])
            out.append(e)
    return out


def parse(text: str | bytes) -> Any:
    """JSON text to a value, or ManifestError at "/" with the position of the syntax error."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return json.loads(text)
    except UnicodeDecodeError:
        raise ManifestError([error("/", "invalid_json", "文件不是 UTF-8 编码的 JSON",
                                   "the file is not UTF-8 encoded JSON")]) from None
    except json.JSONDecodeError as exc:
        raise ManifestError([error("/", "invalid_json",
                                   f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}",
                                   f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}")]) from None
    except (ValueError, RecursionError):  # digits beyond Python's limit, absurd nesting
        raise ManifestError([error("/", "invalid_json", "JSON 数值过长或嵌套过深",
                                   "a JSON number is too long or the nesting too deep")]) from None
