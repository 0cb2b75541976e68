"""Idempotency keys for requests that move money (SECURITY.md; Stripe's model).

The key row is inserted first, in the same transaction as the operation, with ON CONFLICT DO NOTHING:
- inserted → this request runs the operation and stores its answer; both commit together, or neither
  (a refused operation leaves no key behind, so a corrected retry may reuse it);
- not inserted → the key was used: the same request (same user, method, path and body) gets the stored
  answer again; any other request with that key is refused (409). On PostgreSQL a concurrent twin waits
  on the unique index until the first commits, then replays its answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import current_tenant_id
from grassroots.errors import UserError
from grassroots.subsidy.models import IdempotencyKey
from grassroots.subsidy.sql import dialect_insert

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_\-:.]{8,100}")


def key_required() -> UserError:
    message = {"zh": "付款类请求须带 Idempotency-Key 请求头（8–100 位字母、数字或 _-:.）",
               "en": "Payment requests need an Idempotency-Key header (8–100 letters, digits or _-:.)"}
    return UserError(400, "idempotency_key_required", message,
                     [{"path": f"/headers/{HEADER}", "code": "idempotency_key_required", "message": message}])


def fingerprint(user_id: int, method: str, path: str, body: Any) -> str:
    canonical = json.dumps({"user": user_id, "method": method, "path": path, "body": body}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def run_once(key: str | None, digest: str, user_id: int,
             operation: Callable[[], tuple[dict, int]]) -> tuple[dict, int, bool]:
    """(answer, status, replayed). `operation` must not commit; this commits it with the key."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise key_required()
    tid = current_tenant_id()
    try:
        stmt = dialect_insert(IdempotencyKey).values(tenant_id=tid, key=key, request_hash=digest, user_id=user_id,
                                                     created_at=utcnow())
        new_id = db.session.execute(stmt.on_conflict_do_nothing(index_elements=["tenant_id", "key"])
                                    .returning(IdempotencyKey.id)).scalar_one_or_none()
        if new_id is None:
            return _replay(key, digest)
        answer, status = operation()
        db.session.execute(update(IdempotencyKey).where(IdempotencyKey.id == new_id, IdempotencyKey.tenant_id == tid)
                           .values(status_code=status, response=answer).execution_options(synchronize_session=False))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return answer, status, False


def _replay(key: str, digest: str) -> tuple[dict, int, bool]:
    row = db.session.execute(select(IdempotencyKey.request_hash, IdempotencyKey.status_code, IdempotencyKey.response)
                             .where(IdempotencyKey.key == key)).one()
    db.session.rollback()
    if row.request_hash != digest:
        raise UserError(409, "idempotency_key_reused", {
            "zh": "该 Idempotency-Key 已用于另一个请求；请为新请求使用新的键",
            "en": "This Idempotency-Key was used for a different request; use a new key for a new request"})
    if row.status_code is None:
        raise UserError(409, "idempotency_in_progress", {"zh": "相同请求正在处理，请稍后重试",
                                                         "en": "The same request is still being processed; retry"})
    return row.response, row.status_code, True
