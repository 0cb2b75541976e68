"""`grassroots identity rekey` for form submissions: `sealed` moved to the current ID number key.

Registered with identity as a rekey participant (blueprint.init_app); identity calls it inside each
tenant's context and commits after it. Submissions are read a page at a time by id (only id, revision
and `sealed`, never whole rows), so memory stays flat however many a tenant holds.

Each changed row is one conditional UPDATE of `sealed` alone, `WHERE id = :id AND revision = :seen`:
- The same numbers under another key are not a new version of the submission, so `revision` is left
  as it is: a submitter with the returned form open can still resubmit it (no 409 for a rotation).
- A submission resubmitted meanwhile matches no row and is skipped: its resubmission sealed the new
  values under the current key already (a second run reports 0 when nothing is left).
- Nothing guards a submitted row against UPDATE (no trigger, no ORM hook): this is the only write the
  module makes to a submitted row besides its submitter's resubmission.
The statement bypasses the per-row audit hook on purpose (every row's entry would read `sealed: *** →
***`); one `id.rekey` entry per tenant names the submissions, the number of values and the key version.
"""

from __future__ import annotations

from sqlalchemy import select, update

from grassroots.audit.log import record
from grassroots.db import db
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.forms import sensitive
from grassroots.forms.models import FormSubmission
from grassroots.identity.crypto import IdKeyError, current_version

BATCH = 500


def rekey_current_tenant(batch: int | None = None) -> int:
    """Re-encrypt the current tenant's sealed ID numbers not under the current key; how many values moved.

    Idempotent. Flushes nothing and commits nothing: the caller commits (identity's command does).
    """
    tenant_id = current_tenant_id()
    size = batch or BATCH
    moved, changed, after = 0, [], 0
    while True:
        rows = db.session.execute(
            select(FormSubmission.id, FormSubmission.revision, FormSubmission.sealed)
            .where(FormSubmission.tenant_id == tenant_id, FormSubmission.id > after)
            .order_by(FormSubmission.id).limit(size)
        ).all()
        if not rows:
            break
        after = rows[-1].id
        for row in rows:
            if not isinstance(row.sealed, dict) or not row.sealed:
                continue
            try:
                sealed, count = sensitive.reseal(row.sealed, tenant_id)
            except IdKeyError as exc:
                raise IdKeyError(f"form submission {row.id}: {exc}") from None
            if not count:
                continue
            result = db.session.execute(
                update(FormSubmission)
                .where(FormSubmission.tenant_id == tenant_id, FormSubmission.id == row.id,
                       FormSubmission.revision == row.revision)
                .values(sealed=sealed)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount:
                moved += count
                changed.append(row.id)
    if changed:
        version = current_version()
        record("id.rekey", "form_submissions", None,
               after={"key_version": version, "values": moved, "submissions": changed},
               note=f"ID numbers of {len(changed)} form submissions re-encrypted under key version {version}")
    return moved
