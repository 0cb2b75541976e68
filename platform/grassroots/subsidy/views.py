"""Pages: rosters (list and compile), a roster's lines (print view, exports, batch, resubmit, withdraw),
batches (approve, pay), the province roll-up, a placement's entitlements and "why this amount".

Each handler loads, checks access (its decorator, then the object check), then acts. Refusals a user can
act on (409, 422) come back to the page as a message; 403 and 404 answer the error page. Forms that move
money carry a one-time idempotency key rendered into the form, so a double click pays once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from grassroots.db import db
from grassroots.errors import UserError
from grassroots.i18n import t, tr
from grassroots.packs.labels import value_label
from grassroots.packs.versions import china_today
from grassroots.placement.decisions import get_decision
from grassroots.subsidy import access, batches, rosters
from grassroots.subsidy.columns import columns_for
from grassroots.subsidy.compile import YEARS, compile_roster
from grassroots.subsidy.entitlements import compute_entitlements, entitlements_of
from grassroots.subsidy.idempotency import fingerprint, run_once
from grassroots.subsidy.labels import template_labels
from grassroots.subsidy.lines import line_views, pack_view
from grassroots.subsidy.present import batch_dict, entitlement_dicts, payer_name, roster_dict
from grassroots.subsidy.rollup import province_rollup
from grassroots.tenancy.access import member_required, requires

HANDLED = (400, 409, 422)


def _page(template: str, **context):
    return render_template(template, new_key=uuid.uuid4().hex, label=value_label, **template_labels(), **context)


def _int_arg(name: str, default: int | None, allowed: range) -> int | None:
    raw = request.values.get(name, "")
    return int(raw) if raw.isdigit() and int(raw) in allowed else default


def _handled(back: str, action: Callable[[], str]):
    """Run `action` (which answers a redirect URL); a 409/422 comes back to `back` as a message."""
    try:
        return redirect(action(), 303)
    except UserError as exc:
        if exc.status not in HANDLED:
            raise
        flash(tr(exc.message), "error")
        return redirect(back, 303)


def _once(operation: Callable[[], dict]) -> tuple[dict, bool]:
    """A money-moving form under its rendered idempotency key: (answer, whether it ran now, not a replay)."""
    fields = {k: v for k, v in request.form.items() if k not in ("csrf_token", "idempotency_key")}
    digest = fingerprint(current_user.id, request.method, request.path, fields)
    answer, _status, replayed = run_once(request.form.get("idempotency_key"), digest, current_user.id,
                                         lambda: (operation(), 200))
    return answer, not replayed


@requires("roster.review")
def rosters_page():
    year = _int_arg("year", None, YEARS)
    page = _int_arg("page", 1, range(1, 10_001))
    rows, has_next = rosters.list_rosters(year=year, payer=request.args.get("payer") or None, page=page)
    view = pack_view(g.tenant)
    return _page("subsidy/rosters.html", rosters=[roster_dict(r, view) for r in rows], page=page, has_next=has_next,
                 year=year, this_year=china_today().year, payers=view.payers)


@requires("roster.compile")
def compile_page():
    def act() -> str:
        year = _int_arg("year", None, YEARS)
        if year is None:
            raise UserError(422, "bad_year", {"zh": "请填写有效的年度", "en": "Enter a valid year"})
        made = compile_roster(request.form.get("payer", ""), year, current_user._get_current_object())
        flash(t(f"已编制 {len(made)} 份名册并报送审核。", f"Compiled {len(made)} roster(s) and sent them for review."),
              "success")
        return url_for("subsidy.roster", roster_id=made[0].id)

    return _handled(url_for("subsidy.rosters"), act)


@requires("roster.review")
def roster_page(roster_id: int):
    roster = rosters.get_roster(roster_id)
    view = pack_view(g.tenant)
    page = _int_arg("page", 1, range(1, 10_001))
    lines = line_views(roster, rosters.lines_of(roster, page), view)
    batch_rows, _ = batches.list_batches(roster_id=roster.id)
    return _page("subsidy/roster.html", roster=roster_dict(roster, view), columns=columns_for(roster, view),
                 lines=lines, page=page, has_next=page * rosters.LINES_PER_PAGE < roster.line_count,
                 batches=[batch_dict(b) for b in batch_rows], is_compiler=roster.compiled_by == current_user.id,
                 forms=view.forms)


@requires("roster.review")
def roster_print(roster_id: int):
    roster = rosters.get_roster(roster_id)
    view = pack_view(g.tenant)
    lines = line_views(roster, rosters.lines_of(roster), view)
    return _page("subsidy/roster_print.html", roster=roster_dict(roster, view), columns=columns_for(roster, view),
                 lines=lines, payer=payer_name(view, roster.payer), forms=view.forms, today=china_today())


@requires("roster.compile")
def roster_resubmit(roster_id: int):
    rosters.get_roster(roster_id)
    back = url_for("subsidy.roster", roster_id=roster_id)
    return _handled(back, lambda: (rosters.resubmit_roster(roster_id, current_user._get_current_object()), back)[1])


@requires("roster.compile")
def roster_withdraw(roster_id: int):
    rosters.get_roster(roster_id)
    back = url_for("subsidy.roster", roster_id=roster_id)
    reason = (request.form.get("reason") or "").strip()[:2000]

    def act() -> str:
        if not reason:
            raise UserError(422, "reason_required", {"zh": "请填写撤回理由", "en": "Give a reason for withdrawing"})
        rosters.withdraw_roster(roster_id, current_user._get_current_object(), reason)
        return back

    return _handled(back, act)


@requires("roster.review")
def batches_page():
    page = _int_arg("page", 1, range(1, 10_001))
    rows, has_next = batches.list_batches(page=page)
    return _page("subsidy/batches.html", batches=[batch_dict(b) for b in rows], page=page, has_next=has_next)


@requires("roster.compile")
def batch_create():
    roster_id = _int_arg("roster_id", 0, range(1, 2_147_483_648))
    back = url_for("subsidy.roster", roster_id=roster_id) if roster_id else url_for("subsidy.batches")

    def act() -> str:
        if not roster_id:
            raise UserError(422, "roster_required", {"zh": "请选择名册", "en": "Choose a roster"})
        answer, fresh = _once(lambda: {"batch_id": batches.create_batch(
            roster_id, current_user._get_current_object(), request.form.get("note", "")[:2000]).id})
        if fresh:
            flash(t("已编制拨付批次，待财务人员审批。", "Batch prepared; a finance officer approves it."), "success")
        return url_for("subsidy.batch", batch_id=answer["batch_id"])

    return _handled(back, act)


@requires("roster.review")
def batch_page(batch_id: int):
    batch = batches.get_batch(batch_id)
    roster = rosters.get_roster(batch.roster_id)
    return _page("subsidy/batch.html", batch=batch_dict(batch), roster=roster_dict(roster, pack_view(g.tenant)),
                 is_preparer=batch.created_by == current_user.id)


@requires("payment.disburse")
def batch_approve(batch_id: int):
    batches.get_batch(batch_id)  # load first: another tenant's batch is 404 whatever the form holds
    back = url_for("subsidy.batch", batch_id=batch_id)

    def act() -> str:
        if _once(lambda: {"batch_id": batches.approve_batch(batch_id, current_user._get_current_object()).id})[1]:
            flash(t("已审批。", "Approved."), "success")
        return back

    return _handled(back, act)


@requires("payment.disburse")
def batch_pay(batch_id: int):
    batches.get_batch(batch_id)
    back = url_for("subsidy.batch", batch_id=batch_id)
    reference = (request.form.get("reference") or "").strip()

    def act() -> str:
        if not reference or len(reference) > 100:
            raise UserError(422, "reference_required", {"zh": "请填写拨付凭证号（1–100 字）",
                                                        "en": "Enter the transfer reference (1–100 characters)"})
        if _once(lambda: {"batch_id": batches.pay_batch(batch_id, current_user._get_current_object(), reference).id})[1]:
            flash(t("已标记为已拨付。", "Marked as paid."), "success")
        return back

    return _handled(back, act)


@requires("roster.review")
def rollup_page():
    year = _int_arg("year", china_today().year, YEARS)
    return _page("subsidy/rollup.html", rollup=province_rollup(g.tenant, year), year=year)


@member_required
def placement_page(placement_id: int):
    placement = access.placement_or_404(placement_id)
    access.check_may_read(current_user, g.tenant, placement)
    return _page("subsidy/placement.html", placement=placement, today=china_today(),
                 entitlements=entitlement_dicts(entitlements_of(placement.id)))


@requires("roster.compile")
def placement_compute(placement_id: int):
    access.placement_or_404(placement_id)
    back = url_for("subsidy.placement", placement_id=placement_id)

    def act() -> str:
        placement = access.placement_or_404(placement_id)
        try:
            as_of = date.fromisoformat(request.form.get("as_of", ""))
        except ValueError:
            raise UserError(422, "bad_date", {"zh": "请填写核算日期", "en": "Enter the date to compute as of"}) from None
        try:
            outcome = compute_entitlements(placement, as_of, current_user._get_current_object())
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        done = outcome.as_dict()
        flash(t(f"已核算：新增 {done['created']}，更新 {done['refreshed']}，作废 {done['voided']}。",
                f"Computed: {done['created']} new, {done['refreshed']} updated, {done['voided']} voided."), "success")
        return back

    return _handled(back, act)


@member_required
def entitlement_page(entitlement_id: int):
    entitlement = access.entitlement_or_404(entitlement_id)
    access.check_may_read(current_user, g.tenant, access.placement_or_404(entitlement.placement_id))
    decision = get_decision(entitlement.decision_record_id) if entitlement.decision_record_id else None
    payment = next((p for p in (decision.answer.get("payments") or []) if decision
                    and p.get("component") == entitlement.component
                    and date.fromisoformat(p["due"]) == entitlement.due), None) if decision else None
    return _page("subsidy/entitlement.html", entitlement=entitlement_dicts([entitlement])[0], decision=decision,
                 payment=payment)
