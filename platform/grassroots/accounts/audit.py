"""The accounts module's audit call site: sign-ins, sign-outs, password and token changes.

Writes through `grassroots.audit.log.record` in the caller's transaction, on the platform chain
(no tenant is in play at /login). Kept behind an import guard so accounts work without the audit module.
"""

from __future__ import annotations

from typing import Any


def audit(action: str, target_type: str | None = None, target_id: Any = None, note: str | None = None,
          after: Any = None) -> None:
    try:
        from grassroots.audit.log import record
    except ImportError:  # the audit module is not installed in this build
        return
    record(action, target_type=target_type, target_id=target_id, note=note, after=after)
