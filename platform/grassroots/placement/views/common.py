"""What the placement pages share: the page renderer, errors as form pointers, the user's units and programs."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import g, render_template, request
from flask_login import current_user

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.placement import program as packs
from grassroots.placement.access import reach_of
from grassroots.placement.present import STATE_LABELS
from grassroots.tenancy.models import Unit

VIEW = "program.view"


def user():
    return current_user._get_current_object()


def page(template: str, **context: Any):
    return render_template(f"placement/{template}", state_labels=STATE_LABELS, **context)


def field_errors(errors: list[dict], prefix: str) -> list[dict]:
    """Service errors at `/data/...` (or `/form/...`) as the form's own pointers; others stay as they are."""
    out = []
    for e in errors or []:
        path = e.get("path") or ""
        out.append({**e, "path": path[len(prefix):] if path.startswith(prefix + "/") else path})
    return out


def problems(exc: UserError) -> list[dict]:
    return exc.errors or [{"path": "/", "code": exc.code, "message": exc.message}]


def list_args(states: tuple[str, ...]) -> tuple[str | None, int]:
    """A list page's `state` filter (one of `states`, else none) and `page` (1..10,000, else 1)."""
    state = request.args.get("state") or None
    raw = request.args.get("page", "")
    page = int(raw) if raw.isdigit() and 1 <= int(raw) <= 10_000 else 1
    return (state if state in states else None), page


def state_choices(states: tuple[str, ...]) -> list[dict]:
    return [{"code": code, "label": STATE_LABELS[code]} for code in states]


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def units_in_reach(permissions: frozenset[str], level: str | None = None) -> list[Unit]:
    reach = reach_of(user(), g.tenant, permissions)
    query = db.select(Unit).order_by(Unit.code)
    if level:
        query = query.where(Unit.level == level)
    units = db.session.execute(query).scalars().all()
    return [u for u in units if reach.covers(u.id)]


def programs_in_force():
    return packs.secondment_programs(packs.current(g.tenant))


def program_choice(programs: list[dict]) -> dict | None:
    chosen = request.values.get("program")
    found = next((p for p in programs if p["id"] == chosen), None)
    return found or (programs[0] if len(programs) == 1 else None)
