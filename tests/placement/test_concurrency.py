"""Matches at the same moment: a posting's places are never overfilled, an application is matched once, and
nothing is matched to a posting its rejected demand report closes (the posting's row is locked first)."""

from __future__ import annotations

import threading
import time
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from grassroots.accounts.models import User
from grassroots.audit.models import AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.placement.matching import match
from grassroots.placement.models import Agreement
from grassroots.tenancy.models import Tenant
from grassroots.workflow.transitions import act
from tests.placement.conftest import (
    LIJIANG_FILES,
    LIJIANG_PROGRAM,
    NINGLANG,
    Case,
    apply,
    approve_application,
    demand,
    id_number,
    lijiang_application,
    open_posting,
)
from tests.placement.test_journeys import city_case, ninglang_case

THREADS = 4


def _race(app, calls) -> list:
    start, results = threading.Barrier(len(calls)), []

    def run(call) -> None:
        with app.app_context():
            try:
                start.wait()
                call()
                results.append(201)
            except UserError as exc:
                results.append(exc.status)
            except Exception as exc:  # noqa: BLE001  (reported below)
                results.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results, key=str)


@pytest.mark.postgres
def test_two_matches_for_the_last_place_fill_it_once(world, seeded_app):
    first, second = ninglang_case(date(2021, 9, 1), date(2023, 8, 31)), city_case(date(2021, 9, 1), date(2023, 8, 31))
    for case in (first, second):
        apply(world, case)
        approve_application(world, case)
    posting = world.post("lj_city_hr", "/api/v1/t/lijiang/postings",
                         {"program": "grassroots_service", "unit_code": "lj-nl-labo-hc",
                          "data": {"posts": [{"post_name": "全科医生", "specialty": "临床", "headcount": 1, "service_years": 2}],
                                   "contact": "杨", "phone": "0888-5500000", "filled_on": "2021-01-15"}}, 201)
    world.post("lj_city_hr", f"/api/v1/t/lijiang/postings/{posting['id']}/publish")
    tenant = db.session.execute(select(Tenant).filter_by(slug="lijiang")).scalar_one()
    users = {u.username: SimpleNamespace(id=u.id, username=u.username) for u in db.session.execute(
        select(User).where(User.username.in_(("lj_city_hr", "lj_county_hr_ninglang")))).scalars()}

    def matching(username: str, app_id: int):
        def call():
            with tenant_context(tenant.id, db.session):
                match(db.session.get(Tenant, tenant.id), users[username], app_id, posting["id"])
        return call

    results = _race(seeded_app, [matching("lj_county_hr_ninglang", first.app_id), matching("lj_city_hr", second.app_id)])
    assert results == [201, 409], results
    with tenant_context(tenant.id, db.session):
        assert db.session.execute(select(func.count(Agreement.id)).where(Agreement.posting_id == posting["id"])).scalar() == 1


@pytest.mark.postgres
def test_one_application_matched_twice_at_once_is_matched_once(world, seeded_app):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    open_posting(world, case)
    other = open_posting(world, ninglang_case(date(2021, 9, 1), date(2023, 8, 31)))
    apply(world, case)
    approve_application(world, case)
    tenant = db.session.execute(select(Tenant).filter_by(slug="lijiang")).scalar_one()
    officer = db.session.execute(select(User).filter_by(username="lj_county_hr_ninglang")).scalar_one()
    who = SimpleNamespace(id=officer.id, username=officer.username)

    def matching(posting_id: int):
        def call():
            with tenant_context(tenant.id, db.session):
                match(db.session.get(Tenant, tenant.id), who, case.app_id, posting_id)
        return call

    assert _race(seeded_app, [matching(case.posting_id), matching(other)]) == [201, 409]
    with tenant_context(tenant.id, db.session):
        assert db.session.execute(select(func.count(Agreement.id)).where(
            Agreement.application_id == case.app_id)).scalar() == 1


def _labo_posting(world, headcount: int) -> int:
    """A published posting of Labo's health centre with `headcount` places, reported up Lijiang's demand chain
    by Ninglang's county HR bureau (the city compiles it next)."""
    posting = world.post("lj_county_hr_ninglang", "/api/v1/t/lijiang/postings",
                         {"program": LIJIANG_PROGRAM, "unit_code": "lj-nl-labo-hc", "data": demand(headcount=headcount)}, 201)
    world.post("lj_county_hr_ninglang", f"/api/v1/t/lijiang/postings/{posting['id']}/publish")
    return posting["id"]


def _filed_case(serial: int) -> Case:
    """A Ninglang hospital doctor without a login (each serial a person of their own), filed by the city's HR
    officer, approved along the county-level chain and matched by Ninglang's county HR bureau."""
    number = id_number(NINGLANG, "19850312", serial)
    return Case("lijiang", LIJIANG_PROGRAM, "lj_city_hr", "lj-nl-peoples-hospital",
                lijiang_application(f"申请人{serial}", number, "1985-03-12", "male" if serial % 2 else "female"),
                LIJIANG_FILES, "lj_county_hr_ninglang", "lj-nl-labo-hc", "lj_county_hr_ninglang",
                ("lj_nl_hospital", "lj_nl_health_bureau", "lj_county_hr_ninglang"), (), date(2021, 9, 1),
                date(2023, 8, 31))


def _plain(username: str) -> SimpleNamespace:
    found = db.session.execute(select(User).filter_by(username=username)).scalar_one()
    return SimpleNamespace(id=found.id, username=found.username, display_name=found.display_name)


def _agreements_on(tenant: Tenant, posting_id: int) -> int:
    with tenant_context(tenant.id, db.session):
        return db.session.execute(select(func.count(Agreement.id)).where(Agreement.posting_id == posting_id)).scalar()


def _city_task(world, posting_id: int) -> int:
    (task,) = [t for t in world.get("lj_city_hr", "/api/v1/t/lijiang/inbox")["tasks"]
               if (t["subject_type"], t["subject_id"]) == ("placement_posting", posting_id)]
    return task["id"]


@pytest.mark.postgres
def test_many_matches_for_a_single_place_make_one(world, seeded_app):
    """N officers' approved applications matched at once to a posting with one place: one agreement."""
    cases = [_filed_case(31 + n) for n in range(THREADS)]
    for case in cases:
        apply(world, case)
        assert approve_application(world, case)["state"]["code"] == "approved"
    posting_id = _labo_posting(world, headcount=1)
    tenant = db.session.execute(select(Tenant).filter_by(slug="lijiang")).scalar_one()
    matcher = _plain("lj_county_hr_ninglang")

    def matching(app_id: int):
        def call():
            with tenant_context(tenant.id, db.session):
                match(db.session.get(Tenant, tenant.id), matcher, app_id, posting_id)
        return call

    results = _race(seeded_app, [matching(case.app_id) for case in cases])
    assert results == [201] + [409] * (THREADS - 1), results
    assert _agreements_on(tenant, posting_id) == 1


def _waiting_for_a_lock(engine, seconds: float = 15.0) -> bool:
    """True once some backend waits for a lock (the match queued behind the close), within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
                return True
        time.sleep(0.05)
    return False


@pytest.mark.postgres
def test_a_match_waiting_on_a_closing_posting_is_refused(world, seeded_app):
    """The city rejects the demand report (closing the posting) and, before it commits, a match to the posting
    starts: the match waits for the close and is refused; nothing is matched to the closed posting."""
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    apply(world, case)
    approve_application(world, case)
    posting_id = _labo_posting(world, headcount=2)
    task_id = _city_task(world, posting_id)
    tenant = db.session.execute(select(Tenant).filter_by(slug="lijiang")).scalar_one()
    city, matcher = _plain("lj_city_hr"), _plain("lj_county_hr_ninglang")
    closing, release, results = threading.Event(), threading.Event(), {}

    def close() -> None:
        with seeded_app.app_context():
            try:
                with tenant_context(tenant.id, db.session):
                    act(task_id, city, "reject", "该单位不属乡镇企事业单位", commit=False)  # closes the posting
                    closing.set()
                    release.wait(30)
                    db.session.commit()
                results["close"] = "committed"
            except Exception as exc:  # noqa: BLE001  (reported below)
                results["close"] = repr(exc)
            finally:
                closing.set()
                db.session.remove()

    def matching() -> None:
        with seeded_app.app_context():
            try:
                closing.wait(30)
                with tenant_context(tenant.id, db.session):
                    match(db.session.get(Tenant, tenant.id), matcher, case.app_id, posting_id)
                results["match"] = 201
            except UserError as exc:
                results["match"] = (exc.status, exc.code)
            except Exception as exc:  # noqa: BLE001  (reported below)
                results["match"] = repr(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=close), threading.Thread(target=matching)]
    for thread in threads:
        thread.start()
    assert closing.wait(30)
    waited = _waiting_for_a_lock(db.engine)
    release.set()
    for thread in threads:
        thread.join(60)
    assert results == {"close": "committed", "match": (409, "posting_closed")}, results
    assert waited, "the match never waited for the closing posting's lock"
    assert world.get("lj_city_hr", f"/api/v1/t/lijiang/postings/{posting_id}")["state"]["code"] == "closed"
    assert _agreements_on(tenant, posting_id) == 0


@pytest.mark.postgres
def test_a_match_and_a_close_at_once_never_match_a_closed_posting(world, seeded_app):
    """A match and the demand report's rejection at the same moment: either the match refused (409), or it
    came first, committed before the close (the audit chain's order), and the posting closes after it."""
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    apply(world, case)
    approve_application(world, case)
    posting_id = _labo_posting(world, headcount=2)
    task_id = _city_task(world, posting_id)
    tenant = db.session.execute(select(Tenant).filter_by(slug="lijiang")).scalar_one()
    city, matcher = _plain("lj_city_hr"), _plain("lj_county_hr_ninglang")

    def close():
        with tenant_context(tenant.id, db.session):
            act(task_id, city, "reject", "该单位不属乡镇企事业单位")

    def matching():
        with tenant_context(tenant.id, db.session):
            match(db.session.get(Tenant, tenant.id), matcher, case.app_id, posting_id)

    results = _race(seeded_app, [close, matching])
    assert results in ([201, 201], [201, 409]), results  # no deadlock, no error
    assert world.get("lj_city_hr", f"/api/v1/t/lijiang/postings/{posting_id}")["state"]["code"] == "closed"
    with tenant_context(tenant.id, db.session):
        order = [a for (a,) in db.session.execute(select(AuditEntry.action).where(
            AuditEntry.action.in_(("placement.match", "placement.posting.close"))).order_by(AuditEntry.seq))]
    if results == [201, 201]:
        assert order == ["placement.match", "placement.posting.close"], order
        assert _agreements_on(tenant, posting_id) == 1
    else:
        assert order == ["placement.posting.close"], order
        assert _agreements_on(tenant, posting_id) == 0
