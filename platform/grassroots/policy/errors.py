"""One error shape for every problem in a pack or an evaluation input.

A policy author, the API (422) and the CLI all see the same `{path, code, message: {zh, en}}`, where `path`
is a JSON pointer into the document the user wrote, so an editor can put the error next to its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PackError:
    """One problem: where (JSON pointer), what kind (short snake_case code) and why, in Chinese and English."""

    path: str
    code: str
    message: dict[str, str]

    def to_dict(self) -> dict:
        return {"path": self.path, "code": self.code, "message": dict(self.message)}

    def __str__(self) -> str:
        return f"{self.path or '/'} [{self.code}] {self.message.get('en', '')}"


def error(path: str, code: str, zh: str, en: str) -> PackError:
    return PackError(path, code, {"zh": zh, "en": en})


def escape(token: object) -> str:
    """One JSON pointer reference token (RFC 6901): `~` → `~0`, `/` → `~1`."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: object) -> str:
    """`pointer("programs", 0, "id")` → `/programs/0/id`; no tokens → `""` (the whole document)."""
    return "".join("/" + escape(t) for t in tokens)


def join(base: str, *tokens: object) -> str:
    return base + pointer(*tokens)


def unique(errors: Iterable[PackError]) -> list[PackError]:
    """Drop repeats (the same path, code and English message), keeping the first order."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for e in errors:
        key = (e.path, e.code, e.message.get("en", ""))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


class EvaluationInputError(ValueError):
    """The facts given to an evaluation are malformed; `errors` say where (the API answers 422 with them)."""

    def __init__(self, errors: list[PackError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


class PackInvalidError(ValueError):
    """A pack could not be compiled because it does not pass the checker; `errors` are the checker's."""

    def __init__(self, errors: list[PackError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors
