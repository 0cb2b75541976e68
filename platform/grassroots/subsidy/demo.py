"""Demo claims: the year-end rosters of the demo's completed cases, reviewed along their claim chains by the
people whose step it is, and paid, so the demo shows money in every state (owed, in a roster under review,
approved, paid with a reference).

`seed_claims()` runs after the placement demo cases (`grassroots demo cases`; subsidy.blueprint registers it
in `placement.demo.after_cases`). It first gives the claim chains their office holders through onboarding:
a second city HR officer in each city (the compiler may not review their own roster), and in Lijiang the
province's HR and finance officers (a `province` step in a city tenant is held by whoever holds the office
in that city; an existing username gets only the membership). Then, for last year (`claim_year()`, the year
the completed cases fall due), exactly as the API and pages do it:
- Lijiang: the provincial roster (Annexes 4+5, payer yunnan_finance) is compiled by city HR, reviewed by
  the second city HR officer and city finance, then province HR and province finance; a batch is prepared
  by city HR, approved and paid by province finance with a reference. The remote-township roster (Annex 6,
  lijiang_finance) is reviewed by Ninglang's county HR and left awaiting the city HR review;
- Kunming: the township subsidy roster (kunming_finance) is reviewed by the second city HR officer and
  approved by city finance, prepared by city HR, approved and paid by city finance.
A tenant that already has a roster is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.placement.demo import act_in_turn, add_staff, as_person, claim_year, on_day, user_named
from grassroots.policy.dates import china_today
from grassroots.subsidy import batches
from grassroots.subsidy.compile import claimed, compile_roster
from grassroots.subsidy.idempotency import fingerprint, run_once
from grassroots.subsidy.models import Entitlement, Roster
from grassroots.subsidy.money import yuan
from grassroots.tenancy.models import Tenant
from grassroots.workflow.models import ChainTask

CLAIM_STAFF: dict[str, list[tuple[str, str, str, dict | None]]] = {
    "lijiang": [
        ("lj_city_hr_2", "木建英", "city_hr", None),
        ("yn_province_hr", "段丽萍", "province_hr", None),
        ("yn_province_finance", "杨建明", "province_finance", None),
    ],
    "kunming": [
        ("km_city_hr_2", "李桂芬", "city_hr", None),
    ],
}


@dataclass(frozen=True)
class Claim:
    """One payer's year-end claim and how far the demo takes it."""

    payer: str
    compiler: str  # roster.compile: compiles the roster and prepares its batch
    reviewers: tuple[str, ...]  # who acts on the claim chain, in turn
    awaiting: str = ""  # left in review: who acts next
    approver: str = ""  # payment.disburse, not the preparer: approves the batch (and pays it)
    reference: str = ""  # the transfer reference, formatted with year and batch id


CLAIMS: dict[str, tuple[Claim, ...]] = {
    "lijiang": (
        Claim("yunnan_finance", "lj_city_hr", ("lj_city_hr_2", "lj_city_finance", "yn_province_hr", "yn_province_finance"),
              approver="yn_province_finance", reference="YNCZ-{year}-{batch:04d}"),
        Claim("lijiang_finance", "lj_city_hr", ("lj_county_hr_ninglang",), awaiting="lj_city_hr_2"),
    ),
    "kunming": (
        Claim("kunming_finance", "km_city_hr", ("km_city_hr_2", "km_city_finance"),
              approver="km_city_finance", reference="KMCZ-{year}-{batch:04d}"),
    ),
}


def _once(slug: str, username: str, path: str, body: dict, operation: Callable[[object], int]) -> int:
    """A money-moving request as the API makes it: under a fresh idempotency key, committed with its key."""
    user = user_named(username)
    digest = fingerprint(user.id, "POST", f"/api/v1/t/{slug}/subsidy{path}", body)
    with as_person(username):
        answer, _status, _replayed = run_once(f"demo-{uuid.uuid4().hex}", digest, user.id,
                                              lambda: ({"id": operation(user)}, 200))
    return answer["id"]


def _pay(slug: str, claim: Claim, roster: Roster, year: int) -> str:
    """Prepared in late February of the year after, approved two days later, paid in early March."""
    with on_day(date(year + 1, 2, 24)):
        batch_id = _once(slug, claim.compiler, "/batches", {"roster_id": roster.id, "note": f"{year} 年度补贴"},
                         lambda u: batches.create_batch(roster.id, u, f"{year} 年度补贴").id)
    with on_day(date(year + 1, 2, 26)):
        _once(slug, claim.approver, f"/batches/{batch_id}/approve", {}, lambda u: batches.approve_batch(batch_id, u).id)
    reference = claim.reference.format(year=year, batch=batch_id)
    with on_day(date(year + 1, 3, 3)):
        _once(slug, claim.approver, f"/batches/{batch_id}/pay", {"reference": reference},
              lambda u: batches.pay_batch(batch_id, u, reference).id)
    batch = batches.get_batch(batch_id)
    return (f"{slug}: batch #{batch.id} for roster #{roster.id} prepared by {claim.compiler}, approved and paid by "
            f"{claim.approver}: {batch.paid_count} payment(s), {yuan(batch.paid_fen)} yuan, reference {batch.reference}")


def _claim(slug: str, claim: Claim, year: int) -> list[str]:
    # compiled after the year closes; a claim the demo leaves in review was compiled a fortnight ago
    compiled = date(year + 1, 1, 8) if claim.approver else china_today() - timedelta(days=14)
    try:
        with as_person(claim.compiler), on_day(compiled):
            made = compile_roster(claim.payer, year, user_named(claim.compiler))
    except UserError as exc:
        if exc.code != "nothing_to_compile":
            raise
        return [f"{slug}: nothing of {claim.payer} falls due in {year}; no roster"]
    out = []
    for roster in made:
        act_in_turn(roster.chain_instance_id, *claim.reviewers, day=compiled + timedelta(days=5), every=6)
        db.session.refresh(roster)
        out.append(f"{slug}: {year} roster #{roster.id} 《{(roster.title or {}).get('zh', '')}》 for {claim.payer}: "
                   f"{roster.line_count} line(s), {yuan(roster.total_fen)} yuan, compiled by {claim.compiler}")
        if roster.state == "approved" and claim.approver:
            out.append(f"{slug}: roster #{roster.id} approved along {roster.claim_chain} by {', '.join(claim.reviewers)}")
            out.append(_pay(slug, claim, roster, year))
            continue
        steps = db.session.execute(select(ChainTask.step_id).where(
            ChainTask.instance_id == roster.chain_instance_id, ChainTask.state == "pending")).scalars().all()
        out.append(f"{slug}: roster #{roster.id} {roster.state.replace('_', ' ')}: reviewed by "
                   f"{', '.join(claim.reviewers)}; {', '.join(steps) or 'nothing'} awaits {claim.awaiting or '-'}")
    return out


def _left_due(slug: str, year: int) -> list[str]:
    """Entitlements found due before the claim year that no roster holds (computed with that year's rosters)."""
    rows = db.session.execute(select(Entitlement.due, Entitlement.amount_fen).where(
        Entitlement.status == "due", Entitlement.due < date(year, 1, 1), ~claimed())).all()
    by_year: dict[int, list[int]] = {}
    for due, fen in rows:
        by_year.setdefault(due.year, []).append(fen)
    return [f"{slug}: {len(fens)} entitlement(s) due in {y} ({yuan(sum(fens))} yuan) not yet claimed "
            f"(they go into a roster compiled for {y})" for y, fens in sorted(by_year.items())]


def seed_claims(tenants_dir: Path | None = None) -> list[str]:
    """The demo's rosters and paid batches (idempotent: a tenant already holding a roster is left alone)."""
    tenants_dir = tenants_dir or Path(current_app.config["TENANTS_DIR"])
    present = {slug for (slug,) in db.session.execute(select(Tenant.slug).where(Tenant.slug.in_(CLAIMS)))}
    add_staff(tenants_dir, {slug: staff for slug, staff in CLAIM_STAFF.items() if slug in present})
    db.session.commit()
    year = claim_year()
    out: list[str] = []
    for slug, claims in CLAIMS.items():
        tenant = db.session.execute(select(Tenant).where(Tenant.slug == slug)).scalar_one_or_none()
        if tenant is None:
            out.append(f"{slug}: not onboarded; run `grassroots demo seed` first")
            continue
        holders = ", ".join(f"{u} ({office})" for u, _name, office, _scope in CLAIM_STAFF[slug])
        with tenant_context(tenant.id, db.session):
            if db.session.execute(select(Roster.id).limit(1)).first() is not None:
                out.append(f"{slug}: already has rosters; left as is")
                continue
            out.append(f"{slug}: claim chains staffed: {holders}")
            for claim in claims:
                out += _claim(slug, claim, year)
            out += _left_due(slug, year)
            db.session.commit()
    return out
