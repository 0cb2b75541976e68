"""Fixtures for the packs module: the seeded demo tenants (their packs imported at onboarding), users
by name, an extra publisher, and Lijiang pack variants for a second version."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Tenant

ROOT = Path(__file__).resolve().parents[2]
PACKS = ROOT / "policy_packs"
AUTHOR, PUBLISHER = "lj_policy_author", "lj_policy_publisher"


def tenant(slug: str) -> Tenant:
    return db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one()


def user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def plain(u: User) -> SimpleNamespace:
    """A user's identity without its session (for threads, which have sessions of their own)."""
    return SimpleNamespace(id=u.id, username=u.username, display_name=u.display_name)


def add_member(slug: str, username: str, office: str) -> User:
    """A new user holding `office` in tenant `slug`."""
    t = tenant(slug)
    new = User(username=username, display_name=username)
    new.set_password("demo-2026")
    db.session.add(new)
    db.session.flush()
    with tenant_context(t.id, db.session):
        db.session.add(Membership(user_id=new.id, tenant_id=t.id, office=office))
        db.session.commit()
    return new


def lijiang_doc() -> dict:
    return json.loads((PACKS / "lijiang.json").read_text(encoding="utf-8"))


def with_remote_amount(doc: dict, amount: str) -> dict:
    """Lijiang with another city subsidy per year; worked examples that pin the old figure are dropped."""
    doc = copy.deepcopy(doc)
    for component in doc["subsidy_components"]:
        if component["id"] == "lijiang_remote_subsidy":
            component["amount_per_year"] = amount
    doc["tests"] = [t for t in doc["tests"]
                    if "remote" not in t["input"].get("placement", {}).get("area_tags", [])
                    or t["expect"].get("total") == "0.00"]
    return doc


def text_of(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def remote_two_years() -> dict:
    """Lijiang's text: county unit, intermediate title, two full years at a remote township, qualified."""
    return {
        "as_of": "2022-12-31",
        "person": {"unit_level": "county", "title_level": "intermediate", "licenses": []},
        "placement": {"start_date": "2020-09-01", "end_date": "2022-08-31", "unit_level": "township",
                      "unit_type": "health_center", "area_tags": ["remote"], "professional_post": True,
                      "continuous": True, "full_time": True},
        "assessments": [{"kind": "annual", "year_no": 1, "grade": "qualified"},
                        {"kind": "annual", "year_no": 2, "grade": "excellent"},
                        {"kind": "term_end", "year_no": 2, "grade": "qualified"}],
    }


def publish(slug: str, text: str, author: str = AUTHOR, publisher: str = PUBLISHER, **kwargs):
    """Save, submit and publish `text` through the services (two people)."""
    from grassroots.packs import drafts, publishing

    t = tenant(slug)
    drafts.save_draft(t, text, user(author))
    drafts.submit_draft(t, user(author))
    return publishing.publish_draft(t, user(publisher), **kwargs)


@pytest.fixture()
def lijiang(seeded_app) -> Tenant:
    return tenant("lijiang")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Compiled packs are cached per process by content; keep tests independent of each other's ids."""
    from grassroots.packs.effective import clear_cache

    clear_cache()
    yield
    clear_cache()
