"""Cases pin a version (and their parents' versions); any two versions diff by id."""

from __future__ import annotations

import json

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.packs import history
from grassroots.packs.cases import evaluate_case, open_case
from grassroots.packs.evaluation import evaluate_current
from grassroots.packs.models import PackCase
from tests.conftest import login
from tests.packs.conftest import (
    AUTHOR,
    PACKS,
    add_member,
    lijiang_doc,
    publish,
    remote_two_years,
    text_of,
    user,
    with_remote_amount,
)


def _amounts(answer: dict) -> dict[str, str]:
    return {p["component"]: p["amount"] for p in answer["payments"]}


def test_a_case_keeps_its_version_after_a_new_one_is_published(lijiang):
    old_case = open_case(lijiang, "grassroots_service", remote_two_years(), user(AUTHOR))
    db.session.commit()
    before = evaluate_case(lijiang, old_case)
    assert before["pack_version"]["number"] == 1
    assert before["total"] == "40000.00"

    version = publish("lijiang", text_of(with_remote_amount(lijiang_doc(), "15000.00")))
    assert version.number == 2

    with tenant_context(lijiang.id, db.session):
        reloaded = db.session.get(PackCase, old_case.id)
    after = evaluate_case(lijiang, reloaded)
    assert after == before  # same rules, same answer: the pinned version 1

    new_case = open_case(lijiang, "grassroots_service", remote_two_years(), user(AUTHOR))
    db.session.commit()
    assert history.cases_per_version(lijiang) == {1: 1, 2: 1}
    fresh = evaluate_case(lijiang, new_case)
    assert fresh["pack_version"]["number"] == 2
    assert _amounts(fresh) == {"provincial_post_subsidy": "20000.00", "lijiang_remote_subsidy": "30000.00"}
    assert fresh["total"] == "50000.00"
    assert evaluate_current(lijiang, "grassroots_service", remote_two_years())["total"] == "50000.00"


def test_a_case_keeps_its_parents_version_too(lijiang):
    case = open_case(lijiang, "grassroots_service", remote_two_years())
    db.session.commit()
    with tenant_context(lijiang.id, db.session):
        assert [(a["tenant"], a["number"]) for a in case.ancestors] == [("yunnan", 1)]

    add_member("yunnan", "yn_author_t", "policy_author")
    add_member("yunnan", "yn_publisher_t", "policy_publisher")
    yunnan = json.loads((PACKS / "yunnan.json").read_text(encoding="utf-8"))
    for component in yunnan["subsidy_components"]:
        if component["id"] == "provincial_post_subsidy":
            component["amount_per_year"] = "11000.00"
            component.pop("locked", None)
    publish("yunnan", text_of(yunnan), author="yn_author_t", publisher="yn_publisher_t")

    now = evaluate_current(lijiang, "grassroots_service", remote_two_years())
    assert now["pack_version"]["extends"][0]["number"] == 2
    assert _amounts(now)["provincial_post_subsidy"] == "22000.00"  # the child follows its parent's baseline
    pinned = evaluate_case(lijiang, case)
    assert pinned["pack_version"]["extends"][0]["number"] == 1
    assert _amounts(pinned)["provincial_post_subsidy"] == "20000.00"


def test_diff_lists_the_changed_program_field(seeded_app, lijiang):
    doc = lijiang_doc()
    doc["programs"][0]["params"]["application_copies"]["value"] = 6
    doc = with_remote_amount(doc, "12000.00")
    publish("lijiang", text_of(doc))
    client = seeded_app.test_client()
    login(client, AUTHOR)
    body = client.get("/api/v1/t/lijiang/pack/diff?from=1&to=2").get_json()
    assert (body["from"]["number"], body["to"]["number"]) == (1, 2)
    programs = body["diff"]["sections"]["programs"]
    assert programs["changed"][0]["id"] == "grassroots_service"
    change = programs["changed"][0]["changes"][0]
    assert change == {"path": "/programs/0/params/application_copies/value", "op": "replace", "old": 5, "new": 6}
    components = body["diff"]["sections"]["subsidy_components"]["changed"][0]
    assert components["changes"][0]["new"] == "12000.00"
    assert client.get("/api/v1/t/lijiang/pack/diff?from=1&to=7").status_code == 404
    bad = client.get("/api/v1/t/lijiang/pack/diff?from=one")
    assert bad.status_code == 422 and bad.get_json()["error"]["errors"][0]["path"] == "/from"
    page = client.get("/t/lijiang/pack/diff?from=1&to=2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/programs/0/params/application_copies/value" in html and "grassroots_service" in html


def test_draft_diff_against_the_published_version(seeded_app, lijiang):
    client = seeded_app.test_client()
    login(client, AUTHOR)
    doc = lijiang_doc()
    doc["programs"][0]["service"]["min_full_years"] = 3
    client.put("/api/v1/t/lijiang/pack/draft", data=text_of(doc).encode(), content_type="application/json")
    body = client.get("/api/v1/t/lijiang/pack/diff").get_json()
    assert body["to"]["label"] == "draft"
    paths = [c["path"] for c in body["diff"]["sections"]["programs"]["changed"][0]["changes"]]
    assert "/programs/0/service/min_full_years" in paths
