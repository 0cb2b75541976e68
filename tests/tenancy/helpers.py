"""Shared helpers for the tenancy tests: the real manifests, and row counts of every table."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

TENANTS = Path(__file__).resolve().parents[2] / "tenants"


def manifest(slug: str) -> dict:
    """A fresh copy of tenants/<slug>.json (tests mutate it)."""
    return copy.deepcopy(json.loads((TENANTS / f"{slug}.json").read_text(encoding="utf-8")))


def manifest_paths_parents_first() -> list[Path]:
    """Every real manifest, ordered so that each parent comes before its children."""
    docs = {p: json.loads(p.read_text(encoding="utf-8")) for p in sorted(TENANTS.glob("*.json"))}
    done: set[str] = set()
    ordered: list[Path] = []
    while len(ordered) < len(docs):
        ready = [p for p, d in docs.items() if p not in ordered and (d["parent"] is None or d["parent"] in done)]
        assert ready, "a manifest's parent is neither onboarded nor among tenants/*.json"
        for path in ready:
            ordered.append(path)
            done.add(docs[path]["slug"])
    return ordered


def row_counts(app) -> dict[str, int]:
    """Rows of every table, read as the owner on PostgreSQL (row-level security would hide rows)."""
    url = app.config.get("MIGRATION_DATABASE_URI") or app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}  # noqa: S608
    finally:
        engine.dispose()


def area_count(doc: dict) -> int:
    def walk(areas: list) -> int:
        return sum(1 + walk(a.get("children", [])) for a in areas)

    return walk(doc["areas"])
