"""Sign in, sign out, change password. Each loads, checks, then acts; the rules live in the services."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grassroots.accounts import sessions
from grassroots.accounts.audit import audit
from grassroots.accounts.login import Outcome, authenticate
from grassroots.accounts.passwords import password_problems
from grassroots.db import db
from grassroots.errors import error_response, wants_json
from grassroots.i18n import t
from grassroots.tenancy.access import login_required, public
from grassroots.web.views import _safe_next

WRONG = {"zh": "用户名或密码错误", "en": "Wrong username or password"}


def _locked_message() -> dict[str, str]:
    minutes = max(1, current_app.config["LOGIN_LOCK_SECONDS"] // 60)
    return {"zh": f"尝试次数过多，请 {minutes} 分钟后再试", "en": f"Too many attempts; try again in {minutes} minutes"}


@public
def login():
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_safe_next(request.args.get("next")) or url_for("web.index"))
        return render_template("accounts/login.html")
    username = request.form.get("username", "")[:200]
    result = authenticate(username, request.form.get("password", ""), request.remote_addr or "unknown")
    if result.outcome is Outcome.OK:
        sessions.start_session(result.user)
        audit("login", "user", result.user.id)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")) or url_for("web.index"))
    status, message = (429, _locked_message()) if result.outcome is Outcome.LOCKED else (401, WRONG)
    if wants_json():
        return error_response(status, "login_locked" if status == 429 else "login_failed", message)
    return render_template("accounts/login.html", error=message, username=username.strip()), status


@login_required
def logout():
    """Ends this session and every other session of the user (the version in each cookie goes stale)."""
    audit("logout", "user", current_user.id)
    sessions.end_all_sessions(current_user)
    db.session.commit()
    sessions.end_this_session()
    return redirect(url_for("accounts.login"))


@login_required
def password():
    """Needs the current password (counted like a sign-in, so a borrowed session cannot guess it)."""
    if request.method == "GET":
        return render_template("accounts/password.html")
    user = current_user._get_current_object()
    new = request.form.get("new_password", "")
    problems = password_problems(user.username, new, request.form.get("confirm_password", ""))
    check = authenticate(user.username, request.form.get("current_password", ""), request.remote_addr or "unknown")
    if check.outcome is Outcome.LOCKED:
        return render_template("accounts/password.html", problems=[_locked_message()]), 429
    if check.outcome is Outcome.INVALID:
        problems.insert(0, {"zh": "当前密码不正确", "en": "The current password is wrong"})
    if problems:
        return render_template("accounts/password.html", problems=problems), 422
    user.set_password(new)
    sessions.end_all_sessions(user)  # every other session ends
    audit("password.change", "user", user.id)
    db.session.commit()
    sessions.start_session(user)  # this browser carries on under the new version
    flash(t("密码已修改，其他设备上的登录已退出。", "Password changed; you were signed out everywhere else."), "success")
    return redirect(url_for("accounts.password"))
