"""A chain returned for revision, as the placement pages and API show it: which step returned it, the
office, the reason, when, and who may resubmit it (the chain's submitter: workflow.resubmit allows no one
else). One query; nothing when the chain is not (or no longer) returned."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select

from grassroots.db import db
from grassroots.placement.present import iso
from grassroots.workflow import chains
from grassroots.workflow.models import ChainInstance, ChainTask


def returned_step(instance_id: int | None) -> dict[str, Any] | None:
    """{round, step_id, step_name, office, reason, returned_at, resubmit_by} of a returned chain, else None."""
    return _ending_step(instance_id, "returned")


def rejected_step(instance_id: int | None) -> dict[str, Any] | None:
    """The same of a rejected chain (`rejected_at` for `returned_at`): who said no, and why."""
    found = _ending_step(instance_id, "rejected")
    if found is not None:
        found["rejected_at"] = found.pop("returned_at")
        found.pop("resubmit_by")
    return found


def _ending_step(instance_id: int | None, state: str) -> dict[str, Any] | None:
    if instance_id is None:
        return None
    row = db.session.execute(
        select(ChainTask, ChainInstance.definition, ChainInstance.submitter_user_id)
        .join(ChainInstance, and_(ChainInstance.id == ChainTask.instance_id,
                                  ChainInstance.tenant_id == ChainTask.tenant_id))
        .where(ChainTask.instance_id == instance_id, ChainInstance.state == state,
               ChainTask.round == ChainInstance.round, ChainTask.state == state)
        .order_by(ChainTask.id.desc()).limit(1)).first()
    if row is None:
        return None
    task = row.ChainTask
    step, group = chains.step_lookup(row.definition or {}).get(task.step_id, ({}, None))
    return {"instance_id": instance_id, "round": task.round, "step_id": task.step_id,
            "step_name": step.get("name") or (group or {}).get("name"), "office": task.office,
            "reason": task.reason, "returned_at": iso(task.acted_at), "resubmit_by": row.submitter_user_id}
