"""The tenant's one draft: saved freely while being edited, checked strictly when it moves.

Decision: a save needs only a JSON object (the text an author is half-way through may fail the
checker, and losing it would be worse); the save answers the checker's errors beside "saved". Submitting
and publishing need a pack that passes every check (schema, semantics, its own worked examples).
Editing a submitted draft withdraws the submission: a publisher never publishes text they did not see.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs import canonical
from grassroots.packs.checking import CheckResult, check_for_tenant
from grassroots.packs.errors import conflict, pack_invalid
from grassroots.packs.models import PackDraft
from grassroots.packs.versions import latest_version
from grassroots.policy.errors import error
from grassroots.tenancy.models import Tenant


@dataclass
class SaveResult:
    draft: PackDraft
    check: CheckResult
    changed: bool


def label_of(user) -> str:
    return (getattr(user, "display_name", None) or getattr(user, "username", None) or "?")[:100]


def get_draft(*, lock: bool = False) -> PackDraft | None:
    query = db.select(PackDraft)
    if lock:
        query = query.with_for_update()
    return db.session.execute(query).scalar_one_or_none()


def draft_text(tenant: Tenant) -> tuple[str, str | None, PackDraft | None]:
    """What the editor opens: (text, its hash, the draft) — the draft, else the latest version, else ""."""
    with tenant_context(tenant.id, db.session):
        draft = get_draft()
        if draft is not None:
            return draft.content, draft.content_hash, draft
        latest = latest_version()
        if latest is not None:
            return latest.content, latest.content_hash, None
    return "", None, None


def save_draft(tenant: Tenant, text: str, user, expected_hash: str | None = None) -> SaveResult:
    """Store `text` as the draft (committed) and answer its check; 422 only when it is not a JSON object.

    `expected_hash` is the hash of the text the author opened: if the draft changed since (another
    author saved), the save is refused with 409 rather than overwriting their work.
    """
    with tenant_context(tenant.id, db.session):
        try:
            doc = canonical.parse(text)
        except canonical.PackTextError as exc:
            raise pack_invalid([exc.error]) from None
        new_hash = canonical.content_hash(doc)
        draft = get_draft(lock=True)
        opened = draft.content_hash if draft is not None else _latest_hash()
        if expected_hash and opened and expected_hash != opened:
            db.session.rollback()
            raise conflict("draft_changed", "草稿已被他人修改，请重新打开后再保存",
                           "the draft was changed by someone else; reopen it before saving")
        changed = draft is None or draft.content != text
        if draft is None:
            latest = latest_version()
            draft = PackDraft(base_version=latest.number if latest else None, status="draft")
            db.session.add(draft)
        elif changed and draft.status == "published":
            latest = latest_version()
            draft.base_version = latest.number if latest else draft.base_version
        if changed:
            draft.content, draft.content_hash = text, new_hash
            draft.status = "draft"
            draft.submitted_by = draft.submitted_label = draft.submitted_at = None
            draft.author_id, draft.author_label, draft.updated_at = user.id, label_of(user), utcnow()
        _commit("draft_conflict")
        db.session.refresh(draft)
        return SaveResult(draft, check_for_tenant(tenant, doc), changed)


def _latest_hash() -> str | None:
    latest = latest_version()
    return latest.content_hash if latest else None


@contextmanager
def race_guard(code: str) -> Iterator[None]:
    """Writes of a transition: a lost race (unique key, SQLite's busy lock) is a 409, never a 500."""
    try:
        yield
    except (IntegrityError, OperationalError):
        db.session.rollback()
        raise conflict(code, "数据已被同时修改，请刷新后重试", "the data changed at the same time; reload and retry") from None


def _commit(code: str) -> None:
    with race_guard(code):
        db.session.commit()


@dataclass
class DraftState:
    """What an editor shows: the text (draft, else latest version), its hash, the draft row, its check."""

    text: str
    digest: str | None
    draft: PackDraft | None
    doc: dict | None
    check: CheckResult


def draft_state(tenant: Tenant) -> DraftState | None:
    text, digest, draft = draft_text(tenant)
    if not text:
        return None
    try:
        doc = canonical.parse(text)
    except canonical.PackTextError as exc:
        return DraftState(text, digest, draft, None, CheckResult([exc.error]))
    return DraftState(text, digest, draft, doc, check_for_tenant(tenant, doc))


def check_text(tenant: Tenant, text: str) -> CheckResult:
    """The editor's "check" button: the text's errors, nothing saved."""
    try:
        doc = canonical.parse(text)
    except canonical.PackTextError as exc:
        return CheckResult([exc.error])
    return check_for_tenant(tenant, doc)


def check_draft(tenant: Tenant) -> tuple[PackDraft | None, CheckResult | None]:
    """The draft and its check, or (None, None) when there is no draft."""
    with tenant_context(tenant.id, db.session):
        draft = get_draft()
        if draft is None:
            return None, None
        try:
            doc = canonical.parse(draft.content)
        except canonical.PackTextError as exc:
            return draft, CheckResult([exc.error])
        return draft, check_for_tenant(tenant, doc)


def submit_draft(tenant: Tenant, user, expected_hash: str | None = None) -> PackDraft:
    """draft → submitted, by one conditional UPDATE; 422 with every error when the pack fails its check."""
    with tenant_context(tenant.id, db.session):
        draft, result = check_draft(tenant)
        if draft is None or draft.status == "published":
            raise conflict("nothing_to_submit", "没有待提交的草稿修改", "there are no draft changes to submit")
        if draft.status == "submitted":
            raise conflict("already_submitted", "草稿已提交，等待发布", "the draft is already submitted for publishing")
        if expected_hash and expected_hash != draft.content_hash:
            raise conflict("draft_changed", "草稿已被修改，请刷新后重试", "the draft changed; reload and retry")
        assert result is not None
        if not result.ok:
            raise pack_invalid(result.errors)
        latest = latest_version()
        if latest is not None and latest.content_hash == draft.content_hash:
            raise pack_invalid([error("", "unchanged", "草稿与当前已发布版本相同，无需发布",
                                      "the draft equals the latest published version; nothing to publish")])
        with race_guard("draft_conflict"):
            moved = db.session.execute(
                update(PackDraft)
                .where(PackDraft.id == draft.id, PackDraft.tenant_id == tenant.id, PackDraft.status == "draft",
                       PackDraft.content_hash == draft.content_hash)
                .values(status="submitted", submitted_by=user.id, submitted_label=label_of(user), submitted_at=utcnow())
                .returning(PackDraft.id)
                .execution_options(synchronize_session=False)
            ).scalar_one_or_none()
            if moved is None:
                db.session.rollback()
                raise conflict("draft_changed", "草稿状态已变化，请刷新后重试", "the draft changed state; reload and retry")
            audit_transition("submit", draft.id, {"status": "draft"},
                   {"status": "submitted", "content_hash": draft.content_hash, "submitted_by": user.id})
            db.session.commit()
        db.session.refresh(draft)
        return draft


def audit_transition(transition: str, draft_id: int, before: dict, after: dict, note: str | None = None) -> None:
    """One decision entry per transition (a bulk UPDATE is not seen by the audit flush hook)."""
    from grassroots.audit.log import record

    record("decision", target_type=PackDraft.__tablename__, target_id=draft_id, before=before,
           after={"transition": transition, **after}, note=note or f"pack draft {transition}")

