"""The /account/tokens page: list, create (the raw token is shown once, in that response only), revoke.

The new token is rendered directly, never flashed: a flash would park it in the session cookie.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from grassroots.accounts import tokens
from grassroots.accounts.audit import audit
from grassroots.db import db
from grassroots.i18n import t
from grassroots.tenancy.access import login_required

NAME_MAX = 100


def _page(status: int = 200, **context):
    rows = tokens.tokens_of(current_user)
    response = render_template("accounts/tokens.html", tokens=rows, name_max=NAME_MAX, **context)
    return response, status, {"Cache-Control": "no-store"}


@login_required
def tokens_page():
    if request.method == "GET":
        return _page()
    name = request.form.get("name", "").strip()
    if not name or len(name) > NAME_MAX:
        problem = {"zh": f"名称须为 1 至 {NAME_MAX} 个字符", "en": f"The name needs 1 to {NAME_MAX} characters"}
        return _page(422, problems=[problem], name=name)
    token, raw = tokens.create_token(current_user, name)
    audit("token.create", "api_token", token.id, after={"name": name, "prefix": token.prefix})
    db.session.commit()
    return _page(new_token=raw, new_token_name=name)


@login_required
def revoke_token(token_id: int):
    token = tokens.own_token_or_404(current_user, token_id)
    tokens.revoke(token)
    audit("token.revoke", "api_token", token.id)
    db.session.commit()
    flash(t("令牌已撤销", "Token revoked"), "success")
    return redirect(url_for("accounts.tokens"))
