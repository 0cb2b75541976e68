"""`grassroots decisions replay`: every record recomputed under its pinned pack version; none differs, until
the pinned text is tampered with behind the database's back (simulated by the owner, triggers off)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from grassroots.packs.effective import clear_cache
from tests.db.factories import owner_engine
from tests.placement.conftest import apply, approve_application
from tests.placement.test_journeys import ninglang_case


def _tamper(app, old: str, new: str) -> None:
    """Edit Lijiang's stored pack text in place, as an attacker with the table owner's rights could."""
    engine = owner_engine(app)
    try:
        with engine.begin() as conn:
            postgres = conn.dialect.name == "postgresql"
            if postgres:
                conn.execute(text("ALTER TABLE pack_versions DISABLE TRIGGER pack_versions_immutable"))
            else:
                conn.execute(text("DROP TRIGGER pack_versions_no_update"))
            changed = conn.execute(text(
                "UPDATE pack_versions SET content = replace(content, :old, :new) "
                "WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'lijiang')"), {"old": old, "new": new}).rowcount
            assert changed == 1
            if postgres:
                conn.execute(text("ALTER TABLE pack_versions ENABLE TRIGGER pack_versions_immutable"))
    finally:
        engine.dispose()
    clear_cache()


def test_replay_reports_nothing_then_the_tampered_records(world, seeded_app):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    apply(world, case)
    approve_application(world, case)
    runner = seeded_app.test_cli_runner()

    clean = runner.invoke(args=["decisions", "replay"])
    assert clean.exit_code == 0, clean.output
    assert "1 decision record(s) replayed, 0 would now differ" in clean.output

    # The rule's words change: the recorded answer (with its reasons) would no longer be given.
    _tamper(seeded_app, "须为县及县以上（含省级）单位的人员", "须为市级以上单位的人员")
    found = runner.invoke(args=["decisions", "replay", "--tenant", "lijiang"])
    assert found.exit_code == 1, found.output
    assert "text no longer matches its hash" in found.output
    assert "answer differs in reasons" in found.output
    assert "1 would now differ" in found.output
    assert runner.invoke(args=["decisions", "replay", "--tenant", "kunming"]).exit_code == 0
    assert runner.invoke(args=["decisions", "replay", "--tenant", "nowhere"]).exit_code == 2
