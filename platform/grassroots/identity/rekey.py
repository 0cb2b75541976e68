"""Moving stored numbers to the current key after `ID_NUMBER_KEY` rotates (crypto.py says how).

Rows are read with any known key and written back encrypted and hashed under the current one, one
tenant at a time inside its own context, so row-level security and the audit chain see ordinary
updates (the audit entries mask both columns).
"""

from __future__ import annotations

from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.identity import crypto
from grassroots.identity.models import Person


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
