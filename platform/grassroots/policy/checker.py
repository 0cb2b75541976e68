"""Checking a pack: every error at once, as `{path, code, message}`, and never an exception.

1. JSON Schema; 2. `extends` resolved and merged (missing parents, cycles, locks, kinds); 3. semantics on
the merged pack, each error mapped back to the pointer in the document being checked (an error inside an
inherited item is reported at /extends, naming the parent's item); 4. when all that is clean, the pack's own
worked examples. Runs in the CLI, the API and the editor, in milliseconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .compiler import compile_pack
from .errors import PackError, error, unique
from .facts import Vocabulary, load_vocabulary
from .loader import Resolver, file_resolver, resolve_extends
from .merge import Origins
from .pack_tests import run_tests
from .schema_check import schema_errors
from .semantics import own_duplicates, semantic_errors

log = logging.getLogger(__name__)


def _origin_of(path: str, origins: Origins) -> tuple[str, tuple[str | None, str]] | None:
    parts = path.split("/")
    for size in (4, 3):  # /vocabulary/grades/0 before /programs/0
        prefix = "/".join(parts[:size])
        if len(parts) >= size and prefix in origins:
            return prefix, origins[prefix]
    return None


def map_to_document(errors: list[PackError], origins: Origins) -> list[PackError]:
    """Errors found in the merged pack, at the pointers of the document being checked."""
    out = []
    for e in errors:
        found = _origin_of(e.path, origins)
        if found is None:
            out.append(e)
            continue
        prefix, (slug, origin) = found
        path = origin + e.path[len(prefix):]
        if slug is None:
            out.append(PackError(path, e.code, e.message))
        else:
            out.append(error("/extends", e.code, f"继承自上级政策包 {slug} 的 {path}：{e.message['zh']}",
                             f"in {path} inherited from parent pack {slug!r}: {e.message['en']}"))
    return out


def _extends_errors(doc: dict, chain: list[str], resolve: Resolver) -> list[PackError]:
    out = []
    jurisdiction = doc.get("jurisdiction")
    parent = jurisdiction.get("parent") if isinstance(jurisdiction, dict) else None
    if isinstance(doc.get("extends"), str) and isinstance(parent, str) and doc["extends"] != parent:
        out.append(error("/extends", "extends_parent", f"extends 应为上级辖区 {parent} 的政策包，而不是 {doc['extends']}",
                         f"extends should name the parent jurisdiction's pack {parent!r}, not {doc['extends']!r}"))
    for slug in chain:
        try:
            problems = schema_errors(resolve(slug))
        except Exception:  # unreadable parents were reported while resolving
            continue
        if problems:
            first = problems[0]
            out.append(error("/extends", "extends_invalid",
                             f"上级政策包 {slug} 本身不合格式（{len(problems)} 处，首个在 {first.path}：{first.message['zh']}）",
                             f"parent pack {slug!r} does not pass the schema ({len(problems)} errors, first at {first.path}: {first.message['en']})"))
    return out


def _check(doc: Any, resolve: Resolver, run: bool, vocabulary: Vocabulary) -> list[PackError]:
    errors = schema_errors(doc)
    if not isinstance(doc, dict):
        return errors
    errors += own_duplicates(doc)
    merged, chain = resolve_extends(doc, resolve)
    errors += merged.errors
    errors += _extends_errors(doc, chain, resolve)
    errors += map_to_document(semantic_errors(merged.pack, vocabulary), merged.origins)
    if errors or not run or not doc.get("tests"):
        return errors
    compiled = compile_pack(merged.pack, check=False, vocabulary=vocabulary)
    return run_tests(doc["tests"], compiled)


def check_pack(doc: Any, packs_dir: Path | None = None, resolve: Callable[[str], Any] | None = None, *,
               run_tests: bool = True, vocabulary: Vocabulary | None = None) -> list[PackError]:
    """Every error of a pack document (any JSON value), or [] when it may be published.

    Parents named by `extends` come from `resolve(slug)` (a document or None), by default the files
    `<packs_dir>/<slug>.json`. The pack's worked examples run only when nothing else is wrong.
    """
    try:
        return unique(_check(doc, resolve or file_resolver(packs_dir), run_tests, vocabulary or load_vocabulary()))
    except RecursionError:
        return [error("", "too_deep", "政策包嵌套过深", "the pack is nested too deeply")]
    except Exception as exc:  # a checker bug must still answer with an error list, never a traceback
        log.exception("pack check failed")
        return [error("", "internal", f"检查器内部错误：{type(exc).__name__}", f"internal checker error: {type(exc).__name__}")]
