"""The submission's pages and API for its readers: the print view (一式五份 → five pages headed with the
five recipients in the text's order), downloads, and who may open them: copy-recipient offices, the
submitter and reviewers (200), another office of the same tenant (403), another tenant (404)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grassroots.accounts.models import Membership
from grassroots.db import db
from tests.conftest import login
from tests.forms.conftest import PNG, RECIPIENTS, add_member, submit_as, tenant, user

SCOPE = {"applicant_unit": "lj-city-peoples-hospital", "service_county": "530724", "service_unit": "lj-nl-labo-hc"}


def _pages(html: str) -> list[str]:
    return re.findall(r'<p class="copy-head" data-testid="copy-head">(.*?)</p>', html)


def test_print_view_has_one_page_per_recipient_in_the_texts_order(lijiang, seeded_client):
    submission_id = submit_as(lijiang)
    login(seeded_client, "lj_city_hr")
    response = seeded_client.get(f"/t/lijiang/forms/submissions/{submission_id}/print")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('data-testid="copy-page"') == 5
    assert _pages(html) == [f"第{n}联 / Copy {n} of 5 — {r}" for n, r in enumerate(RECIPIENTS, start=1)]
    assert html.count('<h1 class="official-title">云南省专业技术人员到基层服务申请登记表</h1>') == 5
    css = (Path(seeded_client.application.static_folder) / "forms.css").read_text(encoding="utf-8")
    assert "page-break-after: always" in css and "@media print" in css
    page = html.split('data-testid="copy-page"')[3]
    for label, value in (("姓名", "和志明"), ("学历", "本科"), ("职称等级", "中级"), ("执业资格", "执业医师"),
                         ("本人自愿到基层服务", "是"), ("身份证号码", "**************002X")):
        assert re.search(rf"<th scope=\"row\">{re.escape(label)}</th>\s*<td>{re.escape(value)}</td>", page), label
    assert "11010519491231002X" not in html
    assert "身份证：" in page and "资格证.pdf" in page and "学历证：" in page
    assert "政策包第" in page and "第四条、第六条" in page and "附件2" in page


def test_record_page_lists_fields_attachments_and_copies(lijiang, seeded_client):
    submission_id = submit_as(lijiang)
    login(seeded_client, "lj_doctor_he")
    html = seeded_client.get(f"/t/lijiang/forms/submissions/{submission_id}").get_data(as_text=True)
    assert "云南省专业技术人员到基层服务申请登记表" in html and "打印（一式 5 份）" in html
    assert html.count(f'href="/t/lijiang/forms/submissions/{submission_id}/attachments/') == 3
    for r in RECIPIENTS:
        assert f"<li>{r}</li>" in html


@pytest.mark.parametrize(("username", "status"), [
    ("lj_doctor_he", 200),            # the submitter (申请人)
    ("lj_applicant_unit", 200),       # 申请人所在单位
    ("lj_county_hr_ninglang", 200),   # 服务地县（区）人社局
    ("lj_city_hr", 200),              # 市人社局
    ("lj_service_unit", 403),         # same tenant, not a recipient
    ("lj_city_finance", 403),
    ("lj_teacher_li", 403),           # a professional, but not this applicant
    ("yn_province_hr", 404),          # another tenant (the parent province included)
    ("km_city_hr", 404),
    ("operator", 403),                # operators run the platform; they do not read applications
])
def test_who_may_open_a_submission(lijiang, seeded_client, username, status):
    submission_id = submit_as(lijiang)
    login(seeded_client, username)
    base = f"/t/lijiang/forms/submissions/{submission_id}"
    for path in (base, f"{base}/print", f"/api/v1{base}"):
        assert seeded_client.get(path).status_code == status, path


def test_another_tenants_url_for_the_same_id_is_404(lijiang, seeded_client):
    submission_id = submit_as(lijiang)
    login(seeded_client, "km_city_hr")
    for path in (f"/t/kunming/forms/submissions/{submission_id}", f"/t/kunming/forms/submissions/{submission_id}/print",
                 f"/api/v1/t/kunming/forms/submissions/{submission_id}"):
        response = seeded_client.get(path)
        assert response.status_code == 404, path
    missing = seeded_client.get("/api/v1/t/kunming/forms/submissions/999999")
    assert response.get_json() == missing.get_json()  # exactly like a missing one


def test_anonymous_is_sent_to_log_in(lijiang, seeded_client):
    submission_id = submit_as(lijiang)
    assert seeded_client.get(f"/t/lijiang/forms/submissions/{submission_id}").status_code == 302
    assert seeded_client.get(f"/api/v1/t/lijiang/forms/submissions/{submission_id}").status_code == 401


def test_a_scope_narrows_the_recipient_offices(lijiang, seeded_client):
    submission_id = submit_as(lijiang, scope=SCOPE)
    add_member("lijiang", "lj_county_hr_other", "county_hr", "area", "530721")
    add_member("lijiang", "lj_unit_other", "applicant_unit", "unit", "lj-city-tcm-hospital")
    add_member("lijiang", "lj_unit_parent", "applicant_unit", "unit", "lj-city-health-commission")
    expected = {"lj_county_hr_ninglang": 200, "lj_applicant_unit": 200, "lj_city_hr": 200, "lj_doctor_he": 200,
                "lj_unit_parent": 200, "lj_county_hr_other": 403, "lj_unit_other": 403}
    for username, status in expected.items():
        seeded_client.post("/logout")
        login(seeded_client, username)
        assert seeded_client.get(f"/t/lijiang/forms/submissions/{submission_id}").status_code == status, username


def test_submission_api_for_a_reader(lijiang, seeded_client):
    submission_id = submit_as(lijiang)
    login(seeded_client, "lj_county_hr_ninglang")
    body = seeded_client.get(f"/api/v1/t/lijiang/forms/submissions/{submission_id}").get_json()
    assert body["form_id"] == "application_form" and body["status"] == "submitted"
    assert body["data"]["id_number"] == "**************002X" and body["data"]["planned_years"] == 2
    assert [c["recipient"]["zh"] for c in body["copies"]] == list(RECIPIENTS)
    assert {a["attachment_id"] for a in body["attachments"]} == {"id_card", "qualification_certificate",
                                                                "education_certificate"}
    assert body["links"]["print"] == f"/t/lijiang/forms/submissions/{submission_id}/print"


def test_form_definition_api_is_public_and_reads_the_pack_in_force(lijiang, seeded_client):
    body = seeded_client.get("/api/v1/t/lijiang/forms/application_form").get_json()
    form = body["form"]
    assert form["title"]["zh"] == "云南省专业技术人员到基层服务申请登记表"
    assert [c["recipient"]["zh"] for c in form["copies"]] == list(RECIPIENTS)
    assert {"schema", "layout", "attachments", "copies", "cite"} <= set(form)
    assert body["pack_version"]["number"] >= 1
    missing = seeded_client.get("/api/v1/t/lijiang/forms/no_such_form")
    assert missing.status_code == 404 and missing.get_json()["error"]["message"]["zh"] == "没有该表格"
    assert seeded_client.get("/api/v1/t/nowhere/forms/application_form").status_code == 404


def test_download_is_an_attachment_with_the_detected_type(lijiang, seeded_client):
    submission_id = submit_as(lijiang)
    login(seeded_client, "lj_city_hr")
    body = seeded_client.get(f"/api/v1/t/lijiang/forms/submissions/{submission_id}").get_json()
    card = next(a for a in body["attachments"] if a["attachment_id"] == "id_card")
    with seeded_client.get(card["url"]) as response:
        assert response.status_code == 200 and response.data == PNG
        assert response.mimetype == "image/png"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.png" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
    seeded_client.post("/logout")
    login(seeded_client, "lj_service_unit")
    assert seeded_client.get(card["url"]).status_code == 403
    seeded_client.post("/logout")
    login(seeded_client, "lj_city_hr")
    other = card["url"].rsplit("/", 1)[0] + "/999999"
    assert seeded_client.get(other).status_code == 404


def test_every_forms_endpoint_declares_its_access(seeded_app):
    rules = {ep: seeded_app.view_functions[ep]._access.kind for ep in seeded_app.view_functions
             if ep.startswith("forms")}
    assert rules == {"forms.submission": "member", "forms.print_copies": "member", "forms.attachment": "member",
                     "forms_api.FormDefinition": "public", "forms_api.Submission": "member"}


def test_membership_fixture_sanity(lijiang):
    t = tenant("lijiang")
    offices = {m.office for m in db.session.execute(db.select(Membership).filter_by(tenant_id=t.id)).scalars()}
    assert {"city_hr", "county_hr", "applicant_unit", "professional", "service_unit"} <= offices
    assert user("lj_doctor_he").memberships[0].office == "professional"
