"""Reading rosters, and what their claim chain's end means for them.

A roster follows its chain (hook below, inside the acting transaction): approved → the roster may be
paid; rejected or withdrawn → its lines are no longer live, so a new roster can claim their entitlements; returned → the compiler resubmits it (same lines) or withdraws it and compiles again.
Each move is a conditional UPDATE naming the states it expects.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from grassroots.audit.log import record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.subsidy.errors import conflict, not_found
from grassroots.subsidy.models import Roster, RosterLine
from grassroots.workflow import engine
from grassroots.workflow.models import ChainInstance

PER_PAGE = 50
LINES_PER_PAGE = 200
CHAIN_TO_ROSTER = {"approved": "approved", "rejected": "rejected", "returned": "returned", "withdrawn": "withdrawn"}
OPEN = ("in_review", "returned")


def get_roster(roster_id: int) -> Roster:
    found = db.session.execute(select(Roster).where(Roster.id == roster_id)).scalar_one_or_none()
    if found is None:
        raise not_found("没有该名册", "No such roster")
    return found


def list_rosters(*, year: int | None = None, payer: str | None = None, state: str | None = None,
                 page: int = 1) -> tuple[list[Roster], bool]:
    """One page of rosters, newest first, in one query (no per-row loads)."""
    query = select(Roster)
    if year is not None:
        query = query.where(Roster.year == year)
    if payer:
        query = query.where(Roster.payer == payer)
    if state:
        query = query.where(Roster.state == state)
    page = min(max(page, 1), 10_000)
    rows = list(db.session.execute(query.order_by(Roster.id.desc()).limit(PER_PAGE + 1)
                                   .offset((page - 1) * PER_PAGE)).scalars())
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def lines_of(roster: Roster, page: int | None = None) -> list[RosterLine]:
    """The roster's lines in 序号 order: one page of them, or all (exports)."""
    query = select(RosterLine).where(RosterLine.roster_id == roster.id).order_by(RosterLine.seq)
    if page is not None:
        query = query.limit(LINES_PER_PAGE).offset((max(page, 1) - 1) * LINES_PER_PAGE)
    return list(db.session.execute(query).scalars())


def line_total(roster: Roster) -> tuple[int, int]:
    """(lines, total fen) summed from the lines themselves, exactly (integer fen)."""
    count, total = db.session.execute(select(func.count(RosterLine.id), func.coalesce(func.sum(RosterLine.amount_fen), 0))
                                      .where(RosterLine.roster_id == roster.id)).one()
    return int(count), int(total)


def release(roster_id: int) -> int:
    """The lines of an ended roster stay as filed but are no longer live: their entitlements can be claimed."""
    result = db.session.execute(update(RosterLine).where(
        RosterLine.tenant_id == current_tenant_id(), RosterLine.roster_id == roster_id, RosterLine.live,
    ).values(live=False).execution_options(synchronize_session=False))
    return result.rowcount or 0


def on_chain_complete(instance: ChainInstance) -> None:
    """Completion hook for subject type `roster`: the roster follows its chain (no commit here)."""
    to = CHAIN_TO_ROSTER.get(instance.state)
    if to is None:
        return
    moved = db.session.execute(update(Roster).where(
        Roster.id == instance.subject_id, Roster.tenant_id == current_tenant_id(),
        Roster.chain_instance_id == instance.id, Roster.state.in_(OPEN),
    ).values(state=to, decided_at=utcnow() if to != "returned" else None).returning(Roster.id)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    if moved is None:
        return
    released = release(moved) if to in ("rejected", "withdrawn") else 0
    record(f"subsidy.roster.{to}", target_type="rosters", target_id=moved,
           after={"state": to, "instance": instance.id, "released": released})


def resubmit_roster(roster_id: int, user: Any) -> Roster:
    """A returned roster goes along its chain again from the first step (its compiler only). Commits."""
    roster = get_roster(roster_id)
    if roster.state != "returned" or roster.chain_instance_id is None:
        raise conflict("roster_not_returned", "只有退回修改的名册可以重新报送", "Only a returned roster can be resubmitted")
    try:
        engine.resubmit(roster.chain_instance_id, user, commit=False)
        moved = db.session.execute(update(Roster).where(
            Roster.id == roster.id, Roster.tenant_id == current_tenant_id(), Roster.state == "returned",
        ).values(state="in_review", decided_at=None).returning(Roster.id)
            .execution_options(synchronize_session=False)).scalar_one_or_none()
        if moved is None:
            raise conflict("roster_not_returned", "名册状态已变化，请刷新", "The roster changed state; reload")
        record("subsidy.roster.resubmit", target_type="rosters", target_id=roster.id, after={"state": "in_review"})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return get_roster(roster_id)


def withdraw_roster(roster_id: int, user: Any, reason: str | None = None) -> Roster:
    """Its compiler withdraws an open roster; its entitlements are released (by the hook). Commits."""
    roster = get_roster(roster_id)
    if roster.state not in OPEN or roster.chain_instance_id is None:
        raise conflict("roster_closed", "名册已办结，不能撤回", "The roster's chain has ended; it cannot be withdrawn")
    try:
        engine.withdraw(roster.chain_instance_id, user, reason, commit=False)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.expire_all()
    return get_roster(roster_id)


def describe_rosters(ids: list[int]) -> dict[int, dict[str, str]]:
    """workflow describer (one query for a page of inbox rows): a roster's year and title, with its annex and the
    service county it was split by (2025年度 · …申报表（附件6） · 宁蒗彝族自治县); nobody's name."""
    out = {}
    for roster_id, year, title in db.session.execute(
            select(Roster.id, Roster.year, Roster.title).where(Roster.id.in_(ids))).all():
        title = title if isinstance(title, dict) else {}
        scope = title.get("scope") if isinstance(title.get("scope"), dict) else {}
        annex = title.get("annex") or ""
        zh_title, en_title = title.get("zh") or "", title.get("en") or title.get("zh") or ""
        zh = " · ".join(p for p in (f"{year}年度", zh_title + (f"（{annex}）" if annex else ""), scope.get("zh")) if p)
        en = " · ".join(p for p in (str(year), en_title + (f" ({annex})" if annex else ""),
                                    scope.get("en") or scope.get("zh")) if p)
        out[roster_id] = {"zh": zh, "en": en}
    return out
