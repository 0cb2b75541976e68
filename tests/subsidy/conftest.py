"""Fixtures for the subsidy tests: the seeded demo tenants (real Lijiang, Kunming and Yunnan packs), placements
made directly as rows (the placement journey has its own tests), the offices a claim chain needs, and
helpers to compile, review and pay through the API as the people who do each step."""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.identity.idnumbers import check_char
from grassroots.identity.services import register_person
from grassroots.packs.effective import current_effective
from grassroots.placement.models import Agreement, Application, Assessment, Placement, Posting
from grassroots.tenancy.models import Area, Tenant, Unit
from grassroots.workflow.models import ChainTask
from grassroots.workflow.transitions import act
from tests.conftest import DEMO_PASSWORD, login

# Lijiang: Ninglang county's remote Labo health centre; Gucheng's Jinjiang township (ethnic, not remote).
LABO, JINJIANG, CITY_HOSPITAL = "lj-nl-labo-hc", "lj-gc-jinjiang-hc", "lj-city-peoples-hospital"
# Kunming: Luquan county's Wumeng health centre; the county's first hospital.
WUMENG, LUQUAN_HOSPITAL = "km-lq-wumeng-hc", "km-lq-first-hospital"
PASSING = (("annual", 1, "qualified"), ("annual", 2, "excellent"), ("term_end", 2, "qualified"))
_serial = itertools.count(1)


def tenant(slug: str) -> Tenant:
    return db.session.execute(select(Tenant).filter_by(slug=slug)).scalar_one()


def user(username: str) -> User:
    return db.session.execute(select(User).filter_by(username=username)).scalar_one()


def member(slug: str, username: str, office: str, scope_kind: str = "tenant", scope_code: str = "") -> User:
    """`username` (made if new) holding `office` in tenant `slug`."""
    found = db.session.execute(select(User).filter_by(username=username)).scalar_one_or_none()
    if found is None:
        found = User(username=username, display_name=username)
        found.set_password(DEMO_PASSWORD)
        db.session.add(found)
        db.session.flush()
    db.session.add(Membership(user_id=found.id, tenant_id=tenant(slug).id, office=office, scope_kind=scope_kind,
                              scope_code=scope_code))
    db.session.commit()
    return found


def id_number(prefix: str = "530724") -> str:
    first17 = f"{prefix}19850101{next(_serial) % 1000:03d}"
    return first17 + check_char(first17)


def make_placement(slug: str, *, start: date, end: date | None, service_unit: str, original_unit: str,
                   program: str, assessments=PASSING, recognised_by: str | None = None, name: str = "测试人员",
                   title_level: str = "intermediate") -> int:
    """A placement as the placement module leaves it after a signed agreement (rows made directly)."""
    t = tenant(slug)
    with tenant_context(t.id, db.session):
        effective = current_effective(t)
        units = {u.code: u for u in db.session.execute(select(Unit).where(Unit.code.in_((service_unit, original_unit))))
                 .scalars()}
        su, ou = units[service_unit], units[original_unit]
        area = db.session.get(Area, su.area_id)
        parent = db.session.get(Area, area.parent_id) if area.parent_id else None
        tags = sorted(set(area.tags or []) | set((parent.tags if parent else None) or []))
        person = register_person({"name": name, "id_number": id_number(), "unit_code": original_unit,
                                  "title_level": title_level}, None, commit=False)
        submitter = user("lj_city_hr" if slug == "lijiang" else "km_city_hr").id
        posting = Posting(program_id=program, pack_version_id=effective.version_id, year=start.year, unit_id=su.id,
                          posts=[], headcount=1, state="published")
        db.session.add(posting)
        db.session.flush()
        app = Application(program_id=program, pack_version_id=effective.version_id, ancestors=list(effective.ancestors),
                          person_id=person.id, submitted_by=submitter, unit_id=ou.id, service_unit_id=su.id,
                          state="placed")
        db.session.add(app)
        db.session.flush()
        agreement = Agreement(application_id=app.id, posting_id=posting.id, service_unit_id=su.id,
                              service_area_id=area.id, start_date=start, end_date=end, state="signed")
        db.session.add(agreement)
        db.session.flush()
        placement = Placement(
            program_id=program, pack_version_id=effective.version_id, ancestors=list(effective.ancestors),
            application_id=app.id, agreement_id=agreement.id, person_id=person.id, original_unit_id=ou.id,
            service_unit_id=su.id, service_area_id=area.id, area_tags=tags, unit_level=su.level, unit_type=su.type,
            start_date=start, planned_end_date=end, recognised_by=recognised_by, state="serving",
            dispatch_state="recognised" if recognised_by else "none")
        db.session.add(placement)
        db.session.flush()
        for kind, year_no, grade in assessments:
            db.session.add(Assessment(placement_id=placement.id, kind=kind, year_no=year_no, grade=grade,
                                      assessed_on=start.replace(year=start.year + year_no), by_office="county_hr"))
        db.session.commit()
        return placement.id


def lijiang_placement(*, remote: bool = True, start: date = date(2023, 6, 1), end: date | None = date(2025, 5, 31),
                      assessments=PASSING, name: str = "和晓东") -> int:
    return make_placement("lijiang", start=start, end=end, service_unit=LABO if remote else JINJIANG,
                          original_unit=CITY_HOSPITAL, program="grassroots_service", assessments=assessments, name=name)


def kunming_placement(*, start: date = date(2024, 3, 1), end: date | None = date(2026, 2, 28),
                      name: str = "普晓云") -> int:
    return make_placement("kunming", start=start, end=end, service_unit=WUMENG, original_unit=LUQUAN_HOSPITAL,
                          program="township_support", assessments=(), recognised_by="city_talent_office", name=name)


def client_as(app, username: str):
    client = app.test_client()
    login(client, username)
    return client


def key() -> str:
    return uuid.uuid4().hex


def pending_tasks(slug: str, instance_id: int) -> list[ChainTask]:
    with tenant_context(tenant(slug).id, db.session):
        rows = db.session.execute(select(ChainTask).filter_by(instance_id=instance_id, state="pending")
                                  .order_by(ChainTask.step_index, ChainTask.id)
                                  .execution_options(populate_existing=True)).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def approve_chain(slug: str, instance_id: int, by_office: dict[str, str]) -> str:
    """Approve every pending task, step after step, as the office's holder; answers the final state."""
    state = "in_progress"
    for _ in range(20):
        tasks = pending_tasks(slug, instance_id)
        if not tasks:
            break
        for task in tasks:
            with tenant_context(tenant(slug).id, db.session):
                state = act(task.id, user(by_office[task.office]), "approve").instance.state
    return state


@pytest.fixture()
def lijiang_offices(seeded_app) -> SimpleNamespace:
    """Who acts along Lijiang's claim chains besides the demo staff: a second city HR officer (the compiler
    cannot review their own roster), and the province's officers holding their offices in Lijiang."""
    return SimpleNamespace(
        city_hr2=member("lijiang", "lj_city_hr_2", "city_hr").username,
        province_hr=member("lijiang", "yn_province_hr", "province_hr").username,
        province_finance=member("lijiang", "yn_province_finance", "province_finance").username,
        county_hr_gucheng=member("lijiang", "lj_county_hr_gucheng", "county_hr", "area", "530702").username,
    )


def provincial_offices(o: SimpleNamespace) -> dict[str, str]:
    return {"city_hr": o.city_hr2, "city_finance": "lj_city_finance", "province_hr": o.province_hr,
            "province_finance": o.province_finance}


def remote_offices(o: SimpleNamespace) -> dict[str, str]:
    return {"county_hr": "lj_county_hr_ninglang", "city_hr": o.city_hr2, "city_finance": "lj_city_finance"}


@pytest.fixture(autouse=True)
def _fresh_caches():
    from grassroots.packs.effective import clear_cache

    clear_cache()
    yield
    clear_cache()
