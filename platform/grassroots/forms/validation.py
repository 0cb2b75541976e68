"""Form data checked against the form's JSON Schema (draft 2020-12, dates checked), every error at once,
each at its JSON pointer with a message naming the field by its zh title. Never raises.

Resident ID fields are also checked against GB 11643 (checksum, embedded date, region): a pattern alone
lets a mistyped number through, and that number then follows the person for years.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from grassroots.forms.fields import kind_of, label_of, option_text, properties, schema_at
from grassroots.forms.sensitive import checksum_errors, escape

log = logging.getLogger(__name__)
FORMATS = FormatChecker(["date"])  # the only format the packs use; others pass unchecked

TYPES = {"integer": ("整数", "a whole number"), "number": ("数字", "a number"), "string": ("文字", "text"),
         "boolean": ("是或否", "yes or no"), "array": ("列表", "a list"), "object": ("一组字段", "a group of fields"),
         "null": ("空", "empty")}

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("「{label}」为必填项", "{label} is required"),
    "type": ("「{label}」应为{type_zh}", "{label} must be {type_en}"),
    "enum": ("「{label}」的值不在可选范围内（可选：{options}）", "{label}: choose one of the listed values"),
    "const_true": ("请勾选「{label}」", "Please tick “{label}”"),
    "const": ("「{label}」的值应为 {n}", "{label} must be {n}"),
    "minimum": ("「{label}」不得小于 {n}", "{label} must be at least {n}"),
    "maximum": ("「{label}」不得大于 {n}", "{label} must be at most {n}"),
    "exclusiveMinimum": ("「{label}」应大于 {n}", "{label} must be more than {n}"),
    "exclusiveMaximum": ("「{label}」应小于 {n}", "{label} must be less than {n}"),
    "multipleOf": ("「{label}」应为 {n} 的倍数", "{label} must be a multiple of {n}"),
    "empty": ("「{label}」不能为空", "{label} may not be empty"),
    "minLength": ("「{label}」至少 {n} 个字", "{label} needs at least {n} characters"),
    "maxLength": ("「{label}」最多 {n} 个字", "{label} allows at most {n} characters"),
    "pattern": ("「{label}」格式不正确", "{label} is not in the expected format"),
    "format_date": ("「{label}」不是有效日期，应写作 YYYY-MM-DD", "{label} is not a valid date (YYYY-MM-DD)"),
    "format": ("「{label}」格式不正确", "{label} is not in the expected format"),
    "minItems": ("「{label}」至少填写 {n} 项", "{label} needs at least {n} entries"),
    "maxItems": ("「{label}」最多填写 {n} 项", "{label} allows at most {n} entries"),
    "uniqueItems": ("「{label}」有重复项", "{label} has duplicate entries"),
    "additionalProperties": ("表单中没有字段「{label}」", "The form has no field “{label}”"),
    "invalid": ("「{label}」的值无效", "{label} is not valid"),
    "schema_error": ("表单定义有误，暂时无法校验，请联系管理员", "The form definition is broken; please contact an administrator"),
}
ROOT_LABEL = {"zh": "表单", "en": "The form"}


def _label(schema: dict, parts: list) -> dict[str, str]:
    """The field's title; inside a list of records, "列表 第N行 列" (rows counted from 1)."""
    if not parts:
        return ROOT_LABEL
    zh, en, walked = [], [], []
    for part in parts:
        walked.append(part)
        if isinstance(part, int):
            records = kind_of((schema_at(schema, walked[:-1]) or ("", {}))[1]) == "rows"
            zh.append(f"第{part + 1}{'行' if records else '项'}")
            en.append(f"{'row' if records else 'item'} {part + 1}")
            continue
        found = schema_at(schema, walked)
        label = label_of(str(part), found[1] if found else None)
        zh.append(label["zh"])
        en.append(label["en"])
    return {"zh": " ".join(zh), "en": " ".join(en)}


def _pointer(parts: list) -> str:
    return "".join(f"/{escape(str(p))}" for p in parts)


def _message(code: str, label: dict[str, str], **extra: Any) -> dict[str, str]:
    zh, en = MESSAGES.get(code, MESSAGES["invalid"])
    return {"zh": zh.format(label=label["zh"], **extra), "en": en.format(label=label["en"], **extra)}


def _one(schema: dict, error, labels: dict | None) -> list[dict]:
    parts = list(error.absolute_path)
    keyword, value, instance = error.validator, error.validator_value, error.instance
    if keyword == "required":
        missing = [p for p in value if isinstance(instance, dict) and p not in instance]
        return [_error(schema, parts + [p], "required") for p in missing]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        node = (schema_at(schema, parts) or ("", {}))[1] if parts else schema
        allowed = set(properties(node))
        return [{"path": _pointer(parts + [k]), "code": "additional",
                 "message": _message("additionalProperties", {"zh": str(k), "en": str(k)})}
                for k in instance if k not in allowed]
    if keyword == "type":
        first = value[0] if isinstance(value, list) and value else value
        zh, en = TYPES.get(first, ("有效的值", "valid"))
        return [_error(schema, parts, "type", type_zh=zh, type_en=en)]
    if keyword == "enum":
        found = schema_at(schema, parts)
        prop = found[1] if found else {}
        names = "、".join(option_text(prop, v, labels)["zh"] for v in value) if isinstance(value, list) else ""
        return [_error(schema, parts, "enum", options=names)]
    if keyword == "const":
        return [_error(schema, parts, "const_true" if value is True else "const", code=keyword, n=value)]
    if keyword == "minLength" and value == 1:
        return [_error(schema, parts, "empty", code=keyword)]
    if keyword == "format":
        return [_error(schema, parts, "format_date" if value == "date" else "format", code=keyword)]
    if keyword in MESSAGES:
        return [_error(schema, parts, keyword, n=value)]
    return [_error(schema, parts, "invalid", code=keyword or "invalid")]


def _error(schema: dict, parts: list, key: str, code: str | None = None, **extra: Any) -> dict:
    return {"path": _pointer(parts), "code": code or key, "message": _message(key, _label(schema, parts), **extra)}


def _order(schema: dict):
    keys = {k: i for i, k in enumerate(properties(schema))}

    def key(error: dict) -> tuple:
        head = error["path"].split("/")[1] if error["path"].count("/") else ""
        return (keys.get(head, len(keys)), error["path"])

    return key


def validate(form: Any, data: Any, labels: dict | None = None) -> list[dict]:
    """Every error of `data` against `form["schema"]`: [{path, code, message: {zh, en}}], [] when valid."""
    schema = form.get("schema") if isinstance(form, dict) else None
    if not isinstance(schema, dict):
        return [_broken()]
    try:
        validator = Draft202012Validator(schema, format_checker=FORMATS)
        errors: list[dict] = []
        for error in validator.iter_errors(data):
            errors += _one(schema, error, labels)
        errors += [_error(schema, parts, "type", type_zh="有限的数字", type_en="a finite number")
                   for parts in _non_finite(data, [])]
        seen_paths = {e["path"] for e in errors}
        errors += [e for e in checksum_errors(schema, data) if e["path"] not in seen_paths]
    except Exception:  # noqa: BLE001 - a bad pattern or schema in a pack must not become a 500
        log.exception("form %r could not be validated", form.get("id"))
        return [_broken()]
    unique = {(e["path"], e["code"]): e for e in errors}
    return sorted(unique.values(), key=_order(schema))


def _non_finite(value: Any, parts: list) -> list[list]:
    """Paths of NaN/Infinity (a JSON body may carry them; no database column can store them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return [parts]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _non_finite(v, parts + [k])]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _non_finite(v, parts + [i])]
    return []


def _broken() -> dict:
    zh, en = MESSAGES["schema_error"]
    return {"path": "", "code": "schema_error", "message": {"zh": zh, "en": en}}
