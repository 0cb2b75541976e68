"""Step 1 of checking a pack: JSON Schema (policy_packs/schema/pack.schema.json), errors as JSON pointers.

jsonschema's messages are English and repeat the offending value; here each becomes a short bilingual
message at the pointer of the field at fault (an unknown property points at the property itself).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from .errors import PackError, error, join, pointer
from .facts import schema_dir
from .money import MONEY_PATTERN

_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


@lru_cache(maxsize=1)
def pack_schema() -> dict:
    with open(schema_dir() / "pack.schema.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(pack_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_money(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("pattern") == MONEY_PATTERN


_STEP_ACTOR = [{"required": ["office", "scope"]}, {"required": ["route"]}]
_CALENDAR_WHEN = [{"required": ["month_day"]}, {"required": ["when"]}]


def _convert(err: ValidationError) -> list[PackError]:
    if err.validator_value == _STEP_ACTOR:
        return [error(pointer(*err.absolute_path), "schema", "步骤须有 office 和 scope，或有 route", "a step needs office and scope, or a route")]
    if err.validator_value == _CALENDAR_WHEN:
        return [error(pointer(*err.absolute_path), "schema", "日程须有 month_day 或 when 之一（不能两者都有）",
                      "a calendar entry has either month_day or when, not both")]
    if err.context and err.validator in ("oneOf", "anyOf"):
        return _convert(best_match(err.context))
    path = pointer(*err.absolute_path)
    kind, value, instance, schema = err.validator, err.validator_value, err.instance, err.schema
    if kind == "required":
        match = re.match(r"^(.*) is a required property$", err.message)
        name = match.group(1) if match else "?"
        return [error(path, "schema", f"缺少必填字段 {name}", f"missing required property {name}")]
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {}) if isinstance(schema, dict) else {}
        extra = [k for k in instance if k not in known] or ["?"]
        return [error(join(path, k), "schema", f"不允许的字段 {k!r}", f"unknown property {k!r}") for k in extra]
    if _is_money(schema) and kind in ("pattern", "type"):
        if (isinstance(instance, str) and instance.startswith("-")) or (isinstance(instance, int | float) and not isinstance(instance, bool) and instance < 0):
            return [error(path, "negative_amount", f"金额不能为负数：{_short(instance)}", f"an amount cannot be negative: {_short(instance)}")]
        return [error(path, "schema", f"金额须为非负、最多两位小数的字符串，如 \"10000.00\"，而不是 {_short(instance)}",
                      f'an amount is a string with at most 2 decimals such as "10000.00", not {_short(instance)}')]
    if kind == "pattern" and value == _DATE_PATTERN or kind == "format":
        return [error(path, "bad_date", f"日期应为有效的 YYYY-MM-DD：{_short(instance)}", f"a date must be a valid YYYY-MM-DD: {_short(instance)}")]
    if kind == "type":
        expected = value if isinstance(value, str) else " / ".join(value)
        return [error(path, "schema", f"类型应为 {expected}，而不是 {_short(instance)}", f"expected {expected}, not {_short(instance)}")]
    if kind in ("enum", "const"):
        allowed = ", ".join(_short(v, 40) for v in (value if kind == "enum" else [value]))
        return [error(path, "schema", f"取值 {_short(instance)} 无效，应为：{allowed}", f"{_short(instance)} is not allowed; expected one of: {allowed}")]
    if kind == "not" and value == {"required": ["steps"]}:
        return [error(join(path, "steps"), "schema", "只有 parallel 步骤可以有子步骤 steps", "only a parallel step has sub-steps")]
    message = err.message if len(err.message) <= 200 else err.message[:199] + "…"
    return [error(path, "schema", f"不符合格式要求：{message}", message)]


def _document_order(err: ValidationError) -> list[tuple]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in err.absolute_path]


def schema_errors(doc: Any) -> list[PackError]:
    """Every JSON Schema error of `doc`, in document order."""
    errors = sorted(_validator().iter_errors(doc), key=_document_order)
    return [converted for err in errors for converted in _convert(err)]


def is_schema_valid(doc: Any) -> bool:
    return _validator().is_valid(doc)
