"""What other modules call: register a person, find one by ID number, reveal one (showing: present.py).

Everything runs in the current tenant context (set from the URL, or by the caller's `tenant_context`)
and never sees another tenant's people: the unique key is (tenant, keyed hash), so a number held by
another tenant is simply not there. Reading a full number is a `reveal`, committed to the audit log
before the number is returned; nothing here logs or raises with the number in it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from grassroots.accounts.models import Membership, User
from grassroots.audit.log import acting_as, record
from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.errors import UserError
from grassroots.identity import crypto
from grassroots.identity.idnumbers import is_valid
from grassroots.identity.models import Person
from grassroots.identity.validation import clean_person, field_error
from grassroots.tenancy.models import Tenant, Unit
from grassroots.tenancy.permissions import permissions_of

log = logging.getLogger(__name__)

VIEW_PERMISSION = "placement.manage"
REVEAL_PERMISSION = "placement.manage"
PER_PAGE = 50


def _duplicate() -> UserError:
    message = {"zh": "该身份证号码已在本地区登记", "en": "This ID number is already registered in this jurisdiction"}
    return UserError(409, "duplicate_id_number", message,
                     [{"path": "/id_number", "code": "duplicate", "message": message}])


def _invalid(errors: list[dict]) -> UserError:
    return UserError(422, "invalid", {"zh": "提交的人员信息有误", "en": "The person's details are invalid"}, errors)


def _unit_id(code: str | None, errors: list[dict]) -> int | None:
    if not code:
        return None
    unit_id = db.session.execute(select(Unit.id).where(Unit.code == code)).scalar_one_or_none()
    if unit_id is None:
        errors.append({**field_error("/unit_code", "invalid_choice"),
                       "message": {"zh": "本地区没有该单位", "en": "No such unit in this jurisdiction"}})
    return unit_id


def _member_id(username: str | None, tenant_id: int, errors: list[dict]) -> int | None:
    """A login may be linked only if it belongs to this tenant (users are platform-wide)."""
    if not username:
        return None
    user_id = db.session.execute(
        select(User.id).join(Membership, Membership.user_id == User.id)
        .where(User.username == username, Membership.tenant_id == tenant_id).limit(1)
    ).scalar_one_or_none()
    if user_id is None:
        errors.append({"path": "/username", "code": "unknown_member",
                       "message": {"zh": "本地区没有该用户", "en": "No such user in this jurisdiction"}})
    elif db.session.execute(select(Person.id).where(Person.user_id == user_id)).first() is not None:
        errors.append({"path": "/username", "code": "already_linked",
                       "message": {"zh": "该用户已关联本地区的另一名人员",
                                   "en": "This user is already linked to another person here"}})
    return user_id


def register_person(data: Mapping, actor, *, commit: bool = True) -> Person:
    """Check and store a person of the current tenant; 422 with every error, 409 for a number already held.

    `data`: name, id_number, and optionally gender, birth_date (both must agree with the number),
    phone, unit_code, username (a member of this tenant), ethnic_minority, education, title_level,
    title_series, licenses. `actor` (a User, or None for the CLI) is named in the audit entry.
    With `commit=False` the row is flushed into the caller's transaction; a lost race on the unique
    key then rolls that transaction back and answers 409.
    """
    tenant_id = current_tenant_id()
    clean, errors = clean_person(data)
    unit_id = _unit_id(clean["unit_code"], errors)
    user_id = _member_id(clean["username"], tenant_id, errors)
    if errors:
        raise _invalid(errors)
    if find_by_id_number(clean["id_number"]) is not None:
        raise _duplicate()
    person = Person(
        tenant_id=tenant_id, name=clean["name"], gender=clean["gender"], birth_date=clean["birth_date"],
        id_cipher=crypto.encrypt(clean["id_number"], tenant_id), id_hash=crypto.lookup_hash(clean["id_number"]),
        phone=clean["phone"], unit_id=unit_id, user_id=user_id, ethnic_minority=clean["ethnic_minority"],
        education=clean["education"], title_level=clean["title_level"], title_series=clean["title_series"],
        licenses=clean["licenses"],
    )
    with _as(actor):
        db.session.add(person)
        try:
            db.session.flush()
            person_id = person.id
            if commit:
                db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise _duplicate() from None
    log.info("person %s registered in tenant %s", person_id, tenant_id)
    return person


def _as(actor) -> AbstractContextManager:
    """Name `actor` in the audit entries written inside (None: the request's user, or the CLI)."""
    if actor is None or not getattr(actor, "id", None):
        return nullcontext()
    return acting_as(getattr(actor, "username", "?"), actor.id)


def find_by_id_number(number: str) -> Person | None:
    """The current tenant's person holding `number` (keyed-hash lookup), or None; audits nothing."""
    if not is_valid(number):
        return None
    tenant_id = current_tenant_id()
    return db.session.execute(
        select(Person).where(Person.tenant_id == tenant_id, Person.id_hash.in_(crypto.lookup_hashes(number)))
        .limit(1)
    ).scalar_one_or_none()


def get_person(person_id: int) -> Person:
    """One person of the current tenant; another tenant's id answers 404 exactly like a missing one.

    A query, not `session.get`: an object already in the identity map would skip the tenant filter.
    """
    person = db.session.execute(
        select(Person).options(joinedload(Person.unit), joinedload(Person.user))
        .where(Person.id == person_id, Person.tenant_id == current_tenant_id())
    ).scalar_one_or_none()
    if person is None:
        raise UserError(404, "not_found", {"zh": "没有该人员", "en": "No such person"})
    return person


def list_people(page: int = 1, per_page: int = PER_PAGE) -> tuple[list[Person], bool]:
    """(one page of people, newest first, units and users loaded in the same query; has a next page)."""
    page = min(max(page, 1), 10_000)
    rows = db.session.execute(
        select(Person).options(joinedload(Person.unit), joinedload(Person.user))
        .where(Person.tenant_id == current_tenant_id())
        .order_by(Person.id.desc()).limit(per_page + 1).offset((page - 1) * per_page)
    ).scalars().all()
    return list(rows[:per_page]), len(rows) > per_page


def may_reveal(user, tenant_id: int) -> bool:
    """Whether `user` holds the reveal permission in the tenant (through a membership's office)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    tenant = db.session.get(Tenant, tenant_id)
    return tenant is not None and any(
        REVEAL_PERMISSION in permissions_of(tenant, m.office) for m in user.memberships if m.tenant_id == tenant_id
    )


def reveal(person: Person, user, reason: str | None = None) -> str:
    """The full number, after an `id.reveal` audit entry (who, when, which person; never the number) is
    committed (with whatever else the session holds). 403 without the reveal permission in the tenant."""
    if person.tenant_id != current_tenant_id():
        raise UserError(404, "not_found", {"zh": "没有该人员", "en": "No such person"})
    if not may_reveal(user, person.tenant_id):
        raise UserError(403, "forbidden")
    number = crypto.decrypt(person.id_cipher, person.tenant_id)
    with acting_as(user.username, user.id):
        record("id.reveal", target_type=Person.__tablename__, target_id=person.id,
               after={"field": "id_number"}, note=(reason or "").strip()[:500] or None)
    db.session.commit()
    log.info("ID number of person %s revealed to user %s", person.id, user.id)
    return number


def record_lookup(person: Person | None, user) -> None:
    """A lookup confirms that a number belongs to someone: audited like a view (without the number)."""
    with _as(user):
        record("id.lookup", target_type=Person.__tablename__, target_id=person.id if person else None,
               after={"found": person is not None})
    db.session.commit()
