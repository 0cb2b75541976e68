"""The secondment journeys in Chromium, by the people who do each step, each signing in as themselves.

Lijiang (《丽江市鼓励专业技术人员到基层服务暂行办法》): Ninglang's county HR bureau posts and publishes the
Labo health centre's needs (需求信息表); a doctor of the county people's hospital fills in the application form (申请登记表) with its
attachments; the hospital, its supervising health bureau and the county HR bureau act in their inboxes (the
bureau returns it once for a correction); the county HR bureau matches it to the posting; the tripartite
agreement is signed and filed by each party; the service unit records the annual assessments and the county
HR bureau the term-end appraisal (考核鉴定). Then the year-end provincial roster: compiled by the city HR
bureau, reviewed along the claim chain by a second city HR officer, the city finance bureau and the
province's officers, batched, approved and paid; its amount is the evaluation API's for the same facts, and
the doctor's timeline shows the payment. Kunming (昆人才办〔2020〕2号, 八): an application with no chain, the
match, the agreement, and the full-time dispatch recognised by the sending unit and the city talent office.

The dates are relative to today (China time): the service began three years ago, so both service years and
the term-end appraisal lie in the past and the first payment fell due last year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from grassroots.packs.versions import china_today
from tests.browser.conftest import screenshot, sign_in
from tests.placement.conftest import PDF, id_number

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("secondment_staff")]

TODAY = china_today()
START = date(TODAY.year - 3, 3, 1)  # three years ago: two full service years and the appraisal are behind us
END = date(TODAY.year - 1, 3, 1) - timedelta(days=1)  # the agreed last day: two full years
ROSTER_YEAR = TODAY.year - 1  # the first payment falls due on the second anniversary (第十四条)


@dataclass
class People:
    """One browser context per person, signed in once through the login form; no cookies shared."""

    new_page: object
    pages: dict[str, Page] = field(default_factory=dict)

    def __call__(self, username: str) -> Page:
        if username not in self.pages:
            page = self.new_page()
            sign_in(page, username)
            self.pages[username] = page
        return self.pages[username]


def submit(page: Page, button) -> None:
    with page.expect_navigation():
        button.click()


def flashed(page: Page, text: str) -> None:
    expect(page.locator(".flash.success")).to_contain_text(text)


def act_in_inbox(page: Page, slug: str, subject_href: str, outcome: str = "同意", reason: str | None = None) -> None:
    """Find the subject in one's 待办 and act on it: 同意 / 备案 by its button, 退回修改 with a reason."""
    page.goto(f"/t/{slug}/inbox")
    row = page.locator("[data-testid=inbox] tr[data-task]").filter(has=page.locator(f'a[href="{subject_href}"]'))
    expect(row).to_have_count(1)
    if reason is None:
        submit(page, row.get_by_role("button", name=outcome, exact=True))
    else:
        details = row.locator("details").filter(has=page.locator("summary", has_text=outcome))
        details.locator("summary").click()
        details.locator("input[name=reason]").fill(reason)
        submit(page, details.get_by_role("button", name=outcome, exact=True))
    expect(page.locator(".flash.success")).to_contain_text(f"已办理：{outcome}")
    expect(page.locator("[data-testid=inbox]").locator(f'a[href="{subject_href}"]')).to_have_count(0)


def path(url: str) -> str:
    return urlsplit(url).path


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def id_from(url: str, kind: str) -> int:
    return int(re.search(rf"/{kind}/(\d+)", url).group(1))


def sign_agreement(page: Page, agreement_url: str) -> None:
    page.goto(agreement_url)
    submit(page, page.locator("[data-testid=sign]"))
    flashed(page, "已签署")


def assess(page: Page, placement_url: str, kind: str, year: int, grade: str, on: date, extra: dict | None = None) -> None:
    """From the placement page's 待考核 link: the year, the grade (its local label) and the date."""
    page.goto(placement_url)
    page.locator(f"[data-due={kind}-{year}]").click()
    page.wait_for_url(re.compile(r"/assess\?"))
    expect(page.locator("#year_no")).to_have_value(str(year))
    page.select_option("#grade", label=grade)
    page.fill("#assessed_on", on.isoformat())
    for selector, value in (extra or {}).items():
        page.fill(selector, value)
    submit(page, page.get_by_role("button", name="录入", exact=True))
    flashed(page, "考核已录入")


# --- Lijiang ------------------------------------------------------------------------------------------------


def post_labo_needs(people: People) -> str:
    """Ninglang's county HR bureau fills in the 需求信息表 for Labo's health centre and publishes it."""
    hr = people("lj_county_hr_ninglang")
    hr.goto("/t/lijiang/postings")
    hr.click("[data-testid=new-posting]")
    expect(hr.locator("h1")).to_have_text("云南省乡镇基层专业技术人员需求信息表")
    hr.select_option("#unit_code", label="宁蒗彝族自治县拉伯乡卫生院")
    hr.fill("#f-posts-0-post-name", "全科医生")
    hr.fill("#f-posts-0-specialty", "临床医学")
    hr.select_option("#f-posts-0-title-requirement", label="中级")
    hr.select_option("#f-posts-0-licence-requirement", label="执业医师")
    hr.fill("#f-posts-0-headcount", "2")
    hr.fill("#f-posts-0-service-years", "2")
    hr.fill("#f-posts-0-duties", "门诊、公共卫生服务")
    hr.fill("#f-contact", "杨医生")
    hr.fill("#f-phone", "0888-5500000")
    hr.fill("#f-filled-on", date(START.year, 1, 15).isoformat())  # collected at the start of the year
    submit(hr, hr.get_by_role("button", name="保存", exact=True))
    flashed(hr, "已保存岗位需求（草稿）")
    expect(hr.locator("main [data-state=draft]")).to_be_visible()
    expect(hr.locator("[data-testid=posts]")).to_contain_text("全科医生")
    submit(hr, hr.locator("[data-testid=publish]"))
    expect(hr.locator("main [data-state=published]")).to_be_visible()
    screenshot(hr, "secondment-01-posting-published")
    return hr.url


def apply_as_doctor(people: People) -> str:
    """The doctor fills in the 申请登记表 with its three attachments and submits it."""
    doctor = people("lj_doctor_nl")
    doctor.goto("/t/lijiang/applications")
    doctor.click("[data-testid=new-application]")
    expect(doctor.locator("[data-testid=form-title]")).to_have_text("云南省专业技术人员到基层服务申请登记表")
    # What the platform knows arrives filled in: the name from the login (the test users' display name is their
    # username), the unit's name and level from the unit register, which the doctor cannot change.
    expect(doctor.locator("#f-name")).to_have_value("lj_doctor_nl")
    expect(doctor.locator("#f-unit-name")).to_have_value("宁蒗彝族自治县人民医院")
    expect(doctor.locator("#f-unit-name")).to_be_disabled()
    expect(doctor.locator("#f-unit-level")).to_have_value("county")
    expect(doctor.locator("#f-unit-level option:checked")).to_have_text("县（区）")
    expect(doctor.locator("#f-unit-level")).to_be_disabled()
    expect(doctor.locator("[data-field='/unit_level'] .hint")).to_have_text("按单位登记填写")
    expect(doctor.locator("[data-field='/unit_level'] .required")).to_have_count(0)
    doctor.fill("#f-name", "沙建国")
    doctor.select_option("#f-gender", label="男")
    doctor.fill("#f-birth-date", "1985-03-12")
    doctor.fill("#f-ethnicity", "彝族")
    doctor.fill("#f-id-number", id_number("530724", "19850312", 13))
    doctor.select_option("#f-education", label="本科")
    doctor.fill("#f-major", "临床医学")
    doctor.fill("#f-phone", "0888-5123456")
    doctor.fill("#f-title-name", "主治医师")
    doctor.select_option("#f-title-level", label="中级")
    doctor.select_option("#f-title-series", label="卫生")
    doctor.check("[name='/licenses'][value=practising_physician]")
    doctor.fill("#f-supervisor-name", "宁蒗彝族自治县卫生健康局")
    doctor.select_option("#f-sector", label="卫生")
    doctor.fill("#f-service-county", "宁蒗彝族自治县")
    doctor.fill("#f-service-post", "乡卫生院 全科医生")
    doctor.fill("#f-planned-years", "2")
    doctor.check("#f-voluntary")
    doctor.set_input_files("#att-id_card", pdf("身份证.pdf"))
    doctor.set_input_files("#att-qualification_certificate", pdf("执业医师资格证.pdf"))
    doctor.set_input_files("#att-education_certificate", pdf("学历证.pdf"))
    screenshot(doctor, "secondment-02-application-form")
    submit(doctor, doctor.get_by_role("button", name="提交申请", exact=True))
    flashed(doctor, "申请已提交")
    expect(doctor.locator("[data-testid=application-state] [data-state]")).to_have_attribute("data-state", "submitted")
    # The service unit's rules wait for the match: every rule decided so far holds.
    expect(doctor.locator("[data-testid=decisions]")).to_contain_text("已判定条件均符合，其余待后续环节确认")
    return doctor.url


def approve_application(people: People, app_url: str) -> None:
    """Own unit → its supervising bureau (returns it once; the doctor corrects it) → own unit, bureau → county
    HR bureau files it (a county-level unit files with its county, 第四条)."""
    href = path(app_url)
    act_in_inbox(people("lj_nl_hospital"), "lijiang", href)
    bureau = people("lj_nl_health_bureau")
    act_in_inbox(bureau, "lijiang", href, "退回修改", reason="请补充主管部门全称和联系电话")

    doctor = people("lj_doctor_nl")
    doctor.goto(app_url)
    expect(doctor.locator("[data-testid=application-state] [data-state]")).to_have_attribute("data-state", "returned")
    doctor.click("[data-testid=edit]")
    expect(doctor.locator("[data-existing=id_card]")).to_contain_text("身份证.pdf")  # the files stay on file
    doctor.fill("#f-supervisor-name", "宁蒗彝族自治县卫生健康局（县卫健局）")
    doctor.fill("#f-phone", "0888-5123457")
    screenshot(doctor, "secondment-03-returned-for-revision")
    submit(doctor, doctor.get_by_role("button", name="重新提交", exact=True))
    flashed(doctor, "申请已提交")
    expect(doctor.locator("[data-testid=application-state] [data-state]")).to_have_attribute("data-state", "submitted")

    for approver, outcome in (("lj_nl_hospital", "同意"), ("lj_nl_health_bureau", "同意"),
                              ("lj_county_hr_ninglang", "备案")):
        act_in_inbox(people(approver), "lijiang", href, outcome)
    doctor.goto(app_url)
    expect(doctor.locator("[data-testid=application-state] [data-state]")).to_have_attribute("data-state", "approved")

    # The county HR bureau's filed copy: the corrected form with its three attachments.
    hr = people("lj_county_hr_ninglang")
    hr.goto(app_url)
    hr.get_by_role("link", name="查看", exact=True).click()
    expect(hr.locator("[data-testid=form-title]")).to_have_text("云南省专业技术人员到基层服务申请登记表")
    expect(hr.locator("[data-testid=record]")).to_contain_text("宁蒗彝族自治县卫生健康局（县卫健局）")
    for name in ("身份证.pdf", "执业医师资格证.pdf", "学历证.pdf"):
        expect(hr.locator("[data-testid=attachment-list]")).to_contain_text(name)


def match_and_sign(people: People, app_url: str, posting_url: str) -> tuple[str, str]:
    """The county HR bureau matches; the doctor sets the term and signs; each party signs or files."""
    hr = people("lj_county_hr_ninglang")
    hr.goto(app_url)
    posting_id = str(id_from(posting_url, "postings"))
    hr.select_option("#posting_id", posting_id)
    submit(hr, hr.locator("[data-testid=match]"))
    flashed(hr, "已匹配岗位")
    agreement_url = hr.url
    assert "/agreements/" in agreement_url

    doctor = people("lj_doctor_nl")
    doctor.goto(agreement_url)
    expect(doctor.locator("[data-testid=agreement-state] [data-state]")).to_have_attribute("data-state", "drafted")
    doctor.fill("#start_date", START.isoformat())
    doctor.fill("#end_date", END.isoformat())
    doctor.fill("#duties", "门诊、公共卫生服务")
    doctor.fill("#f-management-duties", "服务单位负责考勤、工作、安全、健康管理")
    submit(doctor, doctor.get_by_role("button", name="保存条款", exact=True))
    flashed(doctor, "协议条款已保存")
    expect(doctor.locator("main")).to_contain_text(f"{START.isoformat()} — {END.isoformat()}")
    sign_agreement(doctor, agreement_url)
    expect(doctor.locator("[data-testid=agreement-state] [data-state]")).to_have_attribute("data-state", "signing")

    # 第六条: the service county receives, the unit signs, the city files, the own unit files the leave, and
    # the tripartite agreement is signed by the county HR bureau and the service unit together.
    for party in ("lj_county_hr_ninglang", "lj_service_unit", "lj_city_hr", "lj_nl_hospital",
                  "lj_county_hr_ninglang", "lj_service_unit"):
        sign_agreement(people(party), agreement_url)
    page = people("lj_service_unit")
    expect(page.locator("[data-testid=agreement-state] [data-state]")).to_have_attribute("data-state", "signed")
    screenshot(page, "secondment-04-agreement-signed")
    placement_link = page.locator("[data-testid=agreement-state] a[href*='/placements/']")
    placement_url = placement_link.get_attribute("href")
    return agreement_url, placement_url


def assess_two_years(people: People, placement_url: str) -> None:
    unit = people("lj_service_unit")
    unit.goto(placement_url)
    expect(unit.locator("[data-testid=placement-state] [data-state]").first).to_have_attribute("data-state", "serving")
    assess(unit, placement_url, "annual", 1, "合格（称职）", date(START.year + 1, 2, 20))
    assess(unit, placement_url, "annual", 2, "优秀", date(START.year + 2, 2, 20))
    hr = people("lj_county_hr_ninglang")
    assess(hr, placement_url, "term_end", 2, "合格（称职）", END + timedelta(days=10),
           {"#f-summary": "完成门诊及公共卫生服务任务", "#f-county-hr-opinion": "考核鉴定合格"})
    hr.goto(placement_url)
    rows = hr.locator("[data-testid=assessments] tbody tr")
    expect(rows).to_have_count(3)
    expect(hr.locator("[data-testid=assessments]")).to_contain_text("优秀")
    screenshot(hr, "secondment-05-assessments")


def cell(table, row, header: str) -> str:
    """The text of `row`'s cell under the column titled `header`."""
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    return row.locator("td").nth(headers.index(header)).inner_text().strip()


def evaluation_answer(page: Page, placement_url: str, as_of: date) -> dict:
    """What the public evaluation API answers for the facts the platform holds on the placement."""
    placement_id = id_from(placement_url, "placements")
    facts = page.request.get(f"/api/v1/t/lijiang/placements/{placement_id}/facts?as_of={as_of.isoformat()}")
    assert facts.ok, facts.text()
    answer = page.request.post("/api/v1/t/lijiang/programs/grassroots_service/evaluate", data=facts.json()["facts"])
    assert answer.ok, answer.text()
    return answer.json()


def compile_and_review_roster(people: People) -> str:
    """The city HR bureau compiles the provincial roster (附件4); the claim chain (第十二条): a second city HR
    officer and the city finance bureau together, then the province's HR and finance departments."""
    city = people("lj_city_hr")
    city.goto("/t/lijiang/subsidy/rosters")
    form = city.locator("[data-testid=compile-form]")
    form.locator("#payer").select_option(label="云南省财政（省级工作岗位补贴）")
    form.locator("#year").fill(str(ROSTER_YEAR))
    submit(city, form.get_by_role("button", name="编制并报送"))
    flashed(city, "已编制 1 份名册")
    roster_url = city.url
    expect(city.locator("[data-testid=roster-state]")).to_have_text("审核中")
    screenshot(city, "secondment-06-roster-compiled")
    href = path(roster_url)
    for reviewer in ("lj_city_hr_2", "lj_city_finance", "yn_province_hr", "yn_province_finance"):
        act_in_inbox(people(reviewer), "lijiang", href)
    city.goto(roster_url)
    expect(city.locator("[data-testid=roster-state]")).to_have_text("已审核通过")
    return roster_url


def test_lijiang_from_posting_to_payment(new_page):
    people = People(new_page)
    posting_url = post_labo_needs(people)
    city = people("lj_city_hr")
    city.goto("/t/lijiang/postings")
    row = city.locator(f"[data-testid=postings] tr[data-posting='{id_from(posting_url, 'postings')}']")
    expect(row).to_contain_text("宁蒗彝族自治县拉伯乡卫生院")
    expect(row.locator("[data-state=published]")).to_be_visible()

    app_url = apply_as_doctor(people)
    approve_application(people, app_url)
    _agreement_url, placement_url = match_and_sign(people, app_url, posting_url)
    assess_two_years(people, placement_url)

    roster_url = compile_and_review_roster(people)
    city.goto(roster_url)
    lines = city.locator("[data-testid=roster-lines]")
    line = lines.locator("tbody tr").filter(has_text="沙建国")
    expect(line).to_have_count(1)
    expect(city.locator("[data-testid=roster-summary]")).to_contain_text("云南省财政（省级工作岗位补贴）")
    # The amount on the roster is the evaluation API's for the facts the platform holds, as of the year's end.
    answer = evaluation_answer(city, placement_url, date(ROSTER_YEAR, 12, 31))
    provincial = [p for p in answer["payments"] if p["payer"] == "yunnan_finance"]
    assert [(p["component"], p["years"]) for p in provincial] == [("provincial_post_subsidy", [1, 2])]
    assert cell(lines, line, "申报金额（元）") == provincial[0]["amount"] == "20000.00"
    assert cell(lines, line, "申报补贴年度（服务第几年）") == "1–2"
    assert cell(lines, line, "服务周年数") == str(answer["service"]["full_years"]) == "2"
    expect(city.locator("[data-testid=roster-total]")).to_have_text(provincial[0]["amount"])
    screenshot(city, "secondment-07-roster-approved")

    # Disbursement: the city HR bureau prepares the batch, the finance bureau approves it and pays it.
    city.locator("[data-testid=batch-form] #note").fill(f"{ROSTER_YEAR}年度省级工作岗位补贴")
    submit(city, city.get_by_role("button", name="编制拨付批次"))
    flashed(city, "已编制拨付批次")
    batch_url = city.url
    expect(city.locator("[data-testid=batch-state]")).to_have_text("待审批")
    finance = people("lj_city_finance")
    finance.goto(batch_url)
    submit(finance, finance.get_by_role("button", name="审批同意拨付"))
    flashed(finance, "已审批")
    expect(finance.locator("[data-testid=batch-state]")).to_have_text("已审批，待拨付")
    reference = f"YN-{ROSTER_YEAR}-0001"
    finance.fill("#reference", reference)
    submit(finance, finance.get_by_role("button", name="标记为已拨付"))
    flashed(finance, "已标记为已拨付")
    expect(finance.locator("[data-testid=batch-state]")).to_have_text("已拨付")
    expect(finance.locator("[data-testid=paid-total]")).to_have_text("20000.00")
    expect(finance.locator("[data-testid=batch-summary]")).to_contain_text(reference)
    screenshot(finance, "secondment-08-batch-paid")

    # The doctor's own timeline shows what was decided, claimed and paid.
    doctor = people("lj_doctor_nl")
    doctor.goto(app_url)
    doctor.get_by_role("link", name="服务经历").click()
    doctor.wait_for_url(re.compile(r"/people/\d+/timeline$"))
    timeline = doctor.locator("[data-testid=timeline]")
    paid = timeline.locator("tr[data-kind='subsidy.payment']")
    expect(paid).to_have_count(1)
    for text in ("已拨付", "20000.00 元", f"凭证号 {reference}"):
        expect(paid).to_contain_text(text)
    expect(timeline.locator("tr[data-kind='subsidy.roster']")).to_contain_text("已审核通过")
    screenshot(doctor, "secondment-09-timeline-paid")

    # A Kunming officer cannot open the Lijiang application by its id: not in Lijiang, nor under Kunming.
    kunming = people("km_city_hr")
    app_id = id_from(app_url, "applications")
    for url in (f"/t/lijiang/applications/{app_id}", f"/t/kunming/applications/{app_id}"):
        response = kunming.goto(url)
        assert response.status == 404, url
        expect(kunming.locator("section.error[data-status='404']")).to_be_visible()
        assert "沙建国" not in kunming.content()


# --- Kunming ------------------------------------------------------------------------------------------------


def choose_program(page: Page, name: str) -> None:
    """Kunming runs several programs: the form asks which one first."""
    page.select_option("#program", label=name)
    submit(page, page.get_by_role("button", name="下一步"))


def test_kunming_township_support_recognised_by_the_talent_office(new_page):
    people = People(new_page)
    program = "下派乡镇学校、卫生院对口支援工作岗位补贴"
    hr = people("km_county_hr_luquan")
    hr.goto("/t/kunming/postings")
    hr.click("[data-testid=new-posting]")
    choose_program(hr, program)
    hr.select_option("#unit_code", label="禄劝彝族苗族自治县乌蒙乡卫生院")
    hr.fill("#post_name", "全科医生")
    hr.fill("#headcount", "2")
    hr.fill("#service_years", "1")
    hr.fill("#duties", "门诊、巡诊")
    submit(hr, hr.get_by_role("button", name="保存", exact=True))
    flashed(hr, "已保存岗位需求（草稿）")
    submit(hr, hr.locator("[data-testid=publish]"))
    expect(hr.locator("main [data-state=published]")).to_be_visible()
    posting_id = str(id_from(hr.url, "postings"))

    doctor = people("km_doctor_lq")
    doctor.goto("/t/kunming/applications")
    doctor.click("[data-testid=new-application]")
    choose_program(doctor, program)
    expect(doctor.locator("[data-testid=form-title]")).to_have_text("昆明市乡镇学校、卫生院对口支援人员工作岗位补贴申请表")
    doctor.fill("#f-name", "普建华")
    doctor.select_option("#f-gender", label="男")
    doctor.fill("#f-birth-date", "1987-07-04")
    doctor.fill("#f-id-number", id_number("530128", "19870704", 21))
    expect(doctor.locator("#f-unit-name")).to_have_value("禄劝彝族苗族自治县第一人民医院")  # from the unit register
    expect(doctor.locator("#f-unit-name")).to_be_disabled()
    doctor.fill("#f-phone", "0871-8891234")
    doctor.fill("#f-title-name", "主治医师")
    doctor.select_option("#f-title-level", label="中级")
    doctor.check("[name='/licenses'][value=practising_physician]")
    doctor.fill("#f-service-unit", "乌蒙乡卫生院")
    doctor.fill("#f-service-start", START.isoformat())
    doctor.set_input_files("#att-qualification_certificate", pdf("执业医师资格证.pdf"))
    submit(doctor, doctor.get_by_role("button", name="提交申请", exact=True))
    flashed(doctor, "申请已提交")
    # 八 names no application chain: eligibility is the gate.
    expect(doctor.locator("[data-testid=application-state] [data-state]")).to_have_attribute("data-state", "approved")
    expect(doctor.locator("main")).to_contain_text("本项目无审批流程")
    app_url = doctor.url

    hr.goto(app_url)
    hr.select_option("#posting_id", posting_id)
    submit(hr, hr.locator("[data-testid=match]"))
    flashed(hr, "已匹配岗位")
    agreement_url = hr.url

    end = date(START.year + 3, 3, 1) - timedelta(days=1)
    doctor.goto(agreement_url)
    doctor.fill("#start_date", START.isoformat())
    doctor.fill("#end_date", end.isoformat())
    submit(doctor, doctor.get_by_role("button", name="保存条款", exact=True))
    flashed(doctor, "协议条款已保存")
    sign_agreement(doctor, agreement_url)
    for party in ("km_county_hr_luquan", "km_service_unit"):
        sign_agreement(people(party), agreement_url)
    unit = people("km_service_unit")
    expect(unit.locator("[data-testid=agreement-state] [data-state]")).to_have_attribute("data-state", "signed")
    placement_url = unit.locator("[data-testid=agreement-state] a[href*='/placements/']").get_attribute("href")

    hr.goto(placement_url)
    expect(hr.locator("[data-testid=placement-state] [data-state=pending]")).to_have_text("待认可")
    expect(hr.locator("[data-testid=decisions] tbody tr").last).to_contain_text("已判定条件均符合，其余待后续环节确认")
    screenshot(hr, "secondment-10-kunming-awaiting-recognition")

    # 全职选派: the sending unit selects, the city talent office recognises (八).
    for officer in ("km_applicant_unit", "km_talent_office"):
        act_in_inbox(people(officer), "kunming", path(placement_url))
    hr.goto(placement_url)
    expect(hr.locator("[data-testid=placement-state] [data-state=recognised]")).to_have_text("已认可")
    expect(hr.locator("table.record tr").filter(has_text="认可单位")).to_contain_text("昆明市人才工作领导小组办公室")
    expect(hr.locator("[data-testid=decisions] tbody tr").last).to_contain_text("选派认可")
    expect(hr.locator("[data-testid=decisions] tbody tr").last).to_contain_text("符合条件")
    screenshot(hr, "secondment-11-kunming-recognised")

    # Lijiang's officers do not see it, whether they ask under Kunming or under Lijiang.
    lijiang = people("lj_city_hr")
    placement_id = id_from(placement_url, "placements")
    for url in (f"/t/kunming/placements/{placement_id}", f"/t/lijiang/placements/{placement_id}"):
        assert lijiang.goto(url).status == 404, url
        assert "普建华" not in lijiang.content()
