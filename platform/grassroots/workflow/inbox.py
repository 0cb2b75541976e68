"""Inboxes: the pending tasks a user may act on, and the tasks nobody can act on yet.

`inbox_for` costs a constant number of queries whatever the number of tasks: the user's memberships,
the area and unit trees (only when some membership is scoped), then one SELECT of tasks joined with
their instances, filtered by office and by the covered area and unit codes (IN lists). Step names and
cites come from the instance's chain snapshot, so no pack is read per row. Whose case each row is (its
`subject_label`) comes from the subject types' describers (hooks.describe): one call per type per page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, func, or_, select

from grassroots.accounts.models import Membership
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import tenant_context
from grassroots.policy.describe import cite_text
from grassroots.workflow import chains, hooks
from grassroots.workflow.models import ChainInstance, ChainTask
from grassroots.workflow.scopes import Coverage, coverage_of, holders_cover, load_tree, memberships_of
from grassroots.workflow.transitions import allowed_outcomes

INSTANCE_COLUMNS = (ChainInstance.chain_id, ChainInstance.definition, ChainInstance.subject_type,
                    ChainInstance.subject_id, ChainInstance.submitter_user_id)


def _covered(coverage: Coverage):
    """One WHERE clause: the task's office is held tenant-wide, or held over the task's area/unit code."""
    clauses = []
    if coverage.everywhere:
        clauses.append(ChainTask.office.in_(sorted(coverage.everywhere)))
    for office in sorted(coverage.offices() - set(coverage.everywhere)):
        areas, units = sorted(coverage.areas.get(office, ())), sorted(coverage.units.get(office, ()))
        clauses.append(and_(ChainTask.office == office, or_(
            and_(ChainTask.scope_kind == "area", ChainTask.scope_code.in_(areas)) if areas else false(),
            and_(ChainTask.scope_kind == "unit", ChainTask.scope_code.in_(units)) if units else false(),
        )))
    return or_(*clauses) if clauses else None


def _pending(*columns, where=None):
    """Pending tasks of chains still in progress (the inbox's rows, or their count), optionally narrowed."""
    query = (select(*columns).select_from(ChainTask)
             .join(ChainInstance, and_(ChainInstance.id == ChainTask.instance_id,
                                       ChainInstance.tenant_id == ChainTask.tenant_id))
             .where(ChainTask.state == "pending", ChainInstance.state == "in_progress"))
    return query if where is None else query.where(where)


def _pending_rows(where=None) -> list:
    return db.session.execute(_pending(ChainTask, *INSTANCE_COLUMNS, where=where).order_by(
        ChainTask.due_at.is_(None), ChainTask.due_at, ChainTask.opened_at, ChainTask.id)).all()


def task_item(task: ChainTask, chain_id: str, definition: dict, subject_type: str, subject_id: int,
              lookups: dict[int, dict] | None = None, now=None) -> dict[str, Any]:
    """A task as the inbox, the API and the history show it (names and cite from the chain snapshot)."""
    lookups = {} if lookups is None else lookups
    lookup = lookups.setdefault(task.instance_id, chains.step_lookup(definition))
    step, group = lookup.get(task.step_id, ({}, None))
    zh, en = cite_text(step.get("cite"), definition.get("sources") or {})
    now = now or utcnow()
    return {
        "id": task.id, "instance_id": task.instance_id, "round": task.round, "step_index": task.step_index,
        "chain_id": chain_id, "chain_name": (definition.get("chain") or {}).get("name"),
        "step_id": task.step_id, "step_name": step.get("name"), "group_id": task.parent_step_id,
        "group_name": group.get("name") if group else None, "kind": task.kind, "office": task.office,
        "scope_kind": task.scope_kind, "scope_code": task.scope_code, "state": task.state,
        "subject_type": subject_type, "subject_name": hooks.subject_name(subject_type), "subject_id": subject_id,
        "subject_url": hooks.subject_url(subject_type, subject_id), "subject_label": None,
        "opened_at": task.opened_at, "due_at": task.due_at,
        "overdue": task.state == "pending" and task.due_at is not None and task.due_at < now,
        "outcomes": list(allowed_outcomes(task.kind)) if task.state == "pending" else [],
        "acted_by": task.acted_by, "acted_at": task.acted_at, "reason": task.reason,
        "cite": {"zh": zh, "en": en} if zh else None,
    }


def inbox_for(user, tenant) -> list[dict[str, Any]]:
    """Pending tasks `user` may act on in `tenant` (their own submissions left out), soonest due first."""
    with tenant_context(tenant.id, db.session):
        where = _covered(coverage_of(memberships_of(user.id, tenant.id)))
        if where is None:
            return []
        rows = _pending_rows(and_(where, ChainInstance.submitter_user_id != user.id))
        lookups: dict[int, dict] = {}
        now = utcnow()
        return hooks.label_items([task_item(r.ChainTask, r.chain_id, r.definition, r.subject_type, r.subject_id,
                                            lookups, now) for r in rows])


def inbox_count(user, tenant) -> int:
    """How many tasks wait in `user`'s inbox (as `inbox_for`, without describing them)."""
    with tenant_context(tenant.id, db.session):
        where = _covered(coverage_of(memberships_of(user.id, tenant.id)))
        if where is None:
            return 0
        return db.session.execute(_pending(func.count(), where=and_(
            where, ChainInstance.submitter_user_id != user.id))).scalar_one()


def unassigned_tasks(tenant) -> list[dict[str, Any]]:
    """Pending tasks no member other than the submitter can act on: an office nobody holds in scope.

    Such a task still opened and waits; this list (for holders of member.manage) is how it gets someone.
    Four queries whatever the numbers (memberships, the two trees, the pending tasks), plus each subject
    type's describer once.
    """
    with tenant_context(tenant.id, db.session):
        members = db.session.execute(select(Membership).where(Membership.tenant_id == tenant.id)).scalars().all()
        by_office: dict[str, list[Membership]] = {}
        for m in members:
            by_office.setdefault(m.office, []).append(m)
        tree = load_tree()
        lookups: dict[int, dict] = {}
        now = utcnow()
        out = []
        for r in _pending_rows():
            task = r.ChainTask
            holders = [m for m in by_office.get(task.office, []) if m.user_id != r.submitter_user_id]
            if not holders_cover(holders, task.office, task.scope_kind, task.scope_code, tree):
                out.append(task_item(task, r.chain_id, r.definition, r.subject_type, r.subject_id, lookups, now))
        return hooks.label_items(out)
