"""A posted HTML form back to typed JSON data, per the form's schema. Never raises on garbage.

What cannot be typed is kept as typed in (a string for an integer field), so validation names the field
and the page shows what the person wrote. Empty inputs are left out, so "required" speaks for them;
lists are always present (an unticked checkbox group means "none").
"""

from __future__ import annotations

import logging
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from grassroots.forms.fields import MAX_ROWS, kind_of, properties
from grassroots.forms.sensitive import escape, is_resident_id

log = logging.getLogger(__name__)
MISSING = object()
TRUE = ("true", "on", "1", "yes")
_INTEGER = re.compile(r"[+-]?\d{1,15}", re.ASCII)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", re.ASCII)
_SPLIT = re.compile(r"[,，、;；\s]+")
MAX_TEXT = 20_000  # characters kept from one input; a schema's maxLength may be lower


def _get(formdata: Any, key: str) -> str | None:
    try:
        value = formdata.get(key)
    except Exception:  # noqa: BLE001 - a caller's odd mapping must not crash the form
        return None
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _getlist(formdata: Any, key: str) -> list[str]:
    if hasattr(formdata, "getlist"):
        values = formdata.getlist(key)
    else:
        value = formdata.get(key) if isinstance(formdata, dict) else None
        values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def _keys(formdata: Any) -> list[str]:
    try:
        return [k for k in formdata.keys() if isinstance(k, str)]
    except Exception:  # noqa: BLE001
        return []


def _narrow(text: str) -> str:
    """Full-width digits and signs to ASCII (ｌ２０２０ → 2020) for numbers, dates and patterns."""
    return unicodedata.normalize("NFKC", text).strip()


def _string(prop: dict, key: str, raw: str) -> Any:
    text = raw.strip()[:MAX_TEXT]
    if not text:
        return MISSING
    if prop.get("format") == "date":
        match = _DATE.fullmatch(_narrow(text))
        return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else text
    if is_resident_id(key, prop):
        return _narrow(text).upper()
    pattern = prop.get("pattern")
    narrow = _narrow(text).replace(",", "")
    if isinstance(pattern, str) and narrow != text and not _matches(pattern, text) and _matches(pattern, narrow):
        return narrow  # "１３８ ０００" or "10,000.00" where the pattern wants ASCII digits
    return text


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _number(kind: str, raw: str) -> Any:
    text = _narrow(raw)
    if not text:
        return MISSING
    if kind == "integer" or _INTEGER.fullmatch(text):
        return int(text) if _INTEGER.fullmatch(text) else text
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    return int(value) if value == value.to_integral_value() else float(value)


def _scalar_item(items: dict, text: str) -> Any:
    kind = kind_of(items)
    if kind in ("integer", "number"):
        value = _number(kind, text)
        return text if value is MISSING else value
    return text


def _rows(prop: dict, formdata: Any, pointer: str) -> list:
    prefix = pointer + "/"
    indexes = set()
    for key in _keys(formdata):
        if key.startswith(prefix):
            head = key[len(prefix):].split("/", 1)[0]
            if head.isdigit() and int(head) < MAX_ROWS:
                indexes.add(int(head))
    out = []
    for i in sorted(indexes):
        row = _object(prop["items"], formdata, f"{pointer}/{i}")
        if row:
            out.append(row)
    return out


def _value(key: str, prop: Any, formdata: Any, pointer: str) -> Any:
    prop = prop if isinstance(prop, dict) else {}
    kind = kind_of(prop)
    if kind == "group":
        sub = _object(prop, formdata, pointer)
        return sub if sub else MISSING
    if kind == "rows":
        return _rows(prop, formdata, pointer)
    if kind == "choices":
        seen: list[str] = []
        for value in _getlist(formdata, pointer):
            if value and value not in seen:
                seen.append(value)
        return seen
    if kind == "list":
        raw = _get(formdata, pointer) or ""
        return [_scalar_item(prop["items"] if isinstance(prop.get("items"), dict) else {}, part)
                for part in _SPLIT.split(_narrow(raw)) if part][:MAX_ROWS]
    if kind == "checkbox":
        return (_get(formdata, pointer) or "").strip().lower() in TRUE
    raw = _get(formdata, pointer)
    if raw is None:
        return MISSING
    if kind in ("integer", "number"):
        return _number(kind, raw)
    return _string(prop, key, raw)


def _object(schema: Any, formdata: Any, base: str) -> dict:
    out = {}
    for key, prop in properties(schema).items():
        value = _value(key, prop, formdata, f"{base}/{escape(key)}")
        if value is not MISSING:
            out[key] = value
    return out


def parse_form(form: Any, formdata: Any) -> dict:
    """`request.form` (or any mapping of input name → value(s)) as data for `form`'s schema."""
    try:
        schema = form.get("schema") if isinstance(form, dict) else None
        return _object(schema or {}, formdata, "")
    except Exception:  # noqa: BLE001 - a malformed pack schema must not become a 500
        log.exception("could not read a posted form for %r", form.get("id") if isinstance(form, dict) else form)
        return {}
