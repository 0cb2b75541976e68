"""The pages of every step, Chinese first, for the people who do each step; list pages at constant query cost."""

from __future__ import annotations

import io
import re
from datetime import date

from werkzeug.datastructures import MultiDict

from grassroots.db import db
from tests.db.factories import count_queries
from tests.placement.conftest import PDF, add_member, assess, id_number, lijiang_application
from tests.placement.test_journeys import TERM_END, ninglang_case, run_lijiang

T = "/t/lijiang"


def _page(world, username: str, path: str, status: int = 200) -> str:
    response = world.client(username).get(path)
    assert response.status_code == status, f"{username} GET {path} → {response.status_code}"
    return response.get_data(as_text=True)


def _posted(data: dict) -> MultiDict:
    """Form data as a browser posts the pack form (JSON pointers as input names)."""
    items = []
    for key, value in data.items():
        if isinstance(value, list):
            items += [(f"/{key}", v) for v in value]
        elif isinstance(value, bool):
            if value:
                items.append((f"/{key}", "true"))
        else:
            items.append((f"/{key}", str(value)))
    return MultiDict(items)


def test_every_step_has_its_page(world):
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    run_lijiang(world, case)
    assess(world, case, "lj_service_unit", "annual", 1, "qualified", date(2022, 8, 20))
    app = world.get(case.applicant, f"/api/v1/t/lijiang/applications/{case.app_id}")
    person = app["person"]["id"]
    decision = app["decisions"][0]["id"]
    assert "乡镇基层专业技术人才需求" in _page(world, "lj_city_hr", f"{T}/postings")
    assert "全科医生" in _page(world, "lj_city_hr", f"{T}/postings/{case.posting_id}")
    assert "宁蒗彝族自治县拉伯乡卫生院" in _page(world, "yn_province_hr", "/t/yunnan/postings")
    assert "到基层服务申请" in _page(world, "lj_county_hr_ninglang", f"{T}/applications")
    page = _page(world, case.applicant, f"{T}/applications/{case.app_id}")
    assert "资格判定" in page and "已到岗服务" in page
    assert "服务协议" in _page(world, "lj_service_unit", f"{T}/agreements/{case.agreement_id}")
    assert "到基层服务人员" in _page(world, "lj_county_hr_ninglang", f"{T}/placements")
    page = _page(world, "lj_service_unit", f"{T}/placements/{case.placement_id}")
    assert "合格（称职）" in page and "第2年年度考核" in page  # recorded, and what is due next
    # Each office is offered only the assessment the pack gives it: the service unit the annual one (第十条),
    # county HR the term-end appraisal (第十一条); the professional may ask for an extension.
    assert 'data-record="annual"' in page and 'data-record="term_end"' not in page
    county = _page(world, "lj_county_hr_ninglang", f"{T}/placements/{case.placement_id}")
    assert 'data-record="term_end"' in county and 'data-record="annual"' not in county and "结束服务" in county
    assert '<span data-due="annual-2">' in county and '<span data-due="annual-2">' not in page  # a link for its office only
    own = _page(world, case.applicant, f"{T}/placements/{case.placement_id}")
    assert 'data-testid="extend"' in own and "data-record=" not in own
    page = _page(world, "lj_county_hr_ninglang", f"{T}/people/{person}/timeline")
    assert "所在单位批准" in page and "《丽江市鼓励专业技术人员到基层服务暂行办法》第四条" in page
    page = _page(world, case.applicant, f"{T}/decisions/{decision}")
    assert "须为县及县以上（含省级）单位的人员" in page and "第二条" in page
    assert "Why" in _page(world, case.applicant, f"{T}/decisions/{decision}?lang=en")
    _page(world, "lj_teacher_li", f"{T}/applications/{case.app_id}", 403)
    _page(world, "km_city_hr", f"{T}/applications/{case.app_id}", 404)
    _page(world, "km_city_hr", f"/t/kunming/applications/{case.app_id}", 404)

    # The service unit records year 2 on its page; the county HR bureau the term-end appraisal.
    form = _page(world, "lj_service_unit", f"{T}/placements/{case.placement_id}/assess?kind=annual&year=2")
    assert "到基层服务专业技术人员年度考核结果" in form
    response = world.client("lj_service_unit").post(
        f"{T}/placements/{case.placement_id}/assess",
        data={"kind": "annual", "year_no": "2", "grade": "excellent", "assessed_on": "2023-08-20"})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    form = _page(world, "lj_county_hr_ninglang", f"{T}/placements/{case.placement_id}/assess?kind=term_end&year=2")
    assert "云南省专业技术人员到基层服务考核鉴定表" in form
    response = world.client("lj_county_hr_ninglang").post(
        f"{T}/placements/{case.placement_id}/assess",
        data={"kind": "term_end", "year_no": "2", "grade": "qualified", "assessed_on": "2023-09-02", "/summary": "完成任务"})
    assert response.status_code == 422 and "服务地县（区）人力资源和社会保障局鉴定意见" in response.get_data(as_text=True)
    response = world.client("lj_county_hr_ninglang").post(
        f"{T}/placements/{case.placement_id}/assess",
        data={"kind": "term_end", "year_no": "2", "grade": "qualified", "assessed_on": "2023-09-02",
              "/summary": TERM_END["summary"], "/county_hr_opinion": TERM_END["county_hr_opinion"]})
    assert response.status_code == 303
    page = _page(world, "lj_county_hr_ninglang", f"{T}/placements/{case.placement_id}")
    assert page.count('data-assessment="') == 3

    response = world.client("lj_county_hr_ninglang").post(f"{T}/placements/{case.placement_id}/end",
                                                          data={"end_date": "2023-08-31", "continuous": "on"})
    assert response.status_code == 303
    assert world.get(case.applicant, f"/api/v1/t/lijiang/placements/{case.placement_id}")["state"]["code"] == "ended"


def test_an_application_through_its_page(world):
    page = _page(world, "lj_doctor_nl", f"{T}/applications/new?program=grassroots_service")
    assert "云南省专业技术人员到基层服务申请登记表" in page and "身份证" in page
    number = id_number("530724", "19850312", 13)
    data = _posted(lijiang_application("沙建国", number, "1985-03-12", "male"))
    data.add("program", "grassroots_service")
    refused = world.client("lj_doctor_nl").post(f"{T}/applications/new", data=data, content_type="multipart/form-data")
    assert refused.status_code == 422 and "请上传「身份证」" in refused.get_data(as_text=True)
    assert number not in refused.get_data(as_text=True)  # a typed ID number is never sent back
    data = _posted(lijiang_application("沙建国", number, "1985-03-12", "male"))
    data.add("program", "grassroots_service")
    for slot in ("id_card", "qualification_certificate", "education_certificate"):
        data.add(f"attachment.{slot}", (io.BytesIO(PDF), f"{slot}.pdf"))
    response = world.client("lj_doctor_nl").post(f"{T}/applications/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    page = world.client("lj_doctor_nl").get(response.headers["Location"]).get_data(as_text=True)
    assert "审批中" in page and "已判定条件均符合" in page


def _field(page: str, pointer: str) -> str:
    """One field of a rendered pack form: its label, control, hint and errors."""
    block = page[page.index(f'<div class="field" data-field="{pointer}">'):]
    return block[:block.index("</div>")]


def test_the_application_form_opens_with_what_the_register_knows(world):
    # A professional: their unit's name and level from the unit register, their name from their login.
    page = _page(world, "lj_doctor_he", f"{T}/applications/new?program=grassroots_service")
    unit = _field(page, "/unit_name")
    assert 'value="丽江市人民医院"' in unit and "disabled" in unit and "按单位登记填写" in unit
    assert 'class="required"' not in unit  # nothing for them to fill in
    level = _field(page, "/unit_level")
    assert '<option value="city" selected>' in level and "disabled" in level and "按单位登记填写" in level
    assert level.count("selected") == 1 and 'class="required"' not in level
    assert 'value="和志明"' in _field(page, "/name") and 'class="required"' in _field(page, "/name")
    english = _page(world, "lj_doctor_he", f"{T}/applications/new?program=grassroots_service&lang=en")
    assert "As registered for the unit" in _field(english, "/unit_level")

    # An HR officer filing for someone: nothing until the unit is chosen; after a refused submission, that unit's.
    hr = "lj_county_hr_ninglang"
    page = _page(world, hr, f"{T}/applications/new?program=grassroots_service")
    unit, level = _field(page, "/unit_name"), _field(page, "/unit_level")
    assert 'value=""' in unit and "按上方所选单位的登记信息填写" in unit and "selected" not in level
    assert 'value=""' in _field(page, "/name")
    data = _posted(lijiang_application("沙建国", id_number("530724", "19850312", 13), "1985-03-12", "male"))
    data.add("program", "grassroots_service")
    data.add("unit_code", "lj-nl-peoples-hospital")
    refused = world.client(hr).post(f"{T}/applications/new", data=data, content_type="multipart/form-data")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "请上传「身份证」" in page and 'value="沙建国"' in _field(page, "/name")
    assert 'value="宁蒗彝族自治县人民医院"' in _field(page, "/unit_name")
    assert '<option value="county" selected>' in _field(page, "/unit_level")
    assert '<option value="lj-nl-peoples-hospital" selected>' in page  # the unit stays chosen


def test_a_professional_with_several_units_chooses_one(world):
    """A professional registered at two units chooses the one they apply from (with one, there is no choice);
    the locked unit fields follow the choice on every re-render, and the application is filed for it."""
    assert 'data-testid="own-unit"' not in _page(world, "lj_doctor_he", f"{T}/applications/new?program=grassroots_service")
    add_member("lijiang", "lj_doctor_he", "professional", "unit", "lj-nl-peoples-hospital")
    client, path = world.client("lj_doctor_he"), f"{T}/applications/new"
    page = _page(world, "lj_doctor_he", f"{path}?program=grassroots_service")
    choice = page[page.index('<select id="unit_code"'):]
    choice = choice[:choice.index("</select>")]
    assert re.findall(r'<option value="([^"]*)"', choice) == ["", "lj-city-peoples-hospital", "lj-nl-peoples-hospital"]
    assert '<option value="" selected>' in choice and "请选择以哪个单位申请" in page
    unit, level = _field(page, "/unit_name"), _field(page, "/unit_level")
    assert 'value=""' in unit and "按上方所选单位的登记信息填写" in unit and "selected" not in level
    assert 'value="和志明"' in _field(page, "/name")  # their name all the same
    page = _page(world, "lj_doctor_he", f"{path}?program=grassroots_service&unit_code=lj-nl-peoples-hospital")
    assert 'value="宁蒗彝族自治县人民医院"' in _field(page, "/unit_name")
    assert '<option value="lj-nl-peoples-hospital" selected>' in page

    number = id_number("530702", "19800101", 17)

    def post(unit_code: str | None, files: bool = False):
        data = _posted(lijiang_application("和志明", number, "1980-01-01", "male"))
        data.add("program", "grassroots_service")
        if unit_code is not None:
            data.add("unit_code", unit_code)
        for slot in ("id_card", "qualification_certificate", "education_certificate") if files else ():
            data.add(f"attachment.{slot}", (io.BytesIO(PDF), f"{slot}.pdf"))
        return client.post(f"{path}?program=grassroots_service", data=data, content_type="multipart/form-data")

    refused = post(None)  # no unit chosen
    assert refused.status_code == 422 and "请选择您所在的单位" in refused.get_data(as_text=True)
    assert 'value=""' in _field(refused.get_data(as_text=True), "/unit_name")
    for code, name, level in (("lj-nl-peoples-hospital", "宁蒗彝族自治县人民医院", "county"),
                              ("lj-city-peoples-hospital", "丽江市人民医院", "city")):
        refused = post(code)  # no attachments: re-rendered with the chosen unit's register entry
        page = refused.get_data(as_text=True)
        assert refused.status_code == 422 and "请上传「身份证」" in page
        assert f'value="{name}"' in _field(page, "/unit_name") and "disabled" in _field(page, "/unit_name")
        assert f'<option value="{level}" selected>' in _field(page, "/unit_level")
        assert f'<option value="{code}" selected>' in page  # the unit stays chosen
    refused = post("lj-yl-shigu-hc")  # not one of theirs
    assert refused.status_code == 422 and "请选择您所在的单位" in refused.get_data(as_text=True)
    response = post("lj-nl-peoples-hospital", files=True)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    app_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert world.get("lj_doctor_he", f"/api/v1/t/lijiang/applications/{app_id}")["unit"]["code"] == "lj-nl-peoples-hospital"


def test_a_posting_through_its_page(world):
    page = _page(world, "lj_county_hr_ninglang", f"{T}/postings/new?program=grassroots_service")
    assert "云南省乡镇基层专业技术人员需求信息表" in page and "拉伯乡卫生院" in page
    assert "丽江市人民医院" not in page  # only units in the officer's county
    data = MultiDict([("program", "grassroots_service"), ("unit_code", "lj-nl-labo-hc"), ("/posts/0/post_name", "全科医生"),
                      ("/posts/0/specialty", "临床医学"), ("/posts/0/headcount", "1"), ("/posts/0/service_years", "2"),
                      ("/contact", "杨医生"), ("/phone", "0888-5500000"), ("/filled_on", "2024-01-10")])
    response = world.client("lj_county_hr_ninglang").post(f"{T}/postings/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    posting = response.headers["Location"].rsplit("/", 1)[-1]
    assert world.client("lj_county_hr_ninglang").post(f"{T}/postings/{posting}/publish").status_code == 303
    assert "已发布" in _page(world, "lj_doctor_nl", f"{T}/postings/{posting}")


def test_list_pages_cost_the_same_whatever_their_rows(world):
    def counts():
        out = {}
        for path in (f"{T}/applications", f"{T}/placements", f"{T}/postings"):
            _page(world, "lj_city_hr", path)
            with count_queries(db.engine) as statements:
                _page(world, "lj_city_hr", path)
            out[path] = len(statements)
        return out

    run_lijiang(world, ninglang_case(date(2020, 9, 1), date(2022, 8, 31)))
    one = counts()
    run_lijiang(world, ninglang_case(date(2021, 9, 1), date(2023, 8, 31)))
    run_lijiang(world, ninglang_case(date(2022, 9, 1), date(2024, 8, 31)))
    assert counts() == one
