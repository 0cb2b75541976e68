"""Fixtures for the forms module: the real Yunnan application form read from its pack file (so the
pure tests need no packs module), valid data for it, small real files, and a Lijiang submission made
through the services on the seeded demo database."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from grassroots.accounts.models import Membership, User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.tenancy.models import Tenant

ROOT = Path(__file__).resolve().parents[2]
PACKS = ROOT / "policy_packs"
VALID_ID = "11010519491231002X"  # SECURITY.md's GB 11643 example
RECIPIENTS = ("申请人", "申请人所在单位", "申请人所在单位上级人力资源和社会保障部门",
              "服务地县（区）人力资源和社会保障局", "市人力资源和社会保障局")

# The smallest real files of each kind: a PDF a reader opens, a 1×1 PNG, a JPEG header.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 3 3]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def pack_form(slug: str, form_id: str) -> dict:
    doc = json.loads((PACKS / f"{slug}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(next(f for f in doc["forms"] if f["id"] == form_id))


@pytest.fixture()
def application_form() -> dict:
    """云南省专业技术人员到基层服务申请登记表, straight from policy_packs/yunnan.json."""
    return pack_form("yunnan", "application_form")


def good_data() -> dict:
    return {"name": "和志明", "gender": "male", "birth_date": "1949-12-31", "ethnicity": "纳西族",
            "id_number": VALID_ID, "education": "bachelor", "major": "临床医学", "title_name": "主治医师",
            "title_level": "intermediate", "title_series": "health", "licenses": ["practising_physician"],
            "unit_name": "丽江市人民医院", "unit_level": "city", "supervisor_name": "丽江市卫生健康委员会",
            "sector": "health", "phone": "0888-5123456", "service_county": "宁蒗彝族自治县",
            "service_post": "拉伯乡卫生院 全科医生", "planned_years": 2, "voluntary": True}


def good_post() -> MultiDict:
    """good_data() as a browser posts it (JSON pointers as input names, strings only)."""
    items = []
    for key, value in good_data().items():
        if isinstance(value, list):
            items += [(f"/{key}", v) for v in value]
        elif value is True:
            items.append((f"/{key}", "true"))
        else:
            items.append((f"/{key}", str(value)))
    return MultiDict(items)


def upload(content: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=filename)


def good_files() -> dict[str, FileStorage]:
    return {"id_card": upload(PNG, "身份证.png"), "qualification_certificate": upload(PDF, "资格证.pdf"),
            "education_certificate": upload(JPEG, "毕业证.jpg")}


# --- The seeded database: a Lijiang submission of the (inherited) Yunnan application form.

def tenant(slug: str) -> Tenant:
    return db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one()


def user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def add_member(slug: str, username: str, office: str, scope_kind: str = "tenant", scope_code: str = "") -> User:
    t = tenant(slug)
    new = User(username=username, display_name=username)
    new.set_password("demo-2026")
    db.session.add(new)
    db.session.flush()
    db.session.add(Membership(user_id=new.id, tenant_id=t.id, office=office, scope_kind=scope_kind,
                              scope_code=scope_code))
    db.session.commit()
    return new


@pytest.fixture(autouse=True)
def _fresh_pack_cache():
    from grassroots.packs.effective import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture()
def lijiang(seeded_app) -> SimpleNamespace:
    """Lijiang's tenant, its pack version in force and the application form as that pack resolves it."""
    from grassroots.packs.effective import current_effective

    t = tenant("lijiang")
    effective = current_effective(t)
    form = next(f for f in effective.pack["forms"] if f["id"] == "application_form")
    return SimpleNamespace(tenant=t, version_id=effective.version_id, form=form, pack=effective.pack)


def submit_as(lj: SimpleNamespace, username: str = "lj_doctor_he", data: dict | None = None, files=None,
              scope: dict | None = None, commit: bool = True):
    from grassroots.forms.services import submit

    with tenant_context(lj.tenant.id, db.session):
        submission = submit(lj.form, data or good_data(), good_files() if files is None else files, lj.version_id,
                            "application", 1, user(username), scope=scope)
        if commit:
            db.session.commit()
        return submission.id
