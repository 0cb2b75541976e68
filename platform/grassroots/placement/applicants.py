"""Who files an application, and for whom (Lijiang 第四条: 由个人填写, or an HR officer for them).

- A professional (office with `application.create`) files their own, for their own unit; the resident ID
  they give is either unregistered (registered now, linked to their login) or already linked to their
  login. A number registered without a login is refused: nothing proves it is theirs; HR files for them.
- An officer (`placement.manage`) files for someone at a unit in their scope: the person is found by the
  keyed hash of the number, or registered without a login.
- The applicant unit's registered level fills the form's `x-fact: person.unit_level` field; a different
  declared level is refused (it routes the approval chain).
"""

from __future__ import annotations

from sqlalchemy import select

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.forms import sensitive
from grassroots.identity.idnumbers import check_id_number
from grassroots.identity.models import Person
from grassroots.identity.services import find_by_id_number, register_person
from grassroots.placement.access import own_unit_ids, reach_of
from grassroots.placement.errors import forbidden, invalid, invalid_many
from grassroots.placement.orgs import unit_by_code
from grassroots.tenancy.models import Tenant, Unit
from grassroots.tenancy.permissions import permissions_of
from grassroots.workflow.scopes import memberships_of

SELF = "application.create"
OFFICER = "placement.manage"
PERSON_KEYS = ("name", "gender", "birth_date", "phone", "education", "title_level", "title_series", "licenses")


def role_of(user, tenant: Tenant) -> str:
    perms = {p for m in memberships_of(user.id, tenant.id) for p in permissions_of(tenant, m.office)}
    if SELF in perms:
        return "self"
    if OFFICER in perms:
        return "officer"
    raise forbidden("cannot_apply", "您没有提交申请的权限（本人申请或人社部门代为填报）",
                    "You may not file applications (your own, or as an HR officer for someone)")


def _own_ids(user, tenant: Tenant) -> set[int]:
    """A professional's own units: their `professional` memberships' units and their register entry's unit."""
    own = own_unit_ids(user, tenant, "professional")
    linked = db.session.execute(select(Person.unit_id).where(Person.user_id == user.id)).scalar_one_or_none()
    if linked:
        own.add(linked)
    return own


def own_units(user, tenant: Tenant) -> list[Unit]:
    """The units a professional may file their own application for, by code: the new-application page offers
    them as a choice when there is more than one (with one, it is theirs without asking)."""
    ids = _own_ids(user, tenant)
    if not ids:
        return []
    return list(db.session.execute(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code)).scalars())


def applicant_unit(user, tenant: Tenant, role: str, unit_code: str | None) -> Unit:
    if role == "self":
        own = _own_ids(user, tenant)
        unit = unit_by_code(unit_code) if unit_code else None
        if unit is None and len(own) == 1:
            unit = db.session.get(Unit, next(iter(own)))
        if unit is None or unit.id not in own:
            raise invalid("/unit_code", "not_your_unit", "请选择您所在的单位", "Choose the unit you work for")
        return unit
    unit = unit_by_code(unit_code)
    if unit is None:
        raise invalid("/unit_code", "unknown_unit", "本地区没有该单位", "No such unit in this jurisdiction")
    if not reach_of(user, tenant, frozenset({OFFICER})).covers(unit.id):
        raise forbidden("not_in_scope", "该单位不在您的管辖范围内", "This unit is outside your scope")
    return unit


def unit_fields(form: dict) -> dict[str, str]:
    """The form's keys the applicant unit's register entry fills: {key: "level" | "name"}."""
    props = (form.get("schema") or {}).get("properties") or {}
    out = {key: "level" for key, prop in props.items()
           if isinstance(prop, dict) and prop.get("x-fact") == "person.unit_level"}
    if "unit_name" in props:
        out.setdefault("unit_name", "name")
    return out


def prefilled(form: dict, data: dict, unit: Unit) -> tuple[dict, list[dict]]:
    """The applicant unit's level (and name) come from the register; a different declared level is an error."""
    data = dict(data or {})
    errors = []
    for key, what in unit_fields(form).items():
        if what == "name":
            if not data.get(key):
                data[key] = unit.name_zh
        elif data.get(key) in (None, ""):
            data[key] = unit.level
        elif data[key] != unit.level:
            errors.append({"path": f"/data/{key}", "code": "unit_level_mismatch",
                           "message": {"zh": "所在单位隶属与单位登记的层级不符", "en": "This is not the level of the unit"}})
    return data, errors


def with_unit(form: dict, data: dict, unit: Unit) -> dict:
    """`data` with the unit's name and level from the register in place of whatever it held: what the form
    shows, and what the server stores on submitting (those fields are shown locked and not posted)."""
    fixed = unit_fields(form)
    shown, _ = prefilled(form, {k: v for k, v in (data or {}).items() if k not in fixed}, unit)
    return shown


def shown_values(user, tenant: Tenant, role: str, form: dict, data: dict, unit_code: str | None = None,
                 *, opening: bool = False) -> dict:
    """What the application form shows: `data` with the applicant unit's name and level as `prefilled` fills
    them on submitting (the professional's own unit, or the one chosen: by the officer, or by a professional
    with several units), and, when a professional opens a new form, their name. Without a unit yet (an
    officer, or a professional with several units, who has not chosen one) they stay empty."""
    try:
        shown = with_unit(form, data, applicant_unit(user, tenant, role, unit_code))
    except UserError:
        shown = dict(data or {})
    props = (form.get("schema") or {}).get("properties") or {}
    if opening and role == "self" and "name" in props and not shown.get("name"):
        person = db.session.execute(select(Person.name).where(Person.user_id == user.id)).scalar_one_or_none()
        name = person or user.display_name
        if name:
            shown["name"] = name
    return shown


def id_pointer(form: dict, data: dict) -> str | None:
    schema = form.get("schema") or {}
    return next((p for p in sensitive.locate(schema, data) if p.count("/") == 1), None)


def clear_id(form: dict, data: dict) -> str | None:
    pointer = id_pointer(form, data)
    value = sensitive.get(data, pointer) if pointer else None
    return value if isinstance(value, str) and value and not sensitive.is_masked(value) else None


def resolve_person(user, role: str, form: dict, data: dict, unit: Unit) -> Person | None:
    """The applicant in the people register, found by resident ID or registered now (flush only)."""
    number = clear_id(form, data)
    if number is None:
        return None
    pointer = id_pointer(form, data)
    errors = check_id_number(number, "/data" + pointer)
    if errors:
        raise invalid_many(errors, "身份证号码有误", "The resident ID number is invalid")
    mine = db.session.execute(select(Person).where(Person.user_id == user.id)).scalar_one_or_none() if role == "self" else None
    person = find_by_id_number(number)
    if person is not None:
        if role == "self" and person.user_id != user.id:  # unlinked: nothing proves the number is theirs
            raise forbidden("someone_else", "该身份证号码已登记，且未关联您的账号；请联系人社部门",
                            "This ID number is registered and not linked to your login; ask the HR office")
        if mine is not None and mine.id != person.id:
            raise invalid("/data" + pointer, "not_your_number", "您已以另一身份证号码登记",
                          "Your login is registered with another ID number")
        return person
    if mine is not None:
        raise invalid("/data" + pointer, "not_your_number", "您已以另一身份证号码登记",
                      "Your login is registered with another ID number")
    details = {k: data[k] for k in PERSON_KEYS if data.get(k) not in (None, "")}
    details.update(id_number=number, unit_code=unit.code, username=user.username if role == "self" else None)
    details.setdefault("name", "")
    try:
        return register_person(details, user, commit=False)
    except UserError as exc:
        keys = set((form.get("schema") or {}).get("properties") or {})
        raise invalid_many([{**e, "path": ("/data" + e["path"]) if e.get("path", "/").strip("/").split("/")[0] in keys
                             else e.get("path", "/")} for e in (exc.errors or [])] or [
            {"path": "/data", "code": exc.code, "message": exc.message}], exc.message["zh"], exc.message["en"]) from None
