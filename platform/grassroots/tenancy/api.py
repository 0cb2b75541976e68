"""The onboarding API: `GET|POST /api/v1/t/<tenant>/children` (flask-smorest).

POST takes the manifest itself as the JSON body; a bad manifest answers 422 with every error and writes
nothing. Authentication and CSRF are the platform's (grassroots.api.security): a Bearer-token call needs
no CSRF token, a cookie-session call sends X-CSRFToken.
"""

from __future__ import annotations

from flask import g, request
from flask_login import current_user
from flask_smorest import Blueprint

from grassroots.api.views import ApiView
from grassroots.errors import UserError
from grassroots.tenancy import manifest, rollup
from grassroots.tenancy.access import requires
from grassroots.tenancy.manifest import ManifestError
from grassroots.tenancy.onboarding import onboard_child
from grassroots.tenancy.schemas import OnboardSummarySchema, TenantChildSchema

blp = Blueprint("tenancy_api", __name__, url_prefix="/api/v1/t/<tenant>",
                description="Child jurisdictions: roll-up and onboarding (下级地区)")

MANIFEST_BODY = {
    "required": True,
    "description": "A tenant manifest (docs/tenant-manifest.md; schema tenants/schema/manifest.schema.json). "
                   "`parent` may be left out; if given it must be the tenant in the URL.",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


@blp.route("/children", endpoint="children")
class Children(ApiView):
    @requires("tenant.onboard")
    @blp.response(200, TenantChildSchema(many=True))
    def get(self):
        """The tenant's direct children with their counts (areas, units, staff)."""
        return [child.as_dict() for child in rollup.children_summary(g.tenant)]

    @requires("tenant.onboard")
    @blp.doc(requestBody=MANIFEST_BODY)
    @blp.response(201, OnboardSummarySchema, description="The child was created",
                  headers={"Cache-Control": {"schema": {"type": "string"}}})
    @blp.alt_response(200, schema=OnboardSummarySchema, description="The child existed and was updated (or unchanged)")
    @blp.alt_response(422, description="The manifest has errors (each at its JSON pointer); nothing written")
    @blp.alt_response(413, description="The manifest is larger than 4 MB")
    @blp.alt_response(415, description="The body is not declared JSON (Content-Type: application/json)")
    def post(self):
        """Create (201) or update (200) a child jurisdiction from a manifest; idempotent."""
        if not request.is_json:
            raise UserError(415, "unsupported_media_type")
        try:
            actor = current_user._get_current_object()
            summary = onboard_child(g.tenant, manifest.parse(request.get_data()), actor=actor)
        except ManifestError as exc:
            raise UserError(422, "invalid_manifest", {"zh": "清单有误，未写入任何数据",
                                                      "en": "The manifest has errors; nothing was written"},
                            exc.errors) from None
        # The new logins' initial passwords are in the body: never cached.
        return summary, 201 if summary["created"]["tenant"] else 200, {"Cache-Control": "no-store"}
