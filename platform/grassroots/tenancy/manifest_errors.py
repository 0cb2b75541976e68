"""The one shape of a manifest error: a JSON pointer, a stable code and a message in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict


class Error(TypedDict):
    path: str
    code: str
    message: dict[str, str]


def error(path: str, code: str, zh: str, en: str) -> Error:
    return {"path": path, "code": code, "message": {"zh": zh, "en": en}}


def pointer(parts: Iterable[object]) -> str:
    """RFC 6901: `~` and `/` escaped; the whole document is "/" (clearer to people than "")."""
    escaped = [str(p).replace("~", "~0").replace("/", "~1") for p in parts]
    return "/" + "/".join(escaped)
