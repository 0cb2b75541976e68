"""How a person is shown: the masked number, the age instead of the birth date, and the rule facts.

Decrypting to mask is not a reveal (no one sees the number), so it is not audited; the mask hides
exactly the birth-date digits, so no screen or answer that shows it also shows the birth date.
"""

from __future__ import annotations

import logging
from datetime import date

from grassroots.identity import crypto
from grassroots.identity.idnumbers import china_today, mask
from grassroots.identity.models import Person
from grassroots.policy.dates import age_on

log = logging.getLogger(__name__)

UNREADABLE = "*" * 18


def masked_id(person: Person) -> str:
    """What screens show: 110105********002X (an unreadable value shows as stars and is logged)."""
    try:
        return mask(crypto.decrypt(person.id_cipher, person.tenant_id))
    except crypto.IdKeyError as exc:
        log.error("person %s: %s", person.id, exc)
        return UNREADABLE


def age_of(person: Person, as_of: date | None = None) -> int:
    """Full years (周岁) today in China, or on `as_of`."""
    return age_on(person.birth_date, as_of or china_today())


def summary(person: Person) -> dict:
    """A person as screens and the API show them: masked number, age rather than birth date."""
    unit = person.unit
    return {
        "id": person.id, "name": person.name, "gender": person.gender, "age": age_of(person),
        "id_number_masked": masked_id(person), "phone": person.phone,
        "unit": {"code": unit.code, "name": {"zh": unit.name_zh, "en": unit.name_en or unit.name_zh}} if unit else None,
        "username": person.user.username if person.user is not None else None,
        "ethnic_minority": person.ethnic_minority, "education": person.education,
        "title_level": person.title_level, "title_series": person.title_series,
        "licenses": list(person.licenses or []), "created_at": person.created_at,
    }


def facts_of(person: Person, as_of: date | None = None) -> dict:
    """The person facts the rules read (DESIGN § Facts), for building an evaluation input."""
    facts = {"birth_date": person.birth_date.isoformat(), "age": age_of(person, as_of), "gender": person.gender,
             "ethnic_minority": person.ethnic_minority, "licenses": list(person.licenses or [])}
    for key in ("education", "title_level", "title_series"):
        if getattr(person, key):
            facts[key] = getattr(person, key)
    if person.unit is not None:
        facts["unit_level"], facts["sector"] = person.unit.level, person.unit.sector
    return facts
