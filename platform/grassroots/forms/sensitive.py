"""Resident ID numbers inside form data: checked (GB 11643), sealed at rest, masked on screen and paper.

A field is a resident ID when its schema says `"x-sensitive": "resident_id"`, captures the fact
`person.id_number`, or is named `id_number` (every pack names it so today). Stored `data` holds the
masked value; `sealed` maps the field's JSON pointer to the ciphertext (identity's AES-GCM, bound to the
tenant). Masking keeps only the last four characters: identity's usual mask (first 6 + last 4) hides
exactly the birth date, and these forms also carry a birth date, which would rebuild the number.
Reading the clear values (`unseal`) writes an audit entry, as SECURITY.md asks for every unmasked view.
After the key rotates, `reseal` moves the ciphertexts to the current key (rekey.py runs it per tenant).
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from typing import Any

from grassroots.audit.log import record
from grassroots.identity.crypto import current_version, decrypt, encrypt, key_version_of
from grassroots.identity.idnumbers import check_id_number, normalize

MASK_PREFIX = "*" * 14
RESIDENT_ID = "resident_id"


def is_resident_id(key: str, prop: Any) -> bool:
    if not isinstance(prop, dict):
        return False
    return (prop.get("x-sensitive") == RESIDENT_ID or prop.get("x-fact") == "person.id_number"
            or (key == "id_number" and prop.get("type", "string") == "string"))


def mask(value: str) -> str:
    return MASK_PREFIX + value[-4:] if isinstance(value, str) and len(value) >= 4 else "*" * 18


def is_masked(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(MASK_PREFIX)


def _props(schema: Any) -> dict:
    props = schema.get("properties") if isinstance(schema, dict) else None
    return props if isinstance(props, dict) else {}


def locate(schema: dict, data: Any, base: str = "") -> Iterator[str]:
    """JSON pointers of every resident-ID value present in `data` (top level and inside rows)."""
    if not isinstance(data, dict):
        return
    for key, prop in _props(schema).items():
        if key not in data:
            continue
        pointer = f"{base}/{escape(key)}"
        if is_resident_id(key, prop) and isinstance(data[key], str):
            yield pointer
        elif isinstance(prop, dict) and prop.get("type") == "object":
            yield from locate(prop, data[key], pointer)
        elif isinstance(prop, dict) and prop.get("type") == "array" and isinstance(data[key], list):
            items = prop.get("items")
            for i, row in enumerate(data[key]):
                yield from locate(items if isinstance(items, dict) else {}, row, f"{pointer}/{i}")


def escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def get(data: Any, pointer: str) -> Any:
    node = data
    for part in _parts(pointer):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def put(data: Any, pointer: str, value: Any) -> None:
    parts = _parts(pointer)
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value


def checksum_errors(schema: dict, data: Any) -> list[dict]:
    """GB 11643 problems (checksum, embedded date, region) of every resident-ID value in `data`."""
    errors: list[dict] = []
    for pointer in locate(schema, data):
        errors += check_id_number(get(data, pointer), pointer)
    return errors


def seal(schema: dict, data: dict, tenant_id: int) -> tuple[dict, dict[str, str]]:
    """(data with the numbers masked, {pointer: ciphertext}); call only on validated data."""
    masked = copy.deepcopy(data)
    sealed: dict[str, str] = {}
    for pointer in list(locate(schema, data)):
        number = normalize(get(data, pointer))
        sealed[pointer] = base64.b64encode(encrypt(number, tenant_id)).decode("ascii")
        put(masked, pointer, mask(number))
    return masked, sealed


def unseal(submission, reason: str = "") -> dict:
    """The submission's data with the clear numbers back in, and an audit entry naming who read them."""
    data = copy.deepcopy(submission.data or {})
    sealed = submission.sealed or {}
    for pointer, token in sealed.items():
        put(data, pointer, decrypt(base64.b64decode(token), submission.tenant_id))
    if sealed:
        record("view", "form_submission", submission.id, note=f"id numbers revealed {sorted(sealed)} {reason}"[:500])
    return data


def reseal(sealed: dict, tenant_id: int) -> tuple[dict, int]:
    """(`sealed` with every value not under the current key re-encrypted under it, how many moved).

    The numbers themselves never change: each is decrypted (IdKeyError when its key is gone), encrypted
    again with a fresh nonce, and checked to decrypt to the same number before it replaces the old one.
    """
    version = current_version()
    out: dict[str, str] = {}
    moved = 0
    for pointer, token in sealed.items():
        blob = base64.b64decode(token)
        if key_version_of(blob) == version:
            out[pointer] = token
            continue
        number = decrypt(blob, tenant_id)
        fresh = encrypt(number, tenant_id)
        if decrypt(fresh, tenant_id) != number:  # pragma: no cover - AES-GCM round trip
            raise RuntimeError(f"re-encrypting {pointer} did not round-trip")
        out[pointer] = base64.b64encode(fresh).decode("ascii")
        moved += 1
    return out, moved


def restore_unchanged(schema: dict, new: dict, old_data: dict, old_sealed: dict, tenant_id: int) -> dict:
    """On resubmission a masked value left as shown means "unchanged": put the sealed number back."""
    for pointer in list(locate(schema, new)):
        value = get(new, pointer)
        if is_masked(value) and value == get(old_data, pointer) and pointer in old_sealed:
            put(new, pointer, decrypt(base64.b64decode(old_sealed[pointer]), tenant_id))
    return new
