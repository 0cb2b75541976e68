"""Publishing the submitted draft as a new immutable version: a second person, one conditional UPDATE.

SECURITY.md: one conditional UPDATE per transition, with "approver is not the submitter" in its WHERE.
The UPDATE also names the content hash that was checked here, so a draft edited between the check and
the UPDATE cannot slip through; whoever loses a race (the same publisher clicking twice, two publishers)
moves nothing and gets 409. Only after the UPDATE returned the row is the version written.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs.drafts import audit_transition, check_draft, label_of, race_guard
from grassroots.packs.errors import conflict, field_error, forbidden, pack_invalid
from grassroots.packs.models import PackDraft, PackVersion
from grassroots.packs.versions import china_today, latest_version, next_number
from grassroots.tenancy.models import Tenant

NOTE_MAX = 2000


def publish_refusal(draft: PackDraft | None, user) -> dict | None:
    """Why `user` may not publish the draft now ({code, zh, en}), or None; the editor shows it by the button."""
    if draft is None or draft.status != "submitted":
        return {"code": "not_submitted", "zh": "草稿尚未提交发布", "en": "The draft has not been submitted for publishing"}
    if draft.submitted_by is None or draft.submitted_by == user.id:
        return {"code": "same_person", "zh": "提交人不能发布自己提交的版本，须由另一位有发布权限的人员发布",
                "en": "The submitter cannot publish their own submission; another person with the publish permission must"}
    return None


def publish_draft(tenant: Tenant, user, *, note: str = "", effective_date: date | None = None,
                  expected_hash: str | None = None) -> PackVersion:
    """submitted → published and version N+1, in one transaction; 403/409/422 say why not."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise field_error(422, "too_long", "/note", f"说明不得超过 {NOTE_MAX} 字", f"the note is longer than {NOTE_MAX} characters")
    with tenant_context(tenant.id, db.session):
        draft, result = check_draft(tenant)
        refusal = publish_refusal(draft, user)
        if refusal is not None:
            error = forbidden if refusal["code"] == "same_person" else conflict
            raise error(refusal["code"], refusal["zh"], refusal["en"])
        assert draft is not None and result is not None
        if expected_hash and expected_hash != draft.content_hash:
            raise conflict("draft_changed", "草稿已被修改，请刷新后重新审阅", "the draft changed; reload and review it again")
        if not result.ok:
            raise pack_invalid(result.errors)
        latest = latest_version()
        effective_date = effective_date or china_today()
        if latest is not None and effective_date < latest.effective_date:
            raise field_error(422, "effective_date_order", "/effective_date",
                              f"生效日期不得早于上一版本的生效日期 {latest.effective_date.isoformat()}",
                              f"the effective date may not precede the previous version's ({latest.effective_date.isoformat()})")
        with race_guard("publish_conflict"):
            moved = db.session.execute(
                update(PackDraft)
                .where(PackDraft.id == draft.id, PackDraft.tenant_id == tenant.id, PackDraft.status == "submitted",
                       PackDraft.submitted_by != user.id, PackDraft.content_hash == draft.content_hash)
                .values(status="published", published_by=user.id, published_at=utcnow())
                .returning(PackDraft.id)
                .execution_options(synchronize_session=False)
            ).scalar_one_or_none()
            if moved is None:
                db.session.rollback()
                raise conflict("draft_changed", "草稿状态已变化（可能已被发布），请刷新",
                               "the draft changed state (it may have been published already); reload")
            version = PackVersion(
                number=next_number(), content=draft.content, content_hash=draft.content_hash,
                effective_date=effective_date, author_id=draft.submitted_by, author_label=draft.submitted_label or "?",
                publisher_id=user.id, publisher_label=label_of(user), note=note, extends_chain=result.extends_chain,
            )
            db.session.add(version)
            db.session.flush()
            db.session.execute(update(PackDraft).where(PackDraft.id == draft.id).values(base_version=version.number)
                               .execution_options(synchronize_session=False))
            audit_transition("publish", draft.id, {"status": "submitted"},
                   {"status": "published", "version": version.number, "content_hash": version.content_hash,
                    "submitted_by": draft.submitted_by, "published_by": user.id},
                   note=f"pack version {version.number} published")
            db.session.commit()
        db.session.refresh(draft)
        db.session.refresh(version)  # loaded while the tenant context holds: callers may have none
        return version
