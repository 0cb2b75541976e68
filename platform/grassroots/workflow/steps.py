"""The mechanics every transition shares: opening a step's tasks, locking and moving the instance.

Every state change is a conditional UPDATE naming the state it expects; the instance row is updated
first by every transition (its row lock on PostgreSQL, the database write lock on SQLite), so two acts
on one instance run one after the other: the second sees what the first committed, a parallel group
never completes twice, and nothing deadlocks (every writer takes the instance before any task).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.workflow import chains, hooks
from grassroots.workflow.models import ChainInstance, ChainTask

DONE = ("approved", "filed")


def lock_instance(instance_id: int, now: datetime, *, state: str = "in_progress", round_: int | None = None) -> bool:
    """Touch the instance if it is in `state` (and `round_`): True when this transaction now holds it."""
    query = update(ChainInstance).where(ChainInstance.id == instance_id,
                                        ChainInstance.tenant_id == current_tenant_id(),
                                        ChainInstance.state == state)
    if round_ is not None:
        query = query.where(ChainInstance.round == round_)
    moved = db.session.execute(query.values(updated_at=now).returning(ChainInstance.id)
                               .execution_options(synchronize_session=False)).scalar_one_or_none()
    return moved is not None


def open_step(instance: ChainInstance, index: int, round_: int, now: datetime) -> list[ChainTask]:
    """Insert the tasks of step `index` for `round_` (none past the last step)."""
    specs = chains.step_tasks(instance.definition, index, instance.facts or {}, instance.context or {})
    tasks = [ChainTask(instance_id=instance.id, round=round_, step_index=s.step_index, step_id=s.step_id,
                       parent_step_id=s.parent_step_id, kind=s.kind, office=s.office, scope_kind=s.scope_kind,
                       scope_code=s.scope_code, state="pending", opened_at=now,
                       due_at=now + timedelta(days=s.deadline_days) if s.deadline_days else None)
             for s in specs]
    db.session.add_all(tasks)
    db.session.flush()
    return tasks


def step_complete(instance_id: int, round_: int, index: int) -> bool:
    """True when every task of the step (all sub-steps of a parallel group) is approved or filed."""
    states = db.session.execute(select(ChainTask.state).where(
        ChainTask.instance_id == instance_id, ChainTask.round == round_, ChainTask.step_index == index)).scalars().all()
    return bool(states) and all(s in DONE for s in states)


def cancel_pending(instance_id: int, round_: int, now: datetime) -> None:
    """The round's other open tasks (parallel siblings) end with it."""
    db.session.execute(update(ChainTask).where(
        ChainTask.instance_id == instance_id, ChainTask.tenant_id == current_tenant_id(),
        ChainTask.round == round_, ChainTask.state == "pending",
    ).values(state="cancelled", acted_at=now).execution_options(synchronize_session=False))


def move_instance(instance_id: int, to: str, now: datetime, *, expected: tuple[str, ...] = ("in_progress",)) -> bool:
    finished = now if to in ("approved", "rejected", "withdrawn") else None
    moved = db.session.execute(update(ChainInstance).where(
        ChainInstance.id == instance_id, ChainInstance.tenant_id == current_tenant_id(),
        ChainInstance.state.in_(expected),
    ).values(state=to, updated_at=now, finished_at=finished).returning(ChainInstance.id)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    return moved is not None


def reload_instance(instance_id: int) -> ChainInstance:
    return db.session.get(ChainInstance, instance_id, populate_existing=True)


def advance(instance: ChainInstance, index: int, round_: int, now: datetime) -> ChainInstance:
    """Open the step after `index`, or approve the instance after its last step."""
    if index + 1 >= len(chains.steps_of(instance.definition)):
        move_instance(instance.id, "approved", now)
        return finish(instance.id)
    open_step(instance, index + 1, round_, now)
    return reload_instance(instance.id)


def finish(instance_id: int) -> ChainInstance:
    """Reload the instance and tell its subject's module (inside this transaction)."""
    instance = reload_instance(instance_id)
    hooks.fire_completion(instance)
    return instance
