"""Money as the texts and the books need it: yuan strings in packs and APIs, integer fen in the database.

Floats never touch an amount: "10000.00" parses to Decimal, a JSON number is refused, and sums are kept in
integer fen so that adding up a province's roster is exact.
"""

from __future__ import annotations

import re
from decimal import Decimal

MONEY_PATTERN = r"^\d+(\.\d{1,2})?$"
_MONEY = re.compile(r"\d+(\.\d{1,2})?")
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


class MoneyError(ValueError):
    """Not an amount: a float, a negative, more than two decimals, or not a decimal string at all."""


def parse_money(value: object) -> Decimal:
    """`"10000.00"` or `"10000"` → Decimal('10000.00'); anything else (floats and ints included) → MoneyError."""
    if type(value) is not str:
        raise MoneyError(f"an amount is a string such as \"10000.00\", not {type(value).__name__}")
    if not value.isascii() or not _MONEY.fullmatch(value):
        raise MoneyError(f"{value!r} is not a non-negative amount with at most 2 decimals")
    return Decimal(value).quantize(_CENT)


def is_money(value: object) -> bool:
    return type(value) is str and value.isascii() and _MONEY.fullmatch(value) is not None


def format_money(amount: Decimal) -> str:
    """Decimal('20000') → "20000.00" (two decimals, no grouping, no currency sign)."""
    return str(amount.quantize(_CENT))


def to_fen(amount: Decimal) -> int:
    """Yuan → integer fen; refuses amounts finer than a fen rather than rounding money away."""
    fen = amount * _HUNDRED
    if fen != fen.to_integral_value():
        raise MoneyError(f"{amount} has more than 2 decimals")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / _HUNDRED).quantize(_CENT)


def fen_to_str(fen: int) -> str:
    """Integer fen → yuan string, without going through Decimal (the batch path formats many of these)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
