"""Money at the subsidy module's edges: integer fen inside, yuan strings ("10000.00") and Decimals outside.

Floats never carry an amount: these helpers refuse anything but an int (a bool is not an amount either),
so a float that slipped in fails loudly instead of rounding a yuan away.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from grassroots.policy.money import fen_to_str, from_fen


def _fen(value: object) -> int:
    if type(value) is not int:
        raise TypeError(f"an amount in fen is an int, not {type(value).__name__}")
    return value


def yuan(fen: object) -> str:
    """12345 → "123.45"."""
    return fen_to_str(_fen(fen))


def yuan_decimal(fen: object) -> Decimal:
    """12345 → Decimal("123.45"), for exports that want a number without a float."""
    return from_fen(_fen(fen))


def total_fen(amounts: Iterable[object]) -> int:
    """The exact sum of fen amounts."""
    return sum((_fen(a) for a in amounts), 0)
