"""Whose case a placement subject is, for the workflow's inbox rows and chain pages (workflow.hooks describers).

Each describer takes the ids of one subject type on a page and answers {id: {"zh", "en"}} from one query,
in the caller's tenant context (the ORM wall scopes every table it reads; the joins also match tenant ids).
A label is the professional's name and a unit (an application: the applicant's own unit; an agreement, an
extension, a dispatch: the service unit), or a posting's service unit and post names: never an ID number,
a phone, a birth date or anything else the people register holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, select

from grassroots.db import db
from grassroots.identity.models import Person
from grassroots.placement import agreements, applications, extensions, placements
from grassroots.placement.models import Agreement, Application, Extension, Placement, Posting
from grassroots.placement.postings import SUBJECT as POSTING
from grassroots.tenancy.models import Unit
from grassroots.workflow.hooks import register_subject_describer

POSTS_SHOWN = 3  # post names a posting's label lists before "等N个岗位"


def _joined(*parts: str | None, sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def _labels(rows: Iterable) -> dict[int, dict[str, str]]:
    """Rows of (id, name, unit_zh, unit_en) → {id: {"zh": "name · unit", "en": ...}}."""
    out = {}
    for subject_id, name, unit_zh, unit_en in rows:
        zh = _joined(name, unit_zh)
        if zh:
            out[subject_id] = {"zh": zh, "en": _joined(name, unit_en or unit_zh)}
    return out


def _person(owner):
    return and_(Person.tenant_id == owner.tenant_id, Person.id == owner.person_id)


def _unit(owner_tenant, unit_id):
    return and_(Unit.tenant_id == owner_tenant, Unit.id == unit_id)


def describe_applications(ids: list[int]) -> dict[int, dict[str, str]]:
    """The applicant's name and own unit (所在单位): 沙马阿呷 · 宁蒗彝族自治县人民医院."""
    rows = db.session.execute(
        select(Application.id, Person.name, Unit.name_zh, Unit.name_en).select_from(Application)
        .outerjoin(Person, _person(Application))
        .outerjoin(Unit, _unit(Application.tenant_id, Application.unit_id))
        .where(Application.id.in_(ids))).all()
    return _labels(rows)


def describe_agreements(ids: list[int]) -> dict[int, dict[str, str]]:
    """The professional's name and the service unit of the agreement."""
    rows = db.session.execute(
        select(Agreement.id, Person.name, Unit.name_zh, Unit.name_en).select_from(Agreement)
        .join(Application, and_(Application.tenant_id == Agreement.tenant_id,
                                Application.id == Agreement.application_id))
        .outerjoin(Person, _person(Application))
        .outerjoin(Unit, _unit(Agreement.tenant_id, Agreement.service_unit_id))
        .where(Agreement.id.in_(ids))).all()
    return _labels(rows)


def describe_extensions(ids: list[int]) -> dict[int, dict[str, str]]:
    """The professional's name and the service unit of the placement being extended."""
    rows = db.session.execute(
        select(Extension.id, Person.name, Unit.name_zh, Unit.name_en).select_from(Extension)
        .join(Placement, and_(Placement.tenant_id == Extension.tenant_id, Placement.id == Extension.placement_id))
        .outerjoin(Person, _person(Placement))
        .outerjoin(Unit, _unit(Placement.tenant_id, Placement.service_unit_id))
        .where(Extension.id.in_(ids))).all()
    return _labels(rows)


def describe_placements(ids: list[int]) -> dict[int, dict[str, str]]:
    """A dispatch to recognise (its subject is the placement): the professional's name and the service unit."""
    rows = db.session.execute(
        select(Placement.id, Person.name, Unit.name_zh, Unit.name_en).select_from(Placement)
        .outerjoin(Person, _person(Placement))
        .outerjoin(Unit, _unit(Placement.tenant_id, Placement.service_unit_id))
        .where(Placement.id.in_(ids))).all()
    return _labels(rows)


def _post_names(posts) -> list[str]:
    names: list[str] = []
    for post in posts if isinstance(posts, list) else []:
        name = post.get("post_name") if isinstance(post, dict) else None
        if isinstance(name, str) and name.strip() and name.strip() not in names:
            names.append(name.strip())
    return names


def describe_postings(ids: list[int]) -> dict[int, dict[str, str]]:
    """A posting's demand report: the service unit and its post names (拉伯乡卫生院 · 全科医生、护士)."""
    rows = db.session.execute(
        select(Posting.id, Posting.posts, Unit.name_zh, Unit.name_en).select_from(Posting)
        .outerjoin(Unit, _unit(Posting.tenant_id, Posting.unit_id))
        .where(Posting.id.in_(ids))).all()
    out = {}
    for posting_id, posts, unit_zh, unit_en in rows:
        names = _post_names(posts)
        shown, more = names[:POSTS_SHOWN], len(names) - POSTS_SHOWN
        zh = _joined(unit_zh, "、".join(shown) + (f"等{len(names)}个岗位" if more > 0 else ""))
        en = _joined(unit_en or unit_zh, ", ".join(shown) + (f" and {more} more" if more > 0 else ""))
        if zh:
            out[posting_id] = {"zh": zh, "en": en}
    return out


DESCRIBERS = (
    (POSTING, describe_postings),
    (applications.SUBJECT, describe_applications),
    (agreements.SUBJECT, describe_agreements),
    (extensions.SUBJECT, describe_extensions),
    (placements.DISPATCH, describe_placements),
)


def register_describers() -> None:
    for subject, describer in DESCRIBERS:
        register_subject_describer(subject, describer)
