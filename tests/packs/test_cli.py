"""`grassroots packs check|import|versions|diff|export` and `grassroots evaluate`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from grassroots.packs.commands import check_command
from tests.packs.conftest import PACKS, lijiang_doc, remote_two_years, text_of, with_remote_amount


def test_check_passes_the_repository_packs_without_an_app():
    files = [str(PACKS / f"{slug}.json") for slug in ("yunnan", "lijiang", "kunming", "yuxi", "jilin", "shandong")]
    result = CliRunner().invoke(check_command, files)  # a plain click command: no app, no database
    assert result.exit_code == 0, result.output
    assert result.output.count(": OK") == 6


def test_check_prints_every_error_and_exits_non_zero(tmp_path):
    doc = lijiang_doc()
    doc["programs"][0]["eligibility"]["all"][0]["fact"] = "person.shoe_size"
    doc["subsidy_components"][0]["amount_per_year"] = "-5"
    bad = tmp_path / "lijiang.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(check_command, [str(bad), str(broken)])
    assert result.exit_code == 1
    assert "/programs/0/eligibility/all/0/fact" in result.output
    assert "/subsidy_components/0/amount_per_year" in result.output
    line = next(line for line in result.output.splitlines() if "/subsidy_components/0/amount_per_year" in line)
    assert " / " in line  # zh / en
    assert "broken.json: 1" in result.output


def test_import_versions_diff_export(seeded_app, tmp_path):
    runner = seeded_app.test_cli_runner()
    new = tmp_path / "lijiang-v2.json"
    new.write_text(text_of(with_remote_amount(lijiang_doc(), "12000.00")), encoding="utf-8")
    imported = runner.invoke(args=["packs", "import", "lijiang", str(new)])
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith("lijiang: version 2 ")

    listed = runner.invoke(args=["packs", "versions", "lijiang"])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].startswith("*   2") and "system import" in lines[1]

    diffed = runner.invoke(args=["packs", "diff", "lijiang", "1", "2"])
    assert diffed.exit_code == 0
    assert "~ subsidy_components lijiang_remote_subsidy" in diffed.output
    assert '"10000.00" → "12000.00"' in diffed.output

    exported = runner.invoke(args=["packs", "export", "lijiang", "1"])
    assert exported.output == (PACKS / "lijiang.json").read_text(encoding="utf-8")
    current = runner.invoke(args=["packs", "export", "lijiang"])
    assert current.output == new.read_text(encoding="utf-8")

    wrong = runner.invoke(args=["packs", "import", "lijiang", str(PACKS / "kunming.json")])
    assert wrong.exit_code == 1 and "/jurisdiction/slug" in wrong.output
    assert runner.invoke(args=["packs", "versions", "nowhere"]).exit_code == 1


def test_evaluate_prints_the_api_answer(seeded_app, seeded_client, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(remote_two_years()), encoding="utf-8")
    result = seeded_app.test_cli_runner().invoke(
        args=["evaluate", "--tenant", "lijiang", "--program", "grassroots_service", str(path)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    api = seeded_client.post("/api/v1/t/lijiang/programs/grassroots_service/evaluate", json=remote_two_years()).get_json()
    assert printed == api and printed["total"] == "40000.00"

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**remote_two_years(), "person": {"birth_date": "x"}}), encoding="utf-8")
    failed = seeded_app.test_cli_runner().invoke(
        args=["evaluate", "--tenant", "lijiang", "--program", "grassroots_service", str(bad)])
    assert failed.exit_code == 1 and "/person/birth_date" in failed.output
