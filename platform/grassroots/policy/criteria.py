"""Compiling a criteria tree (the rule language) into Python closures, once per pack version.

Each node gives two callables over a row (see slots.py): `fast(row)` for the batch path (short-circuits,
builds nothing) and `traced(row, out)`, which evaluates every leaf and appends its reason, so "why not?"
always has an answer. Leaves answer True/False; attested leaves may be None (pending), and the groups
above them then use three-valued logic (all: False beats None beats True; any: True beats None).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .coercion import quick_reader
from .dates import anniversary, parse_date
from .errors import join
from .facts import Fact, Vocabulary
from .slots import AS_OF, CASE, PERSON, PLACEMENT, UNSET, Slots, get

Row = list
Fast = Callable[[Row], "bool | None"]
# A node's trace: (result, rule id of a leaf, kind: leaf|all|any|not, child traces).
Trace = tuple
Traced = Callable[[Row, list], Trace]

_CMP = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}


@dataclass(frozen=True, slots=True)
class Compiled:
    fast: Fast
    traced: Traced
    three_valued: bool  # contains an attested leaf, so may answer None


def normalize(fact: Fact, value: Any) -> Any:
    """A criterion value in the form the row holds it: ranks for ordinals, dates, Decimals."""
    if fact.type == "ordinal":
        return fact.rank(value)
    if fact.type == "date":
        return parse_date(value)
    if fact.type == "decimal":
        return Decimal(str(value))
    return value


def _reason(rule: str, passed: bool | None, cite: Mapping, message: Mapping) -> dict:
    return {"rule": rule, "passed": passed, "cite": dict(cite), "message": dict(message)}


# Leaf factories, generated once per op: the body reads the slot, filling it on first use in a batch row
# (inline for a fact read straight from the input, through `loads[i]` for derived facts), fails on a
# missing fact (None) and compares with the constant `k` inline. No pack text enters these templates.
_LEAF_SOURCE = """
def make_base(i, k, loads, section, key, coerce, quick):
    def leaf(row):
        v = row[i]
        if v is UNSET:
            raw = row[section].get(key)
            if raw is None:
                v = None
            else:
                {read}
            row[i] = v
        return v is not None and {test}
    return leaf

def make_loaded(i, k, loads):
    def leaf(row):
        v = row[i]
        if v is UNSET:
            v = loads[i](row)
        return v is not None and {test}
    return leaf
"""
# Reading a raw value the quick way (see coercion.quick_reader); anything else goes to the coercer.
_READS = {
    "map": "v = quick.get(raw)\n                if v is None:\n                    v = coerce(raw)",
    "bool": "v = raw if raw is True or raw is False else coerce(raw)",
    "set": "v = raw if type(raw) is list and quick.issuperset(raw) else coerce(raw)",
    "call": "v = coerce(raw)",
}
_TESTS = {"eq": "v == k", "ne": "v != k", "lt": "v < k", "lte": "v <= k", "gt": "v > k", "gte": "v >= k",
          "in": "v in k", "contains": "k in v"}

# Groups of two-valued parts as one expression (`a(row) and b(row) and ...`), up to this many parts.
_GROUP_SOURCE = """
def make(parts):
    {names}, = parts
    return lambda row: {body}
"""
_MAX_INLINE = 12


def _generate(source: str) -> dict:
    namespace: dict[str, Any] = {"UNSET": UNSET}
    exec(source, namespace)  # fixed templates above; no pack text reaches them
    return namespace


_LEAVES = {(op, how): _generate(_LEAF_SOURCE.format(test=test, read=read)) for op, test in _TESTS.items() for how, read in _READS.items()}
_GROUPS = {
    (n, joiner): _generate(_GROUP_SOURCE.format(
        names=", ".join(f"p{j}" for j in range(n)), body=f" {joiner} ".join(f"p{j}(row)" for j in range(n))))["make"]
    for n in range(2, _MAX_INLINE + 1) for joiner in ("and", "or")
}
_SECTIONS = {"person": PERSON, "placement": PLACEMENT, "assessments": CASE}


def _relative_date_test(i: int, op: str, years: int, loads: list) -> Fast:
    """A date fact compared with the date `years` before as_of."""
    cmp = _CMP[op]

    def leaf(row: Row) -> bool:
        v = get(row, i, loads)
        return v is not None and cmp(v, anniversary(get(row, AS_OF, loads), -years))
    return leaf


class CriteriaCompiler:
    """Compiles the criteria of one program; allocates the row slots its leaves read."""

    def __init__(self, vocabulary: Vocabulary, slots: Slots, offices: Mapping[str, Mapping],
                 coercers: Mapping[str, Callable], area_tags: frozenset[str]):
        self.vocabulary = vocabulary
        self.area_tags = area_tags
        self.slots = slots
        self.offices = offices
        self.coercers = coercers

    def compile(self, node: dict, path: str) -> Compiled:
        if "all" in node:
            return self._group([self.compile(c, join(path, "all", n)) for n, c in enumerate(node["all"])], all_=True)
        if "any" in node:
            return self._group([self.compile(c, join(path, "any", n)) for n, c in enumerate(node["any"])], all_=False)
        if "not" in node:
            return self._not(self.compile(node["not"], join(path, "not")))
        if node.get("op") == "attested":
            return self._attested(node, path)
        return self._leaf(node, path)

    def _leaf(self, node: dict, path: str) -> Compiled:
        fact = self.vocabulary.facts[node["fact"]]
        i, loads = self.slots.fact(fact.name), self.slots.loads
        op, value = node["op"], node["value"]
        if fact.type == "date" and isinstance(value, dict):
            fast = _relative_date_test(i, op, value["years_before_as_of"], loads)
        else:
            k = frozenset(normalize(fact, v) for v in value) if op == "in" else normalize(fact, value)
            if fact.source == "derived":
                fast = _LEAVES[(op, "call")]["make_loaded"](i, k, loads)
            else:
                how, quick = quick_reader(fact, self.area_tags)
                fast = _LEAVES[(op, how)]["make_base"](i, k, loads, _SECTIONS[fact.section], fact.key, self.coercers[fact.name], quick)
        rule, cite, message = node.get("id") or path, node["cite"], node["message"]
        missing = {"zh": f"{message['zh']}（未提供：{fact.label['zh']}）", "en": f"{message['en']} (not provided: {fact.label['en']})"}

        def traced(row: Row, out: list) -> Trace:
            if get(row, i, loads) is None:
                out.append(_reason(rule, False, cite, missing))
                return False, rule, "leaf", ()
            result = fast(row)
            out.append(_reason(rule, result, cite, message))
            return result, rule, "leaf", ()
        return Compiled(fast, traced, False)

    def _attested(self, node: dict, path: str) -> Compiled:
        i, loads = self.slots.attestation(node["attest"]), self.slots.loads
        rule, cite, message = node.get("id") or path, node["cite"], node["message"]
        office = self.offices.get(node["office"], {}).get("name") or {"zh": node["office"], "en": node["office"]}
        pending = {"zh": f"{message['zh']}（待{office['zh']}认定）", "en": f"{message['en']} (awaiting attestation by {office['en']})"}

        def fast(row: Row) -> bool | None:
            return get(row, i, loads)

        def traced(row: Row, out: list) -> Trace:
            result = get(row, i, loads)
            out.append(_reason(rule, result, cite, pending if result is None else message))
            return result, rule, "leaf", ()
        return Compiled(fast, traced, True)

    @staticmethod
    def _group(parts: list[Compiled], all_: bool) -> Compiled:
        fasts = tuple(p.fast for p in parts)
        traceds = tuple(p.traced for p in parts)
        three = any(p.three_valued for p in parts)
        stop, keep = (False, True) if all_ else (True, False)  # the value that decides, and the neutral one
        kind = "all" if all_ else "any"

        def traced(row: Row, out: list) -> Trace:
            children = tuple(t(row, out) for t in traceds)  # every leaf, no short-circuit: the trace lists them all
            result: bool | None = keep
            for child in children:
                if child[0] is stop:
                    result = stop
                elif child[0] is None and result is keep:
                    result = None
            return result, None, kind, children

        if three:
            def fast(row: Row) -> bool | None:
                result: bool | None = keep
                for f in fasts:
                    r = f(row)
                    if r is stop:
                        return stop
                    if r is None:
                        result = None
                return result
        elif len(fasts) == 1:
            fast = fasts[0]
        elif len(fasts) <= _MAX_INLINE:
            fast = _GROUPS[(len(fasts), "and" if all_ else "or")](fasts)
        elif all_:
            def fast(row: Row) -> bool:
                for f in fasts:
                    if not f(row):
                        return False
                return True
        else:
            def fast(row: Row) -> bool:
                for f in fasts:
                    if f(row):
                        return True
                return False
        return Compiled(fast, traced, three)

    @staticmethod
    def _not(inner: Compiled) -> Compiled:
        f, t = inner.fast, inner.traced

        def negate(r: bool | None) -> bool | None:
            return None if r is None else not r

        def traced(row: Row, out: list) -> Trace:
            child = t(row, out)
            return negate(child[0]), None, "not", (child,)

        if inner.three_valued:
            return Compiled(lambda row: negate(f(row)), traced, True)
        return Compiled(lambda row: not f(row), traced, False)


def blamed(trace: Trace, target: bool = False) -> list[str]:
    """Rule ids of the leaves that make `trace` come out `target` (False: why not eligible).

    A failing alternative of an `any` that holds is not to blame; under `not`, a leaf that holds is.
    """
    out: list[str] = []

    def walk(node: Trace, want: bool) -> None:
        result, rule, kind, children = node
        if result is not want:
            return
        if kind == "leaf":
            if rule not in out:
                out.append(rule)
        elif kind == "not":
            walk(children[0], not want)
        else:
            for child in children:
                walk(child, want)
    walk(trace, target)
    return out
