"""What the subject's module registers with workflow, so workflow never imports the modules above it.

- Completion hooks, by subject type: called with the instance, inside the acting transaction, after the
  instance became approved, rejected, returned or withdrawn (read `instance.state`). A hook that raises
  undoes the act with it, so a subject never disagrees with its chain. Hooks must not commit.
- Subject links and names, by subject type: `subject_url(type, id)` builds the link an inbox row shows.
  A resolver runs once per row, so it must build the URL from the id without querying.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grassroots.workflow.models import ChainInstance

log = logging.getLogger(__name__)
CompletionHook = Callable[["ChainInstance"], None]
UrlResolver = Callable[[int], str | None]

_completion: dict[str, list[CompletionHook]] = {}
_urls: dict[str, UrlResolver] = {}
_names: dict[str, dict[str, str]] = {}


def register_completion_hook(subject_type: str, hook: CompletionHook) -> None:
    """Add `hook` for `subject_type` once (init_app runs for every app the process builds)."""
    hooks = _completion.setdefault(subject_type, [])
    if hook not in hooks:
        hooks.append(hook)


def unregister_completion_hook(subject_type: str, hook: CompletionHook) -> None:
    if hook in _completion.get(subject_type, []):
        _completion[subject_type].remove(hook)


def fire_completion(instance: ChainInstance) -> None:
    for hook in list(_completion.get(instance.subject_type, [])):
        hook(instance)


def register_subject_url(subject_type: str, resolver: UrlResolver, name: dict[str, str] | None = None) -> None:
    """How to link to (and name, {"zh", "en"}) a subject of this type, e.g. an application page."""
    _urls[subject_type] = resolver
    if name:
        _names[subject_type] = dict(name)


def subject_url(subject_type: str, subject_id: int) -> str | None:
    resolver = _urls.get(subject_type)
    if resolver is None:
        return None
    try:
        return resolver(subject_id)
    except Exception:  # noqa: BLE001  (a broken link must not break an inbox)
        log.warning("subject_url resolver for %s failed on %s", subject_type, subject_id, exc_info=True)
        return None


def subject_name(subject_type: str) -> dict[str, str]:
    return _names.get(subject_type) or {"zh": subject_type, "en": subject_type}
