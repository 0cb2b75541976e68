"""Compiling a pack once per version: merged, checked (schema + semantics), then turned into closures.

Compiled packs are cached by the content hash of the merged pack, so the API can hand the same published
version to `evaluate` a thousand times and pay for compilation once.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from .errors import PackError, PackInvalidError, error
from .facts import Vocabulary, load_vocabulary
from .inputs import InputReader
from .loader import Resolver, file_resolver, resolve_extends
from .merge import own
from .program import CompiledProgram
from .schema_check import schema_errors
from .semantics import semantic_errors

_CACHE_SIZE = 64
_cache: OrderedDict[tuple[str, int], CompiledPack] = OrderedDict()
_lock = Lock()


@dataclass(frozen=True)
class CompiledPack:
    """A merged, checked pack with its programs compiled; `content_hash` identifies the version's content."""

    pack: dict
    content_hash: str
    programs: dict[str, CompiledProgram]
    reader: InputReader

    @property
    def currency(self) -> str:
        return self.pack["jurisdiction"]["currency"]


def content_hash(pack: dict) -> str:
    """SHA-256 of the canonical JSON of a (merged) pack."""
    canonical = json.dumps(pack, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def merged_pack(doc: object, resolve: Resolver) -> tuple[dict, list[PackError]]:
    """A pack document with its `extends` chain merged in (or as is, without one)."""
    if not isinstance(doc, dict):
        return {}, [error("", "schema", "政策包应为 JSON 对象", "a pack must be a JSON object")]
    if isinstance(doc.get("extends"), str):
        merged, _ = resolve_extends(doc, resolve)
        return merged.pack, merged.errors
    return own(doc).pack, []


def _build(pack: dict, digest: str, vocabulary: Vocabulary) -> CompiledPack:
    grades = {g["id"]: g["passes"] for g in pack.get("vocabulary", {}).get("grades", [])}
    area_tags = frozenset(t["id"] for t in pack.get("vocabulary", {}).get("area_tags", []))
    offices = {o["id"]: o for o in pack.get("vocabulary", {}).get("offices", [])}
    reader = InputReader(vocabulary, grades, area_tags)
    programs = {
        p["id"]: CompiledProgram(p, f"/programs/{n}", pack, reader, offices) for n, p in enumerate(pack.get("programs", []))
    }
    return CompiledPack(pack, digest, programs, reader)


def compile_pack(pack: dict | CompiledPack, *, packs_dir: Path | None = None, resolve: Resolver | None = None,
                 check: bool = True, vocabulary: Vocabulary | None = None) -> CompiledPack:
    """The compiled form of `pack` (a document, extends resolved via `resolve` or `packs_dir`).

    Raises PackInvalidError with the checker's errors when the pack does not pass the schema and semantic
    checks (its worked examples are not run here; check_pack runs them).
    """
    if isinstance(pack, CompiledPack):
        return pack
    vocabulary = vocabulary or load_vocabulary()
    merged, errors = merged_pack(pack, resolve or file_resolver(packs_dir))
    if errors:
        raise PackInvalidError(errors)
    digest = content_hash(merged)
    key = (digest, id(vocabulary))
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    if check:
        errors = schema_errors(merged) or semantic_errors(merged, vocabulary)
        if errors:
            raise PackInvalidError(errors)
    # A private copy: the caller may go on editing its document; the cached version must not change.
    compiled = _build(json.loads(json.dumps(merged, ensure_ascii=False, default=str)), digest, vocabulary)
    with _lock:
        _cache[key] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled
