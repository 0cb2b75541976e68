"""Kind-specific results of an eligible case (pack-format.md § OUTCOME), under stable keys.

Items with the same key combine: integers by max (the most favourable applicable rule), lists by union,
funding items are listed, `exceptional` by or. An item whose `when` does not hold, or whose expression reads
a missing fact, contributes nothing; every key the program declares is present, with its neutral value
(0, [], false) when nothing applies, so "not exceptional" reads as `false` rather than as a missing key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .criteria import CriteriaCompiler, Fast
from .errors import join
from .expressions import compile_expr
from .money import format_money, parse_money
from .slots import Slots
from .spec import OUTCOME_COMBINE


@dataclass(frozen=True, slots=True)
class CompiledOutcome:
    key: str
    when: Fast | None
    value: Callable[[list], Any]
    cite: dict


def _integer(value: Any) -> Any:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def compile_outcome(spec: dict, path: str, criteria: CriteriaCompiler, slots: Slots) -> CompiledOutcome:
    key, raw = spec["key"], spec["value"]
    when = criteria.compile(spec["when"], join(path, "when")).fast if "when" in spec else None
    mode = OUTCOME_COMBINE[key]
    if mode == "max":
        expr = compile_expr(raw, slots)

        def value(row: list) -> Any:
            return _integer(expr(row))
    elif mode == "list":
        item = {"payee": raw["payee"], "payer": raw["payer"], "amount": format_money(parse_money(raw["amount"]))}

        def value(row: list) -> Any:
            return item
    else:
        def value(row: list) -> Any:
            return raw
    return CompiledOutcome(key, when, value, spec["cite"])


NEUTRAL: dict[str, Any] = {"max": 0, "union": [], "list": [], "or": False}


def neutral(key: str) -> Any:
    """The value of an outcome key when no item applies."""
    value = NEUTRAL[OUTCOME_COMBINE[key]]
    return list(value) if isinstance(value, list) else value


def combine(items: tuple[CompiledOutcome, ...], row: list) -> dict:
    """The outcomes object of one eligible case."""
    out: dict[str, Any] = {item.key: neutral(item.key) for item in items}
    for item in items:
        if item.when is not None and item.when(row) is not True:
            continue
        value = item.value(row)
        if value is None:
            continue
        key, mode = item.key, OUTCOME_COMBINE[item.key]
        if mode == "max":
            out[key] = max(out[key], value)
        elif mode == "union":
            out[key].extend(v for v in value if v not in out[key])
        elif mode == "list":
            out[key].append({**value, "cite": dict(item.cite)})
        else:
            out[key] = bool(out[key] or value)
    return out
