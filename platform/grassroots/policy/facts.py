"""The fact vocabulary (policy_packs/schema/facts.json): the stable names criteria and inputs may use.

Packs are checked against it and inputs are coerced by it, so a fact means the same in every jurisdiction.
The file lives beside the pack schema; GRASSROOTS_PACKS_DIR points elsewhere (tests, deployments).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# platform/grassroots/policy/facts.py → the repository root is three folders up.
_REPO_ROOT = Path(__file__).resolve().parents[3]


def packs_dir() -> Path:
    """Where packs live: $GRASSROOTS_PACKS_DIR, else the repository's policy_packs/."""
    env = os.environ.get("GRASSROOTS_PACKS_DIR")
    return Path(env) if env else _REPO_ROOT / "policy_packs"


def schema_dir() -> Path:
    """Where pack.schema.json and facts.json live: <packs dir>/schema, else the repository's copy."""
    candidate = packs_dir() / "schema"
    if (candidate / "facts.json").is_file():
        return candidate
    return _REPO_ROOT / "policy_packs" / "schema"


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact: its type, allowed values (enum, ordinal, set), source and, if derived, what from."""

    name: str
    type: str
    source: str
    label: dict[str, str]
    values: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def section(self) -> str:
        """`person`, `placement`, or `assessments` (a top-level list of the input)."""
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str:
        """The key in the input section: `person.title_level` → `title_level`."""
        return self.name.split(".", 1)[-1]

    def rank(self, value: str) -> int:
        """Position of an ordinal value (the order criteria compare by)."""
        return self.values.index(value)


@dataclass(frozen=True)
class Vocabulary:
    facts: dict[str, Fact]

    def get(self, name: object) -> Fact | None:
        return self.facts.get(name) if isinstance(name, str) else None

    def application_sources(self, name: str) -> tuple[str, ...]:
        """The application facts a fact rests on: itself, or for a derived fact its application sources."""
        fact = self.facts.get(name)
        if fact is None:
            return ()
        if fact.source == "application":
            return (name,)
        if fact.source == "derived":
            return tuple(s for s in fact.derived_from if self.facts[s].source == "application")
        return ()


def _fact(name: str, spec: dict) -> Fact:
    return Fact(
        name=name,
        type=spec["type"],
        source=spec["source"],
        label=dict(spec.get("label") or {"zh": name, "en": name}),
        values=tuple(spec.get("values") or ()),
        derived_from=tuple(spec.get("derived_from") or ()),
        fields=dict(spec.get("fields") or {}),
    )


@lru_cache(maxsize=4)
def _load(path: str) -> Vocabulary:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return Vocabulary({name: _fact(name, spec) for name, spec in data["facts"].items()})


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The fact vocabulary, read once per file."""
    return _load(str(path or schema_dir() / "facts.json"))
