"""The workflow's user-facing refusals, in the platform's one error shape (grassroots.errors)."""

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


def task_not_pending() -> UserError:
    return conflict("task_not_pending", "该事项已办理、已取消或流程已结束，请刷新",
                    "This task was already acted on or cancelled, or its chain has ended; reload")


def own_submission() -> UserError:
    return forbidden("own_submission", "不能办理本人提交的事项", "You cannot act on your own submission")


def not_in_scope() -> UserError:
    return forbidden("not_in_scope", "您没有办理该事项的职务或范围", "Your office or scope does not cover this task")
