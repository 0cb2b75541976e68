"""A small, valid pack written for these tests (not the real packs, which are edited separately).

`grassroots_service` follows Lijiang 000 第二条/第十四条/第十六条: county-level-or-above professionals with an
intermediate title or a physician's licence, serving at a township; 10,000/yr from the province, another
10,000/yr from the city when remote; nothing under 2 full years, a lump for years 1–2 on the 2nd anniversary,
then each full year; a year with a failing assessment is not paid.
`early_title` (title_track) exercises attested leaves, derived age and outcomes.
"""

from __future__ import annotations

import json

CITE = {"doc": "lijiang-2017", "article": "第二条"}


def text(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def field(title: str, fact: str | None = None, **schema) -> dict:
    prop = {"title": title, **schema}
    if fact:
        prop["x-fact"] = fact
    return prop


PACK: dict = {
    "$comment": "test fixture",
    "format": 1,
    "jurisdiction": {
        "slug": "testcity", "name": text("测试市", "Test City"), "level": "city", "parent": None,
        "currency": "CNY", "locale": "zh-CN",
        "sources": [{
            "id": "lijiang-2017", "title": "丽江市鼓励专业技术人员到基层服务暂行办法", "number": None,
            "issuer": "丽江市人力资源和社会保障局", "issued": None, "effective": None, "status": "暂行",
            "file": "000_42c67b067206fc79.txt",
        }],
    },
    "vocabulary": {
        "grades": [
            {"id": "excellent", "label": text("优秀", "Excellent"), "passes": True, "cite": CITE},
            {"id": "qualified", "label": text("合格（称职）", "Qualified"), "passes": True, "cite": CITE},
            {"id": "basically_qualified", "label": text("基本合格", "Basically qualified"), "passes": True, "cite": CITE},
            {"id": "unqualified", "label": text("不合格（不称职）", "Unqualified"), "passes": False,
             "cite": {"doc": "lijiang-2017", "article": "第十六条"}},
        ],
        "area_tags": [{"id": "remote", "label": text("偏远乡（镇）", "Remote township"), "cite": CITE}],
        "offices": [
            {"id": "unit", "name": text("所在单位", "Own unit"), "level": "unit", "permissions": ["application.approve"]},
            {"id": "county_hr", "name": text("县（区）人社局", "County HR bureau"), "level": "county",
             "permissions": ["application.file", "assessment.record"]},
            {"id": "city_hr", "name": text("市人社局", "City HR bureau"), "level": "city",
             "permissions": ["application.file", "roster.compile"]},
            {"id": "province_hr", "name": text("省人社厅", "Provincial HR department"), "level": "province",
             "permissions": ["application.file"]},
            {"id": "party_org", "name": text("党组织", "Party organisation"), "level": "unit", "permissions": ["application.review"]},
        ],
    },
    "payers": [
        {"id": "province_finance", "name": text("省财政", "Provincial finance"), "level": "province"},
        {"id": "city_finance", "name": text("市财政", "City finance"), "level": "city"},
    ],
    "subsidy_components": [
        {"id": "provincial_post_subsidy", "name": text("省级工作岗位补贴", "Provincial post subsidy"),
         "amount_per_year": "10000.00", "currency": "CNY", "payer": "province_finance", "cite": CITE,
         "locked": ["amount_per_year", "payer"]},
        {"id": "remote_city_subsidy", "name": text("市级偏远补贴", "City remote subsidy"),
         "amount_per_year": "10000.00", "currency": "CNY", "payer": "city_finance", "cite": CITE},
    ],
    "approval_chains": [{
        "id": "application", "name": text("申请审批", "Application approval"),
        "cite": {"doc": "lijiang-2017", "article": "第四条"},
        "steps": [
            {"id": "unit_approval", "name": text("所在单位批准", "Own unit approves"), "kind": "approve",
             "office": "unit", "scope": "applicant_unit", "deadline_days": 15, "cite": {"doc": "lijiang-2017", "article": "第四条"}},
            {"id": "filing", "name": text("审核备案", "Filing"), "kind": "file", "cite": {"doc": "lijiang-2017", "article": "第四条"},
             "route": {"fact": "person.unit_level", "cases": {
                 "province": {"office": "province_hr", "scope": "province"},
                 "city": {"office": "city_hr", "scope": "city"},
                 "county": {"office": "county_hr", "scope": "applicant_county"}},
                 "default": {"office": "county_hr", "scope": "applicant_county"}}},
        ],
    }],
    "forms": [{
        "id": "application_form", "title": text("云南省专业技术人员到基层服务申请登记表", "Application form"),
        "annex": "附件2", "cite": {"doc": "lijiang-2017", "article": "第四条"},
        "schema": {"type": "object", "required": ["name"], "properties": {
            "name": field("姓名", type="string"),
            "birth_date": field("出生日期", "person.birth_date", type="string", format="date"),
            "unit_level": field("单位层级", "person.unit_level", enum=["township", "county", "city", "province"]),
            "title_level": field("职称", "person.title_level", type="string"),
            "licenses": field("执业资格", "person.licenses", type="array", items={"type": "string"}),
        }},
        "layout": [{"title": text("基本情况", "Basics"), "fields": ["name", "birth_date", "unit_level"]}],
        "attachments": [{"id": "id_card", "name": text("身份证", "ID card"), "required": True, "types": ["pdf", "jpg"], "max_mb": 10}],
        "copies": [{"recipient": text("申请人", "Applicant")}, {"recipient": text("县人社局", "County HR"), "office": "county_hr"}],
    }],
    "programs": [
        {
            "id": "grassroots_service", "name": text("到基层服务", "Grassroots service"), "kind": "secondment", "cite": CITE,
            "lead_office": "city_hr",
            "active": {"from": "2017-01-01", "to": None},
            "eligibility": {"all": [
                {"id": "unit_level", "fact": "person.unit_level", "op": "in", "value": ["county", "city", "province"], "cite": CITE,
                 "message": text("须为县及县以上单位人员", "Must work at a county-level or higher unit")},
                {"id": "title_or_licence", "any": [
                    {"id": "title", "fact": "person.title_level", "op": "gte", "value": "intermediate", "cite": CITE,
                     "message": text("须具有中级以上（含中级）职称", "Must hold an intermediate or higher title")},
                    {"id": "licence", "fact": "person.licenses", "op": "contains", "value": "practising_physician", "cite": CITE,
                     "message": text("或具有执业医师资格", "Or be a practising physician")},
                ]},
                {"id": "township", "fact": "placement.unit_level", "op": "eq", "value": "township", "cite": CITE,
                 "message": text("须到乡镇服务", "Must serve at a township")},
                {"id": "continuous", "fact": "placement.continuous", "op": "eq", "value": True, "cite": CITE,
                 "message": text("须连续服务", "Must serve continuously")},
            ]},
            "service": {"min_full_years": 2, "continuous": True, "cite": CITE},
            "params": {"min_term_years": {"value": 2, "unit": "years", "cite": CITE}},
            "subsidies": [
                {"component": "provincial_post_subsidy", "cite": {"doc": "lijiang-2017", "article": "第二条、第十四条、第十六条"},
                 "schedule": {"first_after_full_years": 2, "then_every_full_years": 1, "requires_passing": ["annual", "term_end"]},
                 "claim": {"chain": "application", "roster_form": "application_form"}},
                {"component": "remote_city_subsidy", "cite": {"doc": "lijiang-2017", "article": "第二条、第十三条"},
                 "when": {"fact": "placement.area_tags", "op": "contains", "value": "remote", "cite": CITE,
                          "message": text("到偏远乡（镇）服务", "Serving at a remote township")},
                 "schedule": {"first_after_full_years": 2, "then_every_full_years": 1, "requires_passing": ["annual", "term_end"]}},
            ],
            "assessments": [{"kind": "annual", "by_office": "county_hr", "cite": {"doc": "lijiang-2017", "article": "第十条"}}],
            "chains": {"application": "application"},
            "forms": {"application": "application_form"},
        },
        {
            "id": "early_title", "name": text("提前申报职称", "Early title application"), "kind": "title_track", "cite": CITE,
            "active": {"from": "2020-01-01", "to": "2030-12-31"},
            "eligibility": {"all": [
                {"id": "political", "op": "attested", "attest": "good_political_quality", "office": "party_org", "cite": CITE,
                 "message": text("政治素质好", "Of good political quality")},
                {"id": "age", "fact": "person.age", "op": "lte", "value": 45, "cite": CITE,
                 "message": text("年龄不超过45周岁", "Aged 45 or under"),
                 "interpretation": {"words": "年龄适当", "choice": text("不超过45周岁", "at most 45")}},
            ]},
            "outcomes": [
                {"key": "early_years", "value": {"min": [{"floordiv": [{"fact": "placement.full_years"}, 2]}, 2]}, "cite": CITE},
                {"key": "waivers", "value": ["foreign_language", "computer"], "cite": CITE},
                {"key": "waivers", "value": ["papers"], "cite": CITE,
                 "when": {"fact": "placement.area_tags", "op": "contains", "value": "remote", "cite": CITE,
                          "message": text("偏远地区", "Remote area")}},
                {"key": "funding", "value": {"payee": "receiving_unit", "payer": "city_finance", "amount": "5000"}, "cite": CITE},
                {"key": "exceptional", "value": True, "cite": CITE},
            ],
            "forms": {"application": "application_form"},
        },
    ],
    "calendar": [{"id": "demand", "name": text("征集需求", "Collect demand"), "when": text("每年年初", "Start of each year"),
                  "office": "county_hr", "cite": {"doc": "lijiang-2017", "article": "第三条"}}],
    "tests": [
        {"name": "two full years, remote", "program": "grassroots_service", "as_of": "2020-03-01",
         "input": {"person": {"unit_level": "county", "title_level": "intermediate", "licenses": []},
                   "placement": {"start_date": "2018-03-01", "unit_level": "township", "continuous": True, "area_tags": ["remote"]},
                   "assessments": [{"kind": "annual", "year_no": 1, "grade": "qualified"},
                                   {"kind": "term_end", "year_no": 2, "grade": "excellent"}]},
         "expect": {"eligible": True, "full_years": 2, "total": "40000.00",
                    "payments": [{"component": "provincial_post_subsidy", "years": [1, 2], "amount": "20000.00"},
                                 {"component": "remote_city_subsidy", "years": [1, 2], "amount": "20000.00"}]}},
        {"name": "township unit is not eligible", "program": "grassroots_service", "as_of": "2020-03-01",
         "input": {"person": {"unit_level": "township", "title_level": "senior"}},
         "expect": {"eligible": False, "failed_rules": ["unit_level", "township", "continuous"]}},
    ],
}


def make_pack() -> dict:
    """A fresh copy of the fixture pack, to break in a test (through JSON: no part shared with another)."""
    return json.loads(json.dumps(PACK))


def case(**parts) -> dict:
    """An evaluation input for grassroots_service: eligible, remote, started 2018-03-01, unless overridden."""
    base = {
        "as_of": "2020-03-01",
        "person": {"unit_level": "county", "title_level": "intermediate", "licenses": []},
        "placement": {"start_date": "2018-03-01", "unit_level": "township", "continuous": True, "area_tags": ["remote"]},
        "assessments": [],
    }
    for key, value in parts.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def leaf(fact: str, op: str, value, rule: str | None = None) -> dict:
    """A criterion leaf citing the fixture source."""
    node = {"fact": fact, "op": op, "value": value, "cite": CITE, "message": text(f"{fact} {op} {value}", f"{fact} {op} {value}")}
    if rule:
        node["id"] = rule
    return node


def attested(key: str, rule: str | None = None) -> dict:
    node = {"op": "attested", "attest": key, "office": "party_org", "cite": CITE, "message": text("政治素质好", "Good political quality")}
    if rule:
        node["id"] = rule
    return node


def program_pack(eligibility: dict, **fields) -> dict:
    """The fixture pack with one program `p` (kind title_track) whose application form captures every fact."""
    from grassroots.policy.facts import load_vocabulary

    pack = make_pack()
    program = {"id": "p", "name": text("项目", "Program"), "kind": "title_track", "cite": CITE,
               "active": {"from": "2020-01-01", "to": None}, "eligibility": eligibility,
               "forms": {"application": "application_form"}, **fields}
    pack["programs"] = [program]
    pack["tests"] = []
    names = [n for n, f in load_vocabulary().facts.items() if f.source == "application"]
    pack["forms"][0]["schema"]["properties"] = {n.replace(".", "_"): field(n, n) for n in names}
    pack["forms"][0]["layout"] = []
    return pack
