"""Fixtures of the policy engine tests: the small valid pack of helpers.py, fresh or compiled."""

from __future__ import annotations

import pytest

from grassroots.policy import compile_pack
from tests.policy.helpers import make_pack


@pytest.fixture
def pack() -> dict:
    """A fresh copy of the fixture pack, to break."""
    return make_pack()


@pytest.fixture(scope="session")
def compiled():
    return compile_pack(make_pack())
