"""Checking the chains: recompute every link, then compare each head with the last anchor.

A chain alone shows an edited entry (its hash no longer matches) and a removed one (a gap in `seq`,
or a `prev_hash` that is not the previous hash), but not a removed tail or a consistent rewrite. So
the heads are also anchored outside the database: `instance/audit_anchor.json` holds each chain's
head (seq, hash) with an HMAC under a key derived from SECRET_KEY, which the database never holds.

On PostgreSQL the app role reads the chains through row-level security: each chain is read in its
own transaction with that tenant set (the platform chain with none set), so verifying needs no
privileged connection.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from grassroots.audit.chain import GENESIS, anchor_key, entry_hash, mac
from grassroots.audit.models import PLATFORM_CHAIN, AuditEntry
from grassroots.db import db, wallclock
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Tenant

BATCH = 2000


@dataclass
class ChainReport:
    chain: int
    label: str
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def anchor_path() -> Path:
    configured = current_app.config.get("AUDIT_ANCHOR_PATH")
    return Path(configured or Path(current_app.config["INSTANCE_PATH"]) / "audit_anchor.json")


def _key() -> bytes:
    return anchor_key(current_app.config.get("AUDIT_ANCHOR_KEY") or current_app.config["SECRET_KEY"])


def _chains() -> list[tuple[int, int | None, str]]:
    """(chain key, tenant id, label) for the platform chain and every tenant's chain."""
    tenants = db.session.execute(select(Tenant.id, Tenant.slug).order_by(Tenant.id)).all()
    db.session.rollback()
    return [(PLATFORM_CHAIN, None, "platform")] + [(tid, tid, slug) for tid, slug in tenants]


def _rows(chain: int, tenant_id: int | None) -> Iterator:
    table = AuditEntry.__table__
    last = 0
    with tenant_context(tenant_id):
        try:
            while True:
                batch = db.session.execute(
                    select(table).where(table.c.chain == chain, table.c.seq > last)
                    .order_by(table.c.seq).limit(BATCH)
                ).mappings().all()
                if not batch:
                    return
                yield from batch
                last = batch[-1]["seq"]
        finally:
            db.session.rollback()


def check_chain(chain: int, tenant_id: int | None, label: str) -> ChainReport:
    """Walk one chain in order; report its first broken link."""
    report = ChainReport(chain, label)
    prev_seq, prev_hash = 0, GENESIS
    for row in _rows(chain, tenant_id):
        report.entries += 1
        seq = row["seq"]
        if seq != prev_seq + 1:
            report.problems.append(f"seq {prev_seq + 1}..{seq - 1} missing (entries deleted)")
        elif row["prev_hash"] != prev_hash:
            report.problems.append(f"seq {seq}: prev_hash does not match seq {prev_seq} (entry deleted or replaced)")
        elif entry_hash(row) != row["hash"]:
            report.problems.append(f"seq {seq}: content does not match its hash (entry edited)")
        if report.problems:
            break
        prev_seq, prev_hash = seq, row["hash"]
    report.head_seq, report.head_hash = prev_seq, prev_hash
    return report


def read_anchor() -> tuple[dict | None, str | None]:
    """(anchored heads by chain key as str, problem); (None, None) when there is no anchor yet."""
    path = anchor_path()
    if not path.exists():
        return None, None
    try:
        doc = json.loads(path.read_text())
        heads = doc["chains"]
    except (ValueError, KeyError, TypeError):
        return None, f"anchor file {path} is unreadable"
    key = _key()
    if doc.get("mac") != mac(key, heads):
        return None, f"anchor file {path} fails its HMAC (edited, or SECRET_KEY changed)"
    for chain, head in heads.items():
        if head.get("mac") != mac(key, [int(chain), head.get("seq"), head.get("hash")]):
            return None, f"anchor of chain {chain} fails its HMAC"
    return heads, None


def compare_with_anchor(report: ChainReport, heads: dict) -> None:
    """The chain must still contain the anchored head: same seq, same hash."""
    head = heads.get(str(report.chain))
    if head is None or report.problems:
        return
    seq, expected = head["seq"], head["hash"]
    if report.head_seq < seq:
        report.problems.append(f"chain ends at seq {report.head_seq} but was anchored at seq {seq} (tail removed)")
        return
    found = _hash_at(report.chain, None if report.chain == PLATFORM_CHAIN else report.chain, seq)
    if found != expected:
        report.problems.append(f"seq {seq}: hash differs from the anchored one (chain rewritten)")


def _hash_at(chain: int, tenant_id: int | None, seq: int) -> str | None:
    table = AuditEntry.__table__
    with tenant_context(tenant_id):
        try:
            return db.session.execute(
                select(table.c.hash).where(table.c.chain == chain, table.c.seq == seq)
            ).scalar_one_or_none()
        finally:
            db.session.rollback()


def verify_all() -> tuple[list[ChainReport], list[str]]:
    """Every chain's report, and problems with the anchor file itself."""
    heads, anchor_problem = read_anchor()
    reports = [check_chain(*chain) for chain in _chains()]
    if heads:
        known = {str(r.chain) for r in reports}
        for chain, head in heads.items():
            if chain not in known and head.get("seq"):
                anchor_problem = f"anchored chain {chain} no longer exists"
        for report in reports:
            compare_with_anchor(report, heads)
    return reports, [anchor_problem] if anchor_problem else []


def write_anchor(reports: list[ChainReport]) -> Path:
    """Anchor every chain's current head (atomically: write, then rename)."""
    key = _key()
    heads = {
        str(r.chain): {"label": r.label, "seq": r.head_seq, "hash": r.head_hash,
                       "mac": mac(key, [r.chain, r.head_seq, r.head_hash])}
        for r in reports
    }
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"written_at": wallclock().isoformat(), "chains": heads, "mac": mac(key, heads)},
                              ensure_ascii=False, indent=1))
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return path
