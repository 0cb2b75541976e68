"""Demand postings (Lijiang 第三条): a county HR bureau posts its townships' needs on the pack's 需求信息表
and publishes them; the city sees all its counties' postings, the province all its cities' (roll-up).

Who: `posting.manage` within a scope covering the demanding unit (a county HR bureau its county's
units); the same officers close a published posting whose posts are filled or no longer needed (`close`,
with a reason, withdrawing its demand report if they reported it and it is still under review). Published
postings are seen by every member with `program.view`; drafts by their managers only.

Publishing a posting of a program whose pack names a demand chain (`chains.demand`) also reports it up
that chain (workflow.start_chain, the publisher its submitter, in the same transaction): Lijiang's
`lijiang_demand_reporting` (the county's publication is its submission; the city compiles, the province
files). The report's return, resubmission, end and how the posting shows it are in demand.py; a program
without one publishes exactly as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from grassroots.accounts.models import User
from grassroots.audit.log import acting_as, record
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import tenant_context
from grassroots.forms.services import submit as submit_form
from grassroots.forms.validation import validate as validate_form
from grassroots.packs.effective import Effective, effective_of
from grassroots.packs.versions import china_today, version_by_id
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.errors import conflict, forbidden, invalid, invalid_many, not_found, prefixed
from grassroots.placement.models import Posting
from grassroots.placement.models.postings import CLOSE_REASON_MAX
from grassroots.placement.orgs import Areas, unit_by_code
from grassroots.tenancy.models import Tenant
from grassroots.workflow.engine import start_chain
from grassroots.workflow.engine import withdraw as withdraw_chain
from grassroots.workflow.models import ChainInstance

MANAGE = frozenset({"posting.manage"})
SUBJECT = "placement_posting"  # the posting's 需求信息表 and its demand report chain
DEMAND_CHAIN = "demand"  # programs[].chains key of the demand report
# Without a demand form in the pack, a posting lists its posts in this minimal shape.
POST_KEYS = ("post_name", "specialty", "headcount", "service_years", "duties")


def _posts_without_form(data: Any) -> tuple[list[dict], list[dict]]:
    posts = data.get("posts") if isinstance(data, dict) else None
    errors: list[dict] = []
    if not isinstance(posts, list) or not posts:
        return [], [{"path": "/data/posts", "code": "required",
                     "message": {"zh": "请至少填写一个需求岗位", "en": "List at least one post"}}]
    clean = []
    for n, post in enumerate(posts):
        if not isinstance(post, dict) or not isinstance(post.get("post_name"), str) or not post["post_name"].strip():
            errors.append({"path": f"/data/posts/{n}/post_name", "code": "required",
                           "message": {"zh": "请填写岗位名称", "en": "Name the post"}})
            continue
        headcount = post.get("headcount")
        if not isinstance(headcount, int) or isinstance(headcount, bool) or headcount < 1:
            errors.append({"path": f"/data/posts/{n}/headcount", "code": "minimum",
                           "message": {"zh": "需求人数至少为 1", "en": "Headcount must be at least 1"}})
            continue
        clean.append({k: post[k] for k in POST_KEYS if k in post})
    return clean, errors


def _prefill(form: dict, data: dict, unit, areas: Areas) -> dict:
    """The demanding unit's own details come from the register, not from what was typed."""
    props = (form.get("schema") or {}).get("properties") or {}
    county = areas.county_of(unit.area_id)
    township = areas.by_id.get(unit.area_id)
    known = {"county": county.name_zh if county else None, "township": township.name_zh if township else None,
             "unit_name": unit.name_zh, "unit_type": unit.type, "filled_on": data.get("filled_on") or china_today().isoformat()}
    out = dict(data)
    for key, value in known.items():
        if key in props and value is not None and (key != "unit_type" or value in (props[key].get("enum") or [value])):
            out[key] = value
    return out


def checked_demand(form: dict | None, data: Any, unit, areas: Areas) -> tuple[dict, list[dict]]:
    """(the form data with the unit's registered details, its posts); 422 with every error at `/data/...`."""
    data = dict(data) if isinstance(data, dict) else {}
    if form is not None:
        data = _prefill(form, data, unit, areas)
        errors = prefixed(validate_form(form, data), "/data")
        posts = [p for p in data.get("posts") or [] if isinstance(p, dict)]
    else:
        posts, errors = _posts_without_form(data)
    if errors:
        raise invalid_many(errors, "需求信息表填写有误", "The demand form has errors")
    return data, posts


def headcount_of(posts: list[dict]) -> int:
    return sum(int(p.get("headcount") or 0) for p in posts)


def create_posting(tenant: Tenant, user, program_id: str, unit_code: str, data: dict, year: int | None = None) -> Posting:
    """A draft posting of `unit_code`'s needs under the pack in force (flush only; the caller commits)."""
    effective = packs.current(tenant)
    program = packs.program_of(effective, program_id)
    unit = unit_by_code(unit_code)
    if unit is None:
        raise invalid("/unit_code", "unknown_unit", "本地区没有该单位", "No such unit in this jurisdiction")
    if not reach_of(user, tenant, MANAGE).covers(unit.id):
        raise forbidden("not_in_scope", "该单位不在您的管辖范围内", "This unit is outside your scope")
    areas = Areas.load()
    form = packs.form_of(effective, program, "demand")
    data, posts = checked_demand(form, data, unit, areas)
    filled = data.get("filled_on")
    year = year or (date.fromisoformat(filled).year if isinstance(filled, str) and len(filled) == 10 else china_today().year)
    county = areas.county_of(unit.area_id)
    posting = Posting(program_id=program["id"], pack_version_id=effective.version_id, year=year, unit_id=unit.id,
                      county_area_id=county.id if county else None, posts=posts,
                      headcount=headcount_of(posts), state="draft", created_by=user.id)
    db.session.add(posting)
    db.session.flush()
    if form is not None:
        submission = submit_form(form, data, {}, effective.version_id, SUBJECT, posting.id, user,
                                 scope={"service_unit": unit.code})
        posting.submission_id = submission.id
        db.session.flush()
    return posting


def get_posting(posting_id: int) -> Posting:
    found = db.session.execute(select(Posting).options(joinedload(Posting.unit), joinedload(Posting.county),
                                                       joinedload(Posting.chain_instance), _closer())
                               .where(Posting.id == posting_id)).unique().scalar_one_or_none()
    if found is None:
        raise not_found("没有该岗位需求", "No such posting")
    return found


def may_see(user, tenant: Tenant, posting: Posting) -> bool:
    return posting.state != "draft" or reach_of(user, tenant, MANAGE).covers(posting.unit_id)


def pack_of(tenant: Tenant, posting: Posting) -> Effective:
    """The pack version the posting was filled under (over its parents' current versions: a posting pins
    no parents, and the chains and forms it reads are its own tenant's)."""
    version = version_by_id(posting.pack_version_id)
    if version is None:  # the composite foreign key makes this impossible short of a broken database
        raise conflict("pack_unavailable", "岗位需求所依据的政策包版本不存在", "The posting's pack version does not exist")
    return effective_of(tenant, version)


def demand_chain_of(effective: Effective, program_id: str) -> str | None:
    """The program's demand report chain (`chains.demand`), or None (Kunming: publishing is all there is)."""
    return packs.chain_of(packs.program_of(effective, program_id), DEMAND_CHAIN)


def chain_context(posting: Posting) -> tuple[dict, dict]:
    """(facts, context) the demand chain routes on: the demanding unit is the service unit (its county is
    `service_county`, derived by the workflow from the unit tree)."""
    unit = posting.unit
    return ({"placement": {"unit_level": unit.level, "unit_type": unit.type}}, {"service_unit": unit.code})


def publish(tenant: Tenant, user, posting: Posting) -> Posting:
    """draft → published, by a manager covering its unit (one conditional UPDATE; 409 if not a draft).

    With a demand chain in the posting's pack, the same transaction starts it (the publisher submits the
    report) and stores it on the posting; a chain that cannot be routed (422) publishes nothing. Flushes
    only: the caller commits."""
    if not reach_of(user, tenant, MANAGE).covers(posting.unit_id):
        raise forbidden("not_in_scope", "该单位不在您的管辖范围内", "This unit is outside your scope")
    try:
        moved = db.session.execute(update(Posting).where(Posting.id == posting.id, Posting.state == "draft")
                                   .values(state="published", published_by=user.id, published_at=utcnow())
                                   .returning(Posting.id).execution_options(synchronize_session=False)).scalar_one_or_none()
        if moved is None:
            raise conflict("not_draft", "只有草稿可以发布", "Only a draft can be published")
        effective = pack_of(tenant, posting)
        chain = demand_chain_of(effective, posting.program_id)
        instance_id = None
        if chain is not None:
            facts, context = chain_context(posting)
            instance = start_chain(chain, posting.pack_version_id, SUBJECT, posting.id, user.id, facts, context,
                                   pack=effective)
            instance_id = instance.id
            stored = db.session.execute(update(Posting).where(Posting.id == posting.id,
                                                              Posting.chain_instance_id.is_(None))
                                        .values(chain_instance_id=instance_id).returning(Posting.id)
                                        .execution_options(synchronize_session=False)).scalar_one_or_none()
            if stored is None:  # the draft → published UPDATE above makes this unreachable; never two chains
                raise conflict("already_reported", "该岗位需求已上报", "This posting has already been reported")
        record("placement.posting.publish", target_type="postings", target_id=posting.id,
               before={"state": "draft"}, after={"state": "published", "chain": chain, "chain_instance_id": instance_id})
    except BaseException:
        db.session.rollback()
        raise
    db.session.refresh(posting, ["state", "published_by", "published_at", "chain_instance_id"])
    return posting


OPEN_REPORT = ("in_progress", "returned")  # a demand report still along its chain (withdrawable by its submitter)


def close(tenant: Tenant, user, posting: Posting, reason: str | None) -> Posting:
    """published → closed, by a manager covering its unit (the check publish makes), with a reason; commits.

    403 outside the officer's reach; 422 at `/reason` without one (or over CLOSE_REASON_MAX characters);
    409 `posting_not_published` unless published (a draft is simply left; a closed posting stays closed:
    one conditional UPDATE, so two closes move it once). A demand report still along its chain (in
    progress, or returned for revision) is withdrawn in the same transaction when the officer is its
    submitter (workflow.withdraw allows the submitter only); anyone else is refused with 409
    `demand_report_in_progress` and nothing changes. Matches already made stand; no new one is made."""
    if not reach_of(user, tenant, MANAGE).covers(posting.unit_id):
        raise forbidden("not_in_scope", "该单位不在您的管辖范围内", "This unit is outside your scope")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise invalid("/reason", "required", "请填写关闭原因", "Give the reason for closing the posting")
    if len(reason) > CLOSE_REASON_MAX:
        raise invalid("/reason", "max_length", f"关闭原因不能超过 {CLOSE_REASON_MAX} 个字",
                      f"The reason can be at most {CLOSE_REASON_MAX} characters")
    with acting_as(getattr(user, "username", None) or f"user:{user.id}", user.id):
        try:
            # The report first, then the posting (the order a rejecting act takes: chain, then its completion
            # hook's close), so a close and an act on the report queue rather than deadlock.
            report = None
            instance = (db.session.get(ChainInstance, posting.chain_instance_id, populate_existing=True)
                        if posting.chain_instance_id is not None else None)
            if instance is not None and instance.state in OPEN_REPORT and posting.state == "published":
                if instance.submitter_user_id != user.id:
                    raise conflict("demand_report_in_progress",
                                   "该岗位需求的上报仍在审核中，只有发布（上报）该岗位需求的人可以关闭它并撤回上报",
                                   "The posting's demand report is still under review; only whoever published "
                                   "(and so reported) the posting can close it and withdraw the report")
                withdraw_chain(instance.id, user, reason, commit=False)
                report = "withdrawn"
            moved = db.session.execute(update(Posting).where(Posting.id == posting.id, Posting.state == "published")
                                       .values(state="closed", closed_at=utcnow(), closed_by=user.id,
                                               close_reason=reason)
                                       .returning(Posting.id).execution_options(synchronize_session=False)
                                       ).scalar_one_or_none()
            if moved is None:
                raise conflict("posting_not_published", "只有发布中的岗位需求可以关闭",
                               "Only a published posting can be closed")
            record("placement.posting.close", target_type="postings", target_id=posting.id,
                   before={"state": "published"},
                   after={"state": "closed", "chain_instance_id": posting.chain_instance_id, "report": report},
                   note=reason)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
    return get_posting(posting.id)


def _closer():
    """Who closed a posting: their name only."""
    return joinedload(Posting.closer).load_only(User.id, User.display_name)


def _report_state():
    """Lists show the demand report's state only (its chain row, without the chain's snapshot)."""
    return joinedload(Posting.chain_instance).load_only(ChainInstance.id, ChainInstance.state, ChainInstance.round,
                                                        ChainInstance.chain_id)


def list_postings(user, tenant: Tenant, *, state: str | None = None, year: int | None = None,
                  program: str | None = None) -> list[Posting]:
    """The tenant's postings the user may see, newest first (one query, units and counties joined)."""
    query = (select(Posting).options(joinedload(Posting.unit), joinedload(Posting.county), _report_state(), _closer())
             .order_by(Posting.year.desc(), Posting.id.desc()))
    reach = reach_of(user, tenant, MANAGE)
    if not reach.everywhere:
        query = query.where((Posting.state != "draft") | Posting.unit_id.in_(reach.unit_ids or {-1}))
    if state:
        query = query.where(Posting.state == state)
    if year:
        query = query.where(Posting.year == year)
    if program:
        query = query.where(Posting.program_id == program)
    return list(db.session.execute(query).unique().scalars())


def descendants(tenant: Tenant) -> list[Tenant]:
    """Child tenants, grandchildren after their parent (a province → its cities → their counties)."""
    out: list[Tenant] = []
    stack = [tenant]
    while stack:
        node = stack.pop(0)
        children = list(db.session.execute(select(Tenant).where(Tenant.parent_id == node.id,
                                                                 Tenant.status == "active").order_by(Tenant.slug)).scalars())
        out += children
        stack += children
    return out


def rollup(tenant: Tenant, *, year: int | None = None, program: str | None = None) -> list[tuple[Tenant, list[Posting]]]:
    """The reported postings of every tenant below `tenant`, each read in its own tenant context (both
    isolation walls apply as for the child itself; nothing is switched off). One query per tenant.

    Reported: published, or closed by its officer once its posts were filled (the year's demand was real and
    stays in the year's picture, marked closed); not a posting whose demand report was rejected or
    withdrawn, which never reached the province (第三条)."""
    out = []
    for child in descendants(tenant):
        with tenant_context(child.id, db.session):
            report = aliased(ChainInstance)
            query = (select(Posting).options(joinedload(Posting.unit), joinedload(Posting.county), _report_state())
                     .outerjoin(report, and_(report.id == Posting.chain_instance_id,
                                             report.tenant_id == Posting.tenant_id))
                     .where(Posting.state.in_(("published", "closed")),
                            or_(report.id.is_(None), report.state.not_in(("rejected", "withdrawn"))))
                     .order_by(Posting.year.desc(), Posting.id.desc()))
            if year:
                query = query.where(Posting.year == year)
            if program:
                query = query.where(Posting.program_id == program)
            rows = list(db.session.execute(query).unique().scalars())
        out.append((child, rows))
    return out
