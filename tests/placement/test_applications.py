"""Applications: refused with reasons and cites when the applicant's own facts fail; returned and resubmitted;
rejected stays rejected; filed by HR for someone without a login; invisible across tenants."""

from __future__ import annotations

from datetime import date

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement.models import DecisionRecord
from grassroots.tenancy.models import Tenant
from tests.placement.conftest import (
    LIJIANG_FILES,
    LIJIANG_PROGRAM,
    apply,
    id_number,
    lijiang_application,
    upload,
)
from tests.placement.test_journeys import ninglang_case

BASE = "/api/v1/t/lijiang"


def test_an_ineligible_applicant_is_refused_with_reasons_and_cites(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    case.data.update(title_level="junior", licenses=[])
    app = world.post(case.applicant, f"{BASE}/applications", {"program": LIJIANG_PROGRAM, "data": case.data}, 201)
    upload(world, case.applicant, "lijiang", app["id"], LIJIANG_FILES)
    refused = world.post(case.applicant, f"{BASE}/applications/{app['id']}/submit", {}, 422)["error"]
    assert refused["code"] == "ineligible"
    assert {e["path"] for e in refused["errors"]} == {"/eligibility/title_intermediate_or_above",
                                                      "/eligibility/practising_physician"}
    assert all(e["cite"] == {**e["cite"], "doc": "lijiang-2017", "article": "第二条"} for e in refused["errors"])
    assert refused["errors"][0]["message"]["zh"] == "具有中级以上（含中级）职称"
    stored = world.get(case.applicant, f"{BASE}/applications/{app['id']}")
    assert stored["state"]["code"] == "draft"
    assert stored["decision"]["verdict"]["code"] == "ineligible"
    assert stored["decision"]["id"] == refused["errors"][0]["decision_id"]
    why = world.get(case.applicant, f"{BASE}/decisions/{stored['decision']['id']}")
    assert why["facts"]["person"]["title_level"] == "junior" and why["answer"]["eligible"] is False
    assert [r["cite_text"]["zh"] for r in why["reasons"] if r["rule"] == "title_intermediate_or_above"] == [
        "《丽江市鼓励专业技术人员到基层服务暂行办法》第二条"]

    # Corrected (the title was mistyped), it goes through; the first decision stays on record.
    world.put(case.applicant, f"{BASE}/applications/{app['id']}", {"data": {**case.data, "title_level": "intermediate"}})
    submitted = world.post(case.applicant, f"{BASE}/applications/{app['id']}/submit", {})
    assert submitted["state"]["code"] == "submitted"
    assert [d["verdict"]["code"] for d in submitted["decisions"]] == ["ineligible", "undecided"]


def test_missing_attachments_and_bad_fields_are_listed_at_their_paths(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    data = {**case.data, "phone": "电话", "unit_level": "city"}
    refused = world.post(case.applicant, f"{BASE}/applications",
                         {"program": LIJIANG_PROGRAM, "data": data, "submit": True}, 422)["error"]
    assert "/data/unit_level" in {e["path"] for e in refused["errors"]}  # not the level of the unit
    refused = world.post(case.applicant, f"{BASE}/applications",
                         {"program": LIJIANG_PROGRAM, "data": {**case.data, "phone": "电话"}, "submit": True}, 422)["error"]
    paths = {e["path"] for e in refused["errors"]}
    assert {"/data/phone", "/attachments/id_card", "/attachments/qualification_certificate",
            "/attachments/education_certificate"} <= paths
    bad_id = {**case.data, "id_number": case.data["id_number"][:-1] + ("0" if case.data["id_number"][-1] != "0" else "1")}
    refused = world.post(case.applicant, f"{BASE}/applications", {"program": LIJIANG_PROGRAM, "data": bad_id}, 422)
    assert "/data/id_number" in {e["path"] for e in refused["error"]["errors"]}
    assert world.post(case.applicant, f"{BASE}/applications",
                      {"program": LIJIANG_PROGRAM, "data": case.data, "surprise": 1}, 422)


def test_a_returned_application_is_corrected_and_resubmitted(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    apply(world, case)
    world.act_pending("lijiang", "lj_nl_hospital", "return", "请补充服务意向岗位", subject=("placement_application", case.app_id))
    returned = world.get(case.applicant, f"{BASE}/applications/{case.app_id}")
    assert returned["state"]["code"] == "returned" and returned["rejected"] is None
    assert (returned["returned"]["step_id"], returned["returned"]["reason"]) == ("unit_approval", "请补充服务意向岗位")
    # the applicant reads why on the application's own page, above the button that corrects it
    page = world.client(case.applicant).get(f"/t/lijiang/applications/{case.app_id}").get_data(as_text=True)
    assert '<span data-testid="return-reason">请补充服务意向岗位</span>' in page
    assert page.index('data-testid="returned"') < page.index('data-testid="edit"')
    world.post(case.applicant, f"{BASE}/applications/{case.app_id}/submit", {}, 409)  # not a draft
    world.post("lj_nl_hospital", f"{BASE}/applications/{case.app_id}/resubmit", {}, 403)  # only whoever filed it
    again = world.post(case.applicant, f"{BASE}/applications/{case.app_id}/resubmit",
                       {"data": {**case.data, "service_post": "拉伯乡卫生院 全科医生"}})
    assert again["state"]["code"] == "submitted"
    for approver in case.approvers:
        world.act_pending("lijiang", approver, subject=("placement_application", case.app_id))
    assert world.get(case.applicant, f"{BASE}/applications/{case.app_id}")["state"]["code"] == "approved"
    chain = world.get(case.applicant, f"{BASE}/workflow/instances/{again['chain_instance_id']}")
    assert [(t["round"], t["step_id"], t["state"]) for t in chain["tasks"]] == [
        (1, "unit_approval", "returned"), (2, "unit_approval", "approved"), (2, "supervisor_approval", "approved"),
        (2, "hr_filing", "filed")]


def test_a_rejected_application_stays_rejected(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    apply(world, case)
    world.act_pending("lijiang", "lj_nl_hospital", subject=("placement_application", case.app_id))
    world.act_pending("lijiang", "lj_nl_health_bureau", "reject", "本单位人员紧缺，暂不同意",
                      subject=("placement_application", case.app_id))
    rejected = world.get(case.applicant, f"{BASE}/applications/{case.app_id}")
    assert rejected["state"]["code"] == "rejected" and rejected["returned"] is None
    assert (rejected["rejected"]["step_id"], rejected["rejected"]["reason"]) == ("supervisor_approval", "本单位人员紧缺，暂不同意")
    page = world.client(case.applicant).get(f"/t/lijiang/applications/{case.app_id}").get_data(as_text=True)
    assert '<span data-testid="reject-reason">本单位人员紧缺，暂不同意</span>' in page and 'data-testid="edit"' not in page
    world.post(case.applicant, f"{BASE}/applications/{case.app_id}/resubmit", {"data": case.data}, 409)
    world.put(case.applicant, f"{BASE}/applications/{case.app_id}", {"data": case.data}, 409)
    assert world.get("lj_county_hr_ninglang", f"{BASE}/inbox")["tasks"] == []
    assert world.get(case.applicant, f"{BASE}/applications/{case.app_id}")["state"]["code"] == "rejected"


def test_hr_files_for_a_professional_without_a_login(world):
    number = id_number("530724", "19900215", 24)
    data = lijiang_application("拉姆", number, "1990-02-15", "female")
    app = world.post("lj_city_hr", f"{BASE}/applications",
                     {"program": LIJIANG_PROGRAM, "unit_code": "lj-nl-peoples-hospital", "data": data}, 201)
    assert app["person"]["name"] == "拉姆" and app["applicant_user_id"] is None
    assert app["person"]["id_number_masked"].endswith(number[-4:]) and number not in str(app)
    upload(world, "lj_city_hr", "lijiang", app["id"], LIJIANG_FILES)
    assert world.post("lj_city_hr", f"{BASE}/applications/{app['id']}/submit", {})["state"]["code"] == "submitted"
    # A county HR officer may file only for units of their county; a professional only for themselves.
    world.post("lj_county_hr_ninglang", f"{BASE}/applications",
               {"program": LIJIANG_PROGRAM, "unit_code": "lj-city-peoples-hospital", "data": data}, 403)
    world.post("lj_doctor_he", f"{BASE}/applications",
               {"program": LIJIANG_PROGRAM, "unit_code": "lj-nl-peoples-hospital", "data": data}, 422)
    # The same number again is the same person (found by keyed hash), not a second registration.
    again = world.post("lj_city_hr", f"{BASE}/applications",
                       {"program": LIJIANG_PROGRAM, "unit_code": "lj-nl-peoples-hospital", "data": data}, 201)
    assert again["person"]["id"] == app["person"]["id"]
    # ... and a professional cannot apply with someone else's number.
    world.post("lj_doctor_nl", f"{BASE}/applications", {"program": LIJIANG_PROGRAM, "data": data}, 403)


def test_a_kunming_officer_cannot_reach_a_lijiang_application(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    apply(world, case)
    missing = world.get("km_city_hr", "/api/v1/t/kunming/applications/2000000000", 404)
    assert world.get("km_city_hr", f"/api/v1/t/kunming/applications/{case.app_id}", 404) == missing
    assert world.get("km_city_hr", f"{BASE}/applications/{case.app_id}", 404)
    assert world.get("km_city_hr", f"{BASE}/applications/2000000000", 404) == world.get(
        "km_city_hr", f"{BASE}/applications/{case.app_id}", 404)
    assert case.app_id not in [a["id"] for a in world.get("km_city_hr", "/api/v1/t/kunming/applications")["applications"]]
    # In Lijiang, a member whose offices do not reach the case gets 403; the applicant's unit sees it.
    world.get("lj_teacher_li", f"{BASE}/applications/{case.app_id}", 403)
    assert world.get("lj_nl_hospital", f"{BASE}/applications/{case.app_id}")["id"] == case.app_id
    assert [a["id"] for a in world.get("lj_teacher_li", f"{BASE}/applications")["applications"]] == []
    decision_id = world.get(case.applicant, f"{BASE}/applications/{case.app_id}")["decision"]["id"]
    world.get("km_city_hr", f"/api/v1/t/kunming/decisions/{decision_id}", 404)


def test_decision_records_are_written_in_their_tenant(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    apply(world, case)
    kunming = db.session.execute(db.select(Tenant).filter_by(slug="kunming")).scalar_one()
    with tenant_context(kunming.id, db.session):
        assert db.session.execute(db.select(DecisionRecord)).scalars().all() == []
