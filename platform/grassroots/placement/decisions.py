"""Decision records: made through the one engine, stored with their pinned pack, replayable.

`decide` evaluates a case under its pinned pack version (packs.evaluation.answer → policy.evaluate, the
same path as the evaluation API), judges the answer at the case's stage (eligibility.py) and stores a
DecisionRecord: the version id and content hash, the parents it was merged with, the exact input and
the full answer with every reason and cite. The subsidy module stores its entitlements the same way.

`replay` recomputes records from the stored version text, bypassing every cache: a record whose pack
text no longer hashes to the hash it was recorded with, or whose answer would now differ, is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs import canonical
from grassroots.packs.effective import Effective
from grassroots.packs.evaluation import answer
from grassroots.packs.models import PackVersion
from grassroots.packs.parents import TenantResolver
from grassroots.placement.eligibility import StageVerdict, stage_verdict
from grassroots.placement.errors import not_found
from grassroots.placement.models import DecisionRecord
from grassroots.policy import EvaluationInputError, PackInvalidError, compile_pack, evaluate
from grassroots.tenancy.models import Tenant


def program_spec(effective: Effective, program_id: str) -> dict:
    return next((p for p in effective.pack.get("programs") or [] if p.get("id") == program_id), {})


def decide(effective: Effective, program_id: str, facts: dict, *, subject_type: str, subject_id: int,
           stage: str, user: Any = None) -> tuple[DecisionRecord, StageVerdict]:
    """Evaluate `facts` under `effective` (the case's pinned pack) and store the decision (flush only).

    422 with every input error when the facts are malformed (nothing stored)."""
    result = answer(effective, program_id, facts)
    verdict = stage_verdict(program_spec(effective, program_id), result, facts)
    record = DecisionRecord(
        subject_type=subject_type, subject_id=subject_id, stage=stage, program_id=program_id,
        pack_version_id=effective.version_id, pack_hash=effective.hash, ancestors=list(effective.ancestors),
        as_of=date.fromisoformat(result["as_of"]), facts=facts, answer=result, verdict=verdict.verdict,
        created_by=getattr(user, "id", None))
    db.session.add(record)
    db.session.flush()
    return record, verdict


def get_decision(decision_id: int) -> DecisionRecord:
    found = db.session.execute(select(DecisionRecord).where(DecisionRecord.id == decision_id)).scalar_one_or_none()
    if found is None:
        raise not_found("没有该决定记录", "No such decision record")
    return found


def decisions_for(subject_type: str, subject_ids: list[int]) -> list[DecisionRecord]:
    if not subject_ids:
        return []
    return list(db.session.execute(select(DecisionRecord).where(
        DecisionRecord.subject_type == subject_type, DecisionRecord.subject_id.in_(subject_ids))
        .order_by(DecisionRecord.id)).scalars())


# --- Replay ---------------------------------------------------------------------------------------------


@dataclass
class Replayed:
    """One record that would not be decided the same way today."""

    record_id: int
    tenant: str
    subject: str
    stage: str
    problems: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # keys of the answer that differ

    def line(self) -> str:
        parts = self.problems + ([f"answer differs in {', '.join(self.changed)}"] if self.changed else [])
        return f"{self.tenant} decision #{self.record_id} ({self.subject}, {self.stage}): {'; '.join(parts)}"


class _CheckingResolver(TenantResolver):
    """The parents exactly as pinned, noting any whose stored text no longer matches its recorded hash."""

    def __init__(self, tenant: Tenant, pinned: dict[int, int]):
        super().__init__(tenant, pinned=pinned)
        self.altered: list[str] = []

    def _read(self, slug: str) -> Any:
        doc = super()._read(slug)
        entry = self.used[-1] if self.used else None
        if doc is not None and entry and entry.get("slug") == slug and canonical.content_hash(doc) != entry.get("hash"):
            self.altered.append(entry.get("tenant") or slug)
        return doc


@dataclass
class _Fresh:
    compiled: Any
    ref: dict
    problems: list[str]


def _fresh(tenant: Tenant, version_id: int, ancestors: list[dict]) -> _Fresh:
    """The pinned pack compiled from the stored text itself (no effective-pack cache)."""
    with tenant_context(tenant.id, db.session):
        version = db.session.execute(select(PackVersion).where(PackVersion.id == version_id)).scalar_one_or_none()
        if version is None:
            return _Fresh(None, {}, ["pack version missing"])
        text, recorded, number, effective = version.content, version.content_hash, version.number, version.effective_date
    problems = []
    try:
        doc = canonical.parse(text)
    except canonical.PackTextError:
        return _Fresh(None, {}, ["pack text unreadable"])
    if canonical.content_hash(doc) != recorded:
        problems.append(f"pack version {number} text no longer matches its hash")
    resolver = _CheckingResolver(tenant, {a["tenant_id"]: a["number"] for a in ancestors if "tenant_id" in a})
    try:
        compiled = compile_pack(doc, resolve=resolver)
    except PackInvalidError:
        return _Fresh(None, {}, [*problems, "pinned pack no longer passes its check"])
    problems += [f"parent pack of {name} text no longer matches its hash" for name in resolver.altered]
    ref = {"number": number, "hash": recorded, "effective_date": effective.isoformat(),
           "extends": [{"tenant": a["tenant"], "number": a["number"], "hash": a["hash"]} for a in resolver.chain()
                       if "tenant" in a]}
    return _Fresh(compiled, ref, problems)


def replay_record(tenant: Tenant, record: DecisionRecord, cache: dict | None = None) -> Replayed | None:
    """None when the record is decided exactly the same way today; else what changed."""
    cache = {} if cache is None else cache
    key = (record.pack_version_id, canonical.canonical(record.ancestors or []))
    if key not in cache:
        cache[key] = _fresh(tenant, record.pack_version_id, list(record.ancestors or []))
    fresh: _Fresh = cache[key]
    out = Replayed(record.id, tenant.slug, f"{record.subject_type} {record.subject_id}", record.stage, list(fresh.problems))
    if fresh.compiled is not None:
        try:
            again = evaluate(fresh.compiled, record.program_id, record.facts)
            again["pack_version"] = fresh.ref
        except EvaluationInputError:
            out.problems.append("stored facts no longer read")
        else:
            stored = record.answer or {}
            out.changed = sorted(k for k in set(stored) | set(again) if stored.get(k) != again.get(k))
            if record.pack_hash != fresh.ref.get("hash"):
                out.problems.append("recorded pack hash differs from the version's")
    return out if out.problems or out.changed else None


def replay(tenant: Tenant) -> tuple[int, list[Replayed]]:
    """(records checked, records that would now differ) of one tenant, oldest first."""
    cache: dict = {}
    checked, differing = 0, []
    with tenant_context(tenant.id, db.session):
        ids = list(db.session.execute(select(DecisionRecord.id).order_by(DecisionRecord.id)).scalars())
    for start in range(0, len(ids), 500):
        with tenant_context(tenant.id, db.session):
            rows = list(db.session.execute(select(DecisionRecord).where(
                DecisionRecord.id.in_(ids[start:start + 500])).order_by(DecisionRecord.id)).scalars())
        for row in rows:
            checked += 1
            found = replay_record(tenant, row, cache)
            if found is not None:
                differing.append(found)
    return checked, differing
