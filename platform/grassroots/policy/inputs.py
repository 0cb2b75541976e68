"""Validating an evaluation input as a whole: every error at once, each at its JSON pointer.

Input: `{"as_of", "person": {...}, "placement": {...}, "assessments": [...], "attestations": {...}}`, where
person/placement keys are fact names without their prefix. A derived fact (age, full years) is computed; a
caller that only knows the derived figure may give it instead of its sources, never beside different ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .coercion import Coercer, Invalid, make_coercer
from .dates import china_today, parse_date
from .derived import DERIVED
from .errors import EvaluationInputError, PackError, error, pointer
from .facts import Fact, Vocabulary

SECTIONS = ("person", "placement")
TOP_KEYS = frozenset({"as_of", "person", "placement", "assessments", "attestations"})


@dataclass(slots=True)
class Facts:
    """A validated input: coerced fact values by full name (absent facts are missing), as_of, attestations."""

    as_of: date
    values: dict[str, Any]
    attestations: dict[str, bool]


class InputReader:
    """Coerces inputs for one pack (its grades and area tags); built once per compiled pack."""

    def __init__(self, vocabulary: Vocabulary, grades: Mapping[str, bool], area_tags: frozenset[str]):
        self.vocabulary = vocabulary
        self.grades = dict(grades)
        self.area_tags = area_tags
        self.coercers: dict[str, Coercer] = {
            name: make_coercer(fact, grades, area_tags) for name, fact in vocabulary.facts.items()
        }
        self.as_of_coercer = make_coercer(Fact("as_of", "date", "input", {"zh": "评估日期", "en": "as_of"}), grades, area_tags)

    def read(self, data: Any, today: date | None = None) -> Facts:
        """The coerced facts of `data`, or EvaluationInputError listing every problem."""
        errors: list[PackError] = []
        if not isinstance(data, dict):
            raise EvaluationInputError([error("", "type_mismatch", "评估输入应为 JSON 对象", "the evaluation input must be a JSON object")])
        for key in data:
            if key not in TOP_KEYS:
                errors.append(error(pointer(key), "unknown_key", f"未知的输入项 {key!r}",
                                    f"unknown input key {key!r}; expected {', '.join(sorted(TOP_KEYS))}"))
        as_of = self._as_of(data, today, errors)
        values: dict[str, Any] = {}
        for section in SECTIONS:
            self._section(data, section, values, errors)
        if data.get("assessments") is not None:
            self._coerce("assessments", data["assessments"], ("assessments",), values, errors)
        attestations = self._attestations(data.get("attestations"), errors)
        self._derive(values, as_of, errors)
        if errors:
            raise EvaluationInputError(errors)
        return Facts(as_of, values, attestations)

    def _as_of(self, data: dict, today: date | None, errors: list[PackError]) -> date:
        raw = data.get("as_of")
        if raw is None:
            return today or china_today()
        value = parse_date(raw)
        if value is None:
            errors.append(error("/as_of", "bad_date", "评估日期应为 1900–2199 年间的日期 YYYY-MM-DD",
                                "as_of must be a date YYYY-MM-DD between 1900 and 2199"))
            return today or china_today()
        return value

    def _section(self, data: dict, section: str, values: dict, errors: list[PackError]) -> None:
        raw = data.get(section)
        if raw is None:
            return
        if not isinstance(raw, dict):
            errors.append(error(pointer(section), "type_mismatch", f"{section} 应为对象", f"{section} must be an object"))
            return
        for key, value in raw.items():
            name = f"{section}.{key}"
            if name not in self.coercers:
                errors.append(error(pointer(section, key), "unknown_fact", f"未知的事实 {name}",
                                    f"{name} is not a fact of the vocabulary (policy_packs/schema/facts.json)"))
            elif value is not None:
                self._coerce(name, value, (section, key), values, errors)

    def _coerce(self, name: str, raw: Any, where: tuple, values: dict, errors: list[PackError]) -> None:
        try:
            values[name] = self.coercers[name](raw)
        except Invalid as exc:
            errors.append(error(pointer(*where, *exc.where), exc.code, exc.zh, exc.en))

    def _attestations(self, raw: Any, errors: list[PackError]) -> dict[str, bool]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            errors.append(error("/attestations", "type_mismatch", "attestations 应为对象（认定项 → true/false）",
                                "attestations must be an object (attestation id → true/false)"))
            return {}
        out = {}
        for key, value in raw.items():
            if value is True or value is False:
                out[key] = value
            elif value is not None:
                errors.append(error(pointer("attestations", key), "type_mismatch", "认定结果应为 true、false 或 null（待认定）",
                                    "an attestation is true, false or null (pending)"))
        return out

    def _derive(self, values: dict, as_of: date, errors: list[PackError]) -> None:
        for name, (sources, compute) in DERIVED.items():
            if not any(s in values for s in sources):
                continue  # a directly given derived value (or none) stands
            computed = compute(*(values.get(s) for s in sources), as_of)
            given = values.get(name)
            if given is not None and computed is not None and given != computed:
                section, key = name.split(".", 1)
                errors.append(error(pointer(section, key), "derived_conflict",
                                    f"{name} 由 {', '.join(sources)} 计算得 {computed}，与所给的 {given} 不符",
                                    f"{name} computes to {computed} from {', '.join(sources)}, not the {given} given"))
            if computed is not None:
                values[name] = computed
