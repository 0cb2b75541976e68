"""The hash chain itself, pure functions: canonical content, entry hash, anchor MAC.

An entry's hash is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of every field
that means something, `prev_hash` included, so editing any field or unlinking any entry shows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "chain", "seq", "tenant_id", "at", "actor_user_id", "actor_label", "action",
    "target_type", "target_id", "before", "after", "note", "prev_hash",
)


def jsonable(value: Any) -> Any:
    """A value as JSON stores it, so the hash computed at write time is the one recomputed on read."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def canonical(content: Mapping[str, Any]) -> bytes:
    return json.dumps(jsonable(content), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(fields: Mapping[str, Any]) -> str:
    """The hash of one entry from its fields (a row mapping or the dict about to be inserted)."""
    return hashlib.sha256(canonical({key: fields[key] for key in HASHED_FIELDS})).hexdigest()


def anchor_key(secret_key: str | bytes) -> bytes:
    """A key for anchors derived from the app's secret, which the database never holds."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(secret, b"grassroots-audit-anchor-v1", hashlib.sha256).digest()


def mac(key: bytes, content: Any) -> str:
    return hmac.new(key, canonical(content), hashlib.sha256).hexdigest()
