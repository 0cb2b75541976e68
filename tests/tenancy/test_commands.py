"""`grassroots tenants onboard|list` and `grassroots demo seed`."""

from __future__ import annotations

import json

from tests.tenancy.helpers import TENANTS, manifest, row_counts


def test_onboard_prints_the_summary_and_logins(app, runner):
    result = runner.invoke(args=["tenants", "onboard", str(TENANTS / "yunnan.json"), str(TENANTS / "lijiang.json")])
    assert result.exit_code == 0, result.output
    assert "yunnan: created tenant 1" in result.output
    assert "lijiang: created tenant 1, areas 36" in result.output or "lijiang: created tenant 1" in result.output
    assert "lj_admin" in result.output and "demo-2026" in result.output
    again = runner.invoke(args=["tenants", "onboard", str(TENANTS / "lijiang.json")])
    assert again.exit_code == 0
    assert "created tenant 0, areas 0, units 0, users 0, memberships 0" in again.output
    listing = runner.invoke(args=["tenants", "list"])
    assert listing.exit_code == 0
    assert "lijiang" in listing.output and "丽江市" in listing.output and "yunnan" in listing.output


def test_onboard_prints_every_error_and_exits_1(app, runner, tmp_path):
    doc = manifest("yunnan")
    doc["slug"] = "Yunnan"
    doc["staff"][0]["office"] = "emperor"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    before = row_counts(app)
    result = runner.invoke(args=["tenants", "onboard", str(path)])
    assert result.exit_code == 1
    assert "/slug  pattern  格式不符合要求" in result.output
    assert "/staff/0/office  unknown_office  职务 emperor" in result.output and " / office emperor" in result.output
    assert row_counts(app) == before


def test_demo_seed_is_idempotent_and_prints_the_logins(app, runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    counts = row_counts(app)
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert row_counts(app) == counts
    assert "created tenant 0, areas 0, units 0, users 0, memberships 0" in second.output
    for line in ("operator", "yn_admin", "lj_admin", "sd_admin", "demo-2026"):
        assert line in second.output
