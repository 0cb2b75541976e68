"""AES-GCM at rest and the keyed lookup hash: round trip, fresh nonces, key versions, tenant binding."""

from __future__ import annotations

import hashlib

import pytest

from grassroots.identity import crypto
from tests.identity.helpers import EXAMPLES

NUMBER = EXAMPLES[0]
OTHER_KEY = "1" * 64


def test_round_trip_and_the_stored_shape(app):
    blob = crypto.encrypt(NUMBER, tenant_id=7)
    assert isinstance(blob, bytes)
    assert blob[0] == 1  # key version
    assert len(blob) == 1 + 12 + 18 + 16  # version, nonce, ciphertext, GCM tag
    assert crypto.decrypt(blob, tenant_id=7) == NUMBER
    assert NUMBER.encode() not in blob and b"19491231" not in blob


def test_a_lower_case_x_is_stored_upper_case(app):
    assert crypto.decrypt(crypto.encrypt(NUMBER.lower(), 1), 1) == NUMBER


def test_every_encryption_uses_a_fresh_nonce(app):
    blobs = {crypto.encrypt(NUMBER, 1) for _ in range(50)}
    assert len(blobs) == 50
    assert len({blob[1:13] for blob in blobs}) == 50


def test_a_ciphertext_is_bound_to_its_tenant(app):
    blob = crypto.encrypt(NUMBER, tenant_id=1)
    with pytest.raises(crypto.IdKeyError) as raised:
        crypto.decrypt(blob, tenant_id=2)
    assert NUMBER not in str(raised.value)


def test_tampering_is_detected(app):
    blob = bytearray(crypto.encrypt(NUMBER, 1))
    blob[20] ^= 1
    with pytest.raises(crypto.IdKeyError):
        crypto.decrypt(bytes(blob), 1)
    with pytest.raises(crypto.IdKeyError):
        crypto.decrypt(b"\x01abc", 1)


def test_the_lookup_hash_is_keyed_not_a_plain_hash(app):
    digest = crypto.lookup_hash(NUMBER)
    assert len(digest) == 64 and digest == crypto.lookup_hash(NUMBER.lower())
    assert digest != hashlib.sha256(NUMBER.encode()).hexdigest()
    assert digest != crypto.lookup_hash(EXAMPLES[1])
    app.config["ID_NUMBER_KEY"] = OTHER_KEY
    assert crypto.lookup_hash(NUMBER) != digest


def test_the_two_keys_are_distinct_derivations(app):
    secret = app.config["ID_NUMBER_KEY"]
    enc, look = crypto.derive(secret, crypto.ENCRYPTION_INFO), crypto.derive(secret, crypto.LOOKUP_INFO)
    assert len(enc) == len(look) == 32 and enc != look
    assert secret.encode() not in (enc, look)


def test_a_rotated_key_still_reads_old_values(app):
    old_secret = app.config["ID_NUMBER_KEY"]
    old_blob, old_hash = crypto.encrypt(NUMBER, 1), crypto.lookup_hash(NUMBER)
    app.config.update(ID_NUMBER_KEY=OTHER_KEY, ID_NUMBER_KEY_VERSION=2, ID_NUMBER_OLD_KEYS={1: old_secret})
    new_blob = crypto.encrypt(NUMBER, 1)
    assert new_blob[0] == 2 and crypto.key_version_of(old_blob) == 1
    assert crypto.decrypt(old_blob, 1) == crypto.decrypt(new_blob, 1) == NUMBER
    assert crypto.lookup_hashes(NUMBER) == [crypto.lookup_hash(NUMBER), old_hash]
    app.config["ID_NUMBER_OLD_KEYS"] = {}
    with pytest.raises(crypto.IdKeyError, match="key version 1"):
        crypto.decrypt(old_blob, 1)


def test_old_keys_from_the_environment_form():
    assert crypto.parse_old_keys("1:abc, 3:def") == {1: "abc", 3: "def"}
    assert crypto.parse_old_keys("") == {} and crypto.parse_old_keys({"2": "x"}) == {2: "x"}


def test_a_short_key_fails_at_start(app):
    from grassroots.app import create_app
    from grassroots.config import ConfigError

    keep = {k: app.config[k] for k in ("SECRET_KEY", "INSTANCE_PATH", "SQLALCHEMY_DATABASE_URI")}
    with pytest.raises(ConfigError, match="ID_NUMBER_KEY"):
        create_app({"TESTING": True, **keep, "ID_NUMBER_KEY": "short"})
    with pytest.raises(ConfigError, match="ID_NUMBER_KEY_VERSION"):
        create_app({"TESTING": True, **keep, "ID_NUMBER_KEY": OTHER_KEY, "ID_NUMBER_KEY_VERSION": "0"})
