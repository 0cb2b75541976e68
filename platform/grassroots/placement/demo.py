"""Demo cases: Lijiang and Kunming with secondment cases in every state, made through the services exactly as
people make them (postings published, applications filed and approved along their chains, agreements signed
by each party, assessments recorded, extensions asked and granted), so a newcomer sees a living system.

`seed_cases()` runs after `grassroots demo seed` (the tenants and their first pack versions). It first adds
the office holders the demo manifests leave out (a unit's supervising department, a county hospital, a few
professionals with their own logins) through onboarding, then opens each case unless its professional
already has an application (so a second run changes nothing). Each step is stamped with the day it would
have happened (`on_day`: the record clock only; rules still read today, the audit log the real time), so a
placement's application, approvals and signatures come before its start. Dates are relative to today, so the cases
stay "due", "serving" or "completed" whenever the demo is built; the cases that completed a payment period
are anchored in `claim_year()` (last calendar year) instead, so its year-end rosters always hold the same
people whatever day the demo is built.

Modules built on placement add to the demo without being imported here: `after_cases` holds their seeders,
run by `grassroots demo cases` after these (the subsidy module's rosters and paid batches).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grassroots.accounts.models import User
from grassroots.audit.log import acting_as
from grassroots.db import db, recorded_at
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.identity.idnumbers import check_char
from grassroots.packs.versions import china_today
from grassroots.placement import agreements, applications, assessments, extensions, matching, postings
from grassroots.placement.models import Application, Placement, Posting
from grassroots.placement.placements import end_placement
from grassroots.policy.dates import anniversary
from grassroots.tenancy.models import Tenant
from grassroots.workflow.models import ChainTask
from grassroots.workflow.transitions import act, may_act

PASSWORD = "demo-2026"
# () -> printed lines: later seeders run by `grassroots demo cases` after seed_cases (set by other modules).
after_cases: list[Callable[[], list[str]]] = []
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

EXTRA_STAFF = {
    "lijiang": [
        ("lj_nl_hospital", "杨丽芬", "applicant_unit", {"unit": "lj-nl-peoples-hospital"}),
        ("lj_nl_health_bureau", "阿苏", "unit_supervisor", {"unit": "lj-nl-health-bureau"}),
        ("lj_city_commission", "和玉兰", "unit_supervisor", {"unit": "lj-city-health-commission"}),
        ("lj_county_hr_gucheng", "和文军", "county_hr", {"area": "530702"}),
        # The province's HR officer files the compiled demand (province_compile) where the chain runs: in Lijiang.
        ("yn_province_hr", "段丽萍", "province_hr", None),
        ("lj_gc_jinjiang_hc", "段玉华", "service_unit", {"unit": "lj-gc-jinjiang-hc"}),
        *[(f"lj_doctor_{n:02d}", name, "professional", {"unit": "lj-nl-peoples-hospital"}) for n, name in enumerate(
            ("沙马阿呷", "杨建平", "王秀英", "李国华", "和春燕", "格茸", "马晓东", "张丽", "赵文华", "胡海燕", "陈志刚",
             "木丽萍", "杨永红", "和秀珍"), start=1)],
    ],
    "kunming": [
        *[(f"km_doctor_{n:02d}", name, "professional", {"unit": "km-lq-first-hospital"}) for n, name in enumerate(
            ("普云华", "李梅", "张兴旺", "罗应芬"), start=1)],
    ],
}


def claim_year(today: date | None = None) -> int:
    """The last full calendar year: the completed demo cases fall due in it, so its year-end rosters can be
    compiled, reviewed and paid whatever day the demo is built."""
    return (today or china_today()).year - 1


def add_staff(tenants_dir: Path, extra: dict[str, list[tuple[str, str, str, dict | None]]]) -> None:
    """Office holders beyond a demo manifest, through onboarding (the tenant's own manifest plus them): a new
    username gets an account, an existing one (a province officer, say) only the membership."""
    for slug, staff in extra.items():
        doc = json.loads((tenants_dir / f"{slug}.json").read_text(encoding="utf-8"))
        known = {s["username"] for s in doc["staff"]}
        doc["staff"] += [{"username": u, "name": n, "email": f"{u}@demo.grassroots.example", "password": PASSWORD,
                          "office": o, "scope": scope} for u, n, o, scope in staff if u not in known]
        from grassroots.tenancy.onboarding import onboard

        onboard(doc)


def _add_staff(tenants_dir: Path) -> None:
    add_staff(tenants_dir, EXTRA_STAFF)


# --- People doing things -----------------------------------------------------------------------------------


def _user(username: str) -> User:
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def _as(username: str):
    """Name the person doing a step in the audit log (the CLI would be named otherwise)."""
    return acting_as(username, _user(username).id)


def _id_number(region: str, birth: date, serial: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + check_char(first17)


def on_day(day: date, hour: int = 10) -> AbstractContextManager[None]:
    """Record what happens inside as on `day` at `hour` o'clock Beijing time (a day still to come: now), so a
    case's application, approvals and signatures read as made before its service began."""
    return recorded_at(datetime.combine(day, time(hour)) - timedelta(hours=8))


def _acts(instance_id: int, *usernames: str, outcome: str | None = None, reason: str | None = None,
          day: date | None = None, every: int = 3) -> None:
    """Each user acts on their pending task of the chain (file for 备案 steps, else approve); from `day` on,
    `every` days apart, when given."""
    for n, username in enumerate(usernames):
        if day is not None:
            with on_day(day + timedelta(days=n * every)):
                _acts(instance_id, username, outcome=outcome, reason=reason)
            continue
        user = _user(username)
        task = next(t for t in db.session.execute(select(ChainTask).where(
            ChainTask.instance_id == instance_id, ChainTask.state == "pending").order_by(ChainTask.step_index,
                                                                                          ChainTask.id)).scalars()
            if may_act(t, user.id))
        act(task.id, user, outcome or ("file" if task.kind == "file" else "approve"), reason)


# For the modules whose seeders run after these cases (after_cases).
user_named, as_person, act_in_turn = _user, _as, _acts


@dataclass
class Setting:
    tenant: Tenant
    program: str
    posting_id: int
    form: Callable[[str, str, date, str], dict]
    files: tuple[str, ...]
    approvers: tuple[str, ...]
    matcher: str
    signers: tuple[str, ...]
    service_unit: str
    county_hr: str
    region: str


def _lijiang_form(name: str, number: str, birth: date, gender: str) -> dict:
    return {"name": name, "gender": gender, "birth_date": birth.isoformat(), "ethnicity": "彝族", "id_number": number,
            "education": "bachelor", "major": "临床医学", "title_name": "主治医师", "title_level": "intermediate",
            "title_series": "health", "licenses": ["practising_physician"], "supervisor_name": "宁蒗彝族自治县卫生健康局",
            "sector": "health", "phone": "0888-5521234", "service_county": "宁蒗彝族自治县",
            "service_post": "拉伯乡卫生院 全科医生", "planned_years": 2, "voluntary": True}


def _kunming_form(name: str, number: str, birth: date, gender: str) -> dict:
    return {"name": name, "gender": gender, "birth_date": birth.isoformat(), "id_number": number,
            "unit_name": "禄劝彝族苗族自治县第一人民医院", "phone": "0871-8891234", "title_name": "主治医师",
            "title_level": "intermediate", "licenses": ["practising_physician"], "service_unit": "乌蒙乡卫生院",
            "service_start": (china_today() - timedelta(days=400)).isoformat()}


class Journey:
    """One professional's case, taken as far as the calls go; each step is recorded a few days after the one
    before, from the day the application is filed (`filed`; by default 40 days before the service starts,
    or ten days ago for a case not yet signed)."""

    def __init__(self, setting: Setting, username: str, serial: int, filed: date | None = None):
        self.s, self.username, self.serial = setting, username, serial
        self.user = _user(username)
        self.app: Application | None = None
        self.day = filed or china_today() - timedelta(days=10)

    def _next(self, days: int) -> date:
        """The day of this step; the next one comes `days` later."""
        day, self.day = self.day, self.day + timedelta(days=days)
        return day

    def apply(self, **overrides) -> Journey:
        birth = date(1980 + self.serial % 12, 1 + self.serial % 12, 1 + self.serial % 27)
        gender = "male" if self.serial % 2 else "female"
        number = _id_number(self.s.region, birth, self.serial * 2 + (1 if gender == "male" else 0))
        data = {**self.s.form(self.user.display_name, number, birth, gender), **overrides}
        files = {slot: FileStorage(stream=io.BytesIO(PDF), filename=f"{slot}.pdf") for slot in self.s.files}
        try:
            with _as(self.username), on_day(self._next(3)):
                self.app = applications.create(self.s.tenant, self.user, self.s.program, data, files, submit=True)
        except UserError as exc:
            if exc.code != "ineligible":
                raise
            self.app = db.session.execute(select(Application).where(Application.submitted_by == self.user.id)).scalar_one()
        return self

    def approve(self, upto: int | None = None, outcome: str | None = None, reason: str | None = None) -> Journey:
        approvers = self.s.approvers[:upto] if upto is not None else self.s.approvers
        if approvers:
            _acts(self.app.chain_instance_id, *approvers, day=self._next(3 * len(approvers)))
        return self

    def decide(self, username: str, outcome: str, reason: str) -> Journey:
        _acts(self.app.chain_instance_id, username, outcome=outcome, reason=reason, day=self._next(3))
        return self

    def match(self) -> agreements.Agreement:
        with _as(self.s.matcher), on_day(self._next(5)):
            return matching.match(self.s.tenant, _user(self.s.matcher), self.app.id, self.s.posting_id)

    def sign(self, start: date, end: date, parties: int | None = None) -> Placement | None:
        agreement = self.match()
        with _as(self.username), on_day(self._next(2)):
            agreements.update_terms(self.s.tenant, self.user, agreement, {
                "start_date": start, "end_date": end, "form": {"management_duties": "服务单位负责日常考勤、工作、安全、健康管理"}})
            agreements.sign(self.s.tenant, self.user, agreement)
        for username in self.s.signers[:parties] if parties is not None else self.s.signers:
            with _as(username), on_day(self._next(1)):
                agreements.sign(self.s.tenant, _user(username), agreements.get_agreement(agreement.id))
        return db.session.execute(select(Placement).where(Placement.agreement_id == agreement.id)).scalar_one_or_none()


def _assess(setting: Setting, placement: Placement, kind: str, year: int, grade: str) -> None:
    who = setting.county_hr if kind == "term_end" else setting.service_unit
    on = anniversary(placement.start_date, year) - timedelta(days=10 if kind == "annual" else -5)
    form = {"summary": "完成门诊、公共卫生服务等岗位任务", "county_hr_opinion": "考核鉴定等次如上"} if kind == "term_end" else {}
    with _as(who), on_day(on, 15):
        assessments.record_assessment(setting.tenant, _user(who), placement.id, kind, year, grade, on, "", form)


def _end(setting: Setting, placement: Placement, reason: str) -> None:
    with _as(setting.county_hr), on_day(placement.planned_end_date, 16):
        end_placement(setting.tenant, _user(setting.county_hr), placement, placement.planned_end_date, reason)


def _journey(setting: Setting, username: str, serial: int, start: date) -> Journey:
    """A case whose service starts on `start`: filed 40 days before, signed about a fortnight before."""
    return Journey(setting, username, serial, filed=start - timedelta(days=40))


def _completed(setting: Setting, username: str, serial: int, start: date, **form) -> Placement:
    """A two-year placement served in full, assessed qualified, ended at its agreed end."""
    p = _journey(setting, username, serial, start).apply(**form).approve().sign(start, anniversary(start, 2) - timedelta(days=1))
    for kind, year, grade in (("annual", 1, "qualified"), ("annual", 2, "excellent"), ("term_end", 2, "qualified")):
        _assess(setting, p, kind, year, grade)
    _end(setting, p, "服务期满")
    db.session.refresh(p)
    return p


def _labo_posting(tenant: Tenant, filled: date, headcount: int) -> Posting:
    """Ninglang's 需求信息表 for Labo township health centre, filled and published on `filled`."""
    with _as("lj_county_hr_ninglang"), on_day(filled):
        posting = postings.create_posting(tenant, _user("lj_county_hr_ninglang"), "grassroots_service", "lj-nl-labo-hc", {
            "posts": [{"post_name": "全科医生", "specialty": "临床医学", "title_requirement": "intermediate",
                       "headcount": headcount, "service_years": 2, "duties": "门诊、公共卫生服务、带教乡村医生"}],
            "contact": "沙志强", "phone": "0888-5520000", "filled_on": filled.isoformat()})
        postings.publish(tenant, _user("lj_county_hr_ninglang"), posting)
        db.session.commit()
    return posting


def _lijiang(tenant: Tenant) -> list[str]:
    today = china_today()
    due_year = claim_year(today)
    # Labo's needs as reported three years ago (the placements serving or served now came from it) and this
    # year's, still in the demand chain; the earlier report opens before any of its cases' applications.
    earlier = _labo_posting(tenant, min(date(due_year - 2, 3, 1), anniversary(today, -3) - timedelta(days=60))
                            - timedelta(days=60), 6)
    _acts(earlier.chain_instance_id, "lj_city_hr", "yn_province_hr", day=earlier.created_at.date() + timedelta(days=7))
    posting = _labo_posting(tenant, today - timedelta(days=40), 4)
    with _as("lj_county_hr_ninglang"), on_day(today - timedelta(days=2)):
        draft = postings.create_posting(tenant, _user("lj_county_hr_ninglang"), "grassroots_service", "lj-nl-cuiyu-school", {
            "posts": [{"post_name": "数学教师", "specialty": "数学", "headcount": 1, "service_years": 2}],
            "contact": "沙志强", "phone": "0888-5520000", "filled_on": today.isoformat()})
        db.session.commit()
    setting = Setting(tenant, "grassroots_service", posting.id, _lijiang_form,
                      ("id_card", "qualification_certificate", "education_certificate"),
                      ("lj_nl_hospital", "lj_nl_health_bureau", "lj_county_hr_ninglang"), "lj_county_hr_ninglang",
                      ("lj_county_hr_ninglang", "lj_service_unit", "lj_city_hr", "lj_nl_hospital", "lj_county_hr_ninglang",
                       "lj_service_unit"), "lj_service_unit", "lj_county_hr_ninglang", "530724")
    served = replace(setting, posting_id=earlier.id)
    # 第三条: the county's publication is the demand report's submission; the city compiles it, the province files.
    _acts(posting.chain_instance_id, "lj_city_hr", day=today - timedelta(days=35))
    out = [f"lijiang: posting #{earlier.id} published {earlier.created_at:%Y-%m-%d}, its demand report filed by the "
           f"province; this year's posting #{posting.id} published, its demand report (第三条) compiled by the city, "
           f"awaiting the province's filing (yn_province_hr); #{draft.id} draft"]
    j = Journey(setting, "lj_doctor_01", 1).apply()
    out.append(f"lijiang: application #{j.app.id} awaiting its unit's approval (lj_nl_hospital)")
    j = Journey(setting, "lj_doctor_02", 2).apply().approve(1)
    out.append(f"lijiang: application #{j.app.id} awaiting the supervising department (lj_nl_health_bureau)")
    j = Journey(setting, "lj_doctor_03", 3).apply().approve(2)
    out.append(f"lijiang: application #{j.app.id} awaiting the county HR bureau's filing (lj_county_hr_ninglang)")
    j = Journey(setting, "lj_doctor_04", 4).apply().decide("lj_nl_hospital", "return", "请补充服务意向单位及岗位")
    out.append(f"lijiang: application #{j.app.id} returned for revision (lj_doctor_04 resubmits)")
    j = Journey(setting, "lj_doctor_05", 5).apply().approve(1).decide("lj_nl_health_bureau", "reject", "本院该专业人员紧缺")
    out.append(f"lijiang: application #{j.app.id} rejected (stays rejected)")
    j = Journey(setting, "lj_doctor_06", 6).apply(title_level="junior", licenses=[])
    out.append(f"lijiang: application #{j.app.id} refused as ineligible (第二条), kept as a draft with its decision")
    j = Journey(setting, "lj_doctor_07", 7).apply().approve()
    out.append(f"lijiang: application #{j.app.id} approved, awaiting a match (lj_county_hr_ninglang)")
    j = Journey(setting, "lj_doctor_08", 8, filed=today - timedelta(days=30)).apply().approve()
    j.sign(today + timedelta(days=30), anniversary(today + timedelta(days=30), 2) - timedelta(days=1), parties=1)
    out.append(f"lijiang: application #{j.app.id} matched; the agreement awaits the service unit's signature (lj_service_unit)")
    start = today - timedelta(days=400)
    p = _journey(served, "lj_doctor_09", 9, start).apply().approve().sign(start, anniversary(start, 2) - timedelta(days=1))
    out.append(f"lijiang: placement #{p.id} serving, year 1 annual assessment due (lj_service_unit)")
    p = _completed(served, "lj_doctor_10", 10, date(due_year - 2, 3, 1))
    out.append(f"lijiang: placement #{p.id} served 2 full years, assessed qualified, ended {p.end_date} "
               f"(subsidy due {anniversary(p.start_date, 2)})")
    start = anniversary(today, -2) - timedelta(days=90)
    p = _journey(served, "lj_doctor_11", 11, start).apply().approve().sign(start, anniversary(start, 2) - timedelta(days=1))
    for kind, year, grade in (("annual", 1, "qualified"), ("annual", 2, "unqualified"), ("term_end", 2, "unqualified")):
        _assess(setting, p, kind, year, grade)
    _end(setting, p, "服务期满，考核鉴定不合格")
    out.append(f"lijiang: placement #{p.id} failed its term-end appraisal, ended (第十六条: no subsidy)")
    start = anniversary(today, -3) - timedelta(days=60)
    p = _journey(served, "lj_doctor_12", 12, start).apply().approve().sign(start, anniversary(start, 2) - timedelta(days=1))
    asked = anniversary(start, 2) - timedelta(days=75)  # in the second year, before the agreed term ends
    with _as("lj_doctor_12"), on_day(asked):
        ext = extensions.request_extension(tenant, _user("lj_doctor_12"), p.id, 2, "乡卫生院仍缺全科医生", {"voluntary": True})
    _acts(ext.chain_instance_id, "lj_nl_hospital", "lj_county_hr_ninglang", "lj_county_hr_ninglang", "lj_city_hr",
          day=asked + timedelta(days=4))
    db.session.refresh(p)
    for kind, year, grade in (("annual", 1, "qualified"), ("annual", 2, "qualified"), ("term_end", 2, "qualified"),
                              ("annual", 3, "excellent"), ("term_end", 3, "qualified")):
        _assess(setting, p, kind, year, grade)
    out.append(f"lijiang: placement #{p.id} extended to {p.planned_end_date} (延期申请表 approved), in its 4th year")
    p = _completed(served, "lj_doctor_13", 13, date(due_year - 2, 9, 1))
    out.append(f"lijiang: placement #{p.id} served 2 full years at Labo (remote), ended {p.end_date} "
               f"(subsidy due {anniversary(p.start_date, 2)})")
    with _as("lj_county_hr_gucheng"), on_day(date(due_year - 3, 1, 10)):
        jinjiang = postings.create_posting(tenant, _user("lj_county_hr_gucheng"), "grassroots_service", "lj-gc-jinjiang-hc", {
            "posts": [{"post_name": "全科医生", "specialty": "临床医学", "title_requirement": "intermediate", "headcount": 2,
                       "service_years": 2, "duties": "门诊、慢病随访"}],
            "contact": "和文军", "phone": "0888-5120000", "filled_on": date(due_year - 3, 1, 10).isoformat()})
        postings.publish(tenant, _user("lj_county_hr_gucheng"), jinjiang)
        db.session.commit()
    _acts(jinjiang.chain_instance_id, "lj_city_hr", "yn_province_hr", day=date(due_year - 3, 1, 17))
    gucheng = Setting(tenant, "grassroots_service", jinjiang.id, _lijiang_form, setting.files, setting.approvers,
                      "lj_county_hr_ninglang", ("lj_county_hr_gucheng", "lj_gc_jinjiang_hc", "lj_city_hr", "lj_nl_hospital",
                                                "lj_county_hr_gucheng", "lj_gc_jinjiang_hc"),
                      "lj_gc_jinjiang_hc", "lj_county_hr_gucheng", "530724")
    p = _completed(gucheng, "lj_doctor_14", 14, date(due_year - 2, 6, 1), service_county="古城区",
                   service_post="金江白族乡卫生院 全科医生")
    out.append(f"lijiang: posting #{jinjiang.id} published (Jinjiang, Gucheng: not remote), its demand report filed by "
               f"the province; placement #{p.id} served "
               f"2 full years there, ended {p.end_date} (provincial subsidy only, due {anniversary(p.start_date, 2)})")
    return out


def _kunming(tenant: Tenant) -> list[str]:
    today = china_today()
    due_year = claim_year(today)
    with _as("km_county_hr_luquan"), on_day(date(due_year - 2, 1, 5)):
        posting = postings.create_posting(tenant, _user("km_county_hr_luquan"), "township_support", "km-lq-wumeng-hc", {
            "posts": [{"post_name": "全科医生", "specialty": "临床医学", "headcount": 6, "service_years": 1}]})
        postings.publish(tenant, _user("km_county_hr_luquan"), posting)
    db.session.commit()
    setting = Setting(tenant, "township_support", posting.id, _kunming_form, ("qualification_certificate",), (),
                      "km_county_hr_luquan", ("km_county_hr_luquan", "km_service_unit"), "km_service_unit",
                      "km_county_hr_luquan", "530128")
    out = [f"kunming: posting #{posting.id} published"]
    j = Journey(setting, "km_doctor_01", 1).apply()
    out.append(f"kunming: application #{j.app.id} approved on submission (no chain), awaiting a match")
    start = today - timedelta(days=30)
    p = _journey(setting, "km_doctor_02", 2, start).apply().sign(start, anniversary(start, 2) - timedelta(days=1))
    out.append(f"kunming: placement #{p.id} serving, awaiting the sending unit and the talent office (全职选派认可)")
    start = date(due_year - 1, 12, 1)  # year 1 completes in the claim year; a three-year term keeps it serving
    p = _journey(setting, "km_doctor_03", 3, start).apply().sign(start, anniversary(start, 3) - timedelta(days=1))
    _acts(p.dispatch_instance_id, "km_applicant_unit", "km_talent_office", day=start + timedelta(days=10), every=7)
    full = 2 if today >= anniversary(start, 2) else 1
    out.append(f"kunming: placement #{p.id} recognised by the city talent office, {full} full year{'s' * (full > 1)} served "
               f"(year 1 due {anniversary(start, 1)})")
    start = date(due_year - 2, 3, 1)
    p = _journey(setting, "km_doctor_04", 4, start).apply().sign(start, anniversary(start, 2) - timedelta(days=1))
    _acts(p.dispatch_instance_id, "km_applicant_unit", "km_talent_office", day=start + timedelta(days=10), every=7)
    _end(setting, p, "服务期满")
    db.session.refresh(p)
    out.append(f"kunming: placement #{p.id} recognised, 2 years served, ended {p.end_date} "
               f"(year 1 due {anniversary(start, 1)}, year 2 due {anniversary(start, 2)})")
    return out


# The professional of each tenant's last case: present only when its cases were all made.
LAST_CASE = {"lijiang": "lj_doctor_14", "kunming": "km_doctor_04"}


def seed_cases(tenants_dir: Path | None = None) -> list[str]:
    """Lijiang's and Kunming's demo cases (idempotent: a tenant already holding applications is left alone)."""
    tenants_dir = tenants_dir or Path(current_app.config["TENANTS_DIR"])
    _add_staff(tenants_dir)
    out: list[str] = []
    for slug, build in (("lijiang", _lijiang), ("kunming", _kunming)):
        tenant = db.session.execute(select(Tenant).where(Tenant.slug == slug)).scalar_one_or_none()
        if tenant is None:
            out.append(f"{slug}: not onboarded; run `grassroots demo seed` first")
            continue
        demo_users = select(User.id).where(User.username.in_([u for u, *_ in EXTRA_STAFF[slug]]))
        last = select(User.id).where(User.username == LAST_CASE[slug])
        with tenant_context(tenant.id, db.session):
            if db.session.execute(select(Application.id).where(Application.submitted_by.in_(demo_users))
                                  .limit(1)).first() is not None:
                if db.session.execute(select(Application.id).where(Application.submitted_by.in_(last))
                                      .limit(1)).first() is None:
                    raise UserError(409, "demo_partly_seeded", {
                        "zh": f"{slug} 的演示案例只建了一部分（上次运行中途停止）；请删除实例数据库后重新运行 make seed",
                        "en": f"{slug}'s demo cases were only partly made (an earlier run stopped midway); "
                              "remove the instance database and run `make seed` again"})
                out.append(f"{slug}: already has cases; left as is")
                continue
            out += build(tenant)
            db.session.commit()
    return out
