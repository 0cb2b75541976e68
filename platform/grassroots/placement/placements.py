"""Placements: started by a signed agreement, recognised (Kunming 八) by the dispatch chain, ended.

Decided here:
- A placement starts on the agreement's start date with what the rules read snapshotted: the service
  unit's level and type and the service area's tags (with its parents' tags, as declared by the pack).
- A program with a `dispatch` chain (Kunming: 市人才工作领导小组办公室认可的全职选派) starts it with the placement;
  when that chain is approved, `recognised_by` is the office of its last approving step.
- A decision record is stored at the start (stage `placement`, as of the start date) and on recognition.
- `dispatch_state`: `none` (no dispatch chain), `pending` (along its chain), `returned` (returned for
  revision: `returns.returned_step` tells which step and why), `recognised`, `refused` (rejected or
  withdrawn). Only `recognised` is a recognition (it alone sets `recognised_by`, the fact the rules and the
  subsidy read); `returned` is as unrecognised as `pending`. A returned dispatch waits for whoever started
  it to resubmit it: the chain's submitter, who signed the agreement (the professional, or whoever
  recorded the signature of one without a login). `returned` → `pending` is a conditional UPDATE in the
  transaction of the chain's own resubmission, so two resubmits at once move it once. The chain then runs
  again from its first step, routed on the placement's facts as they are now; no decision is stored until
  it is recognised.
- Assessments due: an annual one for every full service year from the pack's `from_year`; a term-end one
  for the last year of the agreed term and every full year from `term_end_every_full_years_from_year`
  (Lijiang 第十一条), where the program has one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from grassroots.audit.log import acting_as, record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.packs.versions import china_today
from grassroots.placement import program as packs
from grassroots.placement.access import may_read_case, reach_of
from grassroots.placement.decisions import decide
from grassroots.placement.errors import conflict, forbidden, invalid, not_found
from grassroots.placement.facts import facts_for
from grassroots.placement.models import Agreement, Application, Assessment, Placement
from grassroots.placement.orgs import Areas
from grassroots.policy.dates import anniversary, full_years
from grassroots.tenancy.models import Tenant, Unit
from grassroots.workflow.engine import resubmit as resubmit_chain
from grassroots.workflow.engine import start_chain
from grassroots.workflow.models import ChainInstance, ChainTask

SUBJECT = "placement"
DISPATCH = "placement_dispatch"
MANAGE = frozenset({"placement.manage"})
NOTE_MAX = 2000


def tenant_row() -> Tenant:
    return db.session.get(Tenant, current_tenant_id())


def _person_section(facts: dict) -> dict:
    return {"person": dict(facts.get("person") or {})}


def start_placement(agreement: Agreement, app: Application, submitter_id: int) -> Placement:
    """The placement of a signed agreement (flush only; runs inside the signing act's transaction)."""
    tenant = tenant_row()
    effective = packs.pinned(tenant, app)
    program = packs.program_of(effective, app.program_id)
    unit = db.session.get(Unit, agreement.service_unit_id)
    areas = Areas.load()
    placement = Placement(
        program_id=app.program_id, pack_version_id=app.pack_version_id, ancestors=list(app.ancestors or []),
        application_id=app.id, agreement_id=agreement.id, person_id=app.person_id, original_unit_id=app.unit_id,
        service_unit_id=unit.id, service_area_id=unit.area_id,
        area_tags=areas.tags_of(unit.area_id, packs.area_tags(effective)), unit_level=unit.level, unit_type=unit.type,
        professional_post=agreement.professional_post, full_time=agreement.full_time, continuous=True,
        start_date=agreement.start_date, planned_end_date=agreement.end_date, state="serving", dispatch_state="none")
    db.session.add(placement)
    db.session.flush()
    facts = facts_for(placement, agreement.start_date)
    decide(effective, app.program_id, facts, subject_type=SUBJECT, subject_id=placement.id, stage="placement")
    chain = packs.chain_of(program, "dispatch")
    if chain is not None:
        original = db.session.get(Unit, app.unit_id)
        instance = start_chain(chain, app.pack_version_id, DISPATCH, placement.id, submitter_id,
                               _person_section(facts), {"applicant_unit": original.code, "service_unit": unit.code},
                               pack=effective)
        placement.dispatch_instance_id, placement.dispatch_state = instance.id, "pending"
        db.session.flush()
    return placement


def on_dispatch_complete(instance) -> None:
    """workflow completion hook of the dispatch chain: recognised (by the office that approved last),
    returned for revision, or refused (rejected, withdrawn)."""
    placement = db.session.execute(select(Placement).where(Placement.id == instance.subject_id)).scalar_one_or_none()
    if placement is None or placement.dispatch_instance_id != instance.id:
        return
    if instance.state == "approved":
        office = db.session.execute(select(ChainTask.office).where(
            ChainTask.instance_id == instance.id, ChainTask.round == instance.round, ChainTask.state == "approved")
            .order_by(ChainTask.step_index.desc(), ChainTask.id.desc()).limit(1)).scalar_one_or_none()
        _set(placement, recognised_by=office, dispatch_state="recognised")
        tenant = tenant_row()
        effective = packs.pinned(tenant, placement)
        as_of = max(china_today(), placement.start_date)
        decide(effective, placement.program_id, facts_for(placement, as_of), subject_type=SUBJECT,
               subject_id=placement.id, stage="recognition")
    elif instance.state == "returned":
        _set(placement, dispatch_state="returned")
    elif instance.state in ("rejected", "withdrawn"):
        _set(placement, dispatch_state="refused")


def dispatch_context(placement: Placement) -> dict:
    original, service = db.session.get(Unit, placement.original_unit_id), db.session.get(Unit, placement.service_unit_id)
    return {"applicant_unit": original.code, "service_unit": service.code}


def resubmit_dispatch(tenant: Tenant, user, placement: Placement, note: str | None = None) -> Placement:
    """A returned dispatch recognition along its chain again, from the first step, by whoever started it. Commits.

    404 another tenant's placement (the caller loads it), 403 anyone but the chain's submitter, 409 a
    placement without a dispatch chain or one that is not returned (two resubmits at once: one moves, the
    other 409), 422 a note over 2000 characters. `note` (what was corrected) goes to the audit entry."""
    if placement.dispatch_instance_id is None:
        raise conflict("no_dispatch", "该服务无需选派认可", "This placement needs no dispatch recognition")
    instance = db.session.get(ChainInstance, placement.dispatch_instance_id, populate_existing=True)
    if instance is None or instance.submitter_user_id != user.id:
        raise forbidden("not_dispatcher", "只有发起选派认可的人（签署服务协议者）可以重新提交",
                        "Only whoever started the dispatch recognition (who signed the agreement) can resubmit it")
    if instance.state != "returned":
        raise conflict("not_returned", "只有退回修改的选派认可可以重新提交",
                       "Only a returned dispatch recognition can be resubmitted")
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise invalid("/note", "too_long", f"说明不得超过 {NOTE_MAX} 字", f"The note exceeds {NOTE_MAX} characters")
    facts = _person_section(facts_for(placement, placement.start_date))
    context = dispatch_context(placement)
    round_ = instance.round
    with acting_as(getattr(user, "username", None) or f"user:{user.id}", user.id):
        try:
            # The placement's row first (returned → pending, conditional: it holds the row, so a second
            # resubmit at once waits here and then finds it pending, 409), then the chain's own
            # conditional UPDATE (state returned, submitter = the user), in the same transaction.
            moved = db.session.execute(update(Placement).where(
                Placement.id == placement.id, Placement.tenant_id == current_tenant_id(),
                Placement.dispatch_instance_id == instance.id, Placement.dispatch_state == "returned")
                .values(dispatch_state="pending").returning(Placement.id)
                .execution_options(synchronize_session=False)).scalar_one_or_none()
            if moved is None:
                raise conflict("not_returned", "选派认可状态已变化，请刷新", "The dispatch recognition changed state; reload")
            resubmit_chain(instance.id, user, facts, context, commit=False)
            record("placement.dispatch.resubmit", target_type="placements", target_id=placement.id,
                   before={"dispatch": "returned", "round": round_},
                   after={"dispatch": "pending", "round": round_ + 1, "instance": instance.id, "note": note})
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
    return get_placement(placement.id)


def _set(placement: Placement, **values: Any) -> None:
    db.session.execute(update(Placement).where(Placement.id == placement.id, Placement.tenant_id == current_tenant_id())
                       .values(**values).execution_options(synchronize_session=False))
    db.session.refresh(placement, list(values))


# --- Reading --------------------------------------------------------------------------------------------

def _loaded():
    return select(Placement).options(joinedload(Placement.person), joinedload(Placement.service_unit),
                                     joinedload(Placement.original_unit))


def get_placement(placement_id: int) -> Placement:
    found = db.session.execute(_loaded().where(Placement.id == placement_id,
                                               Placement.tenant_id == current_tenant_id())).unique().scalar_one_or_none()
    if found is None:
        raise not_found("没有该服务记录", "No such placement")
    return found


def _application_people(placement: Placement) -> tuple[int | None, int | None]:
    row = db.session.execute(select(Application.applicant_user_id, Application.submitted_by)
                             .where(Application.id == placement.application_id)).first()
    return (row.applicant_user_id, row.submitted_by) if row else (None, None)


def may_read(user, tenant: Tenant, placement: Placement) -> bool:
    applicant, submitter = _application_people(placement)
    return may_read_case(user, tenant, applicant_user_id=applicant, submitted_by=submitter,
                         unit_ids=(placement.original_unit_id, placement.service_unit_id))


def readable(user, tenant: Tenant, placement: Placement) -> Placement:
    if not may_read(user, tenant, placement):
        raise forbidden("not_a_reader", "您无权查看该服务记录", "You may not view this placement")
    return placement


PER_PAGE = 50  # a list page's rows; the next page is known by fetching one more (no COUNT query)
MAX_PAGE = 10_000
ASSESSMENTS_PER_PAGE = 200


def _reachable(query, user, tenant: Tenant):
    """Only placements the user reaches: of their offices' units (original or service), or their own case."""
    reach = reach_of(user, tenant, reading=True)
    if reach.everywhere:
        return query
    units = reach.unit_ids or {-1}
    own = select(Application.id).where(or_(Application.applicant_user_id == user.id,
                                           Application.submitted_by == user.id))
    return query.where(or_(Placement.original_unit_id.in_(units), Placement.service_unit_id.in_(units),
                           Placement.application_id.in_(own)))


def list_placements(user, tenant: Tenant, *, state: str | None = None, program: str | None = None, page: int = 1,
                    per_page: int | None = None) -> tuple[list[Placement], bool]:
    """One page of the placements the user reaches, newest first, and whether another follows: one query
    (people and units joined) plus the scope. Every row is reachable page by page, however many there are."""
    query = _reachable(_loaded().order_by(Placement.start_date.desc(), Placement.id.desc()), user, tenant)
    if state:
        query = query.where(Placement.state == state)
    if program:
        query = query.where(Placement.program_id == program)
    page, per_page = min(max(page, 1), MAX_PAGE), per_page or PER_PAGE
    rows = list(db.session.execute(query.limit(per_page + 1).offset((page - 1) * per_page)).unique().scalars())
    return rows[:per_page], len(rows) > per_page


def count_placements(user, tenant: Tenant, state: str) -> int:
    """How many placements in `state` the user reaches (the tenant home's cards)."""
    query = _reachable(select(func.count(Placement.id)), user, tenant).where(Placement.state == state)
    return db.session.execute(query).scalar_one()


def list_assessments(user, tenant: Tenant, *, placement_id: int | None = None, page: int = 1,
                     per_page: int | None = None) -> tuple[list[tuple[Assessment, Placement]], bool]:
    """One page of the assessments of the placements the user reaches (of one placement, given its id: 404 or
    403 as for the placement itself), with their placements, by placement and year."""
    query = select(Assessment, Placement).join(Placement, Placement.id == Assessment.placement_id)
    if placement_id is not None:
        readable(user, tenant, get_placement(placement_id))
        query = query.where(Assessment.placement_id == placement_id)
    else:
        query = _reachable(query, user, tenant)
    page, per_page = min(max(page, 1), MAX_PAGE), per_page or ASSESSMENTS_PER_PAGE
    query = query.order_by(Placement.start_date.desc(), Placement.id.desc(), Assessment.year_no, Assessment.kind,
                           Assessment.id).limit(per_page + 1).offset((page - 1) * per_page)
    rows = [(row.Assessment, row.Placement) for row in db.session.execute(query)]
    return rows[:per_page], len(rows) > per_page


def assessments_of(placement_ids: list[int]) -> dict[int, list[Assessment]]:
    out: dict[int, list[Assessment]] = {i: [] for i in placement_ids}
    if placement_ids:
        for row in db.session.execute(select(Assessment).where(Assessment.placement_id.in_(placement_ids))
                                      .order_by(Assessment.year_no, Assessment.kind, Assessment.id)).scalars():
            out[row.placement_id].append(row)
    return out


def served_full_years(placement: Placement, as_of: date) -> int:
    """Full years (周年) served by `as_of`: up to the actual or agreed end, whichever comes first."""
    last = placement.last_day
    end = as_of if last is None or last >= as_of else last
    return max(full_years(placement.start_date, end), 0) if end >= placement.start_date else 0


def term_years(placement: Placement) -> int | None:
    if placement.planned_end_date is None:
        return None
    return full_years(placement.start_date, placement.planned_end_date)


def due_assessments(program: dict, placement: Placement, done: list[Assessment], as_of: date) -> list[dict]:
    """[{kind, year_no, due}] the pack asks for and nobody has recorded yet, by `as_of`."""
    recorded = {(a.kind, a.year_no) for a in done}
    served = served_full_years(placement, as_of)
    term = term_years(placement)
    minimum = (program.get("service") or {}).get("min_full_years")
    yearly_from = packs.param(program, "term_end_every_full_years_from_year")
    out = []
    for spec in program.get("assessments") or []:
        kind, first = spec.get("kind"), int(spec.get("from_year") or 1)
        for year in range(first, served + 1):
            if kind == "term_end" and year not in (term, minimum) and not (yearly_from and year >= yearly_from):
                continue
            if (kind, year) not in recorded:
                out.append({"kind": kind, "year_no": year, "due": anniversary(placement.start_date, year).isoformat(),
                            "by_office": spec.get("by_office")})
    return out


# --- Ending ---------------------------------------------------------------------------------------------


def end_placement(tenant: Tenant, user, placement: Placement, end_date: date, reason: str = "",
                  continuous: bool = True) -> Placement:
    """serving → ended on `end_date` (the last day served), by a manager covering the service unit; commits."""
    if not reach_of(user, tenant, MANAGE).covers(placement.service_unit_id, placement.original_unit_id):
        raise forbidden("not_in_scope", "该服务记录不在您的管辖范围内", "This placement is outside your scope")
    if end_date < placement.start_date:
        raise invalid("/end_date", "before_start", "结束日期不能早于服务起始日期", "The end cannot be before the start")
    moved = db.session.execute(update(Placement).where(
        Placement.id == placement.id, Placement.tenant_id == current_tenant_id(), Placement.state == "serving")
        .values(state="ended", end_date=end_date, end_reason=(reason or "").strip()[:2000] or None,
                continuous=continuous, ended_by=user.id, ended_at=utcnow())
        .returning(Placement.id).execution_options(synchronize_session=False)).scalar_one_or_none()
    if moved is None:
        raise conflict("not_serving", "该服务已结束", "This placement has already ended")
    record("placement.end", target_type="placements", target_id=placement.id,
           after={"end_date": end_date.isoformat(), "continuous": continuous})
    db.session.commit()
    db.session.refresh(placement, ["state", "end_date", "end_reason", "continuous", "ended_by", "ended_at"])
    return placement


def subject_url(placement_id: int) -> str | None:
    from flask import url_for

    return url_for("placement.placement", placement_id=placement_id)
