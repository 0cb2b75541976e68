"""Pages: the pack editor (status, edit/check/save, submit, publish, diff, export) for authors and
publishers, and the public program pages with their self-check form. Chinese first, t(zh, en).

Each handler loads, checks access (its decorator), then acts. Failures a user can fix re-render the
page with the errors at their JSON pointers; nothing here answers a traceback.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from grassroots.errors import UserError
from grassroots.i18n import t
from grassroots.packs import drafts, history, publishing
from grassroots.packs.effective import Effective
from grassroots.packs.evaluation import answer
from grassroots.packs.offices import forget as forget_offices
from grassroots.packs.programs import (
    KIND_LABELS,
    alternative_rules,
    describe_all,
    describe_one,
    effective_or_none,
)
from grassroots.packs.ratelimit import check_evaluate_rate
from grassroots.packs.selfcheck import FormSpec, field_of, form_spec, input_from_form
from grassroots.packs.versions import china_today
from grassroots.policy.describe import cite_text
from grassroots.tenancy.access import public, requires

MAX_PACK_CHARS = 2_000_000


def _status_context() -> dict:
    state = drafts.draft_state(g.tenant)
    rows = history.version_rows(g.tenant)
    draft = state.draft if state else None
    return {"state": state, "draft": draft, "versions": rows,
            "in_force": next((r for r in rows if r["in_force"]), None),
            "latest": rows[0] if rows else None,
            "cases": history.cases_per_version(g.tenant),
            "refusal": publishing.publish_refusal(draft, current_user), "today": china_today().isoformat()}


@requires("pack.edit")
def status():
    return render_template("packs/status.html", **_status_context())


def _editor(text: str, expected_hash: str | None, errors: list[dict] | None = None, status_code: int = 200):
    """The editor page; `errors` None means "not checked yet", [] means "checked, no errors"."""
    state = drafts.draft_state(g.tenant)
    return render_template("packs/edit.html", text=text, expected_hash=expected_hash, errors=errors,
                           draft=state.draft if state else None), status_code


def _errors_of(exc: UserError) -> list[dict]:
    return exc.errors or [{"path": "", "code": exc.code, "message": exc.message}]


@requires("pack.edit")
def edit():
    if request.method == "GET":
        state = drafts.draft_state(g.tenant)
        if state is None:
            return _editor("", None)
        return _editor(state.text, state.digest, state.check.error_dicts())
    text = request.form.get("content", "")
    expected = request.form.get("expected_hash") or None
    if len(text) > MAX_PACK_CHARS:
        abort(413)
    if request.form.get("action") == "save":
        try:
            saved = drafts.save_draft(g.tenant, text, current_user, expected_hash=expected)
        except UserError as exc:
            flash(_message(exc), "error")
            return _editor(text, expected, _errors_of(exc), exc.status)
        flash(t("草稿已保存。", "Draft saved.") if saved.changed else t("内容未变化。", "Nothing changed."), "success")
        return _editor(saved.draft.content, saved.draft.content_hash, saved.check.error_dicts())
    return _editor(text, expected, drafts.check_text(g.tenant, text).error_dicts())


@requires("pack.edit")
def submit():
    try:
        drafts.submit_draft(g.tenant, current_user, request.form.get("expected_hash") or None)
    except UserError as exc:
        if exc.status == 422:
            state = drafts.draft_state(g.tenant)
            flash(t("未能提交：政策包未通过检查。", "Not submitted: the pack does not pass its check."), "error")
            return _editor(state.text if state else "", state.digest if state else None, _errors_of(exc), 422)
        flash(_message(exc), "error")
        return redirect(url_for("packs_web.status"))
    flash(t("已提交发布，等待另一位有发布权限的人员发布。", "Submitted; another person with the publish permission must publish it."),
          "success")
    return redirect(url_for("packs_web.status"))


@requires("pack.publish")
def publish():
    effective_date = None
    raw_date = (request.form.get("effective_date") or "").strip()
    if raw_date:
        try:
            effective_date = date.fromisoformat(raw_date)
        except ValueError:
            flash(t("生效日期格式应为 YYYY-MM-DD。", "The effective date must be YYYY-MM-DD."), "error")
            return redirect(url_for("packs_web.status"))
    try:
        version = publishing.publish_draft(g.tenant, current_user, note=request.form.get("note", ""),
                                           effective_date=effective_date,
                                           expected_hash=request.form.get("expected_hash") or None)
    except UserError as exc:
        flash(_message(exc), "error")
        context = _status_context()
        context["publish_errors"] = exc.errors
        return render_template("packs/status.html", **context), exc.status
    forget_offices()
    flash(t(f"已发布第 {version.number} 版。", f"Version {version.number} published."), "success")
    return redirect(url_for("packs_web.status"))


def _message(exc: UserError) -> str:
    return exc.message.get("en") if t("zh", "en") == "en" else exc.message.get("zh", "")


@requires("pack.edit")
def diff():
    old, new = request.args.get("from") or None, request.args.get("to") or None
    rows = history.version_rows(g.tenant)
    result, problem = None, None
    if rows:
        try:
            result = history.diff(g.tenant, old, new)
        except UserError as exc:
            problem = exc
    return render_template("packs/diff.html", result=result, versions=rows, problem=problem,
                           chosen_from=old or (str(rows[0]["number"]) if rows else ""), chosen_to=new or "draft"), (
        problem.status if problem else 200)


@requires("pack.edit")
def export(number: int):
    version = history.version_with_content(g.tenant, number)
    return Response(version.content, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{g.tenant.slug}-v{number}.json"'})


@public
def programs():
    effective = effective_or_none(g.tenant)
    described = describe_all(effective) if effective is not None else []
    return render_template("packs/programs.html", programs=described, effective=effective, kinds=KIND_LABELS)


def _program_or_404(program: str) -> tuple[Effective, dict]:
    effective = effective_or_none(g.tenant)
    described = describe_one(effective, program) if effective is not None else None
    if described is None:
        abort(404)
    return effective, described


def _render_program(effective: Effective, described: dict, spec: FormSpec, **extra):
    sources = {s["id"]: s for s in effective.pack.get("jurisdiction", {}).get("sources", []) if "id" in s}
    names = {c["id"]: c.get("name") for c in effective.pack.get("subsidy_components", [])}
    payers = {p["id"]: p.get("name") for p in effective.pack.get("payers", [])}
    context = {"effective": effective, "program": described, "spec": spec, "kinds": KIND_LABELS,
               "alternatives": alternative_rules(effective, described["id"]),
               "cite_of": lambda cite: cite_text(cite, sources), "component_names": names, "payer_names": payers,
               "values": {}, "result": None, "errors": [], "field_errors": {}}
    context.update(extra)
    return render_template("packs/program.html", **context)


@public
def program_page(program: str):
    effective, described = _program_or_404(program)
    return _render_program(effective, described, form_spec(effective, program))


@public
def program_check(program: str):
    """The self-check form's target: the same evaluation as the API, shown beside the rules."""
    effective, described = _program_or_404(program)
    check_evaluate_rate()
    spec = form_spec(effective, program)
    data, where = input_from_form(request.form, spec)
    values = request.form.to_dict(flat=False)
    try:
        result = answer(effective, program, data)
    except UserError as exc:
        if exc.status != 422:
            raise
        labels = spec.labels()
        errors = [{**e, "field": field_of(e["path"], where)} for e in exc.errors]
        for e in errors:
            e["label"] = labels.get(e["field"]) or labels.get(e["field"].rsplit(".", 2)[0])
        return _render_program(effective, described, spec, values=values, errors=errors,
                               field_errors={e["field"]: e for e in errors}), 422
    return _render_program(effective, described, spec, values=values, result=result)
