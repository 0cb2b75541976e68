"""/api/v1/me and /api/v1/tokens: who am I, where may I act, and my API tokens.

Creating a token needs a signed-in browser session (with X-CSRFToken): a token cannot mint more
tokens, so revoking a leaked one is enough to shut it out. Listing and revoking work with either.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask_login import current_user
from flask_smorest import Blueprint

from grassroots.accounts import tokens
from grassroots.accounts.audit import audit
from grassroots.accounts.schemas import MeSchema, TokenCreatedSchema, TokenCreateSchema, TokenSchema
from grassroots.api.security import authenticated_by_token
from grassroots.api.views import ApiView
from grassroots.db import db
from grassroots.errors import UserError
from grassroots.tenancy.access import login_required

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Identity and API tokens")


def _pair(obj) -> dict[str, str]:
    return {"zh": obj.name_zh, "en": obj.name_en}


@blp.route("/me")
class Me(ApiView):
    @login_required
    @blp.response(200, MeSchema)
    def get(self):
        """The signed-in user and their memberships (the API counterpart of the tenant switcher)."""
        user = current_user
        memberships = [
            {"tenant": m.tenant.slug, "tenant_name": _pair(m.tenant), "office": m.office,
             "scope": {"kind": m.scope_kind, "code": m.scope_code}}
            for m in user.memberships
        ]
        seen: dict[int, dict] = {}
        for m in user.memberships:
            seen.setdefault(m.tenant_id, {"slug": m.tenant.slug, "name": _pair(m.tenant)})
        return {"id": user.id, "username": user.username, "display_name": user.display_name,
                "is_operator": user.is_operator, "authenticated_by": "token" if authenticated_by_token() else "session",
                "tenants": list(seen.values()), "memberships": memberships}


@blp.route("/tokens")
class Tokens(ApiView):
    @login_required
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """My tokens, newest first, revoked ones included."""
        return tokens.tokens_of(current_user)

    @login_required
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenCreatedSchema, headers={"Cache-Control": {"schema": {"type": "string"}}})
    @blp.alt_response(403, description="Called with a bearer token: a token cannot create tokens")
    def post(self, data):
        """Create a token; the secret is in this response only. Needs a browser session, not a token."""
        if authenticated_by_token():
            raise UserError(403, "token_cannot_create_token",
                            {"zh": "请登录网页后创建令牌；令牌不能创建令牌",
                             "en": "Create tokens from a signed-in session; a token cannot create tokens"})
        token, raw = tokens.create_token(current_user, data["name"].strip())
        audit("token.create", "api_token", token.id, after={"name": token.name, "prefix": token.prefix})
        db.session.commit()
        fields = ("id", "name", "prefix", "created_at", "last_used_at", "revoked_at")
        body = SimpleNamespace(**{f: getattr(token, f) for f in fields}, token=raw)
        return body, 201, {"Cache-Control": "no-store"}


@blp.route("/tokens/<id:token_id>")
class TokenById(ApiView):
    @login_required
    @blp.response(200, TokenSchema)
    def get(self, token_id: int):
        return tokens.own_token_or_404(current_user, token_id)

    @login_required
    @blp.response(204)
    def delete(self, token_id: int):
        """Revoke one of my tokens (another user's id answers 404, like a missing one)."""
        token = tokens.own_token_or_404(current_user, token_id)
        tokens.revoke(token)
        audit("token.revoke", "api_token", token.id)
        db.session.commit()
        return None
