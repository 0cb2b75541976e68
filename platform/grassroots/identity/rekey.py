"""Moving stored numbers to the current key after `ID_NUMBER_KEY` rotates (crypto.py says how).

Rows are read with any known key and written back encrypted and hashed under the current one, one
tenant at a time inside its own context, so row-level security and the audit chain see ordinary
updates (the audit entries mask both columns).

Other modules keep numbers encrypted with `crypto.encrypt` too (forms: `FormSubmission.sealed`).
identity must not import them (dependencies point one way), so each registers a participant with
`register_participant(app, label, fn)` in its `init_app`: `fn()` runs inside each tenant's context,
re-encrypts that tenant's values not under the current key, returns how many it moved, and leaves the
commit to the caller. `grassroots identity rekey` runs the register, then every participant, tenant by
tenant, committing after each.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.identity import crypto
from grassroots.identity.models import Person

RekeyParticipant = Callable[[], int]
EXTENSION = "grassroots.identity.rekey_participants"


def register_participant(app: Flask, label: str, participant: RekeyParticipant) -> None:
    """Have `identity rekey` run `participant` per tenant as well (one per label: registering again replaces)."""
    app.extensions.setdefault(EXTENSION, {})[label] = participant


def participants(app: Flask) -> list[tuple[str, RekeyParticipant]]:
    """The registered participants, in registration order (the modules' order in the app)."""
    return list(app.extensions.get(EXTENSION, {}).items())


def rekey_current_tenant() -> int:
    """Re-encrypt the current tenant's numbers not yet under the current key; returns how many (committed)."""
    version = crypto.current_version()
    tenant_id = current_tenant_id()
    moved = 0
    people = db.session.execute(select(Person).where(Person.tenant_id == tenant_id).order_by(Person.id)).scalars()
    for person in people:
        if crypto.key_version_of(person.id_cipher) == version:
            continue
        number = crypto.decrypt(person.id_cipher, tenant_id)
        person.id_cipher = crypto.encrypt(number, tenant_id)
        person.id_hash = crypto.lookup_hash(number)
        moved += 1
    db.session.commit()
    return moved
