"""Onboarding from manifests: every real manifest onboards, re-onboarding is idempotent, nothing is deleted."""

from __future__ import annotations

import json

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Area, Tenant, Unit
from grassroots.tenancy.onboarding import onboard, onboard_file
from tests.conftest import DEMO_TENANTS
from tests.tenancy.helpers import area_count, manifest, manifest_paths_parents_first, row_counts

ZERO = {"tenant": 0, "areas": 0, "units": 0, "users": 0, "memberships": 0}


def _tenant(slug: str) -> Tenant:
    return db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one()


def test_every_real_manifest_onboards_on_an_empty_database(app):
    paths = manifest_paths_parents_first()
    assert {p.stem for p in paths} >= set(DEMO_TENANTS) | {"dali"}
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        summary = onboard_file(path)
        assert summary["tenant"] == doc["slug"]
        assert summary["created"] == {"tenant": 1, "areas": area_count(doc), "units": len(doc["units"]),
                                      "users": len(doc["staff"]), "memberships": len(doc["staff"])}
        assert summary["updated"] == ZERO
        assert [(x["username"], x["office"], x["password"]) for x in summary["logins"]] == [
            (m["username"], m["office"], m.get("password")) for m in doc["staff"]]
        tenant = _tenant(doc["slug"])
        assert (tenant.parent.slug if tenant.parent else None) == doc["parent"]
        with tenant_context(tenant.id, db.session):
            assert db.session.scalar(db.select(db.func.count(Area.id))) == area_count(doc)
            assert db.session.scalar(db.select(db.func.count(Unit.id))) == len(doc["units"])


def test_onboarding_twice_changes_nothing_the_second_time(app):
    paths = manifest_paths_parents_first()
    for path in paths:
        onboard_file(path)
    before = row_counts(app)
    for path in paths:
        summary = onboard_file(path)
        assert summary["created"] == ZERO and summary["updated"] == ZERO and summary["logins"] == []
    assert row_counts(app) == before


def test_reonboarding_updates_in_place_and_deletes_nothing(seeded_app):
    doc = manifest("lijiang")
    dropped_unit = doc["units"].pop()["code"]
    doc["areas"][0]["name"]["en"] = "Renamed District"
    doc["areas"][0]["children"].append({"code": doc["areas"][0]["code"] + "999", "kind": "township",
                                        "name": {"zh": "新设乡", "en": "New Township"}, "tags": ["remote"]})
    doc["staff"][1]["name"] = "改名"
    doc["name"]["en"] = "Lijiang City"
    before = row_counts(seeded_app)
    summary = onboard(doc)
    assert summary["created"] == {**ZERO, "areas": 1}
    assert summary["updated"] == {**ZERO, "tenant": 1, "areas": 1, "users": 1}
    after = row_counts(seeded_app)
    assert after["areas"] == before["areas"] + 1 and after["units"] == before["units"]
    lijiang = _tenant("lijiang")
    assert lijiang.name_en == "Lijiang City"
    with tenant_context(lijiang.id, db.session):
        assert db.session.execute(db.select(Unit).filter_by(code=dropped_unit)).scalar_one()
        new = db.session.execute(db.select(Area).filter_by(code=doc["areas"][0]["code"] + "999")).scalar_one()
        parent = db.session.get(Area, new.parent_id)
        assert parent.code == doc["areas"][0]["code"] and parent.name_en == "Renamed District"
    assert onboard(doc)["updated"] == ZERO


def test_a_province_member_may_get_an_office_in_a_new_city(seeded_app):
    """Same tree: the existing account gets a membership; its password and profile are left alone."""
    doc = manifest("dali")
    doc["staff"][1]["username"] = "yn_province_hr"
    summary = onboard(doc)
    assert summary["created"]["users"] == len(doc["staff"]) - 1
    assert "yn_province_hr" not in {x["username"] for x in summary["logins"]}
    user = db.session.execute(db.select(User).filter_by(username="yn_province_hr")).scalar_one()
    assert user.display_name != doc["staff"][1]["name"]
    assert {m.tenant.slug for m in user.memberships} == {"yunnan", "dali"}


def test_a_new_user_without_a_password_cannot_sign_in(seeded_app, seeded_client):
    doc = manifest("dali")
    for member in doc["staff"]:
        member.pop("password", None)
    summary = onboard(doc)
    assert all(x["password"] is None for x in summary["logins"])
    response = seeded_client.post("/login", data={"username": "dl_admin", "password": "demo-2026"})
    assert response.status_code not in (302, 303)


def test_staff_memberships_carry_their_scope(seeded_app):
    onboard(manifest("dali"))
    dali = _tenant("dali")
    rows = db.session.execute(db.select(User.username, Membership.office, Membership.scope_kind, Membership.scope_code)
                              .join(Membership, Membership.user_id == User.id)
                              .where(Membership.tenant_id == dali.id)).all()
    by_user = {r.username: (r.office, r.scope_kind, r.scope_code) for r in rows}
    for member in manifest("dali")["staff"]:
        scope = member["scope"] or {}
        kind = "area" if "area" in scope else "unit" if "unit" in scope else "tenant"
        assert by_user[member["username"]] == (member["office"], kind, scope.get(kind, ""))


def test_onboarding_is_audited_in_the_new_tenant(seeded_app):
    from grassroots.audit.models import AuditEntry

    onboard(manifest("dali"))
    dali = _tenant("dali")
    with tenant_context(dali.id, db.session):
        entries = db.session.execute(db.select(AuditEntry).filter_by(tenant_id=dali.id, action="onboard")).scalars().all()
    assert len(entries) == 1 and entries[0].after["created"]["tenant"] == 1
    onboard(manifest("dali"))
    with tenant_context(dali.id, db.session):
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))
                                 .filter_by(tenant_id=dali.id, action="onboard")) == 1


def test_a_refusing_hook_rolls_everything_back_and_answers_at_pack(seeded_app, monkeypatch):
    import pytest

    from grassroots.errors import UserError
    from grassroots.tenancy import onboarding
    from grassroots.tenancy.manifest import ManifestError

    def refuse(tenant, doc, summary, actor):
        assert summary["created"]["areas"] > 0  # called after the rows are written, in the same transaction
        raise UserError(422, "pack_invalid", errors=[
            {"path": "/programs/0/id", "code": "duplicate", "message": {"zh": "重复", "en": "duplicate"}}])

    monkeypatch.setattr(onboarding, "after_onboard", [refuse])
    before = row_counts(seeded_app)
    with pytest.raises(ManifestError) as caught:
        onboard(manifest("dali"))
    [err] = caught.value.errors
    assert (err["path"], err["code"]) == ("/pack", "duplicate") and "/programs/0/id" in err["message"]["en"]
    assert row_counts(seeded_app) == before

    monkeypatch.setattr(onboarding, "after_onboard", [lambda *args: 1 / 0])
    with pytest.raises(ZeroDivisionError):
        onboard(manifest("dali"))
    assert row_counts(seeded_app) == before
