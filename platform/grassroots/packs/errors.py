"""The packs module's user-facing failures, in the platform's one error shape (grassroots.errors)."""

from __future__ import annotations

from collections.abc import Iterable

from grassroots.errors import UserError
from grassroots.policy import PackError


def pack_invalid(errors: Iterable[PackError]) -> UserError:
    """422 with every error at its JSON pointer: a pack that fails its check moves nowhere."""
    return UserError(422, "pack_invalid", {"zh": "政策包未通过检查", "en": "The pack does not pass its check"},
                     [e.to_dict() for e in errors])


def input_invalid(errors: Iterable[PackError]) -> UserError:
    return UserError(422, "invalid", {"zh": "提交的数据有误", "en": "The submitted data is invalid"},
                     [e.to_dict() for e in errors])


def conflict(code: str, zh: str, en: str) -> UserError:
    return UserError(409, code, {"zh": zh, "en": en})


def not_found(zh: str = "未找到", en: str = "Not found") -> UserError:
    return UserError(404, "not_found", {"zh": zh, "en": en})


def forbidden(code: str, zh: str, en: str) -> UserError:
    return UserError(403, code, {"zh": zh, "en": en})


def field_error(status: int, code: str, path: str, zh: str, en: str) -> UserError:
    """One error at one path (a form or body field)."""
    message = {"zh": zh, "en": en}
    return UserError(status, code, message, [{"path": path, "code": code, "message": message}])
