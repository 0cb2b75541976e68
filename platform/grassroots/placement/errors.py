"""The placement module's refusals, in the platform's one error shape (grassroots.errors.UserError)."""

from __future__ import annotations

from grassroots.errors import UserError


def not_found(zh: str = "未找到", en: str = "Not found") -> UserError:
    return UserError(404, "not_found", {"zh": zh, "en": en})


def forbidden(code: str, zh: str, en: str) -> UserError:
    return UserError(403, code, {"zh": zh, "en": en})


def conflict(code: str, zh: str, en: str) -> UserError:
    return UserError(409, code, {"zh": zh, "en": en})


def invalid(path: str, code: str, zh: str, en: str) -> UserError:
    message = {"zh": zh, "en": en}
    return UserError(422, code, message, [{"path": path, "code": code, "message": message}])


def invalid_many(errors: list[dict], zh: str = "提交的数据有误", en: str = "The submitted data is invalid",
                 code: str = "invalid") -> UserError:
    return UserError(422, code, {"zh": zh, "en": en}, errors)


def prefixed(errors: list[dict], prefix: str) -> list[dict]:
    """Errors of a nested document (a form's data) at their path within the request body."""
    return [{**e, "path": prefix + (e.get("path") or "")} for e in errors]
