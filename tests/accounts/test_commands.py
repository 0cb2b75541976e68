"""`grassroots users create | set-password | grant`."""

from __future__ import annotations

from datetime import timedelta

from grassroots.accounts.models import Membership, User
from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Area, Unit


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def test_create_with_a_password(runner):
    result = runner.invoke(args=["users", "create", "wang", "--name", "王五", "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    user = _user("wang")
    assert user.display_name == "王五" and not user.is_operator and user.check_password("long-enough-1")


def test_create_prompts_for_the_password_and_makes_operators(runner):
    result = runner.invoke(args=["users", "create", "ops", "--name", "运维", "--operator"],
                           input="long-enough-2\nlong-enough-2\n")
    assert result.exit_code == 0, result.output
    assert "long-enough-2" not in result.output
    user = _user("ops")
    assert user.is_operator and user.check_password("long-enough-2")


def test_create_refuses_duplicates_and_weak_passwords(runner, make_user):
    make_user("taken")
    dup = runner.invoke(args=["users", "create", "taken", "--name", "x", "--password", "long-enough-1"])
    assert dup.exit_code != 0 and "exists" in dup.output
    weak = runner.invoke(args=["users", "create", "newbie", "--name", "x", "--password", "short"])
    assert weak.exit_code != 0 and "at least" in weak.output
    assert db.session.execute(db.select(User).filter_by(username="newbie")).first() is None


def test_set_password_unlocks_and_ends_sessions(runner, make_user):
    user = make_user()
    version = user.session_version
    db.session.execute(db.update(User).where(User.id == user.id).values(
        failed_logins=5, locked_until=utcnow() + timedelta(minutes=10)))
    db.session.commit()
    result = runner.invoke(args=["users", "set-password", "alice", "--password", "brand-new-pass"])
    assert result.exit_code == 0, result.output
    user = _user("alice")
    assert user.check_password("brand-new-pass")
    assert (user.failed_logins, user.locked_until, user.session_version) == (0, None, version + 1)
    assert runner.invoke(args=["users", "set-password", "nobody", "--password", "brand-new-pass"]).exit_code != 0


def test_grant_offices_with_scopes(runner, make_user, make_tenant):
    user = make_user()
    tenant = make_tenant("lijiang")
    with tenant_context(tenant.id, db.session):
        area = Area(code="530721", name_zh="玉龙县", kind="county", tags=[])
        db.session.add(area)
        db.session.flush()
        db.session.add(Unit(code="YL-HOSP", name_zh="玉龙县人民医院", level="county", sector="health",
                            type="hospital", area_id=area.id))
        db.session.commit()
    assert runner.invoke(args=["users", "grant", "alice", "lijiang", "tenant_admin"]).exit_code == 0
    assert runner.invoke(args=["users", "grant", "alice", "lijiang", "professional", "--area", "530721"]).exit_code == 0
    result = runner.invoke(args=["users", "grant", "alice", "lijiang", "professional", "--unit", "YL-HOSP"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["users", "grant", "alice", "lijiang", "tenant_admin"])
    assert again.exit_code == 0 and "already" in again.output
    rows = db.session.execute(db.select(Membership).filter_by(user_id=user.id)).scalars().all()
    assert sorted((m.office, m.scope_kind, m.scope_code) for m in rows) == [
        ("professional", "area", "530721"), ("professional", "unit", "YL-HOSP"), ("tenant_admin", "tenant", "")]


def test_grant_refuses_bad_input(runner, make_user, make_tenant):
    make_user()
    make_tenant("lijiang")
    cases = [
        (["nobody", "lijiang", "professional"], "no user"),
        (["alice", "nowhere", "professional"], "no tenant"),
        (["alice", "lijiang", "emperor"], "no office"),
        (["alice", "lijiang", "professional", "--area", "000000"], "no area"),
        (["alice", "lijiang", "professional", "--unit", "NOPE"], "no unit"),
        (["alice", "lijiang", "professional", "--area", "1", "--unit", "2"], "not both"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "grant", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert db.session.execute(db.select(Membership)).first() is None
