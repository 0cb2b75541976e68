"""The writes of onboarding: tenant, areas, units, staff, each matched by its key and changed in place.

Only attributes that differ are set, so an unchanged row is neither written nor counted (idempotency),
and nothing absent from the manifest is deleted. Areas and units are written in two passes (rows, then
parent links) because a parent may come later in the manifest than its child.
"""

from __future__ import annotations

import secrets

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.tenancy.manifest_refs import iter_areas
from grassroots.tenancy.models import Area, Tenant, Unit


def _assign(obj: object, values: dict) -> bool:
    """Set only the attributes that differ; True if any did (an unchanged row is not an update)."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def upsert_tenant(doc: dict, created: dict, updated: dict) -> Tenant:
    tenant = db.session.execute(db.select(Tenant).filter_by(slug=doc["slug"])).scalar_one_or_none()
    parent_id = None
    if doc["parent"] is not None:
        parent_id = db.session.execute(db.select(Tenant.id).filter_by(slug=doc["parent"])).scalar_one()
    values = {"name_zh": doc["name"]["zh"], "name_en": doc["name"]["en"], "status": doc["status"],
              "pack_slug": doc["pack"]}
    if tenant is None:
        tenant = Tenant(slug=doc["slug"], level=doc["level"], parent_id=parent_id, **values)
        db.session.add(tenant)
        created["tenant"] += 1
    elif _assign(tenant, values):
        updated["tenant"] += 1
    db.session.flush()  # now, in the caller's context: the registry row is audited there, not in the child's
    return tenant


def _upsert_by_code(model: type, rows: list[tuple[dict, dict, str | None]], kind: str,
                    created: dict, updated: dict) -> dict:
    """Rows (item, values, parent code) of `model` matched by code in the current tenant; returns code → row."""
    existing = {r.code: r for r in db.session.execute(db.select(model)).scalars()}
    new, changed = set(), set()
    for item, values, _ in rows:
        row = existing.get(item["code"])
        if row is None:
            existing[item["code"]] = model(code=item["code"], **values)
            db.session.add(existing[item["code"]])
            new.add(item["code"])
        elif _assign(row, values):
            changed.add(item["code"])
    db.session.flush()  # ids for the parent links
    for item, _, parent_code in rows:
        parent_id = existing[parent_code].id if parent_code else None
        if _assign(existing[item["code"]], {"parent_id": parent_id}) and item["code"] not in new:
            changed.add(item["code"])
    db.session.flush()
    created[kind] += len(new)
    updated[kind] += len(changed)
    return existing


def upsert_areas(doc: dict, created: dict, updated: dict) -> dict[str, Area]:
    rows = [(item, {"name_zh": item["name"]["zh"], "name_en": item["name"]["en"], "kind": item["kind"],
                    "tags": list(item.get("tags", []))}, parent)
            for _, item, parent in iter_areas(doc["areas"])]
    return _upsert_by_code(Area, rows, "areas", created, updated)


def upsert_units(doc: dict, areas: dict[str, Area], created: dict, updated: dict) -> None:
    rows = [(item, {"name_zh": item["name"]["zh"], "name_en": item["name"]["en"], "level": item["level"],
                    "sector": item["sector"], "type": item["type"], "area_id": areas[item["area"]].id},
             item["parent"]) for item in doc["units"]]
    _upsert_by_code(Unit, rows, "units", created, updated)


def _scope(member: dict) -> tuple[str, str]:
    scope = member.get("scope") or {}
    if "area" in scope:
        return "area", scope["area"]
    if "unit" in scope:
        return "unit", scope["unit"]
    return "tenant", ""


def upsert_staff(doc: dict, tenant: Tenant, created: dict, updated: dict) -> list[dict]:
    names = [m["username"] for m in doc["staff"]]
    users = {u.username: u for u in db.session.execute(db.select(User).where(User.username.in_(names))).scalars()}
    held = {(m.user_id, m.office, m.scope_kind, m.scope_code): m for m in db.session.execute(
        db.select(Membership).where(Membership.tenant_id == tenant.id)).scalars()}
    sole = _users_only_in(tenant.id, [u.id for u in users.values()])
    logins = []
    for member in doc["staff"]:
        user = users.get(member["username"])
        profile = {"display_name": member["name"], "email": member.get("email")}
        if user is None:
            user = users[member["username"]] = User(username=member["username"], **profile)
            password = member.get("password")
            user.set_password(password or secrets.token_urlsafe(32))
            db.session.add(user)
            db.session.flush()
            created["users"] += 1
            logins.append({"username": user.username, "office": member["office"], "password": password})
        elif user.id in sole and _assign(user, profile):
            updated["users"] += 1
        kind, code = _scope(member)
        if (user.id, member["office"], kind, code) not in held:
            membership = Membership(user_id=user.id, tenant_id=tenant.id, office=member["office"],
                                    scope_kind=kind, scope_code=code)
            db.session.add(membership)
            held[(user.id, member["office"], kind, code)] = membership
            created["memberships"] += 1
    db.session.flush()
    return logins


def _users_only_in(tenant_id: int, user_ids: list[int]) -> set[int]:
    """Users whose every membership is in this tenant: only for them may a manifest change the profile."""
    if not user_ids:
        return set()
    rows = db.session.execute(db.select(Membership.user_id, Membership.tenant_id)
                              .where(Membership.user_id.in_(user_ids))).all()
    elsewhere = {uid for uid, tid in rows if tid != tenant_id}
    return {uid for uid, _ in rows} - elsewhere
