"""Benchmark: a year-end roster for N placements across Yunnan's cities, against a bare SQL read, in one run.

    .venv/bin/python tests/benchmarks/bench_roster.py [--placements 50000] [--year 2025] [--seed 7]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python tests/benchmarks/bench_roster.py

Builds a fresh database (a temporary SQLite file; with DATABASE_URL, a temporary database on that
PostgreSQL server, dropped afterwards) by the migrations, onboards the demo tenants, then bulk-inserts
synthetic placements (people with encrypted ID numbers, postings, applications, agreements, placements)
and their entitlements due in `--year`: Lijiang's provincial subsidy (yunnan_finance) for all of its
placements and its remote-township subsidy (lijiang_finance) for those in remote townships; Kunming's
township subsidy (kunming_finance). Then, timed in the same run on the same rows:
- bare read: one SELECT per city and payer of exactly the rows the rosters hold (entitlement, person,
  units, areas), fetched into Python; best of three after a warm-up;
- compile: `compile_roster(payer, year)` for every payer of every city (lines, and with them the claim, by
  INSERT ... SELECT ... ON CONFLICT DO NOTHING; totals; the claim chain started; committed), without the
  entitlement refresh
  (the entitlements are given); best of three, the rosters undone between runs;
then the province roll-up that reads the cities' rosters back. Prints wall and CPU times and the wall
ratio (goal: compile under 5x the bare read), and checks that every run's lines and totals equal the
entitlements'. Not a pytest test (pytest collects test_*.py only).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

CHUNK = 5_000
RUNS = 3
CITY_SHARE = {"lijiang": 0.6, "kunming": 0.4}
COMPILERS = {"lijiang": "lj_city_hr", "kunming": "km_city_hr"}
PROGRAMS = {"lijiang": "grassroots_service", "kunming": "township_support"}
COMPONENTS = {"lijiang": (("provincial_post_subsidy", "yunnan_finance", "lijiang_provincial_claim", "completion_roster"),
                          ("lijiang_remote_subsidy", "lijiang_finance", "lijiang_remote_claim", "lijiang_remote_claim_form")),
              "kunming": (("kunming_township_subsidy", "kunming_finance", "kunming_township_claim",
                           "township_subsidy_roster"),)}
PAYERS = {slug: sorted({payer for _c, payer, _ch, _f in parts}) for slug, parts in COMPONENTS.items()}


def config_for(url: str, tmp: Path) -> dict:
    from tests.dbutil import test_config

    backend = "postgres" if url.startswith("postgresql") else "sqlite"
    config = test_config("sqlite", url, tmp)  # plain URL (no app role): the benchmark owns its database
    config["TESTING"] = False
    if backend == "postgres":
        config["SQLALCHEMY_DATABASE_URI"] = url
    return config


def make_database(args, tmp: Path) -> tuple[str, callable]:
    """(URL of a fresh, empty database, its cleanup)."""
    base = os.environ.get("DATABASE_URL") or args.database_url
    if not base:
        path = tmp / "bench_roster.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    from sqlalchemy import make_url

    base = base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://") else base
    name = f"bench_roster_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def build(app) -> None:
    from flask_migrate import upgrade

    from grassroots.demo.commands import ensure_operator, seed_tenants

    upgrade(directory=str(ROOT / "migrations"))
    ensure_operator()
    seed_tenants(Path(app.config["TENANTS_DIR"]))


def _insert(model, rows: list[dict]) -> list[int]:
    """Bulk INSERT ... RETURNING id, in chunks; the ids in the order of `rows`."""
    from grassroots.db import db

    ids: list[int] = []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), CHUNK):
        ids += db.session.execute(stmt, rows[start:start + CHUNK]).scalars().all()
    return ids


def synthesise(slug: str, count: int, year: int, rng: random.Random) -> None:
    """`count` placements of one city, each owed what its program pays, due in `year` (bulk inserts)."""
    from grassroots.accounts.models import User
    from grassroots.db import db, utcnow
    from grassroots.db.tenant_scope import tenant_context
    from grassroots.identity import crypto
    from grassroots.identity.idnumbers import check_char
    from grassroots.identity.models import Person
    from grassroots.packs.effective import current_effective
    from grassroots.placement.models import Agreement, Application, Placement, Posting
    from grassroots.policy.dates import anniversary
    from grassroots.subsidy.models import Entitlement
    from grassroots.tenancy.models import Area, Tenant, Unit

    tenant = db.session.execute(select(Tenant).filter_by(slug=slug)).scalar_one()
    submitter = db.session.execute(select(User.id).filter_by(username=COMPILERS[slug])).scalar_one()
    with tenant_context(tenant.id, db.session):
        effective = current_effective(tenant)
        program = PROGRAMS[slug]
        units = db.session.execute(select(Unit.id, Unit.level, Unit.type, Unit.area_id)).all()
        tags = dict(db.session.execute(select(Area.id, Area.tags)).all())
        parents = dict(db.session.execute(select(Area.id, Area.parent_id)).all())
        township = [u for u in units if u.level == "township" and u.type in ("health_center", "school")]
        origins = [u for u in units if u.level in ("county", "city") and u.type not in ("government",)]
        now, tid = utcnow(), tenant.id
        version, ancestors = effective.version_id, list(effective.ancestors)
        posting_ids = _insert(Posting, [{"tenant_id": tid, "program_id": program, "pack_version_id": version,
                                         "year": year - 2, "unit_id": u.id, "posts": [], "headcount": 0,
                                         "state": "published", "created_at": now} for u in township])
        posting_of = {u.id: i for u, i in zip(township, posting_ids, strict=True)}
        plan = []
        for n in range(count):
            su, ou = rng.choice(township), rng.choice(origins)
            born = date(1965, 1, 1) + timedelta(days=n // 1000)  # unique numbers: 1,000 per birth date
            first17 = f"530702{born:%Y%m%d}{n % 1000:03d}"
            years = 2 if slug == "lijiang" else 1
            start = date(year - years, 1, 2) + timedelta(days=rng.randint(0, 360))
            due = anniversary(start, years)
            area_tags = sorted(set(tags.get(su.area_id) or []) | set(tags.get(parents.get(su.area_id)) or []))
            plan.append((n, su, ou, born, first17 + check_char(first17), years, start, due, area_tags))
        person_ids = _insert(Person, [
            {"tenant_id": tid, "name": f"人员{n:05d}", "gender": "male" if n % 2 else "female", "birth_date": born,
             "id_cipher": crypto.encrypt(number, tid), "id_hash": crypto.lookup_hash(number), "unit_id": ou.id,
             "title_level": "intermediate", "licenses": [], "ethnic_minority": False, "created_at": now}
            for n, su, ou, born, number, *_ in plan])
        app_ids = _insert(Application, [
            {"tenant_id": tid, "program_id": program, "pack_version_id": version, "ancestors": ancestors,
             "person_id": pid, "submitted_by": submitter, "unit_id": p[2].id, "service_unit_id": p[1].id,
             "state": "placed", "created_at": now} for p, pid in zip(plan, person_ids, strict=True)])
        agreement_ids = _insert(Agreement, [
            {"tenant_id": tid, "application_id": aid, "posting_id": posting_of[p[1].id], "service_unit_id": p[1].id,
             "service_area_id": p[1].area_id, "start_date": p[6], "end_date": p[7] - timedelta(days=1),
             "state": "signed", "matched_at": now} for p, aid in zip(plan, app_ids, strict=True)])
        placement_ids = _insert(Placement, [
            {"tenant_id": tid, "program_id": program, "pack_version_id": version, "ancestors": ancestors,
             "application_id": aid, "agreement_id": gid, "person_id": pid, "original_unit_id": p[2].id,
             "service_unit_id": p[1].id, "service_area_id": p[1].area_id, "area_tags": p[8], "unit_level": p[1].level,
             "unit_type": p[1].type, "start_date": p[6], "planned_end_date": p[7] - timedelta(days=1),
             "state": "serving", "created_at": now, "recognised_by": "city_talent_office" if slug == "kunming" else None,
             "dispatch_state": "recognised" if slug == "kunming" else "none"}
            for p, pid, aid, gid in zip(plan, person_ids, app_ids, agreement_ids, strict=True)])
        entitlements = []
        for (_n, _su, _ou, _born, _number, years, _start, due, area_tags), lid in zip(plan, placement_ids, strict=True):
            for component, payer, chain, form in COMPONENTS[slug]:
                if component == "lijiang_remote_subsidy" and "remote" not in area_tags:
                    continue
                entitlements.append({
                    "tenant_id": tid, "placement_id": lid, "program_id": program, "pack_version_id": version,
                    "component": component, "payer": payer, "first_year": 1, "last_year": years,
                    "years": list(range(1, years + 1)), "due": due, "amount_fen": 1_000_000 * years, "currency": "CNY",
                    "cite": {}, "claim_chain": chain, "roster_form": form, "claim_forms": [], "status": "due",
                    "created_at": now, "updated_at": now})
        _insert(Entitlement, entitlements)
        db.session.commit()


BARE = """
SELECT e.id, e.component, e.payer, e.years, e.amount_fen, e.due, p.start_date, p.planned_end_date, per.name,
       per.gender, ou.name_zh, su.name_zh, a.name_zh, pa.name_zh
FROM entitlements e
JOIN placements p ON p.tenant_id = e.tenant_id AND p.id = e.placement_id
JOIN people per ON per.tenant_id = p.tenant_id AND per.id = p.person_id
LEFT JOIN units ou ON ou.tenant_id = p.tenant_id AND ou.id = p.original_unit_id
LEFT JOIN units su ON su.tenant_id = p.tenant_id AND su.id = p.service_unit_id
LEFT JOIN areas a ON a.tenant_id = p.tenant_id AND a.id = p.service_area_id
LEFT JOIN areas pa ON pa.tenant_id = a.tenant_id AND pa.id = a.parent_id
WHERE e.tenant_id = :tid AND e.payer = :payer AND e.status = 'due' AND e.due BETWEEN :start AND :end
"""


def bare_read(tenants: dict[str, int], year: int) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, rows, total fen): the same rows, fetched with plain SQL, no ORM."""
    from grassroots.db import db

    began, cpu = time.perf_counter(), time.process_time()
    rows = total = 0
    with db.engine.connect() as conn:
        for slug, tid in tenants.items():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT set_config('app.tenant_id', :t, false)"), {"t": str(tid)})
            for payer in PAYERS[slug]:
                result = conn.execute(text(BARE), {"tid": tid, "payer": payer, "start": date(year, 1, 1),
                                                   "end": date(year, 12, 31)})
                for row in result:
                    rows += 1
                    total += row.amount_fen
    return time.perf_counter() - began, time.process_time() - cpu, rows, total


def warm_up(tenants: dict[str, int]) -> None:
    """Compile each city's pack once (cached per process), as a running server has long done."""
    from grassroots.db import db
    from grassroots.packs.effective import current_effective
    from grassroots.tenancy.models import Tenant

    for tenant in db.session.execute(select(Tenant).where(Tenant.id.in_(list(tenants.values())))).scalars():
        current_effective(tenant)


def reset() -> None:
    """Undo a compile (rosters, their lines and chains), to time it again on the same rows."""
    from grassroots.db import db

    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM roster_lines"))
        conn.execute(text("DELETE FROM rosters"))
        conn.execute(text("DELETE FROM chain_tasks WHERE instance_id IN "
                          "(SELECT id FROM chain_instances WHERE subject_type = 'roster')"))
        conn.execute(text("DELETE FROM chain_instances WHERE subject_type = 'roster'"))


def compile_all(tenants: dict[str, int], year: int) -> tuple[float, float, int, int, int]:
    """(wall seconds, CPU seconds, rosters, lines, total fen): every payer of every city, committed."""
    from grassroots.accounts.models import User
    from grassroots.db import db
    from grassroots.db.tenant_scope import tenant_context
    from grassroots.subsidy.compile import compile_roster

    compilers = {slug: db.session.execute(select(User).filter_by(username=name)).scalar_one()
                 for slug, name in COMPILERS.items()}
    began, cpu = time.perf_counter(), time.process_time()
    rosters = lines = total = 0
    for slug, tid in tenants.items():
        for payer in PAYERS[slug]:
            with tenant_context(tid, db.session):
                made = compile_roster(payer, year, compilers[slug], refresh=False, as_of=date(year, 12, 31))
                rosters += len(made)
                lines += sum(r.line_count for r in made)
                total += sum(r.total_fen for r in made)
    return time.perf_counter() - began, time.process_time() - cpu, rosters, lines, total


def rollup(year: int) -> tuple[float, str]:
    from grassroots.db import db
    from grassroots.db.tenant_scope import tenant_context
    from grassroots.subsidy.rollup import province_rollup
    from grassroots.tenancy.models import Tenant

    province = db.session.execute(select(Tenant).filter_by(slug="yunnan")).scalar_one()
    began = time.perf_counter()
    with tenant_context(province.id, db.session):
        answer = province_rollup(province, year)
    return time.perf_counter() - began, answer["total"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--placements", type=int, default=50_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL (else DATABASE_URL, else SQLite)")
    args = parser.parse_args()

    from grassroots.app import create_app
    from grassroots.db import db
    from grassroots.tenancy.models import Tenant

    tmp = Path(tempfile.mkdtemp(prefix="bench_roster_"))
    url, cleanup = make_database(args, tmp)
    try:
        app = create_app(config_for(url, tmp))
        with app.app_context():
            began = time.perf_counter()
            build(app)
            rng = random.Random(args.seed)
            counts = {slug: int(args.placements * share) for slug, share in CITY_SHARE.items()}
            counts["lijiang"] += args.placements - sum(counts.values())
            for slug, count in counts.items():
                synthesise(slug, count, args.year, rng)
            with db.engine.begin() as conn:  # fresh statistics, as a database that has been running has
                conn.execute(text("ANALYZE"))
            tenants = {t.slug: t.id for t in db.session.execute(select(Tenant).where(Tenant.slug.in_(CITY_SHARE)))
                       .scalars()}
            print(f"database: {db.engine.dialect.name}; {args.placements:,} placements "
                  f"({', '.join(f'{s} {c:,}' for s, c in counts.items())}), built in {time.perf_counter() - began:.1f} s")
            warm_up(tenants)
            bare_read(tenants, args.year)  # warm-up
            bare = min((bare_read(tenants, args.year) for _ in range(RUNS)), key=lambda r: r[0])
            runs = []
            for n in range(RUNS):
                if n:
                    reset()
                runs.append(compile_all(tenants, args.year))
            best = min(runs, key=lambda r: r[0])
            rollup_s, rollup_total = rollup(args.year)
            print(f"bare SQL read : {bare[0] * 1000:9.1f} ms wall, {bare[1] * 1000:9.1f} ms CPU  "
                  f"({bare[2]:,} rows, {bare[3] / 100:,.2f} yuan)")
            print(f"compile       : {best[0] * 1000:9.1f} ms wall, {best[1] * 1000:9.1f} ms CPU  "
                  f"({best[2]} rosters, {best[3]:,} lines, {best[4] / 100:,.2f} yuan)")
            print(f"ratio         : {best[0] / bare[0]:9.2f} x wall  (goal: under 5x; best of {RUNS} each)")
            print(f"province roll-up: {rollup_s * 1000:.1f} ms, yunnan_finance total {rollup_total} yuan")
            ok = all((r[3], r[4]) == (bare[2], bare[3]) for r in runs)
            print("lines and totals equal the entitlements'" if ok else "MISMATCH between rosters and entitlements")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return 0 if ok else 1
    finally:
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
