"""Versions: import at onboarding, hashes, immutability, export byte for byte, parents across tenants."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy.exc import DatabaseError

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.packs import canonical
from grassroots.packs.checking import check_for_tenant
from grassroots.packs.models import SYSTEM_IMPORT, PackVersion
from grassroots.packs.services import import_pack_for_tenant
from grassroots.tenancy.models import Tenant
from tests.conftest import login
from tests.packs.conftest import AUTHOR, PACKS, tenant


def _versions(t) -> list[PackVersion]:
    with tenant_context(t.id, db.session):
        return list(db.session.execute(db.select(PackVersion).order_by(PackVersion.number)).scalars())


def test_onboarding_imports_version_one_with_its_hash(seeded_app):
    for slug in ("yunnan", "lijiang", "kunming", "yuxi", "jilin", "shandong"):
        versions = _versions(tenant(slug))
        assert [v.number for v in versions] == [1], slug
        v = versions[0]
        doc = json.loads((PACKS / f"{slug}.json").read_text(encoding="utf-8"))
        canonical_bytes = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert v.content_hash == hashlib.sha256(canonical_bytes).hexdigest()
        assert (v.author_label, v.publisher_label) == (SYSTEM_IMPORT, SYSTEM_IMPORT)
        assert v.content == (PACKS / f"{slug}.json").read_text(encoding="utf-8")


def test_a_child_is_checked_against_its_parent_tenants_version(seeded_app):
    lijiang = _versions(tenant("lijiang"))[0]
    yunnan = _versions(tenant("yunnan"))[0]
    assert lijiang.extends_chain == [{"slug": "yunnan", "tenant_id": tenant("yunnan").id, "tenant": "yunnan",
                                      "number": 1, "hash": yunnan.content_hash}]


def test_import_is_idempotent(lijiang):
    again = import_pack_for_tenant(lijiang, "lijiang")
    assert again.number == 1
    assert len(_versions(lijiang)) == 1


def test_a_pack_failing_its_check_is_not_imported(seeded_app, tmp_path):
    with tenant_context(None, db.session):
        db.session.add(Tenant(slug="testcity", name_zh="测试市", name_en="Test", level="city",
                              parent_id=tenant("yunnan").id, pack_slug="testcity"))
        db.session.commit()
    doc = json.loads((PACKS / "lijiang.json").read_text(encoding="utf-8"))
    doc["jurisdiction"]["slug"] = "testcity"
    doc["subsidy_components"][0]["payer"] = "nobody_finance"
    path = tmp_path / "testcity.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_pack_for_tenant(tenant("testcity"), "testcity", path=path)
    db.session.rollback()
    assert caught.value.status == 422
    assert any(e["path"] == "/subsidy_components/0/payer" for e in caught.value.errors)
    assert _versions(tenant("testcity")) == []


def test_another_jurisdictions_pack_is_refused(lijiang):
    kunming = json.loads((PACKS / "kunming.json").read_text(encoding="utf-8"))
    errors = check_for_tenant(lijiang, kunming).errors
    assert [(e.path, e.code) for e in errors] == [("/jurisdiction/slug", "wrong_jurisdiction")]
    assert check_for_tenant(lijiang, json.loads((PACKS / "lijiang.json").read_text(encoding="utf-8"))).ok


def test_versions_are_immutable_in_the_database(lijiang):
    with tenant_context(lijiang.id, db.session):
        version = db.session.execute(db.select(PackVersion)).scalar_one()
        version.note = "rewritten"
        with pytest.raises(DatabaseError):
            db.session.flush()
        db.session.rollback()
        version = db.session.execute(db.select(PackVersion)).scalar_one()
        db.session.delete(version)
        with pytest.raises(DatabaseError):
            db.session.flush()
        db.session.rollback()


def test_export_is_byte_equal_to_the_imported_file(seeded_app):
    client = seeded_app.test_client()
    login(client, AUTHOR)
    response = client.get("/api/v1/t/lijiang/pack/versions/1")
    assert response.status_code == 200
    assert response.data == (PACKS / "lijiang.json").read_bytes()
    assert response.headers["ETag"].strip('"') == canonical.content_hash(json.loads(response.data))
    assert client.get("/api/v1/t/lijiang/pack/versions/9").status_code == 404
    page = client.get("/t/lijiang/pack/versions/1.json")
    assert page.status_code == 200 and page.data == response.data


def test_version_list_needs_pack_edit_and_the_right_tenant(seeded_app):
    anonymous = seeded_app.test_client()
    assert anonymous.get("/api/v1/t/lijiang/pack/versions").status_code == 401
    doctor = seeded_app.test_client()
    login(doctor, "lj_doctor_he")
    assert doctor.get("/api/v1/t/lijiang/pack/versions").status_code == 403
    author = seeded_app.test_client()
    login(author, AUTHOR)
    rows = author.get("/api/v1/t/lijiang/pack/versions").get_json()
    assert [(r["number"], r["author"], r["publisher"], r["in_force"]) for r in rows] == [
        (1, SYSTEM_IMPORT, SYSTEM_IMPORT, True)]
    assert author.get("/api/v1/t/kunming/pack/versions").status_code == 404  # not a member there


def test_onboarding_fails_whole_when_its_pack_fails_the_check(seeded_app, tmp_path):
    import shutil

    from grassroots.tenancy.manifest import ManifestError
    from grassroots.tenancy.onboarding import onboard

    shutil.copytree(PACKS, tmp_path / "packs")
    doc = json.loads((PACKS / "lijiang.json").read_text(encoding="utf-8"))
    doc["jurisdiction"]["slug"] = "testcity"
    doc["subsidy_components"][0]["payer"] = "nobody_finance"
    (tmp_path / "packs" / "testcity.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    seeded_app.config["PACKS_DIR"] = str(tmp_path / "packs")
    manifest = {"slug": "testcity", "name": {"zh": "测试市", "en": "Test City"}, "level": "city", "parent": "yunnan",
                "status": "active", "pack": "testcity", "areas": [], "units": [], "staff": []}
    with pytest.raises(ManifestError) as caught:
        onboard(manifest)
    errors = caught.value.errors
    assert {e["path"] for e in errors} == {"/pack"}
    assert any("/subsidy_components/0/payer" in e["message"]["en"] for e in errors)
    assert db.session.execute(db.select(Tenant).filter_by(slug="testcity")).scalar_one_or_none() is None
