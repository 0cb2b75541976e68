"""Fixtures for the workflow tests: the seeded demo tenants (real Lijiang and Yuxi packs, imported at
onboarding), extra office holders made directly, and small helpers to start chains and act on them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.packs.effective import current_effective
from grassroots.tenancy.models import Tenant
from grassroots.workflow import hooks
from grassroots.workflow.engine import start_chain
from grassroots.workflow.models import ChainInstance, ChainTask
from grassroots.workflow.transitions import act
from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PACKS = ROOT / "policy_packs"

# A county-level applicant in Yulong county (530721): own unit, its supervising bureau, the county HR.
YL_HOSPITAL, YL_BUREAU, YULONG, NINGLANG = "lj-yl-peoples-hospital", "lj-yl-health-bureau", "530721", "530724"
CITY_HOSPITAL, CITY_COMMISSION = "lj-city-peoples-hospital", "lj-city-health-commission"


def pack_file(slug: str) -> dict:
    return json.loads((PACKS / f"{slug}.json").read_text(encoding="utf-8"))


def chain_in_file(slug: str, chain_id: str) -> dict:
    return next(c for c in pack_file(slug)["approval_chains"] if c["id"] == chain_id)


def tenant(slug: str) -> Tenant:
    return db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one()


def user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def member(slug: str, username: str, office: str, scope_kind: str = "tenant", scope_code: str = "") -> User:
    """`username` (made if new) holding `office` in tenant `slug` within a scope."""
    found = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if found is None:
        found = User(username=username, display_name=username)
        found.set_password(DEMO_PASSWORD)
        db.session.add(found)
        db.session.flush()
    t = tenant(slug)
    db.session.add(Membership(user_id=found.id, tenant_id=t.id, office=office, scope_kind=scope_kind,
                              scope_code=scope_code))
    db.session.commit()
    return found


def plain(u: User) -> SimpleNamespace:
    """A user's identity without its session (for threads, which have sessions of their own)."""
    return SimpleNamespace(id=u.id, username=u.username, display_name=u.display_name)


def start(slug: str, chain_id: str, submitter: User, facts: dict, context: dict, subject_id: int = 1,
          subject_type: str = "application") -> int:
    t = tenant(slug)
    with tenant_context(t.id, db.session):
        effective = current_effective(t)
        instance = start_chain(chain_id, effective.version_id, subject_type, subject_id, submitter.id, facts, context)
        db.session.commit()
        return instance.id


def tasks(slug: str, instance_id: int) -> list[ChainTask]:
    with tenant_context(tenant(slug).id, db.session):
        rows = db.session.execute(db.select(ChainTask).filter_by(instance_id=instance_id)
                                  .order_by(ChainTask.round, ChainTask.step_index, ChainTask.id)
                                  .execution_options(populate_existing=True)).scalars().all()
        for row in rows:
            db.session.expunge(row)  # plain snapshots: readable outside the tenant context
        return list(rows)


def pending(slug: str, instance_id: int) -> list[ChainTask]:
    return [t for t in tasks(slug, instance_id) if t.state == "pending"]


def instance_state(slug: str, instance_id: int) -> tuple[str, int]:
    with tenant_context(tenant(slug).id, db.session):
        found = db.session.get(ChainInstance, instance_id, populate_existing=True)
        return found.state, found.round


def do(slug: str, task_id: int, username: str, outcome: str, reason: str | None = None) -> str:
    """Act as `username`; answers the instance's new state."""
    with tenant_context(tenant(slug).id, db.session):
        return act(task_id, user(username), outcome, reason).instance.state


def refused(fn: Callable[[], object]) -> UserError:
    with pytest.raises(UserError) as caught:
        fn()
    db.session.rollback()
    return caught.value


@pytest.fixture(autouse=True)
def _fresh_caches():
    from grassroots.packs.effective import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture()
def completions():
    """Records every completion of an `application` chain: (instance id, state)."""
    seen: list[tuple[int, str]] = []

    def hook(instance: ChainInstance) -> None:
        seen.append((instance.id, instance.state))

    hooks.register_completion_hook("application", hook)
    yield seen
    hooks.unregister_completion_hook("application", hook)


@pytest.fixture()
def county_case(seeded_app) -> dict:
    """A Yulong county hospital doctor applies (lijiang_application); the three office holders exist."""
    people = {
        "applicant": member("lijiang", "yl_doctor", "professional", "unit", YL_HOSPITAL),
        "unit": member("lijiang", "yl_hospital_office", "applicant_unit", "unit", YL_HOSPITAL),
        "supervisor": member("lijiang", "yl_health_bureau", "unit_supervisor", "unit", YL_BUREAU),
        "county_hr": member("lijiang", "yl_county_hr", "county_hr", "area", YULONG),
    }
    instance_id = start("lijiang", "lijiang_application", people["applicant"], {"person.unit_level": "county"},
                        {"applicant_unit": YL_HOSPITAL})
    return {"instance": instance_id, **{k: v.username for k, v in people.items()}}
