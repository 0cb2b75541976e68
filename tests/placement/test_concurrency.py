"""Matches at the same moment: a posting's places are never overfilled, an application is matched once."""

from __future__ import annotations

import threading
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from grassroots.accounts.models import User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.placement.matching import match
from grassroots.placement.models import Agreement
from grassroots.tenancy.models import Tenant
from tests.placement.conftest import apply, approve_application, open_posting
from tests.placement.test_journeys import city_case, ninglang_case


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
