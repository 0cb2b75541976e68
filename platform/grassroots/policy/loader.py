"""Reading a pack and resolving its `extends` chain into one merged pack.

Parents come from a resolver (slug → pack document), by default the files policy_packs/<slug>.json; the API
passes one that reads the parent's published version instead. Missing parents and cycles are errors, never
exceptions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from .errors import PackError, error
from .facts import packs_dir as default_packs_dir
from .merge import Merged, merge, own

Resolver = Callable[[str], Any]


class PackReadError(Exception):
    """A pack file that cannot be read or parsed; carries the PackError to show."""

    def __init__(self, err: PackError):
        super().__init__(str(err))
        self.error = err


class LoadedPack(NamedTuple):
    """The merged pack (None when the file could not be read), its errors, and where merged items came from."""

    pack: dict | None
    errors: list[PackError]
    origins: dict
    chain: list[str]


def read_pack_file(path: Path) -> Any:
    """The JSON document in `path`; PackReadError (code not_found or json) when it cannot be had."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PackReadError(error("", "not_found", f"无法读取政策包文件 {path}：{exc.strerror}",
                                  f"cannot read pack file {path}: {exc.strerror}")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackReadError(error("", "json", f"{path} 不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）",
                                  f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")) from None


def file_resolver(directory: Path | None = None) -> Resolver:
    """slug → the document in <directory>/<slug>.json, or None when there is no such file."""
    base = Path(directory) if directory is not None else default_packs_dir()

    def resolve(slug: str) -> Any:
        path = base / f"{slug}.json"
        return read_pack_file(path) if path.is_file() else None
    return resolve


def _ancestors(doc: dict, resolve: Resolver) -> tuple[list[tuple[str, dict]], list[PackError]]:
    """(slug, document) from the root down to the doc's parent, and the errors met on the way up."""
    chain: list[tuple[str, dict]] = []
    jurisdiction = doc.get("jurisdiction")
    own_slug = jurisdiction.get("slug") if isinstance(jurisdiction, dict) else None
    seen = {own_slug} if isinstance(own_slug, str) else set()
    slug = doc.get("extends")
    while isinstance(slug, str):
        if slug in seen:
            path = " → ".join([*(s for s, _ in reversed(chain)), slug])
            return list(reversed(chain)), [error("/extends", "extends_cycle", f"继承关系成环：{own_slug} → {path}",
                                                 f"extends forms a cycle: {own_slug} → {path}")]
        try:
            parent = resolve(slug)
        except PackReadError as exc:
            return list(reversed(chain)), [error("/extends", "extends_invalid", f"上级政策包 {slug} 无法读取：{exc.error.message['zh']}",
                                                 f"parent pack {slug!r} cannot be read: {exc.error.message['en']}")]
        except Exception as exc:  # a caller's resolver failing is reported, not raised
            return list(reversed(chain)), [error("/extends", "extends_invalid", f"上级政策包 {slug} 无法读取：{exc}",
                                                 f"parent pack {slug!r} cannot be read: {exc}")]
        if parent is None:
            return list(reversed(chain)), [error("/extends", "extends_missing", f"找不到上级政策包 {slug}",
                                                 f"parent pack {slug!r} not found")]
        if not isinstance(parent, dict):
            return list(reversed(chain)), [error("/extends", "extends_invalid", f"上级政策包 {slug} 不是 JSON 对象",
                                                 f"parent pack {slug!r} is not a JSON object")]
        seen.add(slug)
        chain.append((slug, parent))
        slug = parent.get("extends")
    return list(reversed(chain)), []


def resolve_extends(doc: dict, resolve: Resolver) -> tuple[Merged, list[str]]:
    """`doc` merged onto its ancestors, and the slugs of the chain (root first)."""
    ancestors, errors = _ancestors(doc, resolve)
    if not ancestors:
        merged = own(doc)
        merged.errors.extend(errors)
        return merged, []
    root_slug, root = ancestors[0]
    merged = own(root, root_slug)
    for slug, parent in ancestors[1:]:
        step = merge(merged, parent, slug)
        for e in step.errors:  # an ancestor's own override problems belong to that ancestor
            errors.append(error("/extends", e.code, f"上级政策包 {slug} 的 {e.path}：{e.message['zh']}",
                                f"in parent pack {slug!r} at {e.path}: {e.message['en']}"))
        merged = step
    result = merge(merged, doc, None)
    result.errors[:0] = errors
    return result, [slug for slug, _ in ancestors]


def load_pack(source: str | Path | dict, packs_dir: Path | None = None, resolve: Resolver | None = None) -> LoadedPack:
    """Load a pack (a file path, a slug in `packs_dir`, or a document) with its `extends` chain merged in.

    Answers the merged pack and the load/merge errors (missing or cyclic parents, locked or re-kinded
    items); check_pack gives the full list. Never raises for a bad file: the error is in the list.
    """
    resolve = resolve or file_resolver(packs_dir)
    if isinstance(source, dict):
        doc: Any = source
    else:
        path = Path(source)
        if path.suffix != ".json" and len(path.parts) == 1:
            path = Path(packs_dir if packs_dir is not None else default_packs_dir()) / f"{source}.json"
        try:
            doc = read_pack_file(path)
        except PackReadError as exc:
            return LoadedPack(None, [exc.error], {}, [])
    if not isinstance(doc, dict):
        return LoadedPack(None, [error("", "schema", "政策包应为 JSON 对象", "a pack must be a JSON object")], {}, [])
    merged, chain = resolve_extends(doc, resolve)
    return LoadedPack(merged.pack, merged.errors, merged.origins, chain)
