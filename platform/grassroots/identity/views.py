"""Pages of the people register: the list and a person (numbers masked), the registration form, and the
reveal button, which shows the full number once, in its own no-store answer, after auditing it.

Each handler loads, checks access (its decorator), then acts. The form never echoes a typed ID number
back: a page that re-renders after an error would otherwise carry the number.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.i18n import t
from grassroots.identity import present, services
from grassroots.identity.services import REVEAL_PERMISSION, VIEW_PERMISSION
from grassroots.identity.validation import CHOICE_FACTS, choices
from grassroots.packs.labels import value_label
from grassroots.tenancy.access import requires
from grassroots.tenancy.models import Unit

FORM_FIELDS = ("name", "id_number", "gender", "birth_date", "phone", "unit_code", "username",
               *CHOICE_FACTS)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 10_000) if raw.isdigit() and raw != "0" else 1


@requires(VIEW_PERMISSION)
def people():
    page = _page_number()
    rows, has_next = services.list_people(page)
    return render_template("identity/people.html", people=[present.summary(p) for p in rows], page=page,
                           has_next=has_next, label=value_label)


def _form_data() -> dict:
    data = {key: request.form.get(key, "") for key in FORM_FIELDS}
    data["ethnic_minority"] = request.form.get("ethnic_minority", "")
    data["licenses"] = request.form.getlist("licenses")
    return data


def _by_field(errors: list[dict]) -> dict[str, list[dict]]:
    """Errors keyed by form field: `/licenses/0` belongs to `licenses`."""
    out: dict[str, list[dict]] = {}
    for e in errors:
        out.setdefault(e["path"].strip("/").split("/")[0] or "_", []).append(e)
    return out


def _form(values: dict, errors: list[dict], status: int = 200):
    units = db.session.execute(select(Unit).order_by(Unit.code)).scalars().all()
    values = {k: v for k, v in values.items() if k != "id_number"}  # never sent back
    options = {key: choices(key) for key in (*CHOICE_FACTS, "licenses")}
    return render_template("identity/person_new.html", values=values, errors=_by_field(errors), units=units,
                           options=options, label=value_label), status


@requires(VIEW_PERMISSION)
def person_new():
    if request.method == "GET":
        return _form({}, [])
    data = _form_data()
    try:
        person = services.register_person(data, current_user._get_current_object())
    except UserError as exc:
        if exc.status not in (409, 422):
            raise
        return _form(data, exc.errors or [{"path": "/", "code": exc.code, "message": exc.message}], exc.status)
    flash(t(f"已登记：{person.name}", f"Registered: {person.name}"), "success")
    return redirect(url_for("identity.person", person_id=person.id))


def _person_page(person, revealed: dict | None = None):
    return render_template("identity/person.html", p=present.summary(person), revealed=revealed,
                           reveal_permission=REVEAL_PERMISSION, label=value_label)


@requires(VIEW_PERMISSION)
def person(person_id: int):
    return _person_page(services.get_person(person_id))


@requires(REVEAL_PERMISSION)
def person_reveal(person_id: int):
    person = services.get_person(person_id)
    number = services.reveal(person, current_user._get_current_object(), request.form.get("reason"))
    revealed = {"id_number": number, "birth_date": person.birth_date.isoformat()}
    response = make_response(_person_page(person, revealed))
    response.headers["Cache-Control"] = "no-store"
    return response
