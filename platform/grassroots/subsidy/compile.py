"""Compiling year-end rosters (Lijiang 第十二条: Annexes 4+5 for the province; 第十三条: Annex 6 for the city).

`compile_roster(payer, year, user)` takes the payer's entitlements due in `year` that no live roster holds,
groups them by their claim (chain and roster form, from the pinned pack), and, when the claim chain
routes a step by a case scope (Annex 6's county HR review is the *service county's*), splits the group by
that scope, so each roster has one chain it can be routed along. Each roster then:
1. gets its lines, and with them its claim on each entitlement, from one INSERT ... SELECT ... ON CONFLICT
   DO NOTHING for all the rosters made (each row's roster picked by its claim, and its units when split;
   the names of people, units and places as filed, numbered within each roster): the live-line unique
   index means two compiles at once never put one entitlement in two live rosters;
2. starts its claim chain (workflow.start_chain); everything commits together, and a roster left without
   lines (another compile took them) is not kept.
No amount is computed here: a line's amount is its entitlement's, which is the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, exists, func, literal, select, text
from sqlalchemy.orm import aliased

from grassroots.audit.log import record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.identity.models import Person
from grassroots.packs.effective import Effective, current_effective
from grassroots.packs.versions import china_today
from grassroots.placement.models import Placement
from grassroots.subsidy.entitlements import refresh_entitlements
from grassroots.subsidy.errors import conflict, invalid
from grassroots.subsidy.models import LIVE_WHERE, Entitlement, Roster, RosterLine
from grassroots.subsidy.money import yuan
from grassroots.subsidy.sql import dialect_insert
from grassroots.tenancy.models import Area, Tenant, Unit
from grassroots.workflow.chains import AREA_SCOPES, CONTEXT_KEYS, UNIT_SCOPES, find_chain
from grassroots.workflow.engine import start_chain
from grassroots.workflow.scopes import COUNTY_KINDS, load_tree

SUBJECT = "roster"
YEARS = range(2000, 2200)
SERVICE_SCOPES = frozenset({"service_unit", "service_county"})


@dataclass
class Group:
    """One roster to be: a claim (chain, form) and the part of the city its chain is routed for."""

    chain: str
    form: str | None
    context: dict[str, str] = field(default_factory=dict)
    pairs: set[tuple[int, int]] = field(default_factory=set)  # (service unit id, original unit id)


def _case_scopes(step: dict) -> set[str]:
    """The case scopes (service county, applicant unit, ...) a step or its sub-steps and routes name."""
    scopes = {step.get("scope")}
    route = step.get("route") or {}
    scopes |= {c.get("scope") for c in (route.get("cases") or {}).values() if isinstance(c, dict)}
    scopes.add((route.get("default") or {}).get("scope"))
    for sub in step.get("steps") or []:
        scopes |= _case_scopes(sub)
    return {s for s in scopes if s in CONTEXT_KEYS}


def claimed():
    """EXISTS a live roster line for the entitlement: it is claimed (a paid one always is)."""
    return exists().where(RosterLine.tenant_id == Entitlement.tenant_id, RosterLine.entitlement_id == Entitlement.id,
                          RosterLine.live)


def _due_unclaimed(payer: str, start: date, end: date) -> list:
    return [Entitlement.tenant_id == current_tenant_id(), Entitlement.payer == payer, Entitlement.status == "due",
            Entitlement.claim_chain.is_not(None), Entitlement.due >= start, Entitlement.due <= end, ~claimed()]


def _groups(effective: Effective, payer: str, start: date, end: date) -> list[Group]:
    """The rosters this compile makes: one per claim, split by the case scopes its chain routes on."""
    claims = db.session.execute(select(Entitlement.claim_chain, Entitlement.roster_form)
                                .where(*_due_unclaimed(payer, start, end)).distinct()).all()
    groups: dict[tuple, Group] = {}
    tree, codes = None, {}
    for chain_id, form in claims:
        chain = find_chain(effective.pack, chain_id) or {}
        scopes = set().union(*(_case_scopes(s) for s in chain.get("steps") or []))
        if not scopes:
            groups[(chain_id, form or "", ())] = Group(chain_id, form)
            continue
        if tree is None:
            tree = load_tree()
            codes = dict(db.session.execute(select(Unit.id, Unit.code)).all())
        pairs = db.session.execute(
            select(Placement.service_unit_id, Placement.original_unit_id)
            .join(Entitlement, and_(Entitlement.tenant_id == Placement.tenant_id, Entitlement.placement_id == Placement.id))
            .where(*_due_unclaimed(payer, start, end), Entitlement.claim_chain == chain_id,
                   Entitlement.roster_form.is_(None) if form is None else Entitlement.roster_form == form)
            .distinct()).all()
        for service, original in pairs:
            derived = tree.derive_context({"service_unit": codes.get(service), "applicant_unit": codes.get(original)})
            context = {k: derived.get(k, "") for k in sorted(scopes)}
            group = groups.setdefault((chain_id, form or "", tuple(context.items())), Group(chain_id, form, context))
            group.pairs.add((service, original))
    return [groups[k] for k in sorted(groups)]


def _target(made: list[tuple[Group, Roster]]):
    """The roster each candidate row goes to: by its claim, and by its placement's units when split (CASE);
    NULL for a row no roster covers (it appeared since the groups were read)."""
    whens = []
    for group, roster in made:
        claim = [Entitlement.claim_chain == group.chain,
                 Entitlement.roster_form.is_(None) if group.form is None else Entitlement.roster_form == group.form]
        if not group.context:
            whens.append((and_(*claim), roster.id))
        elif set(group.context) <= SERVICE_SCOPES:  # split by where they serve: the service units suffice
            whens.append((and_(*claim, Placement.service_unit_id.in_(sorted({s for s, _o in group.pairs}))), roster.id))
        else:
            whens += [(and_(*claim, Placement.service_unit_id == s, Placement.original_unit_id == o), roster.id)
                      for s, o in sorted(group.pairs)]
    return case(*whens, else_=None)


LINE_COLUMNS = ("tenant_id", "roster_id", "seq", "entitlement_id", "placement_id", "person_id", "application_id",
                "component", "person_name", "gender", "original_unit", "service_unit", "service_area",
                "service_county", "service_start", "service_end", "first_year", "last_year", "years", "amount_fen",
                "live")


def _write_lines(made: list[tuple[Group, Roster]], payer: str, start: date, end: date) -> None:
    """The claim: one INSERT ... SELECT ... ON CONFLICT DO NOTHING writes every new roster's lines (each
    unclaimed entitlement with the names of its person, units and places, numbered within its roster); a
    row another compile wrote first is skipped by the live-line unique index. Then each roster's count
    and total, from its lines."""
    tid = current_tenant_id()
    original, service, area, parent = aliased(Unit), aliased(Unit), aliased(Area), aliased(Area)
    county = case((area.kind.in_(tuple(COUNTY_KINDS)), area.name_zh), else_=func.coalesce(parent.name_zh, ""))
    county_id = case((area.kind.in_(tuple(COUNTY_KINDS)), area.id), else_=area.parent_id)
    same = Placement.tenant_id
    rows = (
        select(_target(made).label("roster_id"), county_id.label("county_order"), Placement.service_unit_id,
               Entitlement.id, Entitlement.placement_id, Placement.person_id, Placement.application_id,
               Entitlement.component, Person.name, Person.gender,
               func.coalesce(original.name_zh, "").label("original_unit"),
               func.coalesce(service.name_zh, "").label("service_unit"),
               func.coalesce(area.name_zh, "").label("service_area"), func.coalesce(county, "").label("service_county"),
               Placement.start_date, func.coalesce(Placement.end_date, Placement.planned_end_date).label("end"),
               Entitlement.first_year, Entitlement.last_year, Entitlement.years, Entitlement.amount_fen)
        .select_from(Entitlement)
        .join(Placement, and_(same == Entitlement.tenant_id, Placement.id == Entitlement.placement_id))
        .join(Person, and_(Person.tenant_id == same, Person.id == Placement.person_id))
        .outerjoin(original, and_(original.tenant_id == same, original.id == Placement.original_unit_id))
        .outerjoin(service, and_(service.tenant_id == same, service.id == Placement.service_unit_id))
        .outerjoin(area, and_(area.tenant_id == same,
                              area.id == func.coalesce(Placement.service_area_id, service.area_id)))
        .outerjoin(parent, and_(parent.tenant_id == same, parent.id == area.parent_id))
        .where(*_due_unclaimed(payer, start, end))).subquery()
    c = rows.c
    lines = (select(literal(tid), c.roster_id,
                    # 序号 by county, then service unit, then person: ids, not names (no collation cost)
                    func.row_number().over(partition_by=c.roster_id,
                                           order_by=(c.county_order, c.service_unit_id, c.person_id, c.id)),
                    c.id, c.placement_id, c.person_id, c.application_id, c.component, c.name, c.gender,
                    c.original_unit, c.service_unit, c.service_area, c.service_county, c.start_date, c.end,
                    c.first_year, c.last_year, c.years, c.amount_fen, literal(True))
             .where(c.roster_id.is_not(None)))
    stmt = dialect_insert(RosterLine).from_select(LINE_COLUMNS, lines)
    live = text(LIVE_WHERE[db.session.get_bind().dialect.name])  # the partial index's own words
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["tenant_id", "entitlement_id"], index_where=live))
    ids = [r.id for _g, r in made]
    totals = {r.roster_id: (int(r.lines), int(r.fen)) for r in db.session.execute(
        select(RosterLine.roster_id, func.count(RosterLine.id).label("lines"),
               cast(func.coalesce(func.sum(RosterLine.amount_fen), 0), BigInteger).label("fen"))
        .where(RosterLine.roster_id.in_(ids)).group_by(RosterLine.roster_id))}
    for _group, roster in made:
        roster.line_count, roster.total_fen = totals.get(roster.id, (0, 0))


def _claim_forms(effective: Effective, chain: str) -> list[str]:
    """The forms the pack attaches to claims along `chain` (第十二条: Annexes 2, 3 and 5 with Annex 4)."""
    out: list[str] = []
    for program in effective.pack.get("programs") or []:
        for sub in program.get("subsidies") or []:
            claim = sub.get("claim") or {}
            if claim.get("chain") == chain:
                out += [f for f in claim.get("forms") or [] if f not in out]
    return out


def _title(effective: Effective, group: Group) -> dict[str, Any]:
    forms = {f.get("id"): f for f in effective.pack.get("forms") or [] if isinstance(f, dict)}
    form = forms.get(group.form) or {}
    chain = find_chain(effective.pack, group.chain) or {}
    name = form.get("title") or chain.get("name") or {"zh": group.chain, "en": group.chain}
    return {"zh": name.get("zh", ""), "en": name.get("en", ""), "annex": form.get("annex"),
            "scope": _scope_name(group.context)}


def _scope_name(context: dict[str, str]) -> dict[str, str] | None:
    """The name of the area or unit a split roster covers (the header of Annex 6: 服务地县（区）)."""
    for key, code in sorted(context.items()):
        model = Area if key in AREA_SCOPES else Unit if key in UNIT_SCOPES else None
        if model is None or not code:
            continue
        row = db.session.execute(select(model.name_zh, model.name_en).where(model.code == code)).first()
        if row is not None:
            return {"zh": row.name_zh, "en": row.name_en or row.name_zh}
    return None


def _new_roster(effective: Effective, group: Group, payer: str, year: int, user: Any) -> Roster:
    return Roster(pack_version_id=effective.version_id, payer=payer, year=year, claim_chain=group.chain,
                  roster_form=group.form, claim_forms=_claim_forms(effective, group.chain), scope=group.context,
                  title=_title(effective, group), state="in_review", currency=effective.compiled.currency,
                  compiled_by=user.id, compiled_at=utcnow())


def _compile(effective: Effective, payer: str, year: int, user: Any) -> list[Roster]:
    """Rosters for every group, claimed and written in one pass per claim, each sent along its chain."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    made = [(g, _new_roster(effective, g, payer, year, user)) for g in _groups(effective, payer, start, end)]
    if not made:
        return []
    db.session.add_all([r for _g, r in made])
    db.session.flush()
    _write_lines(made, payer, start, end)
    out = []
    for group, roster in made:
        if not roster.line_count:  # another compile took them first
            db.session.delete(roster)
            continue
        instance = start_chain(group.chain, effective.version_id, SUBJECT, roster.id, user.id, {},
                               dict(group.context), pack=effective)
        roster.chain_instance_id = instance.id
        record("subsidy.roster.compile", target_type="rosters", target_id=roster.id,
               after={"payer": payer, "year": year, "chain": group.chain, "scope": group.context,
                      "lines": roster.line_count, "total": yuan(roster.total_fen), "instance": instance.id})
        out.append(roster)
    db.session.flush()
    return out


def compile_roster(payer: str, year: int, user: Any, *, refresh: bool = True, as_of: date | None = None) -> list[Roster]:
    """Compile (and send along their claim chains) the rosters of `payer`'s entitlements due in `year`.

    Commits. With `refresh`, entitlements are first brought up to date as of the year's end (or today,
    if earlier). 422 for an unknown payer or year; 409 when nothing is left to claim.
    """
    tenant = db.session.get(Tenant, current_tenant_id())
    effective = current_effective(tenant)
    if effective is None:
        raise conflict("no_pack", "本地区尚未发布政策包", "This jurisdiction has not published a policy pack")
    if payer not in {p.get("id") for p in effective.pack.get("payers") or []}:
        raise invalid("/payer", "unknown_payer", f"政策包中没有资金来源 {payer}", f"the pack has no payer {payer!r}")
    if year not in YEARS:
        raise invalid("/year", "bad_year", "年度无效", "not a valid year")
    as_of = as_of or min(china_today(), date(year, 12, 31))
    try:
        if refresh:
            refresh_entitlements(as_of, user=user)
        rosters = _compile(effective, payer, year, user)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if not rosters:
        raise conflict("nothing_to_compile", f"{year} 年度没有待申报的补贴（{payer}）",
                       f"No unclaimed entitlements of {payer} fall due in {year}")
    return rosters
