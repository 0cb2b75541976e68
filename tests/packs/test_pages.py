"""The pack editor pages and the public program pages with their self-check form."""

from __future__ import annotations

import re

from grassroots.packs import drafts
from tests.conftest import login
from tests.packs.conftest import AUTHOR, PUBLISHER, lijiang_doc, text_of, user, with_remote_amount


def _client(app, username=None):
    client = app.test_client()
    if username:
        login(client, username)
    return client


def test_the_editor_shows_check_errors_at_their_paths(seeded_app, lijiang):
    client = _client(seeded_app, AUTHOR)
    opened = client.get("/t/lijiang/pack/edit")
    assert opened.status_code == 200
    html = opened.get_data(as_text=True)
    assert "grassroots_service" in html and 'data-testid="check-ok"' in html

    doc = lijiang_doc()
    doc["programs"][0]["subsidies"][1]["component"] = "no_such_component"
    checked = client.post("/t/lijiang/pack/edit", data={"content": text_of(doc), "action": "check"})
    assert checked.status_code == 200
    html = checked.get_data(as_text=True)
    assert 'data-path="/programs/0/subsidies/1/component"' in html
    assert "no_such_component" in html  # the textarea keeps the text being edited
    assert drafts.draft_text(lijiang)[2] is None  # checking saves nothing

    broken = client.post("/t/lijiang/pack/edit", data={"content": '{"format": 1,', "action": "save"})
    assert broken.status_code == 422
    assert "第 1 行" in broken.get_data(as_text=True)

    saved = client.post("/t/lijiang/pack/edit", data={"content": text_of(doc), "action": "save"})
    assert saved.status_code == 200
    assert 'data-path="/programs/0/subsidies/1/component"' in saved.get_data(as_text=True)
    assert drafts.draft_text(lijiang)[2].status == "draft"
    submitted = client.post("/t/lijiang/pack/submit", data={})
    assert submitted.status_code == 422
    assert 'data-path="/programs/0/subsidies/1/component"' in submitted.get_data(as_text=True)


def test_the_submitter_sees_publish_disabled_with_the_reason(seeded_app, lijiang):
    publisher = _client(seeded_app, PUBLISHER)
    text = text_of(with_remote_amount(lijiang_doc(), "12000.00"))
    assert publisher.post("/t/lijiang/pack/edit", data={"content": text, "action": "save"}).status_code == 200
    assert publisher.post("/t/lijiang/pack/submit", data={}).status_code == 302
    html = publisher.get("/t/lijiang/pack").get_data(as_text=True)
    assert re.search(r'data-testid="publish-button"[^>]*disabled', html)
    assert "提交人不能发布自己提交的版本" in html
    assert "submitted-by" in html
    refused = publisher.post("/t/lijiang/pack/publish", data={"note": "x"})
    assert refused.status_code == 403


def test_a_second_person_publishes_from_the_page(seeded_app, lijiang):
    drafts.save_draft(lijiang, text_of(with_remote_amount(lijiang_doc(), "12000.00")), user(AUTHOR))
    draft = drafts.submit_draft(lijiang, user(AUTHOR))
    publisher = _client(seeded_app, PUBLISHER)
    html = publisher.get("/t/lijiang/pack").get_data(as_text=True)
    assert not re.search(r'data-testid="publish-button"[^>]*disabled', html)
    done = publisher.post("/t/lijiang/pack/publish", data={"note": "调整", "effective_date": "", "expected_hash": draft.content_hash})
    assert done.status_code == 302
    html = publisher.get("/t/lijiang/pack").get_data(as_text=True)
    assert 'data-version="2"' in html and "调整" in html and "（现行）" in html


def test_pack_pages_need_the_permission_and_appear_in_the_nav(seeded_app):
    assert _client(seeded_app).get("/t/lijiang/pack").status_code == 302  # to the login page
    assert _client(seeded_app, "lj_doctor_he").get("/t/lijiang/pack").status_code == 403
    assert _client(seeded_app, AUTHOR).get("/t/kunming/pack").status_code == 404
    author = _client(seeded_app, AUTHOR)
    home = author.get("/t/lijiang/").get_data(as_text=True)
    assert 'href="/t/lijiang/pack"' in home
    assert 'href="/t/lijiang/programs/grassroots_service"' in home  # the tenant home lists programs


def test_the_public_program_page_puts_rule_beside_article(seeded_app):
    page = _client(seeded_app).get("/t/lijiang/programs/grassroots_service")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "专业技术人员到基层服务" in html
    row = re.search(r'<tr data-rule="title_intermediate_or_above">(.*?)</tr>', html, re.S).group(1)
    assert "具有中级以上（含中级）职称" in row and "《丽江市鼓励专业技术人员到基层服务暂行办法》第二条" in row
    assert 'data-component="lijiang_remote_subsidy"' in html and "10000.00" in html
    assert 'name="person.title_level"' in html and '<option value="intermediate"' in html
    assert 'type="date" id="placement.start_date"' in html
    assert 'type="checkbox" name="placement.area_tags" value="remote"' in html
    assert 'name="assessments.0.grade"' in html
    assert _client(seeded_app).get("/t/lijiang/programs/nothing").status_code == 404
    listing = _client(seeded_app).get("/t/lijiang/programs").get_data(as_text=True)
    assert 'href="/t/lijiang/programs/grassroots_service"' in listing


def _form(**overrides) -> dict:
    form = {"as_of": "2022-12-31", "person.unit_level": "county", "person.title_level": "intermediate",
            "placement.start_date": "2020-09-01", "placement.end_date": "2022-08-31",
            "placement.unit_level": "township", "placement.unit_type": "health_center",
            "placement.area_tags": ["remote"], "placement.professional_post": "true", "placement.continuous": "true",
            "placement.full_time": "true",
            "assessments.0.kind": "annual", "assessments.0.year_no": "1", "assessments.0.grade": "qualified",
            "assessments.2.kind": "annual", "assessments.2.year_no": "2", "assessments.2.grade": "qualified"}
    form.update(overrides)
    return form


def test_the_self_check_form_answers_with_cites_and_payments(seeded_app):
    client = _client(seeded_app)
    eligible = client.post("/t/lijiang/programs/grassroots_service/check", data=_form())
    assert eligible.status_code == 200
    html = eligible.get_data(as_text=True)
    assert 'data-eligible="true"' in html and "符合条件" in html
    assert 'data-testid="payments"' in html and "40000.00" in html
    assert "丽江市财政" in html  # the payer by name
    licence = re.search(r'<tr data-rule="practising_physician" data-passed="false">(.*?)</tr>', html, re.S).group(1)
    assert "满足其一即可" in licence  # a failed alternative is not a reason for ineligibility

    not_eligible = client.post("/t/lijiang/programs/grassroots_service/check",
                               data=_form(**{"person.unit_level": "township"}))
    html = not_eligible.get_data(as_text=True)
    assert 'data-eligible="false"' in html and "不符合条件" in html
    row = re.search(r'<tr data-rule="unit_county_or_above" data-passed="false">(.*?)</tr>', html, re.S).group(1)
    assert "须为县及县以上（含省级）单位的人员" in row and "第二条" in row
    assert 'value="township" selected' in html  # the form keeps what was entered

    bad = client.post("/t/lijiang/programs/grassroots_service/check",
                      data=_form(**{"assessments.2.grade": "superb"}))
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'data-path="/assessments/1/grade"' in html
    assert 'data-error-for="assessments.2.grade"' in html  # shown at the form row it came from
