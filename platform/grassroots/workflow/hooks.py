"""What the subject's module registers with workflow, so workflow never imports the modules above it.

- Completion hooks, by subject type: called with the instance, inside the acting transaction, after the
  instance became approved, rejected, returned or withdrawn (read `instance.state`). A hook that raises
  undoes the act with it, so a subject never disagrees with its chain. Hooks must not commit.
- Subject links and names, by subject type: `subject_url(type, id)` builds the link an inbox row shows.
  A resolver runs once per row, so it must build the URL from the id without querying.
- Subject labels, by subject type: a describer takes a list of subject ids and answers {id: short label}
  (a str or {"zh", "en"}), whose case it is: a name and a unit, a roster's year and title. `describe`
  calls each type's describer once per page (never per row), inside the caller's tenant context (the ORM
  wall applies) and inside a savepoint, so a describer that raises, even on SQL, is logged and its rows
  keep their type and id only. A label names no ID number nor any personal data beyond a name and a unit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from grassroots.db import db

if TYPE_CHECKING:
    from grassroots.workflow.models import ChainInstance

log = logging.getLogger(__name__)
CompletionHook = Callable[["ChainInstance"], None]
UrlResolver = Callable[[int], str | None]
Label = str | Mapping[str, str]
Describer = Callable[[list[int]], Mapping[int, Label]]
LABEL_MAX = 120  # characters of a label shown (a short line under the subject's link)

_completion: dict[str, list[CompletionHook]] = {}
_urls: dict[str, UrlResolver] = {}
_names: dict[str, dict[str, str]] = {}
_describers: dict[str, Describer] = {}


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


def register_subject_describer(subject_type: str, describer: Describer) -> None:
    """How to say whose case subjects of this type are: `describer(ids) -> {id: label}`, one query at most."""
    _describers[subject_type] = describer


def unregister_subject_describer(subject_type: str, describer: Describer) -> None:
    if _describers.get(subject_type) is describer:
        del _describers[subject_type]


def _pair(label: Label | None) -> dict[str, str] | None:
    if isinstance(label, str):
        zh = en = label.strip()
    elif isinstance(label, Mapping):
        zh = str(label.get("zh") or label.get("en") or "").strip()
        en = str(label.get("en") or zh).strip()
    else:
        return None
    return {"zh": _cut(zh), "en": _cut(en)} if zh else None


def _cut(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[:LABEL_MAX - 1] + "…"


def describe(subjects: Iterable[tuple[str, int]]) -> dict[tuple[str, int], dict[str, str]]:
    """{(type, id): {"zh", "en"}} for the subjects whose type has a describer: one call per type."""
    by_type: dict[str, set[int]] = {}
    for subject_type, subject_id in subjects:
        if subject_type in _describers:
            by_type.setdefault(subject_type, set()).add(subject_id)
    out: dict[tuple[str, int], dict[str, str]] = {}
    for subject_type, ids in sorted(by_type.items()):
        labels = _run(subject_type, sorted(ids))
        for subject_id in ids:
            pair = _pair(labels.get(subject_id))
            if pair is not None:
                out[(subject_type, subject_id)] = pair
    return out


def _run(subject_type: str, ids: list[int]) -> Mapping[int, Label]:
    try:
        with db.session.begin_nested():  # a failed statement must not abort the page's transaction
            labels = _describers[subject_type](ids)
            return labels if isinstance(labels, Mapping) else {}
    except Exception:  # noqa: BLE001  (a broken describer must not break an inbox)
        log.warning("subject describer for %s failed on %d subjects", subject_type, len(ids), exc_info=True)
        return {}


def label_items(items: list[dict]) -> list[dict]:
    """Sets each item's `subject_label` ({"zh", "en"} or None) from its subject_type and subject_id."""
    labels = describe((i["subject_type"], i["subject_id"]) for i in items)
    for item in items:
        item["subject_label"] = labels.get((item["subject_type"], item["subject_id"]))
    return items
