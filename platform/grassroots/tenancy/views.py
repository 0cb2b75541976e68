"""Pages for a jurisdiction administrator: the child jurisdictions and the onboarding form."""

from __future__ import annotations

from flask import flash, g, make_response, render_template, request
from flask_login import current_user

from grassroots.i18n import t
from grassroots.tenancy import manifest, rollup
from grassroots.tenancy.access import requires
from grassroots.tenancy.manifest import ManifestError
from grassroots.tenancy.manifest_errors import error
from grassroots.tenancy.onboarding import onboard_child


@requires("tenant.onboard")
def children():
    return render_template("tenancy/children.html", children=rollup.children_summary(g.tenant))


@requires("tenant.onboard")
def child_new():
    if request.method == "GET":
        return render_template("tenancy/child_new.html", text="", errors=[])
    raw = _submitted_manifest()
    try:
        if not raw.strip():
            raise ManifestError([error("/", "empty", "请粘贴或上传清单 JSON", "paste or upload a manifest JSON")])
        summary = onboard_child(g.tenant, manifest.parse(raw), actor=current_user._get_current_object())
    except ManifestError as exc:
        text = raw.decode("utf-8", errors="replace")
        return render_template("tenancy/child_new.html", text=text, errors=exc.errors), 422
    flash(t(f"已开通或更新下级地区 {summary['tenant']}", f"Child jurisdiction {summary['tenant']} onboarded"),
          "success")
    # Rendered, not redirected: the new logins' passwords must not travel through the session cookie,
    # nor stay in a cache.
    response = make_response(render_template("tenancy/child_done.html", summary=summary))
    response.headers["Cache-Control"] = "no-store"
    return response


def _submitted_manifest() -> bytes:
    """An uploaded file wins over the pasted text."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read()
    return request.form.get("manifest", "").encode("utf-8")
