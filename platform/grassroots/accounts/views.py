"""Sign in and out. Minimal here; rate limiting lives in the login service."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from grassroots.accounts.models import User
from grassroots.db import db
from grassroots.i18n import t
from grassroots.tenancy.access import login_required, public
from grassroots.web.views import _safe_next


@public
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
        if user is not None and user.active and user.check_password(password):
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("web.index"))
        flash(t("用户名或密码错误", "Wrong username or password"), "error")
        return render_template("accounts/login.html"), 401
    return render_template("accounts/login.html")


@login_required
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))
