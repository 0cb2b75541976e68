"""A tenant's offices (and so its members' permissions) come from its pack in force, parents merged in."""

from __future__ import annotations

from grassroots.packs.offices import pack_offices
from grassroots.tenancy.permissions import permissions_of
from tests.conftest import login
from tests.packs.conftest import tenant


def test_a_city_inherits_the_provinces_offices(seeded_app):
    lijiang = tenant("lijiang")
    offices = pack_offices(lijiang)
    assert "county_hr" in offices and "city_finance" in offices  # declared in yunnan's baseline
    assert offices["city_hr"]["name"]["zh"]
    assert permissions_of(lijiang, "city_hr") == frozenset(offices["city_hr"]["permissions"])
    assert permissions_of(lijiang, "no_such_office") == frozenset()


def test_a_tenant_without_a_pack_has_only_builtin_offices(seeded_app):
    from grassroots.db import db
    from grassroots.tenancy.models import Tenant

    db.session.add(Tenant(slug="emptycity", name_zh="空市", name_en="Empty", level="city"))
    db.session.commit()
    empty = tenant("emptycity")
    assert pack_offices(empty) == {}
    assert permissions_of(empty, "policy_author") == frozenset({"program.view", "pack.edit"})


def test_pack_office_permissions_apply_to_members(seeded_app):
    client = seeded_app.test_client()
    login(client, "lj_city_hr")
    home = client.get("/t/lijiang/")
    assert home.status_code == 200
    assert client.get("/t/lijiang/pack").status_code == 403  # city_hr holds no pack permission
