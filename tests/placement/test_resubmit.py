"""A returned dispatch recognition (Kunming 八) or extension request (Lijiang 第十一条) is corrected and
resubmitted by whoever started it, and goes along its chain again from the first step; nobody else can,
another tenant cannot even see it, a chain that is not returned cannot be, and two resubmits at once
move it once. Through the API, the pages, and (for the race) the services on PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, make_url, select, text
from sqlalchemy.exc import IntegrityError

from grassroots.accounts.models import User
from grassroots.audit.models import AuditEntry
from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.forms.models import FormSubmission
from grassroots.placement import extensions, placements
from grassroots.placement.models import Placement
from grassroots.placement.models.placements import DISPATCH_STATES
from grassroots.placement.present import DISPATCH_LABELS
from grassroots.tenancy.models import Tenant
from grassroots.workflow import engine as workflow
from grassroots.workflow.models import ChainInstance, ChainTask
from tests import dbutil
from tests.db.factories import owner_engine
from tests.placement.conftest import (
    KUNMING_FILES,
    KUNMING_PROGRAM,
    Case,
    apply,
    id_number,
    kunming_application,
    match_and_sign,
    open_posting,
)
from tests.placement.test_concurrency import _race
from tests.placement.test_journeys import ninglang_case, run_lijiang

KM, LJ = "/api/v1/t/kunming", "/api/v1/t/lijiang"


def _tenant(slug: str) -> Tenant:
    return db.session.execute(select(Tenant).filter_by(slug=slug)).scalar_one()


def _audit(slug: str, action: str) -> list[AuditEntry]:
    with tenant_context(_tenant(slug).id, db.session):
        return list(db.session.execute(select(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq)).scalars())


def _chain(slug: str, instance_id: int) -> tuple[str, int, list[tuple[int, str, str]]]:
    """(state, round, [(round, step_id, state)]) of a chain, read beside the API."""
    with tenant_context(_tenant(slug).id, db.session):
        instance = db.session.get(ChainInstance, instance_id, populate_existing=True)
        tasks = db.session.execute(select(ChainTask.round, ChainTask.step_id, ChainTask.state)
                                   .where(ChainTask.instance_id == instance_id).order_by(ChainTask.id)).all()
        return instance.state, instance.round, [tuple(t) for t in tasks]


def _pending_for(world, slug: str, username: str, subject: tuple[str, int]) -> list[dict]:
    return [t for t in world.get(username, f"/api/v1/t/{slug}/inbox")["tasks"]
            if (t["subject_type"], t["subject_id"]) == subject]


def _error(world, username: str, path: str, body: dict, status: int) -> dict:
    error = world.post(username, path, body, status)["error"]
    assert error["message"]["zh"] and error["message"]["en"], error
    return error


# --- Kunming: the dispatch recognition ----------------------------------------------------------------


def kunming_placement(world) -> Case:
    """km_doctor_lq (own login) to the Wumeng township health centre; signing starts the dispatch chain."""
    case = Case("kunming", KUNMING_PROGRAM, "km_doctor_lq", None,
                kunming_application("普建华", id_number("530128", "19870704", 21), "1987-07-04", "male"),
                KUNMING_FILES, "km_county_hr_luquan", "km-lq-wumeng-hc", "km_county_hr_luquan", (),
                ("km_county_hr_luquan", "km_service_unit"), date(2021, 3, 1), date(2024, 2, 29))
    open_posting(world, case)
    apply(world, case)
    match_and_sign(world, case)
    return case


def returned_dispatch(world) -> tuple[Case, int]:
    """The sending unit selects; the city talent office returns it for revision."""
    case = kunming_placement(world)
    subject = ("placement_dispatch", case.placement_id)
    world.act_pending("kunming", "km_applicant_unit", subject=subject)
    world.act_pending("kunming", "km_talent_office", "return", "请补充全职到岗证明", subject=subject)
    placement = world.get("km_county_hr_luquan", f"{KM}/placements/{case.placement_id}")
    return case, placement["dispatch_instance_id"]


def _listed(world, username: str, placement_id: int) -> tuple[dict, str]:
    """The placement's dispatch as the list API answers it, and the list page's dispatch cell (zh)."""
    [row] = [p for p in world.get(username, f"{KM}/placements")["placements"] if p["id"] == placement_id]
    page = world.client(username).get("/t/kunming/placements").get_data(as_text=True)
    cell = page.split(f'<tr data-placement="{placement_id}">', 1)[1].split("</tr>", 1)[0]
    return row["dispatch"], cell


def _dispatch_state(placement_id: int) -> str:
    with tenant_context(_tenant("kunming").id, db.session):
        return db.session.execute(select(Placement.dispatch_state).where(Placement.id == placement_id)).scalar_one()


def test_a_returned_dispatch_is_resubmitted_and_recognised(world):
    case, instance_id = returned_dispatch(world)
    subject = ("placement_dispatch", case.placement_id)
    placement = world.get(case.applicant, f"{KM}/placements/{case.placement_id}")
    assert placement["dispatch"] == {"code": "returned", "label": {"zh": "已退回修改", "en": "Returned for revision"}}
    assert placement["recognised_by"] is None
    # Returned everywhere, not 待认可: the list API and the list page (what HR sees across its placements).
    for who in (case.applicant, "km_county_hr_luquan"):
        dispatch, cell = _listed(world, who, case.placement_id)
        assert dispatch["code"] == "returned"
        assert 'data-dispatch="returned"' in cell and "已退回修改" in cell and "待认可" not in cell
    english = world.client("km_county_hr_luquan").get("/t/kunming/placements?lang=en").get_data(as_text=True)
    assert "Returned for revision" in english
    returned = placement["dispatch_returned"]
    assert (returned["step_id"], returned["office"], returned["reason"], returned["round"]) == (
        "talent_office_recognition", "city_talent_office", "请补充全职到岗证明", 1)
    signer = world.get(case.applicant, f"{KM}/agreements/{case.agreement_id}")["signed_by"]
    assert returned["resubmit_by"] == signer  # whoever started it: the professional who signed the agreement
    assert _pending_for(world, "kunming", "km_applicant_unit", subject) == []

    again = world.post(case.applicant, f"{KM}/placements/{case.placement_id}/dispatch/resubmit",
                       {"note": "已补充全职到岗证明"})
    assert again["dispatch"]["code"] == "pending" and again["dispatch_returned"] is None
    dispatch, cell = _listed(world, "km_county_hr_luquan", case.placement_id)
    assert dispatch["code"] == "pending" and 'data-dispatch="pending"' in cell and "待认可" in cell
    # The chain starts again from the sending unit; the talent office that returned it sees it after that.
    assert _pending_for(world, "kunming", "km_talent_office", subject) == []
    [task] = _pending_for(world, "kunming", "km_applicant_unit", subject)
    assert (task["round"], task["step_id"]) == (2, "sending_unit_selection")
    world.act_pending("kunming", "km_applicant_unit", subject=subject)
    [task] = _pending_for(world, "kunming", "km_talent_office", subject)
    assert (task["round"], task["step_id"]) == (2, "talent_office_recognition")
    world.act_pending("kunming", "km_talent_office", subject=subject)

    placement = world.get("km_county_hr_luquan", f"{KM}/placements/{case.placement_id}")
    assert (placement["dispatch"]["code"], placement["recognised_by"]) == ("recognised", "city_talent_office")
    assert [d["stage"]["code"] for d in placement["decisions"]] == ["placement", "recognition"]
    dispatch, cell = _listed(world, "km_county_hr_luquan", case.placement_id)
    assert dispatch["code"] == "recognised" and 'data-dispatch="recognised"' in cell and "已认可" in cell
    assert _chain("kunming", instance_id) == ("approved", 2, [
        (1, "sending_unit_selection", "approved"), (1, "talent_office_recognition", "returned"),
        (2, "sending_unit_selection", "approved"), (2, "talent_office_recognition", "approved")])
    [entry] = _audit("kunming", "placement.dispatch.resubmit")
    assert (entry.target_type, entry.target_id, entry.actor_user_id) == ("placements", str(case.placement_id), signer)
    assert (entry.before, entry.after) == ({"dispatch": "returned", "round": 1}, {
        "dispatch": "pending", "round": 2, "instance": instance_id, "note": "已补充全职到岗证明"})
    assert len(_audit("kunming", "workflow.resubmit")) == 1


def test_a_dispatch_returned_again_or_withdrawn_is_not_recognised(world):
    """Every return moves it back to returned (round after round); withdrawn while returned: refused. Neither is
    a recognition: no `recognised_by`, so the rules and the subsidy (which read it) see none."""
    case, instance_id = returned_dispatch(world)
    subject = ("placement_dispatch", case.placement_id)
    path = f"{KM}/placements/{case.placement_id}"
    world.post(case.applicant, f"{path}/dispatch/resubmit", {})
    world.act_pending("kunming", "km_applicant_unit", "return", "请补充原单位推荐意见", subject=subject)
    placement = world.get(case.applicant, path)
    assert (placement["dispatch"]["code"], placement["recognised_by"]) == ("returned", None)
    assert (placement["dispatch_returned"]["round"], placement["dispatch_returned"]["step_id"]) == (
        2, "sending_unit_selection")
    assert "recognised_by" not in world.get(case.applicant, f"{path}/facts?as_of=2023-03-01")["facts"]["placement"]
    with tenant_context(_tenant("kunming").id, db.session):  # no page or API withdraws a dispatch: the engine
        workflow.withdraw(instance_id, _who(case.applicant), "不再申请认可")
    placement = world.get(case.applicant, path)
    assert (placement["dispatch"]["code"], placement["recognised_by"], placement["dispatch_returned"]) == (
        "refused", None, None)
    assert _error(world, case.applicant, f"{path}/dispatch/resubmit", {}, 409)["code"] == "not_returned"


def _migrate(app, revision: str) -> None:
    """Down to `revision`, or up to head, as `flask db` does (as the owner: MIGRATION_DATABASE_URI)."""
    from flask_migrate import downgrade, upgrade

    db.session.remove()  # the test's own connection lets go of the tables first
    directory = str(Path(__file__).resolve().parents[2] / "migrations")
    (downgrade if revision != "head" else upgrade)(directory=directory, revision=revision)


def _owner_update(app, placement_id: int, dispatch_state: str) -> None:
    engine = owner_engine(app)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE placements SET dispatch_state = :s WHERE id = :id"),
                         {"s": dispatch_state, "id": placement_id})
    finally:
        engine.dispose()


def test_migration_0012_round_trips_a_returned_dispatch(world, seeded_app):
    """Down to 0011: a returned dispatch is pending again (what the code before 0012 keeps, its chain still says
    returned), and 0011's constraint refuses 'returned'. Up again: a placement whose chain is returned is
    returned once more (so it can be resubmitted); one along its chain stays pending."""
    case, instance_id = returned_dispatch(world)
    _migrate(seeded_app, "0011")
    assert _dispatch_state(case.placement_id) == "pending"
    with pytest.raises(IntegrityError):
        _owner_update(seeded_app, case.placement_id, "returned")
    _migrate(seeded_app, "head")
    assert _dispatch_state(case.placement_id) == "returned"
    assert world.get(case.applicant, f"{KM}/placements/{case.placement_id}")["dispatch_returned"]["reason"] == (
        "请补充全职到岗证明")
    world.post(case.applicant, f"{KM}/placements/{case.placement_id}/dispatch/resubmit", {})
    _migrate(seeded_app, "0011")
    _migrate(seeded_app, "head")
    assert _dispatch_state(case.placement_id) == "pending"  # in progress: nothing to backfill
    assert _chain("kunming", instance_id)[:2] == ("in_progress", 2)


@pytest.mark.postgres
def test_migration_0012_moves_every_tenants_rows_when_the_owner_is_no_superuser(world, seeded_app):
    """Forced row-level security holds for a table's owner: a migration role that is not a superuser (as in
    production) sees no tenant's row unless 0012 lifts FORCE for its data UPDATEs (here the test's owner,
    a superuser, hands the tables 0012 touches to such a role and migrates as it; and those the later
    migrations undo on the way down: 0013's postings, whose new key refers to users (REFERENCES granted))."""
    case, _ = returned_dispatch(world)
    db.session.remove()
    role = "grassroots_migrator_test"
    dbutil.ensure_role(role)
    engine = owner_engine(seeded_app)
    try:
        with engine.begin() as conn:
            for table in ("placements", "chain_instances", "alembic_version", "postings"):
                conn.execute(text(f'ALTER TABLE {table} OWNER TO "{role}"'))
            conn.execute(text(f'GRANT REFERENCES ON users TO "{role}"'))
    finally:
        engine.dispose()
    owner = seeded_app.config["MIGRATION_DATABASE_URI"]
    seeded_app.config["MIGRATION_DATABASE_URI"] = make_url(owner).set(username=role).render_as_string(
        hide_password=False)
    try:
        _migrate(seeded_app, "0011")
        assert _dispatch_state(case.placement_id) == "pending"
        _migrate(seeded_app, "head")
        assert _dispatch_state(case.placement_id) == "returned"
    finally:
        seeded_app.config["MIGRATION_DATABASE_URI"] = owner
    engine = owner_engine(seeded_app)
    try:
        with engine.connect() as conn:  # and FORCE is back on both tables
            assert conn.execute(text("SELECT bool_and(relforcerowsecurity) FROM pg_class "
                                     "WHERE relname IN ('placements', 'chain_instances')")).scalar() is True
    finally:
        engine.dispose()


def test_every_dispatch_state_has_its_labels_and_is_documented(world):
    assert set(DISPATCH_LABELS) == set(DISPATCH_STATES)
    assert all(label["zh"] and label["en"] for label in DISPATCH_LABELS.values())
    doc = world.app.test_client().get("/api/v1/openapi.json").get_json()
    dispatch = doc["components"]["schemas"]["PlacementOut"]["properties"]["dispatch"]["$ref"].rsplit("/", 1)[1]
    assert doc["components"]["schemas"][dispatch]["properties"]["code"]["enum"] == list(DISPATCH_STATES)


def test_a_dispatch_is_resubmitted_by_its_starter_only_and_invisible_elsewhere(world):
    case, instance_id = returned_dispatch(world)
    path = f"{KM}/placements/{case.placement_id}/dispatch/resubmit"
    before = _chain("kunming", instance_id)
    # Members of Kunming who read the placement but did not start the chain: 403, said in both languages.
    for who in ("km_county_hr_luquan", "km_applicant_unit", "km_talent_office", "km_city_hr"):
        assert _error(world, who, path, {}, 403)["code"] == "not_dispatcher"
    # Another tenant: not a member of Kunming (404), and under its own tenant exactly like a missing one.
    missing = world.post("lj_city_hr", f"{KM}/placements/2000000000/dispatch/resubmit", {}, 404)
    assert world.post("lj_city_hr", path, {}, 404) == missing
    mine = world.post("lj_city_hr", f"{LJ}/placements/{case.placement_id}/dispatch/resubmit", {}, 404)
    assert mine == world.post("lj_city_hr", f"{LJ}/placements/2000000000/dispatch/resubmit", {}, 404)
    assert mine["error"]["message"] == {"zh": "没有该服务记录", "en": "No such placement"}
    world.post(case.applicant, path, {"note": "x" * 2001}, 422)
    world.post(case.applicant, path, {"surprise": 1}, 422)
    assert _chain("kunming", instance_id) == before  # nothing moved
    assert _dispatch_state(case.placement_id) == "returned"
    assert _audit("kunming", "placement.dispatch.resubmit") == []


def test_a_dispatch_that_is_not_returned_cannot_be_resubmitted(world):
    case = kunming_placement(world)
    path = f"{KM}/placements/{case.placement_id}/dispatch/resubmit"
    assert _error(world, case.applicant, path, {}, 409)["code"] == "not_returned"  # in progress
    subject = ("placement_dispatch", case.placement_id)
    world.act_pending("kunming", "km_applicant_unit", subject=subject)
    world.act_pending("kunming", "km_talent_office", subject=subject)
    assert _error(world, case.applicant, path, {}, 409)["code"] == "not_returned"  # recognised
    # A Lijiang placement has no dispatch chain at all.
    lijiang = ninglang_case(date(2021, 9, 1), date(2023, 8, 31))
    run_lijiang(world, lijiang)
    error = _error(world, lijiang.applicant, f"{LJ}/placements/{lijiang.placement_id}/dispatch/resubmit", {}, 409)
    assert error["code"] == "no_dispatch"
    assert _audit("kunming", "placement.dispatch.resubmit") == []


def test_a_dispatch_through_the_placement_page(world):
    case, _ = returned_dispatch(world)
    page = world.client(case.applicant).get(f"/t/kunming/placements/{case.placement_id}").get_data(as_text=True)
    assert "已退回修改" in page and "请补充全职到岗证明" in page and 'data-testid="resubmit-dispatch"' in page
    english = world.client(case.applicant).get(f"/t/kunming/placements/{case.placement_id}?lang=en")
    assert "Returned for revision" in english.get_data(as_text=True)
    other = world.client("km_county_hr_luquan").get(f"/t/kunming/placements/{case.placement_id}").get_data(as_text=True)
    assert "请补充全职到岗证明" in other and 'data-testid="resubmit-dispatch"' not in other
    refused = world.client("km_county_hr_luquan").post(f"/t/kunming/placements/{case.placement_id}/dispatch/resubmit",
                                                       data={"note": ""})
    assert refused.status_code == 403 and "只有发起选派认可的人" in refused.get_data(as_text=True)
    response = world.client(case.applicant).post(f"/t/kunming/placements/{case.placement_id}/dispatch/resubmit",
                                                 data={"note": "已补充"})
    assert response.status_code == 303
    page = world.client(case.applicant).get(response.headers["Location"]).get_data(as_text=True)
    assert "选派认可已重新提交" in page and 'data-testid="resubmit-dispatch"' not in page
    assert _pending_for(world, "kunming", "km_applicant_unit", ("placement_dispatch", case.placement_id))
    again = world.client(case.applicant).post(f"/t/kunming/placements/{case.placement_id}/dispatch/resubmit", data={})
    assert again.status_code == 303  # not returned any more: said on the page
    assert "只有退回修改的选派认可可以重新提交" in world.client(case.applicant).get(again.headers["Location"]).get_data(as_text=True)


# --- Lijiang: the extension request -------------------------------------------------------------------


def returned_extension(world, requester: str | None = None) -> tuple[Case, dict]:
    """A placement asked to go on one more year; the service county's HR bureau returns it."""
    case = ninglang_case(date(2020, 9, 1), date(2022, 8, 31), serial=15)
    run_lijiang(world, case)
    ext = world.post(requester or case.applicant, f"{LJ}/extensions",
                     {"placement_id": case.placement_id, "extension_years": 1, "reason": "乡卫生院仍需全科医生",
                      "form": {"voluntary": True}}, 201)
    subject = ("placement_extension", ext["id"])
    world.act_pending("lijiang", "lj_nl_hospital", subject=subject)
    world.act_pending("lijiang", "lj_county_hr_ninglang", subject=subject)  # 备案 by the unit's county
    world.act_pending("lijiang", "lj_county_hr_ninglang", "return", "请写明延期服务的工作安排", subject=subject)
    return case, world.get(requester or case.applicant, f"{LJ}/extensions/{ext['id']}")


def test_a_returned_extension_is_corrected_resubmitted_and_granted(world):
    case, ext = returned_extension(world)
    assert ext["state"]["code"] == "returned"
    assert (ext["returned"]["step_id"], ext["returned"]["reason"]) == ("service_county_approval", "请写明延期服务的工作安排")
    assert ext["returned"]["resubmit_by"] == ext["requested_by"]
    subject = ("placement_extension", ext["id"])
    assert _pending_for(world, "lijiang", "lj_nl_hospital", subject) == []

    again = world.post(case.applicant, f"{LJ}/extensions/{ext['id']}/resubmit",
                       {"extension_years": 2, "reason": "延期两年：负责乡卫生院全科门诊及带教"})
    assert (again["state"]["code"], again["extension_years"], again["new_end_date"]) == ("submitted", 2, "2024-08-31")
    assert again["returned"] is None and again["decided_at"] is None
    with tenant_context(_tenant("lijiang").id, db.session):
        form = db.session.get(FormSubmission, ext["submission_id"], populate_existing=True)
        assert (form.data["extension_years"], form.data["new_end"], form.data["reason"], form.data["voluntary"]) == (
            2, "2024-08-31", "延期两年：负责乡卫生院全科门诊及带教", True)
        assert form.data["id_number"].startswith("*") and form.sealed  # still sealed, never in clear
    [task] = _pending_for(world, "lijiang", "lj_nl_hospital", subject)
    assert (task["round"], task["step_id"]) == (2, "unit_consent")
    for who in ("lj_nl_hospital", "lj_county_hr_ninglang", "lj_county_hr_ninglang", "lj_city_hr"):
        world.act_pending("lijiang", who, subject=subject)
    assert world.get(case.applicant, f"{LJ}/extensions/{ext['id']}")["state"]["code"] == "approved"
    placement = world.get(case.applicant, f"{LJ}/placements/{case.placement_id}")
    assert placement["planned_end_date"] == "2024-08-31"
    state, round_, tasks = _chain("lijiang", ext["chain_instance_id"])
    assert (state, round_) == ("approved", 2)
    assert [t for t in tasks if t[0] == 1][-1] == (1, "service_county_approval", "returned")
    [entry] = _audit("lijiang", "placement.extension.resubmit")
    assert (entry.target_type, entry.target_id, entry.before["extension_years"], entry.after["extension_years"]) == (
        "extensions", str(ext["id"]), 1, 2)


def test_an_extension_is_resubmitted_by_its_requester_only_and_invisible_elsewhere(world):
    case, ext = returned_extension(world)
    path = f"{LJ}/extensions/{ext['id']}/resubmit"
    before = _chain("lijiang", ext["chain_instance_id"])
    for who in ("lj_nl_hospital", "lj_county_hr_ninglang", "lj_city_hr", "lj_teacher_li"):
        assert _error(world, who, path, {"extension_years": 3}, 403)["code"] == "not_requester"
    missing = world.post("km_city_hr", f"{LJ}/extensions/2000000000/resubmit", {}, 404)
    assert world.post("km_city_hr", path, {}, 404) == missing  # not a member of Lijiang
    mine = world.post("km_city_hr", f"/api/v1/t/kunming/extensions/{ext['id']}/resubmit", {}, 404)
    assert mine == world.post("km_city_hr", "/api/v1/t/kunming/extensions/2000000000/resubmit", {}, 404)
    assert mine["error"]["message"] == {"zh": "没有该延期申请", "en": "No such extension request"}
    # The requester's own bad corrections: refused with the form's paths, nothing written.
    error = _error(world, case.applicant, path, {"form": {"voluntary": False}}, 422)
    assert "/form/voluntary" in {e["path"] for e in error["errors"]}
    world.post(case.applicant, path, {"extension_years": 0}, 422)
    assert _chain("lijiang", ext["chain_instance_id"]) == before
    unchanged = world.get(case.applicant, f"{LJ}/extensions/{ext['id']}")
    assert (unchanged["state"]["code"], unchanged["extension_years"]) == ("returned", 1)
    assert _audit("lijiang", "placement.extension.resubmit") == []


def test_hr_who_asked_for_the_professional_resubmits_it(world):
    case, ext = returned_extension(world, requester="lj_city_hr")
    path = f"{LJ}/extensions/{ext['id']}/resubmit"
    assert _error(world, case.applicant, path, {}, 403)["code"] == "not_requester"
    assert world.post("lj_city_hr", path, {})["state"]["code"] == "submitted"


def test_an_extension_that_is_not_returned_cannot_be_resubmitted(world):
    case = ninglang_case(date(2020, 9, 1), date(2022, 8, 31), serial=15)
    run_lijiang(world, case)
    ext = world.post(case.applicant, f"{LJ}/extensions",
                     {"placement_id": case.placement_id, "extension_years": 1, "reason": "仍需", "form": {"voluntary": True}},
                     201)
    path = f"{LJ}/extensions/{ext['id']}/resubmit"
    assert _error(world, case.applicant, path, {}, 409)["code"] == "not_returned"  # under approval
    for who in ("lj_nl_hospital", "lj_county_hr_ninglang", "lj_county_hr_ninglang", "lj_city_hr"):
        world.act_pending("lijiang", who, subject=("placement_extension", ext["id"]))
    assert _error(world, case.applicant, path, {}, 409)["code"] == "not_returned"  # approved
    assert world.get(case.applicant, f"{LJ}/extensions/{ext['id']}")["state"]["code"] == "approved"


def test_an_extension_through_its_pages(world):
    case, ext = returned_extension(world)
    client = world.client(case.applicant)
    page = client.get(f"/t/lijiang/extensions/{ext['id']}").get_data(as_text=True)
    assert "已退回修改" in page and "请写明延期服务的工作安排" in page and 'data-testid="resubmit"' in page
    other = world.client("lj_county_hr_ninglang").get(f"/t/lijiang/extensions/{ext['id']}").get_data(as_text=True)
    assert "请写明延期服务的工作安排" in other and 'data-testid="resubmit"' not in other
    assert world.client("lj_county_hr_ninglang").get(f"/t/lijiang/extensions/{ext['id']}/resubmit").status_code == 403
    form = client.get(f"/t/lijiang/extensions/{ext['id']}/resubmit").get_data(as_text=True)
    assert "专业技术人员到基层服务延期申请表" in form
    assert "乡卫生院仍需全科医生" in form and "checked" in form
    english = client.get(f"/t/lijiang/extensions/{ext['id']}/resubmit?lang=en").get_data(as_text=True)
    assert "Resubmit" in english and "Returned for revision" in english
    refused = client.post(f"/t/lijiang/extensions/{ext['id']}/resubmit",
                          data={"extension_years": "1", "reason": "补充说明"})  # the box left unticked
    assert refused.status_code == 422 and "本人自愿延期" in refused.get_data(as_text=True)
    response = client.post(f"/t/lijiang/extensions/{ext['id']}/resubmit",
                           data={"extension_years": "1", "reason": "补充：负责全科门诊", "/voluntary": "true"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "延期申请已重新提交" in page and "审批中" in page
    assert client.get(f"/t/lijiang/extensions/{ext['id']}/resubmit").status_code == 303  # no longer returned


def test_the_resubmit_endpoints_are_documented(world):
    doc = world.app.test_client().get("/api/v1/openapi.json").get_json()
    for path, schema in (("/api/v1/t/{tenant}/extensions/{extension_id}/resubmit", "ExtensionResubmit"),
                         ("/api/v1/t/{tenant}/placements/{placement_id}/dispatch/resubmit", "DispatchResubmit")):
        post = doc["paths"][path]["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(schema)
        assert {"200", "403", "404", "409", "422"} <= set(post["responses"])
    assert doc["components"]["schemas"]["DispatchResubmit"]["additionalProperties"] is False


# --- Two at once (PostgreSQL: SQLite serialises whole transactions) --------------------------------------


def _who(username: str) -> SimpleNamespace:
    user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
    return SimpleNamespace(id=user.id, username=user.username)


@pytest.mark.postgres
def test_two_dispatch_resubmits_at_once_move_it_once(world, seeded_app):
    case, instance_id = returned_dispatch(world)
    tenant, who = _tenant("kunming"), _who(case.applicant)

    def resubmit():
        with tenant_context(tenant.id, db.session):
            placements.resubmit_dispatch(db.session.get(Tenant, tenant.id), who,
                                         placements.get_placement(case.placement_id), "race")

    assert _dispatch_state(case.placement_id) == "returned"
    assert _race(seeded_app, [resubmit, resubmit]) == [201, 409]
    state, round_, tasks = _chain("kunming", instance_id)
    assert (state, round_) == ("in_progress", 2)
    assert [t for t in tasks if t[0] == 2] == [(2, "sending_unit_selection", "pending")]
    assert _dispatch_state(case.placement_id) == "pending"  # moved once, with the chain
    assert len(_audit("kunming", "placement.dispatch.resubmit")) == 1
    assert len(_audit("kunming", "workflow.resubmit")) == 1


@pytest.mark.postgres
def test_two_extension_resubmits_at_once_move_it_once(world, seeded_app):
    case, ext = returned_extension(world)
    tenant, who = _tenant("lijiang"), _who(case.applicant)

    def resubmit(years: int):
        def call():
            with tenant_context(tenant.id, db.session):
                extensions.resubmit_extension(db.session.get(Tenant, tenant.id), who, ext["id"], years, "race")
        return call

    assert _race(seeded_app, [resubmit(1), resubmit(2)]) == [201, 409]
    state, round_, tasks = _chain("lijiang", ext["chain_instance_id"])
    assert (state, round_) == ("in_progress", 2)
    assert [t for t in tasks if t[0] == 2] == [(2, "unit_consent", "pending")]
    with tenant_context(tenant.id, db.session):
        assert db.session.execute(select(func.count(AuditEntry.id)).filter_by(
            action="placement.extension.resubmit")).scalar() == 1
    winner = _audit("lijiang", "placement.extension.resubmit")[0].after["extension_years"]
    assert world.get(case.applicant, f"{LJ}/extensions/{ext['id']}")["extension_years"] == winner
