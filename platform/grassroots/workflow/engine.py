"""Starting a chain, resubmitting a returned one, withdrawing one; `act` lives in transitions.py.

All run in the current tenant context. `start_chain` only flushes: the subject's module creates its
subject and the chain in one transaction and commits both. `resubmit` and `withdraw` are a user's
request on their own, so they commit (pass `commit=False` to compose them into a larger transaction).

Decided here:
- The whole chain is routed when it starts (and again on resubmit): a case whose facts or context
  leave some step without an office or scope is refused up front (422, every problem listed), not
  stalled half-way. Scope codes must exist among the tenant's units and areas.
- Missing context is derived from the units' trees: applicant_unit_parent (the unit's parent unit),
  applicant_county / applicant_city (the county- or city-kind area holding the unit), service_county.
- A task whose office has nobody in scope still opens and waits; `inbox.unassigned_tasks` lists it for
  holders of member.manage, who can then appoint someone.
"""

from __future__ import annotations

from sqlalchemy import update

from grassroots.audit.log import acting_as, record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.packs.effective import Effective, effective_of
from grassroots.packs.versions import version_by_id
from grassroots.tenancy.models import Tenant
from grassroots.workflow import chains, steps
from grassroots.workflow.models import ChainInstance
from grassroots.workflow.refusals import conflict, forbidden, invalid, not_found
from grassroots.workflow.scopes import OrgTree, load_tree
from grassroots.workflow.transitions import act  # noqa: F401  (the public API lives together)

SUBJECT_TYPE_MAX = 40


def _definition(tenant: Tenant, chain: str | dict, pack_version_id: int, pack: dict | Effective | None) -> dict:
    """The chain (looked up by id in the pack when given as one) and the sources its cites name."""
    version = version_by_id(pack_version_id)
    if version is None:
        raise invalid("/pack_version_id", "unknown_version", "政策包版本不存在", "no such pack version")
    if isinstance(pack, Effective):
        content = pack.pack
    elif isinstance(pack, dict):
        content = pack
    else:
        content = effective_of(tenant, version).pack
    if isinstance(chain, str):
        found = chains.find_chain(content, chain)
        if found is None:
            raise invalid("/chain", "unknown_chain", f"政策包中没有审批流程 {chain}", f"the pack has no chain {chain}")
        chain = found
    if not isinstance(chain, dict) or not isinstance(chain.get("id"), str):
        raise invalid("/chain", "bad_chain", "审批流程定义无效", "the chain definition is not valid")
    return chains.snapshot(chain, content)


def _check_codes(plan: list[list[chains.TaskSpec]], tree: OrgTree) -> None:
    errors = []
    for spec in (s for specs in plan for s in specs):
        known = tree.units if spec.scope_kind == "unit" else tree.areas if spec.scope_kind == "area" else None
        if known is not None and spec.scope_code not in known:
            errors.append({"path": f"/context/{spec.step_id}", "code": "unknown_scope",
                           "message": {"zh": f"步骤 {spec.step_id} 的范围 {spec.scope_code} 不是本地区的单位或地区",
                                       "en": f"step {spec.step_id}: {spec.scope_code} is no unit or area of this tenant"}})
    if errors:
        raise chains.unroutable(errors)


def _routed(definition: dict, facts: dict, context: dict) -> dict:
    """The context with derived scopes, after checking the whole chain routes (422 otherwise)."""
    tree = load_tree()
    context = tree.derive_context(context)
    _check_codes(chains.plan(definition, facts, context), tree)
    return context


def start_chain(chain: str | dict, pack_version_id: int, subject_type: str, subject_id: int,
                submitter_user_id: int, facts: dict | None = None, context: dict | None = None,
                *, pack: dict | Effective | None = None) -> ChainInstance:
    """Open a chain for a subject: the first step's task(s) are pending (flushed, not committed).

    `chain` is a chain id of the pinned pack version (or of `pack`, its merged content), or a chain
    definition itself. `facts` are what routes read (flat `person.unit_level` keys or nested);
    `context` holds the scope codes (see chains.CONTEXT_KEYS).
    """
    if not isinstance(subject_type, str) or not 0 < len(subject_type) <= SUBJECT_TYPE_MAX:
        raise invalid("/subject_type", "bad_subject", "事项类型无效", "bad subject type")
    tenant = db.session.get(Tenant, current_tenant_id())
    definition = _definition(tenant, chain, pack_version_id, pack)
    facts = dict(facts or {})
    context = _routed(definition, facts, dict(context or {}))
    now = utcnow()
    instance = ChainInstance(pack_version_id=pack_version_id, chain_id=definition["chain"]["id"],
                             definition=definition, subject_type=subject_type, subject_id=subject_id,
                             submitter_user_id=submitter_user_id, state="in_progress", round=1, facts=facts,
                             context=context, created_at=now, updated_at=now)
    db.session.add(instance)
    db.session.flush()
    tasks = steps.open_step(instance, 0, 1, now)
    record("workflow.start", target_type="chain_instances", target_id=instance.id,
           after={"chain": instance.chain_id, "subject": [subject_type, subject_id], "round": 1,
                  "tasks": [t.id for t in tasks]}, note=f"chain {instance.chain_id}")
    return instance


def _load_own(instance: ChainInstance | int, user) -> ChainInstance:
    instance_id = instance if isinstance(instance, int) else instance.id
    found = db.session.get(ChainInstance, instance_id, populate_existing=True)
    if found is None:
        raise not_found()
    if found.submitter_user_id != user.id:
        raise forbidden("not_submitter", "只有提交人可以这样做", "Only the submitter can do this")
    return found


def resubmit(instance: ChainInstance | int, user, facts: dict | None = None, context: dict | None = None,
             *, commit: bool = True) -> ChainInstance:
    """returned → in_progress, round + 1, from the first step; by the submitter only."""
    found = _load_own(instance, user)
    if found.state == "rejected":
        raise conflict("rejected_final", "已被驳回的事项不能重新提交", "A rejected submission cannot be resubmitted")
    if found.state != "returned":
        raise conflict("not_returned", "只有退回修改的事项可以重新提交", "Only a returned submission can be resubmitted")
    facts = dict(found.facts or {}) if facts is None else dict(facts)
    context = _routed(found.definition, facts, dict(found.context or {}) if context is None else dict(context))
    now = utcnow()
    with acting_as(getattr(user, "username", f"user:{user.id}"), user.id):
        try:
            new_round = db.session.execute(update(ChainInstance).where(
                ChainInstance.id == found.id, ChainInstance.tenant_id == current_tenant_id(),
                ChainInstance.state == "returned", ChainInstance.submitter_user_id == user.id,
            ).values(state="in_progress", round=ChainInstance.round + 1, facts=facts, context=context,
                     updated_at=now, finished_at=None).returning(ChainInstance.round)
                .execution_options(synchronize_session=False)).scalar_one_or_none()
            if new_round is None:
                raise conflict("not_returned", "事项状态已变化，请刷新", "The submission changed state; reload")
            found = steps.reload_instance(found.id)
            tasks = steps.open_step(found, 0, new_round, now)
            record("workflow.resubmit", target_type="chain_instances", target_id=found.id,
                   before={"state": "returned", "round": new_round - 1},
                   after={"state": "in_progress", "round": new_round, "tasks": [t.id for t in tasks]})
        except BaseException:
            db.session.rollback()
            raise
        if commit:
            db.session.commit()
    return found


def withdraw(instance: ChainInstance | int, user, reason: str | None = None, *, commit: bool = True) -> ChainInstance:
    """in_progress or returned → withdrawn, by the submitter; open tasks are cancelled."""
    found = _load_own(instance, user)
    before = found.state
    now = utcnow()
    with acting_as(getattr(user, "username", f"user:{user.id}"), user.id):
        try:
            if before not in ("in_progress", "returned") or not steps.lock_instance(found.id, now, state=before):
                raise conflict("not_open", "事项已结束，不能撤回", "The submission has ended and cannot be withdrawn")
            steps.cancel_pending(found.id, found.round, now)
            steps.move_instance(found.id, "withdrawn", now, expected=(before,))
            record("workflow.withdraw", target_type="chain_instances", target_id=found.id,
                   before={"state": before}, after={"state": "withdrawn", "reason": reason})
            found = steps.finish(found.id)
        except BaseException:
            db.session.rollback()
            raise
        if commit:
            db.session.commit()
    return found


def get_instance(instance_id: int) -> ChainInstance | None:
    return db.session.get(ChainInstance, instance_id)


def instances_for(subject_type: str, subject_id: int) -> list[ChainInstance]:
    """A subject's chains, oldest first (a subject may run several: application, agreement, claims)."""
    query = db.select(ChainInstance).where(ChainInstance.subject_type == subject_type,
                                           ChainInstance.subject_id == subject_id).order_by(ChainInstance.id)
    return list(db.session.execute(query).scalars())
