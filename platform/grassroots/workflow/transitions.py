"""Acting on a task: approve, reject or return (approve/review steps), file (备案 steps: no decision).

SECURITY.md: one conditional UPDATE moves the task, naming the state it expects (`pending`) and, in the
same WHERE, that the actor is not the instance's submitter. Zero rows means someone acted first (409)
or the actor submitted the case (403): which, is read back after the rollback. Before it, the instance
row is touched (steps.lock_instance), so concurrent acts on one instance serialise and the step they
complete is advanced exactly once.

Order, as every handler here: load (404 for a task not in this tenant), check access (403: the actor
must hold the task's office with a scope covering the task's scope), check the input (422), act.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from grassroots.audit.log import acting_as, record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.workflow import steps
from grassroots.workflow.models import ChainInstance, ChainTask
from grassroots.workflow.refusals import (
    conflict,
    invalid,
    not_found,
    not_in_scope,
    own_submission,
    task_not_pending,
)
from grassroots.workflow.scopes import holders_cover, load_tree, memberships_of

OUTCOME_STATE = {"approve": "approved", "reject": "rejected", "return": "returned", "file": "filed"}
OUTCOMES_BY_KIND = {"approve": ("approve", "reject", "return"), "review": ("approve", "reject", "return"),
                    "file": ("file",)}
REASON_REQUIRED = ("reject", "return")
REASON_MAX = 2000


@dataclass(frozen=True)
class ActResult:
    task: ChainTask
    instance: ChainInstance


def allowed_outcomes(kind: str) -> tuple[str, ...]:
    return OUTCOMES_BY_KIND.get(kind, ())


def may_act(task: ChainTask, user_id: int) -> bool:
    """The user holds the task's office in this tenant with a scope covering the task's scope."""
    held = [m for m in memberships_of(user_id) if m.office == task.office]
    if not held:
        return False
    if any((m.scope_kind or "tenant") == "tenant" for m in held):
        return True
    return holders_cover(held, task.office, task.scope_kind, task.scope_code, load_tree())


def _checked_reason(outcome: str, reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if outcome in REASON_REQUIRED and reason is None:
        raise invalid("/reason", "reason_required", "驳回或退回须说明理由", "A reason is required to reject or return")
    if reason is not None and len(reason) > REASON_MAX:
        raise invalid("/reason", "too_long", f"理由不得超过 {REASON_MAX} 字", f"The reason exceeds {REASON_MAX} characters")
    return reason


def _check_outcome(task: ChainTask, outcome: str) -> None:
    allowed = allowed_outcomes(task.kind)
    if outcome not in allowed:
        raise invalid("/outcome", "outcome_not_allowed", f"此步骤只能：{'、'.join(allowed)}",
                      f"This step allows only: {', '.join(allowed)}")


def _move_task(task_id: int, user_id: int, new_state: str, reason: str | None, now) -> bool:
    """The transition: pending → new_state, only if the actor is not the submitter (one statement)."""
    not_submitter = select(ChainInstance.id).where(
        ChainInstance.id == ChainTask.instance_id, ChainInstance.tenant_id == ChainTask.tenant_id,
        ChainInstance.submitter_user_id != user_id,
    ).exists()
    moved = db.session.execute(
        update(ChainTask)
        .where(ChainTask.id == task_id, ChainTask.tenant_id == current_tenant_id(), ChainTask.state == "pending",
               not_submitter)
        .values(state=new_state, acted_by=user_id, acted_at=now, reason=reason)
        .returning(ChainTask.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return moved is not None


def _why_not(task_id: int, user_id: int) -> Exception:
    """After a refused UPDATE (and its rollback): 409 if the task moved on, 403 for one's own case."""
    task = db.session.get(ChainTask, task_id, populate_existing=True)
    if task is None:
        return not_found()
    if task.state != "pending":
        return task_not_pending()
    instance = db.session.get(ChainInstance, task.instance_id, populate_existing=True)
    if instance is not None and instance.submitter_user_id == user_id:
        return own_submission()
    return task_not_pending()


def _after(instance: ChainInstance, task: ChainTask, outcome: str, now) -> ChainInstance:
    if outcome in ("reject", "return"):
        steps.cancel_pending(instance.id, task.round, now)
        steps.move_instance(instance.id, "rejected" if outcome == "reject" else "returned", now)
        return steps.finish(instance.id)
    if task.parent_step_id and not steps.step_complete(instance.id, task.round, task.step_index):
        return instance  # a parallel group waits for its other sub-steps
    return steps.advance(instance, task.step_index, task.round, now)


def act(task_id: int, user, outcome: str, reason: str | None = None, *, commit: bool = True) -> ActResult:
    """Record `user`'s `outcome` on a pending task and move the chain on; commits unless told not to."""
    task = db.session.get(ChainTask, task_id, populate_existing=True)
    if task is None:
        raise not_found()
    if not may_act(task, user.id):
        raise not_in_scope()
    _check_outcome(task, outcome)
    reason = _checked_reason(outcome, reason)
    now = utcnow()
    new_state = OUTCOME_STATE[outcome]
    with acting_as(getattr(user, "username", None) or f"user:{user.id}", user.id):
        try:
            if not steps.lock_instance(task.instance_id, now, round_=task.round):
                db.session.rollback()
                raise _why_not(task_id, user.id)
            if not _move_task(task_id, user.id, new_state, reason, now):
                db.session.rollback()
                raise _why_not(task_id, user.id)
            instance = _after(steps.reload_instance(task.instance_id), task, outcome, now)
            record(f"workflow.{outcome}", target_type="chain_tasks", target_id=task_id,
                   before={"state": "pending", "instance_state": "in_progress"},
                   after={"state": new_state, "reason": reason, "instance_state": instance.state,
                          "instance": instance.id, "step": task.step_id, "round": task.round},
                   note=f"chain {instance.chain_id}")
            task = db.session.get(ChainTask, task_id, populate_existing=True)
        except IntegrityError:
            db.session.rollback()
            raise conflict("concurrent_change", "事项同时被他人办理，请刷新", "Someone acted at the same time; reload") from None
        except BaseException:
            db.session.rollback()
            raise
        if commit:
            db.session.commit()
    return ActResult(task, instance)
