"""Drafts and publishing: saved while invalid, submitted only when valid, published by a second person,
and a race of publishes moves the draft once (one conditional UPDATE)."""

from __future__ import annotations

import json
import threading

import pytest

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.packs import drafts, publishing
from grassroots.packs.models import PackVersion
from tests.conftest import login
from tests.packs.conftest import (
    AUTHOR,
    PUBLISHER,
    add_member,
    lijiang_doc,
    plain,
    tenant,
    text_of,
    user,
    with_remote_amount,
)

DRAFT = "/api/v1/t/lijiang/pack/draft"


def _client(app, username):
    client = app.test_client()
    login(client, username)
    return client


def _version_numbers(t) -> list[int]:
    with tenant_context(t.id, db.session):
        return list(db.session.execute(db.select(PackVersion.number).order_by(PackVersion.number)).scalars())


def test_the_submitter_cannot_publish_a_second_person_can(seeded_app, lijiang):
    publisher = _client(seeded_app, PUBLISHER)  # holds pack.edit and pack.publish
    text = text_of(with_remote_amount(lijiang_doc(), "12000.00"))
    saved = publisher.put(DRAFT, data=text.encode(), content_type="application/json")
    assert saved.status_code == 200 and saved.get_json()["valid"] is True
    assert publisher.post(f"{DRAFT}/submit", json={}).status_code == 200
    refused = publisher.post(f"{DRAFT}/publish", json={"note": "mine"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "same_person"
    assert _version_numbers(lijiang) == [1]

    author = _client(seeded_app, AUTHOR)  # pack.edit only: may not publish at all
    assert author.post(f"{DRAFT}/publish", json={}).status_code == 403

    add_member("lijiang", "lj_second_publisher", "policy_publisher")
    second = _client(seeded_app, "lj_second_publisher")
    digest = saved.get_json()["draft"]["content_hash"]
    published = second.post(f"{DRAFT}/publish", json={"note": "城市补贴调整", "expected_hash": digest})
    assert published.status_code == 201, published.get_json()
    body = published.get_json()
    assert (body["number"], body["content_hash"], body["author"], body["note"]) == (2, digest, user(PUBLISHER).display_name,
                                                                                    "城市补贴调整")
    assert body["publisher"] == "lj_second_publisher"
    assert _version_numbers(lijiang) == [1, 2]
    again = second.post(f"{DRAFT}/publish", json={})
    assert again.status_code == 409


def test_racing_publishes_by_one_user_move_once(seeded_app, lijiang):
    drafts.save_draft(lijiang, text_of(with_remote_amount(lijiang_doc(), "12000.00")), user(AUTHOR))
    drafts.submit_draft(lijiang, user(AUTHOR))
    publisher = plain(user(PUBLISHER))
    db.session.commit()
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def attempt():
        with seeded_app.app_context():
            t = tenant("lijiang")
            barrier.wait()
            try:
                outcomes.append(publishing.publish_draft(t, publisher).number)
            except UserError as exc:
                db.session.rollback()
                outcomes.append(exc.status)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == sorted([2, 409, 409, 409], key=str)
    assert _version_numbers(lijiang) == [1, 2]


def test_a_pack_with_errors_is_saved_but_cannot_be_submitted(seeded_app, lijiang):
    author = _client(seeded_app, AUTHOR)
    doc = lijiang_doc()
    doc["programs"][0]["eligibility"]["all"][0]["fact"] = "person.shoe_size"
    doc["subsidy_components"][0]["amount_per_year"] = "-5"
    saved = author.put(DRAFT, data=text_of(doc).encode(), content_type="application/json")
    assert saved.status_code == 200
    body = saved.get_json()
    assert body["saved"] is True and body["valid"] is False
    paths = {e["path"] for e in body["errors"]}
    assert "/programs/0/eligibility/all/0/fact" in paths
    assert "/subsidy_components/0/amount_per_year" in paths

    refused = author.post(f"{DRAFT}/submit", json={})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "pack_invalid"
    assert {e["path"] for e in error["errors"]} == paths
    assert all(e["message"]["zh"] and e["message"]["en"] for e in error["errors"])
    assert author.get(DRAFT).get_json()["draft"]["status"] == "draft"


def test_a_body_that_is_not_json_is_not_saved(seeded_app, lijiang):
    author = _client(seeded_app, AUTHOR)
    response = author.put(DRAFT, data=b'{"format": 1,', content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["errors"][0]["code"] == "json"
    assert author.get(DRAFT).get_json()["draft"] is None


def test_unchanged_draft_cannot_be_submitted(seeded_app, lijiang):
    author = _client(seeded_app, AUTHOR)
    original = json.dumps(lijiang_doc(), ensure_ascii=False)
    assert author.put(DRAFT, data=original.encode(), content_type="application/json").status_code == 200
    refused = author.post(f"{DRAFT}/submit", json={})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["errors"][0]["code"] == "unchanged"


def test_editing_a_submitted_draft_withdraws_the_submission(seeded_app, lijiang):
    drafts.save_draft(lijiang, text_of(with_remote_amount(lijiang_doc(), "12000.00")), user(AUTHOR))
    drafts.submit_draft(lijiang, user(AUTHOR))
    result = drafts.save_draft(lijiang, text_of(with_remote_amount(lijiang_doc(), "13000.00")), user(AUTHOR))
    assert result.draft.status == "draft" and result.draft.submitted_by is None
    with pytest.raises(UserError) as caught:
        publishing.publish_draft(lijiang, user(PUBLISHER))
    assert caught.value.status == 409


def test_a_stale_editor_cannot_overwrite_anothers_save(seeded_app, lijiang):
    first = drafts.save_draft(lijiang, text_of(with_remote_amount(lijiang_doc(), "12000.00")), user(AUTHOR))
    opened = first.draft.content_hash
    drafts.save_draft(lijiang, text_of(with_remote_amount(lijiang_doc(), "13000.00")), user(PUBLISHER))
    with pytest.raises(UserError) as caught:
        drafts.save_draft(lijiang, text_of(with_remote_amount(lijiang_doc(), "14000.00")), user(AUTHOR),
                          expected_hash=opened)
    assert caught.value.status == 409


def test_publishing_refuses_a_body_with_unknown_fields_and_bad_dates(seeded_app, lijiang):
    publisher = _client(seeded_app, PUBLISHER)
    unknown = publisher.post(f"{DRAFT}/publish", json={"note": "x", "approve": True})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["errors"][0]["path"] == "/approve"
    bad = publisher.post(f"{DRAFT}/publish", json={"effective_date": "2025-13-01"})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["errors"][0]["path"] == "/effective_date"


def test_a_version_with_a_future_effective_date_is_scheduled_not_in_force(seeded_app, lijiang):
    from datetime import timedelta

    from grassroots.packs.evaluation import evaluate_current
    from grassroots.packs.versions import china_today
    from tests.packs.conftest import publish, remote_two_years

    later = china_today() + timedelta(days=30)
    version = publish("lijiang", text_of(with_remote_amount(lijiang_doc(), "12000.00")), effective_date=later)
    assert version.number == 2
    assert evaluate_current(lijiang, "grassroots_service", remote_two_years())["pack_version"]["number"] == 1
    rows = _client(seeded_app, AUTHOR).get("/api/v1/t/lijiang/pack/versions").get_json()
    assert [(r["number"], r["in_force"], r["effective_date"]) for r in rows] == [
        (2, False, later.isoformat()), (1, True, rows[1]["effective_date"])]
    # a version may not take effect before the one it follows
    drafts.save_draft(lijiang, text_of(with_remote_amount(lijiang_doc(), "13000.00")), user(AUTHOR))
    drafts.submit_draft(lijiang, user(AUTHOR))
    with pytest.raises(UserError) as caught:
        publishing.publish_draft(lijiang, user(PUBLISHER), effective_date=china_today())
    assert caught.value.status == 422 and caught.value.errors[0]["path"] == "/effective_date"
