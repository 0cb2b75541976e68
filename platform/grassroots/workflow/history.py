"""An instance's history: every task of every round, who acted, when, the outcome, the reason, the cite.

Who may read it: the submitter, anyone who acted on one of its tasks or whose office and scope cover
one, and the tenant's overseers (the caller says so: audit.view or member.manage). Anyone else in the
tenant gets 403; an instance of another tenant is 404 like a missing one. Three queries at most, plus the
subject type's describer (whose case it is) once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from grassroots.accounts.models import User
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import tenant_context
from grassroots.policy.describe import cite_text
from grassroots.workflow import chains, hooks
from grassroots.workflow.inbox import task_item
from grassroots.workflow.models import ChainInstance, ChainTask
from grassroots.workflow.refusals import forbidden, not_found
from grassroots.workflow.scopes import holders_cover, load_tree, memberships_of


def instance_dict(instance: ChainInstance) -> dict[str, Any]:
    definition = instance.definition or {}
    return {
        "id": instance.id, "chain_id": instance.chain_id, "chain_name": (definition.get("chain") or {}).get("name"),
        "state": instance.state, "round": instance.round, "subject_type": instance.subject_type,
        "subject_name": hooks.subject_name(instance.subject_type), "subject_id": instance.subject_id,
        "subject_url": hooks.subject_url(instance.subject_type, instance.subject_id), "subject_label": None,
        "submitter_user_id": instance.submitter_user_id, "pack_version_id": instance.pack_version_id,
        "created_at": instance.created_at, "finished_at": instance.finished_at,
    }


def _outline(definition: dict) -> list[dict[str, Any]]:
    """The chain's steps in order, each with its cite (what the page shows before anything is opened)."""
    sources = definition.get("sources") or {}
    out = []
    for index, step in enumerate(chains.steps_of(definition)):
        zh, en = cite_text(step.get("cite"), sources)
        subs = [s.get("name") for s in step.get("steps") or []] if step.get("kind") == "parallel" else []
        out.append({"index": index, "id": step.get("id"), "name": step.get("name"), "kind": step.get("kind"),
                    "sub_steps": subs, "cite": {"zh": zh, "en": en} if zh else None})
    return out


def _may_read(instance: ChainInstance, tasks: list[ChainTask], user_id: int, overseer: bool) -> bool:
    if overseer or instance.submitter_user_id == user_id or any(t.acted_by == user_id for t in tasks):
        return True
    memberships = memberships_of(user_id)
    offices = {t.office for t in tasks}
    held = [m for m in memberships if m.office in offices]
    if not held:
        return False
    tree = load_tree()
    return any(holders_cover(held, t.office, t.scope_kind, t.scope_code, tree) for t in tasks)


def instance_history(instance_id: int, user, tenant, *, overseer: bool = False) -> dict[str, Any]:
    with tenant_context(tenant.id, db.session):
        instance = db.session.get(ChainInstance, instance_id)
        if instance is None:
            raise not_found()
        rows = db.session.execute(
            select(ChainTask, User.display_name).outerjoin(User, User.id == ChainTask.acted_by)
            .where(ChainTask.instance_id == instance.id)
            .order_by(ChainTask.round, ChainTask.step_index, ChainTask.id)).all()
        tasks = [r.ChainTask for r in rows]
        if not _may_read(instance, tasks, user.id, overseer):
            raise forbidden("not_a_participant", "您无权查看该审批流程", "You may not view this chain")
        definition = instance.definition or {}
        lookups: dict[int, dict] = {}
        now = utcnow()
        items = []
        for r in rows:
            item = task_item(r.ChainTask, instance.chain_id, definition, instance.subject_type, instance.subject_id,
                             lookups, now)
            item["acted_by_name"] = r.display_name
            items.append(item)
        head = instance_dict(instance)
        label = hooks.describe([(instance.subject_type, instance.subject_id)]).get(
            (instance.subject_type, instance.subject_id))
        head["subject_label"] = label
        for item in items:
            item["subject_label"] = label
        return {"instance": head, "steps": _outline(definition), "tasks": items}
