"""Eligibility at a stage of a case: which rules are decided yet, and whether one already refuses it.

The engine answers for the facts it is given; a rule on a fact nobody can know yet (the service unit's
type before matching, the talent office's recognition before the dispatch is recognised) fails there as
"not provided". At a stage, such a rule is *open* instead: a leaf whose fact is absent and is not one the
applicant supplies (facts.json `source` other than `application`) counts as unknown, and the criteria
tree is combined again in three-valued logic (all: False beats None beats True; any: True beats None).

- False: a decided rule refuses the case now (the applicant's own facts fail 第二条, say) → refuse, with
  exactly the rules to blame and their cites.
- None: nothing refuses it yet; the open rules are listed, to be decided later (matching, recognition).
- True: every rule holds.
Pure: no database, no Flask. The engine's answer is kept as is in the decision record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from grassroots.policy.facts import Vocabulary, load_vocabulary

VERDICTS = {True: "eligible", False: "ineligible", None: "undecided"}


@dataclass(frozen=True)
class StageVerdict:
    result: bool | None
    blocking: list[dict] = field(default_factory=list)  # reasons of decided rules that refuse the case
    open: list[dict] = field(default_factory=list)  # reasons of rules not decidable yet

    @property
    def verdict(self) -> str:
        return VERDICTS[self.result]


def _leaves(node: Any) -> Iterator[dict]:
    """The leaves in the order the engine traces them (every child of a group, left to right)."""
    if not isinstance(node, dict):
        return
    for group in ("all", "any"):
        if group in node:
            for child in node[group] or []:
                yield from _leaves(child)
            return
    if "not" in node:
        yield from _leaves(node["not"])
        return
    yield node


def _present(name: str, given: Mapping, vocabulary: Vocabulary) -> bool:
    fact = vocabulary.get(name)
    if fact is None:
        return False
    if fact.source == "derived":
        return any(_present(s, given, vocabulary) for s in fact.derived_from)
    if fact.section == "assessments":
        return given.get("assessments") is not None
    section = given.get(fact.section)
    return isinstance(section, Mapping) and section.get(fact.key) is not None


def _supplied_by_applicant(name: str, vocabulary: Vocabulary) -> bool:
    fact = vocabulary.get(name)
    if fact is None:
        return False
    return fact.source == "application" or bool(vocabulary.application_sources(name))


def _leaf_value(leaf: dict, reason: dict, given: Mapping, vocabulary: Vocabulary) -> bool | None:
    if leaf.get("op") == "attested":
        return reason.get("passed")
    name = leaf.get("fact", "")
    if not _present(name, given, vocabulary) and not _supplied_by_applicant(name, vocabulary):
        return None
    return reason.get("passed")


@dataclass(frozen=True)
class _Node:
    result: bool | None
    if_false: list  # the decided leaves to blame when the node is False
    if_true: list  # ... and when it is True (a `not` turns one into the other)


def _evaluate(node: dict, values: Iterator[tuple[dict, bool | None, dict]]) -> _Node:
    """The tree over the leaf values in trace order, with the leaves to blame (as the engine's `blamed`)."""
    for group, stop, keep in (("all", False, True), ("any", True, False)):
        if group in node:
            children = [_evaluate(child, values) for child in node[group] or []]
            result: bool | None = keep
            for child in children:
                if child.result is stop:
                    result = stop
                    break
                if child.result is None:
                    result = None
            if group == "all":
                return _Node(result, [r for c in children if c.result is False for r in c.if_false],
                             [r for c in children for r in c.if_true])
            return _Node(result, [r for c in children for r in c.if_false],
                         [r for c in children if c.result is True for r in c.if_true])
    if "not" in node:
        inner = _evaluate(node["not"], values)
        return _Node(None if inner.result is None else not inner.result, inner.if_true, inner.if_false)
    _leaf, value, reason = next(values)
    return _Node(value, [reason] if value is False else [], [reason] if value is True else [])


def stage_verdict(program: dict, answer: Mapping, given: Mapping, vocabulary: Vocabulary | None = None) -> StageVerdict:
    """The verdict of `answer` (the engine's, for input `given`) at this stage of the case."""
    vocabulary = vocabulary or load_vocabulary()
    tree = program.get("eligibility") or {}
    leaves = list(_leaves(tree))
    reasons = list(answer.get("reasons") or [])
    if len(leaves) != len(reasons):  # not the tree the answer traced: trust the engine's answer alone
        result = answer.get("eligible")
        failing = [r for r in reasons if r.get("passed") is False and r.get("rule") in (answer.get("failed_rules") or [])]
        return StageVerdict(result, failing if result is False else [], [])
    triples = [(leaf, _leaf_value(leaf, reason, given, vocabulary), reason) for leaf, reason in zip(leaves, reasons, strict=True)]
    node = _evaluate(tree, iter(triples))
    result, blocking = node.result, node.if_false
    opened = [reason for leaf, value, reason in triples if value is None and reason.get("passed") is not True
              and leaf.get("op") != "attested"]
    pending = [reason for leaf, value, reason in triples if leaf.get("op") == "attested" and value is None]
    return StageVerdict(result, blocking if result is False else [], opened + pending)
