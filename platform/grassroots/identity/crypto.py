"""Encryption at rest and the keyed lookup hash for resident ID numbers (SECURITY.md, PIPL Art. 51).

Both keys are derived with HKDF-SHA256 from the secret `ID_NUMBER_KEY` (the environment in production,
`instance/id_number_key` in development), with distinct `info` strings, so neither key reveals the other.

Stored value: version (1 byte) || nonce (12 bytes, random per value) || AES-256-GCM ciphertext+tag.
The tenant id is the associated data: a ciphertext copied into another tenant's row does not decrypt.
The version byte names the secret that encrypted it, so secrets can rotate: `ID_NUMBER_KEY_VERSION`
(default 1) is the current one, `ID_NUMBER_OLD_KEYS` ({version: secret}, or "2:secret,3:secret" in
the environment) the ones still readable; `grassroots identity rekey` moves rows to the current one.

The lookup hash is HMAC-SHA256, never a plain hash: an 18-character structured number is brute-forced
in minutes. It does not depend on the tenant, so a roll-up service can match one person across
children; it does depend on the secret, so `lookup_hashes` gives one per known secret during a rotation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from grassroots.identity.idnumbers import normalize

ENCRYPTION_INFO = b"id-number-encryption"
LOOKUP_INFO = b"id-number-lookup"
SALT = b"grassroots-resident-id-v1"
NONCE_BYTES = 12


class IdKeyError(RuntimeError):
    """A stored number cannot be read: its key version is unknown, or it fails authentication."""


def derive(secret: str, info: bytes) -> bytes:
    """A 256-bit key for one purpose from the configured secret."""
    return _derive(secret, info)


@lru_cache(maxsize=32)
def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=info).derive(secret.encode("utf-8"))


def parse_old_keys(raw: object) -> dict[int, str]:
    """`{2: "secret"}` as given, or the environment form "2:secret,3:secret"."""
    if isinstance(raw, dict):
        return {int(k): str(v) for k, v in raw.items()}
    out: dict[int, str] = {}
    for part in str(raw or "").split(","):
        if part.strip():
            version, _, secret = part.strip().partition(":")
            out[int(version)] = secret
    return out


def current_version() -> int:
    return int(current_app.config.get("ID_NUMBER_KEY_VERSION") or 1)


def secrets_by_version() -> dict[int, str]:
    """Every readable secret by version, the current one included (it wins over an old entry)."""
    config = current_app.config
    keys = parse_old_keys(config.get("ID_NUMBER_OLD_KEYS") or os.environ.get("ID_NUMBER_OLD_KEYS"))
    keys[current_version()] = config["ID_NUMBER_KEY"]
    return keys


def _aad(tenant_id: int) -> bytes:
    return f"people:{int(tenant_id)}".encode()


def encrypt(number: str, tenant_id: int) -> bytes:
    """The normalised number encrypted under the current key, with a fresh random nonce."""
    version = current_version()
    if not 1 <= version <= 255:
        raise IdKeyError("ID_NUMBER_KEY_VERSION must be 1..255")
    key = derive(current_app.config["ID_NUMBER_KEY"], ENCRYPTION_INFO)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, normalize(number).encode("utf-8"), _aad(tenant_id))
    return bytes([version]) + nonce + sealed


def key_version_of(blob: bytes) -> int:
    return bytes(blob)[0]


def decrypt(blob: bytes, tenant_id: int) -> str:
    """The number back; IdKeyError (never the plaintext or the key) when it cannot be read."""
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + 16:
        raise IdKeyError("stored ID number is truncated")
    secret = secrets_by_version().get(blob[0])
    if secret is None:
        raise IdKeyError(f"no key for ID number key version {blob[0]}")
    nonce, sealed = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
    try:
        return AESGCM(derive(secret, ENCRYPTION_INFO)).decrypt(nonce, sealed, _aad(tenant_id)).decode("utf-8")
    except InvalidTag:
        raise IdKeyError("stored ID number fails authentication (wrong key, tenant or tampering)") from None


def hash_with(secret: str, number: str) -> str:
    return hmac.new(derive(secret, LOOKUP_INFO), normalize(number).encode("utf-8"), hashlib.sha256).hexdigest()


def lookup_hash(number: str) -> str:
    """The keyed hash stored beside the ciphertext and searched by (current key)."""
    return hash_with(current_app.config["ID_NUMBER_KEY"], number)


def lookup_hashes(number: str) -> list[str]:
    """The hash under every readable secret, current first: lookups keep working mid-rotation."""
    secrets = secrets_by_version()
    current = secrets.pop(current_version())
    return [hash_with(current, number)] + [hash_with(s, number) for _, s in sorted(secrets.items(), reverse=True)]
