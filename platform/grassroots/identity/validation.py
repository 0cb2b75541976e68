"""Checking a person's registration data, from the API (typed) or a form (strings), all errors at once.

Birth date and gender are facts of the ID number: when the form gives them they must agree with it
(a typing error in either shows up here), and the stored values are always the number's own.
Codes (education, titles, licences) are the fact vocabulary's (policy_packs/schema/facts.json).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from grassroots.identity.idnumbers import birth_date_of, check_id_number, gender_of, normalize
from grassroots.identity.models import GENDERS
from grassroots.policy.facts import load_vocabulary

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
PHONE = re.compile(r"\+?[0-9][0-9 \-]{4,30}", re.ASCII)
CHOICE_FACTS = ("education", "title_level", "title_series")
TRUE_STRINGS = ("1", "true", "on", "yes")

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("必填", "Required"),
    "too_long": ("过长", "Too long"),
    "invalid_choice": ("不是可选的值", "Not one of the allowed values"),
    "invalid_date": ("日期格式应为 YYYY-MM-DD", "A date is written YYYY-MM-DD"),
    "invalid_phone": ("电话号码格式不正确", "Not a valid phone number"),
    "id_gender_mismatch": ("性别与身份证号码不符", "The gender does not match the ID number"),
    "id_birth_mismatch": ("出生日期与身份证号码不符", "The birth date does not match the ID number"),
    "not_a_list": ("应为列表", "Must be a list"),
}


def field_error(path: str, code: str) -> dict:
    zh, en = MESSAGES[code]
    return {"path": path, "code": code, "message": {"zh": zh, "en": en}}


def choices(fact: str) -> tuple[str, ...]:
    """The allowed codes of a person fact (education, title_level, title_series, licenses)."""
    found = load_vocabulary().get(f"person.{fact}")
    return found.values if found else ()


def _text(data: Mapping, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in TRUE_STRINGS
    return bool(value)


def _date(value: Any) -> date | None | str:
    """A date, None when not given, or "bad"."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value.strip()):
        return "bad"
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return "bad"


def _choice(data: Mapping, key: str, errors: list[dict]) -> str | None:
    value = _text(data, key)
    if value and value not in choices(key):
        errors.append(field_error(f"/{key}", "invalid_choice"))
    return value or None


def _licenses(value: Any, errors: list[dict]) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, list | tuple):
        errors.append(field_error("/licenses", "not_a_list"))
        return []
    allowed = choices("licenses")
    for i, item in enumerate(value):
        if item not in allowed:
            errors.append(field_error(f"/licenses/{i}", "invalid_choice"))
    return sorted({item for item in value if item in allowed})


def _identity(data: Mapping, errors: list[dict]) -> tuple[str, date | None, str | None]:
    """(number, birth date, gender): the number's own facts, checked against any the form gave."""
    raw = data.get("id_number")
    if raw is None or raw == "":
        errors.append(field_error("/id_number", "required"))
        return "", None, None
    number_errors = check_id_number(raw)
    errors.extend(number_errors)
    given_gender, given_birth = _text(data, "gender"), _date(data.get("birth_date"))
    if given_gender and given_gender not in GENDERS:
        errors.append(field_error("/gender", "invalid_choice"))
    if given_birth == "bad":
        errors.append(field_error("/birth_date", "invalid_date"))
    if number_errors:
        return "", None, None
    number = normalize(raw)
    born, gender = birth_date_of(number), gender_of(number)
    if given_gender in GENDERS and given_gender != gender:
        errors.append(field_error("/gender", "id_gender_mismatch"))
    if isinstance(given_birth, date) and given_birth != born:
        errors.append(field_error("/birth_date", "id_birth_mismatch"))
    return number, born, gender


def clean_person(data: Mapping) -> tuple[dict, list[dict]]:
    """(clean values, errors); the values are only meaningful when there are no errors."""
    errors: list[dict] = []
    name = _text(data, "name")
    if not name:
        errors.append(field_error("/name", "required"))
    elif len(name) > 100:
        errors.append(field_error("/name", "too_long"))
    number, born, gender = _identity(data, errors)
    phone = _text(data, "phone")
    if phone and not PHONE.fullmatch(phone):
        errors.append(field_error("/phone", "invalid_phone"))
    clean = {
        "name": name, "id_number": number, "birth_date": born, "gender": gender, "phone": phone or None,
        "unit_code": _text(data, "unit_code") or None, "username": _text(data, "username") or None,
        "ethnic_minority": _flag(data.get("ethnic_minority")),
        "licenses": _licenses(data.get("licenses"), errors),
    }
    for key in CHOICE_FACTS:
        clean[key] = _choice(data, key, errors)
    return clean, errors
