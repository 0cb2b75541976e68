"""Parsing pack text and hashing its meaning.

The hash is over canonical JSON (sorted keys, no insignificant whitespace, UTF-8, numbers as Python
prints them), so two texts that mean the same pack share a hash whatever their layout or key order.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from grassroots.policy.errors import PackError, error


class PackTextError(ValueError):
    """The text is not a JSON object; `error` says where, in the shared error shape."""

    def __init__(self, err: PackError):
        super().__init__(str(err))
        self.error = err


def canonical(doc: Any) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_hash(doc: Any) -> str:
    return hashlib.sha256(canonical(doc)).hexdigest()


def parse(text: str | bytes) -> dict:
    """The JSON object in `text`; PackTextError (with line and column) otherwise."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise PackTextError(error("", "encoding", "内容不是 UTF-8 编码", "the content is not UTF-8")) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackTextError(error("", "json", f"不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）",
                                  f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")) from None
    except RecursionError:
        raise PackTextError(error("", "json", "JSON 嵌套过深", "the JSON is nested too deeply")) from None
    if not isinstance(doc, dict):
        raise PackTextError(error("", "schema", "政策包应为 JSON 对象", "a pack must be a JSON object"))
    return doc


def pretty(doc: Any) -> str:
    """How the platform writes a pack it formats itself (a new draft from a parsed body)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
