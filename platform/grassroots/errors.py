"""Every error a user can meet, as one bilingual shape; never a traceback, never a bare 500 page.

API answers: `{"error": {"code", "message": {"zh", "en"}, "errors": [{"path", "code", "message"}]}}`.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES: dict[int, dict[str, str]] = {
    400: {"zh": "请求有误", "en": "Bad request"},
    401: {"zh": "请先登录", "en": "Please log in"},
    403: {"zh": "无权执行此操作", "en": "You do not have permission for this"},
    404: {"zh": "未找到", "en": "Not found"},
    405: {"zh": "不支持的请求方法", "en": "Method not allowed"},
    409: {"zh": "状态已变化，请刷新后重试", "en": "The record changed; reload and try again"},
    413: {"zh": "文件过大", "en": "Upload too large"},
    415: {"zh": "不支持的内容类型", "en": "Unsupported media type"},
    422: {"zh": "提交的数据有误", "en": "The submitted data is invalid"},
    429: {"zh": "请求过于频繁，请稍后再试", "en": "Too many requests; try again later"},
    500: {"zh": "服务器内部错误，已记录", "en": "Internal error; it has been logged"},
}


class UserError(Exception):
    """An error to show the user as is: status, code, bilingual message and field errors with paths."""

    def __init__(self, status: int, code: str, message: dict[str, str] | None = None, errors: list | None = None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message or MESSAGES.get(status, MESSAGES[400])
        self.errors = errors or []


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _body(status: int, code: str, message: dict, errors: list | None = None):
    return {"error": {"code": code, "message": message, "errors": errors or []}}


def error_response(status: int, code: str, message: dict | None = None, errors: list | None = None):
    message = message or MESSAGES.get(status, MESSAGES[400])
    if wants_json():
        return jsonify(_body(status, code, message, errors)), status
    if status == 404:
        # Another tenant's page must read exactly like a missing one: no tenant name, no tenant menu.
        g.tenant = None
    return render_template("error.html", status=status, message=message, errors=errors or []), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(UserError)
    def _user_error(exc: UserError):
        return error_response(exc.status, exc.code, exc.message, exc.errors)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        errors = []
        data = getattr(exc, "data", None)  # flask-smorest / webargs validation details
        if isinstance(data, dict) and "messages" in data:
            errors = _flatten_marshmallow(data["messages"])
        code = {422: "invalid", 400: "bad_request", 404: "not_found", 403: "forbidden", 401: "unauthenticated"}.get(
            status, (exc.name or "error").lower().replace(" ", "_")
        )
        if status == 400 and getattr(exc, "description", "").startswith("The CSRF"):
            code = "csrf"
            return error_response(400, code, {"zh": "表单已过期或缺少 CSRF 令牌，请刷新页面后重试",
                                              "en": "The form expired or lacks its CSRF token; reload and retry"})
        return error_response(status, code, None, errors)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal")


def _flatten_marshmallow(messages, prefix: str = "") -> list[dict]:
    """webargs nests messages by location then field; flatten to JSON-pointer paths."""
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "form", "files", "headers", "view_args") and not prefix:
                out.extend(_flatten_marshmallow(value, ""))
            else:
                out.extend(_flatten_marshmallow(value, f"{prefix}/{key}"))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        text = "; ".join(messages)
        out.append({"path": prefix or "/", "code": "invalid", "message": {"zh": _zh(text), "en": text}})
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            out.extend(_flatten_marshmallow(value, f"{prefix}/{i}"))
    return out


_ZH = {
    "Missing data for required field.": "缺少必填字段。",
    "Unknown field.": "未知字段。",
    "Not a valid string.": "不是有效的字符串。",
    "Not a valid integer.": "不是有效的整数。",
    "Not a valid date.": "不是有效的日期。",
    "Not a valid boolean.": "不是有效的布尔值。",
    "Field may not be null.": "该字段不能为空。",
    "Invalid input type.": "输入类型无效。",
    "Invalid JSON body.": "请求体不是有效的 JSON。",
    "Not a valid number.": "不是有效的数字。",
    "Not a valid datetime.": "不是有效的日期时间。",
    "Not a valid list.": "不是有效的列表。",
    "Not a valid mapping type.": "不是有效的对象。",
}


def _zh(text: str) -> str:
    return "；".join(_ZH.get(part.strip(), part.strip()) for part in text.split(";"))
