"""Numeric expressions of outcomes (EXPR), e.g. each 2 full years = 1 year earlier, at most 2:
`{"min": [{"floordiv": [{"fact": "placement.full_years"}, 2]}, 2]}`.

Compiled into closures over the row; a missing fact (or a division by zero) makes the whole value None,
and the outcome item is then left out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import reduce
from typing import Any

from .facts import Vocabulary
from .slots import Slots, get

Expr = Callable[[list], "int | Decimal | None"]

NUMERIC_TYPES = ("integer", "decimal")


def expr_type(expr: Any, vocabulary: Vocabulary) -> str | None:
    """'integer' or 'decimal' for a well-formed expression (checked beforehand), None otherwise."""
    if isinstance(expr, bool):
        return None
    if isinstance(expr, int):
        return "integer"
    if isinstance(expr, float):
        return "decimal"
    if not isinstance(expr, dict) or len(expr) != 1:
        return None
    (op, arg), = expr.items()
    if op == "fact":
        fact = vocabulary.get(arg)
        return fact.type if fact is not None and fact.type in NUMERIC_TYPES else None
    if not isinstance(arg, list) or not arg:
        return None
    types = [expr_type(a, vocabulary) for a in arg]
    if None in types:
        return None
    if op == "floordiv":
        return "integer"
    return "decimal" if "decimal" in types else "integer"


def _fold(parts: list[Expr], combine: Callable) -> Expr:
    def value(row: list):
        values = [p(row) for p in parts]
        return None if None in values else combine(values)
    return value


def _floordiv(values: list):
    a, b = values
    if b == 0:
        return None
    return int(a // b)


def compile_expr(expr: Any, slots: Slots) -> Expr:
    """The closure computing `expr` over a row."""
    if isinstance(expr, int):
        return lambda row: expr
    if isinstance(expr, float):
        constant = Decimal(str(expr))
        return lambda row: constant
    (op, arg), = expr.items()
    if op == "fact":
        i, loads = slots.fact(arg), slots.loads
        return lambda row: get(row, i, loads)
    parts = [compile_expr(a, slots) for a in arg]
    if op == "add":
        return _fold(parts, sum)
    if op == "mul":
        return _fold(parts, lambda vs: reduce(lambda x, y: x * y, vs))
    if op == "sub":
        return _fold(parts, lambda vs: vs[0] - vs[1])
    if op == "floordiv":
        return _fold(parts, _floordiv)
    if op == "min":
        return _fold(parts, min)
    return _fold(parts, max)
