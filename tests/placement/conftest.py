"""Fixtures for the placement tests: the seeded demo tenants with the few extra office holders the journeys
need (the demo manifests name one holder per office), a client per user, and the journey's steps as
small helpers over the HTTP API, so each test reads as the people who do each step."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pytest

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.identity.idnumbers import check_char
from grassroots.tenancy.models import Tenant
from tests.conftest import DEMO_PASSWORD, login

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 3 3]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")

LIJIANG_PROGRAM, KUNMING_PROGRAM = "grassroots_service", "township_support"
NINGLANG, YULONG = "530724", "530721"

# Office holders the demo manifests lack: (tenant, username, office, scope kind, scope code).
EXTRA_STAFF = (
    ("lijiang", "lj_nl_hospital", "applicant_unit", "unit", "lj-nl-peoples-hospital"),
    ("lijiang", "lj_nl_health_bureau", "unit_supervisor", "unit", "lj-nl-health-bureau"),
    ("lijiang", "lj_city_commission", "unit_supervisor", "unit", "lj-city-health-commission"),
    ("lijiang", "lj_doctor_nl", "professional", "unit", "lj-nl-peoples-hospital"),
    ("lijiang", "lj_county_hr_yulong", "county_hr", "area", YULONG),
    ("lijiang", "lj_service_unit_shigu", "service_unit", "unit", "lj-yl-shigu-hc"),
    ("kunming", "km_doctor_lq", "professional", "unit", "km-lq-first-hospital"),
)


def id_number(region: str, birth: str, serial: int) -> str:
    """A valid GB 11643 number: region (6), birth date YYYYMMDD, serial (3; odd = male), check character."""
    first17 = f"{region}{birth}{serial:03d}"
    return first17 + check_char(first17)


def add_member(slug: str, username: str, office: str, scope_kind: str = "tenant", scope_code: str = "") -> User:
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        user = User(username=username, display_name=username)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    tenant = db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one()
    db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, office=office, scope_kind=scope_kind,
                              scope_code=scope_code))
    db.session.commit()
    return user


@dataclass
class Api:
    """Clients per user over one app; `call` asserts the status and answers the JSON."""

    app: object
    clients: dict = field(default_factory=dict)

    def client(self, username: str):
        if username not in self.clients:
            client = self.app.test_client()
            login(client, username)
            self.clients[username] = client
        return self.clients[username]

    def call(self, username: str, method: str, path: str, status: int | tuple = 200, **kwargs):
        response = getattr(self.client(username), method.lower())(path, **kwargs)
        wanted = status if isinstance(status, tuple) else (status,)
        assert response.status_code in wanted, (
            f"{username} {method} {path} → {response.status_code}: {response.get_data(as_text=True)[:2000]}")
        return response.get_json()

    def get(self, username: str, path: str, status=200, **kwargs):
        return self.call(username, "GET", path, status, **kwargs)

    def post(self, username: str, path: str, body: dict | None = None, status=200, **kwargs):
        if "data" not in kwargs:
            kwargs["json"] = body or {}
        return self.call(username, "POST", path, status, **kwargs)

    def put(self, username: str, path: str, body: dict, status=200):
        return self.call(username, "PUT", path, status, json=body)

    # --- workflow ------------------------------------------------------------------------------------------

    def act_pending(self, slug: str, username: str, outcome: str | None = None, reason: str | None = None,
                    subject: tuple[str, int] | None = None) -> dict:
        """Act on the user's (only, or the subject's) pending task; `file` for 备案 steps, else `approve`."""
        tasks = self.get(username, f"/api/v1/t/{slug}/inbox")["tasks"]
        if subject is not None:
            tasks = [t for t in tasks if (t["subject_type"], t["subject_id"]) == subject]
        assert tasks, f"{username} has nothing pending{f' for {subject}' if subject else ''}"
        task = tasks[0]
        chosen = outcome or ("file" if task["kind"] == "file" else "approve")
        body = {"outcome": chosen, **({"reason": reason} if reason else {})}
        return self.post(username, f"/api/v1/t/{slug}/tasks/{task['id']}/act", body)


@pytest.fixture()
def world(seeded_app):
    for row in EXTRA_STAFF:
        add_member(*row)
    return Api(seeded_app)


# --- Form data --------------------------------------------------------------------------------------------


def lijiang_application(name: str, number: str, birth: str, gender: str, **overrides) -> dict:
    data = {"name": name, "gender": gender, "birth_date": birth, "ethnicity": "纳西族", "id_number": number,
            "education": "bachelor", "major": "临床医学", "title_name": "主治医师", "title_level": "intermediate",
            "title_series": "health", "licenses": ["practising_physician"], "supervisor_name": "卫生健康局",
            "sector": "health", "phone": "0888-5123456", "service_county": "宁蒗彝族自治县",
            "service_post": "乡卫生院 全科医生", "planned_years": 2, "voluntary": True}
    data.update(overrides)
    return data


def kunming_application(name: str, number: str, birth: str, gender: str, **overrides) -> dict:
    data = {"name": name, "gender": gender, "birth_date": birth, "id_number": number, "unit_name": "禄劝县第一人民医院",
            "phone": "0871-8891234", "title_name": "主治医师", "title_level": "intermediate",
            "licenses": ["practising_physician"], "service_unit": "乌蒙乡卫生院", "service_start": "2021-03-01"}
    data.update(overrides)
    return data


def demand(post: str = "全科医生", headcount: int = 2) -> dict:
    return {"posts": [{"post_name": post, "specialty": "临床医学", "title_requirement": "intermediate",
                       "headcount": headcount, "service_years": 2, "duties": "门诊、公共卫生服务"}],
            "contact": "杨医生", "phone": "0888-5500000", "filled_on": "2021-01-15"}


def upload(api: Api, username: str, slug: str, application_id: int, slots: tuple[str, ...]) -> None:
    for slot in slots:
        api.post(username, f"/api/v1/t/{slug}/applications/{application_id}/files/{slot}",
                 data={"file": (io.BytesIO(PDF), f"{slot}.pdf")}, content_type="multipart/form-data")


LIJIANG_FILES = ("id_card", "qualification_certificate", "education_certificate")
KUNMING_FILES = ("qualification_certificate",)


@dataclass
class Case:
    """Who does what in one journey."""

    slug: str
    program: str
    applicant: str
    unit_code: str | None
    data: dict
    files: tuple[str, ...]
    posting_by: str
    posting_unit: str
    matcher: str
    approvers: tuple[str, ...]  # in chain order (application chain)
    signers: tuple[str, ...]  # other parties' steps of the agreement chain, in order
    start: date
    end: date
    app_id: int = 0
    posting_id: int = 0
    agreement_id: int = 0
    placement_id: int = 0


def open_posting(api: Api, case: Case) -> int:
    body = {"program": case.program, "unit_code": case.posting_unit, "data": demand()}
    if case.slug == "kunming":
        body["data"] = {"posts": [{"post_name": "全科医生", "headcount": 2, "service_years": 1}]}
    posting = api.post(case.posting_by, f"/api/v1/t/{case.slug}/postings", body, 201)
    api.post(case.posting_by, f"/api/v1/t/{case.slug}/postings/{posting['id']}/publish")
    case.posting_id = posting["id"]
    return posting["id"]


def apply(api: Api, case: Case) -> dict:
    body = {"program": case.program, "data": case.data}
    if case.unit_code:
        body["unit_code"] = case.unit_code
    app = api.post(case.applicant, f"/api/v1/t/{case.slug}/applications", body, 201)
    case.app_id = app["id"]
    upload(api, case.applicant, case.slug, app["id"], case.files)
    return api.post(case.applicant, f"/api/v1/t/{case.slug}/applications/{app['id']}/submit", {})


def approve_application(api: Api, case: Case) -> dict:
    for approver in case.approvers:
        api.act_pending(case.slug, approver, subject=("placement_application", case.app_id))
    return api.get(case.applicant, f"/api/v1/t/{case.slug}/applications/{case.app_id}")


def match_and_sign(api: Api, case: Case, form: dict | None = None) -> dict:
    agreement = api.post(case.matcher, f"/api/v1/t/{case.slug}/matches",
                         {"application_id": case.app_id, "posting_id": case.posting_id}, 201)
    case.agreement_id = agreement["id"]
    terms = {"start_date": case.start.isoformat(), "end_date": case.end.isoformat()}
    if form is not None:
        terms["form"] = form
    api.put(case.applicant, f"/api/v1/t/{case.slug}/agreements/{agreement['id']}", terms)
    signed = api.post(case.applicant, f"/api/v1/t/{case.slug}/agreements/{agreement['id']}/sign", {})
    assert signed["state"]["code"] == "signing"
    for signer in case.signers:
        signed = api.post(signer, f"/api/v1/t/{case.slug}/agreements/{agreement['id']}/sign", {})
    case.placement_id = signed["placement_id"] or 0
    return signed


def assess(api: Api, case: Case, username: str, kind: str, year: int, grade: str, on: date, form: dict | None = None,
           status: int = 201) -> dict:
    body = {"placement_id": case.placement_id, "kind": kind, "year_no": year, "grade": grade,
            "assessed_on": on.isoformat()}
    if form is not None:
        body["form"] = form
    return api.post(username, f"/api/v1/t/{case.slug}/assessments", body, status)
