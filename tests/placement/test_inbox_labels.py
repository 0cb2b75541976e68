"""An inbox row says whose case it is (placement's workflow describers): the applicant's name and own unit, the
professional's name and service unit for an agreement or a dispatch, a posting's service unit and posts for its
demand report; read in the reader's tenant (a Kunming officer never sees a Lijiang name), never an ID number,
and the same number of queries for one row as for three."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from grassroots.accounts.models import User
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.placement.models import Extension, Placement, Posting
from grassroots.tenancy.models import Tenant
from grassroots.workflow import hooks
from tests.db.factories import count_queries
from tests.placement.conftest import (
    KUNMING_FILES,
    KUNMING_PROGRAM,
    LIJIANG_PROGRAM,
    Case,
    add_member,
    apply,
    id_number,
    kunming_application,
    lijiang_application,
    match_and_sign,
    open_posting,
)
from tests.placement.conftest import demand as demand_form
from tests.placement.test_journeys import ninglang_case
from tests.subsidy.conftest import make_placement

LJ, KM = "/api/v1/t/lijiang", "/api/v1/t/kunming"
NL_HOSPITAL = "宁蒗彝族自治县人民医院"
LABO = "宁蒗彝族自治县拉伯乡卫生院"
WUMENG = "禄劝彝族苗族自治县乌蒙乡卫生院"
# Ninglang county people's hospital doctors, each with a login: (username, name, serial of the ID number).
DOCTORS = (("lj_nl_doc_a", "沙马阿呷", 31), ("lj_nl_doc_b", "杨建平", 33), ("lj_nl_doc_c", "王秀英", 36))
LIJIANG_WORDS = ("沙马阿呷", "杨建平", "王秀英", "宁蒗", "Ninglang")


def _tenant_id(slug: str) -> int:
    return db.session.execute(select(Tenant.id).filter_by(slug=slug)).scalar_one()


def _apply(world, username: str, name: str, serial: int) -> int:
    """A Ninglang hospital doctor applies (pending at the hospital, lj_nl_hospital, first); the application id."""
    add_member("lijiang", username, "professional", "unit", "lj-nl-peoples-hospital")
    case = ninglang_case(date(2021, 9, 1), date(2023, 8, 31), serial)
    case.applicant = username
    case.data = lijiang_application(name, id_number("530724", "19850312", serial), "1985-03-12",
                                    "male" if serial % 2 else "female")
    assert apply(world, case)["state"]["code"] == "submitted"
    return case.app_id


def _page(world, username: str, path: str) -> str:
    response = world.client(username).get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _queries(world, username: str, path: str) -> int:
    world.client(username).get(path)  # warm the pack cache
    db.session.expunge_all()
    with count_queries(db.engine) as statements:
        assert world.client(username).get(path).status_code == 200
    return len(statements)


def test_the_inbox_says_whose_application_it_is_in_the_same_queries_for_1_and_3(world):
    app_id = _apply(world, *DOCTORS[0])
    html = _page(world, "lj_nl_hospital", "/t/lijiang/inbox")
    assert f'data-testid="subject-label">沙马阿呷 · {NL_HOSPITAL}<' in html
    assert "到基层服务申请 #" in html  # the link as before, the label under it
    assert id_number("530724", "19850312", 31) not in html and "19850312" not in html and "0888-5123456" not in html
    english = _page(world, "lj_nl_hospital", "/t/lijiang/inbox?lang=en")
    assert "沙马阿呷 · Ninglang County People&#39;s Hospital" in english  # escaped, like every label
    (task,) = world.get("lj_nl_hospital", f"{LJ}/inbox")["tasks"]
    assert (task["subject_type"], task["subject_id"]) == ("placement_application", app_id)
    assert task["subject_label"] == {"zh": f"沙马阿呷 · {NL_HOSPITAL}", "en": "沙马阿呷 · Ninglang County People's Hospital"}
    history = _page(world, "lj_nl_hospital", f"/t/lijiang/workflow/instances/{task['instance_id']}")
    assert f"沙马阿呷 · {NL_HOSPITAL}" in history

    one = (_queries(world, "lj_nl_hospital", "/t/lijiang/inbox"), _queries(world, "lj_nl_hospital", f"{LJ}/inbox"))
    for doctor in DOCTORS[1:]:
        _apply(world, *doctor)
    three = (_queries(world, "lj_nl_hospital", "/t/lijiang/inbox"), _queries(world, "lj_nl_hospital", f"{LJ}/inbox"))
    labels = {t["subject_label"]["zh"] for t in world.get("lj_nl_hospital", f"{LJ}/inbox")["tasks"]}
    assert labels == {f"{name} · {NL_HOSPITAL}" for _, name, _ in DOCTORS}
    assert three == one


def test_a_demand_report_names_the_service_unit_and_its_posts(world):
    # Whichever of these offices the pack's demand chain opens first (the chain is the pack's), its row says so.
    readers = ("lj_county_hr_ninglang_2", "lj_city_hr", "yn_province_hr")
    add_member("lijiang", readers[0], "county_hr", "area", "530724")
    add_member("lijiang", readers[2], "province_hr")
    posting = world.post("lj_county_hr_ninglang", f"{LJ}/postings",
                         {"program": LIJIANG_PROGRAM, "unit_code": "lj-nl-labo-hc", "data": demand_form("全科医生")}, 201)
    world.post("lj_county_hr_ninglang", f"{LJ}/postings/{posting['id']}/publish")
    rows = [(reader, t) for reader in readers for t in world.get(reader, f"{LJ}/inbox")["tasks"]
            if (t["subject_type"], t["subject_id"]) == ("placement_posting", posting["id"])]
    assert rows
    for reader, task in rows:
        assert task["subject_label"] == {"zh": f"{LABO} · 全科医生", "en": "Labo Township Health Center, Ninglang · 全科医生"}
        assert f'data-testid="subject-label">{LABO} · 全科医生<' in _page(world, reader, "/t/lijiang/inbox")


def test_agreement_and_dispatch_rows_in_kunming_show_kunming_people_only(world):
    lijiang_app = _apply(world, *DOCTORS[0])
    case = Case("kunming", KUNMING_PROGRAM, "km_doctor_lq", None,
                kunming_application("普建华", id_number("530128", "19870704", 21), "1987-07-04", "male"), KUNMING_FILES,
                "km_county_hr_luquan", "km-lq-wumeng-hc", "km_county_hr_luquan", (), (), date(2021, 3, 1),
                date(2024, 2, 29))
    open_posting(world, case)
    apply(world, case)
    match_and_sign(world, case)  # the professional signs; the county and the service unit have not yet
    (agreement,) = [t for t in world.get("km_county_hr_luquan", f"{KM}/inbox")["tasks"]
                    if t["subject_type"] == "placement_agreement"]
    assert agreement["subject_label"]["zh"] == f"普建华 · {WUMENG}"
    for signer in ("km_county_hr_luquan", "km_service_unit"):
        world.post(signer, f"{KM}/agreements/{case.agreement_id}/sign", {})
    (dispatch,) = world.get("km_applicant_unit", f"{KM}/inbox")["tasks"]
    assert (dispatch["subject_type"], dispatch["subject_label"]["zh"]) == ("placement_dispatch", f"普建华 · {WUMENG}")
    assert f"普建华 · {WUMENG}" in _page(world, "km_applicant_unit", "/t/kunming/inbox")

    for reader, path in (("km_applicant_unit", "/t/kunming/inbox"), ("km_county_hr_luquan", "/t/kunming/inbox"),
                         ("km_talent_office", "/t/kunming/inbox"), ("km_admin", "/t/kunming/workflow/unassigned")):
        html = _page(world, reader, path)
        assert not [w for w in LIJIANG_WORDS if w in html], (reader, path)
    assert "普建华" not in _page(world, "lj_nl_hospital", "/t/lijiang/inbox")
    # A Lijiang subject id described in Kunming's context is nobody: the labels come from the reader's tenant.
    with tenant_context(_tenant_id("kunming"), db.session):
        assert hooks.describe([("placement_application", lijiang_app)]) == {}
    with tenant_context(_tenant_id("lijiang"), db.session):
        assert hooks.describe([("placement_application", lijiang_app)]) == {
            ("placement_application", lijiang_app): {"zh": f"沙马阿呷 · {NL_HOSPITAL}",
                                                     "en": "沙马阿呷 · Ninglang County People's Hospital"}}


def test_every_placement_describer_in_one_query_per_type(seeded_app):
    placement_id = make_placement("lijiang", start=date(2023, 6, 1), end=date(2025, 5, 31), service_unit="lj-nl-labo-hc",
                                  original_unit="lj-city-peoples-hospital", program="grassroots_service", name="和晓东")
    officer = db.session.execute(select(User.id).filter_by(username="lj_city_hr")).scalar_one()
    with tenant_context(_tenant_id("lijiang"), db.session):
        placement = db.session.get(Placement, placement_id)
        posting = db.session.execute(select(Posting).where(Posting.unit_id == placement.service_unit_id)).scalar_one()
        posting.posts = [{"post_name": n} for n in ("全科医生", "护士", "全科医生", "药剂师", "检验师", "影像医师")]
        extension = Extension(placement_id=placement.id, extension_years=1, previous_end_date=date(2025, 5, 31),
                              new_end_date=date(2026, 5, 31), requested_by=officer)
        db.session.add(extension)
        db.session.commit()
        subjects = [("placement_application", placement.application_id), ("placement_agreement", placement.agreement_id),
                    ("placement_extension", extension.id), ("placement_dispatch", placement.id),
                    ("placement_posting", posting.id), ("placement_application", 2**31 - 1), ("unknown", 1)]
        db.session.expunge_all()
        with count_queries(db.engine) as statements:
            labels = hooks.describe(subjects)
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "set_config" not in s]
        assert len(reads) == 5  # one per described type, whatever the number of ids
        assert {k[0]: v["zh"] for k, v in labels.items()} == {
            "placement_application": "和晓东 · 丽江市人民医院",  # the applicant's own unit
            "placement_agreement": f"和晓东 · {LABO}", "placement_extension": f"和晓东 · {LABO}",
            "placement_dispatch": f"和晓东 · {LABO}",
            "placement_posting": f"{LABO} · 全科医生、护士、药剂师等5个岗位"}
        assert labels[("placement_posting", posting.id)]["en"] == \
            "Labo Township Health Center, Ninglang · 全科医生, 护士, 药剂师 and 2 more"
    with tenant_context(_tenant_id("kunming"), db.session):
        assert hooks.describe(subjects) == {}
