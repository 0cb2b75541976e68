"""`extends`: a city pack merged onto its province's by id, locks kept, cycles and missing parents caught."""

import json

import pytest

from grassroots.policy import check_pack, compile_pack, evaluate, load_pack
from tests.policy.helpers import CITE, case, make_pack, text


def province() -> dict:
    pack = make_pack()
    pack["jurisdiction"].update(slug="province", level="province", parent=None)
    return pack


def city(**sections) -> dict:
    pack = {
        "format": 1,
        "extends": "province",
        "jurisdiction": {"slug": "city", "name": text("市", "City"), "level": "city", "parent": "province", "currency": "CNY",
                         "locale": "zh-CN", "sources": []},
    }
    pack.update(sections)
    return pack


def resolver(*packs: dict):
    by_slug = {p["jurisdiction"]["slug"]: p for p in packs}
    return by_slug.get


def codes(doc: dict, *parents: dict) -> set[tuple[str, str]]:
    return {(e.path, e.code) for e in check_pack(doc, resolve=resolver(*parents))}


def test_child_items_are_added_or_replace_the_parents_by_id():
    parent = province()
    new_source = {"id": "city-2020", "title": "市级办法", "number": None, "issuer": "市人社局", "issued": None,
                  "effective": None, "status": "试行", "file": "002_028feb8bc8619db9.txt"}
    remote = dict(parent["subsidy_components"][1], amount_per_year="15000.00", cite={"doc": "city-2020", "article": "第八条"})
    child = city(jurisdiction={**city()["jurisdiction"], "sources": [new_source]}, subsidy_components=[remote],
                 payers=[{"id": "county_finance", "name": text("县财政", "County finance"), "level": "county"}])
    loaded = load_pack(child, resolve=resolver(parent))
    assert (loaded.errors, loaded.chain) == ([], ["province"])
    merged = loaded.pack
    assert [s["id"] for s in merged["jurisdiction"]["sources"]] == ["lijiang-2017", "city-2020"]
    assert [p["id"] for p in merged["payers"]] == ["province_finance", "city_finance", "county_finance"]
    assert merged["subsidy_components"][1]["amount_per_year"] == "15000.00"
    assert merged["programs"] == parent["programs"]
    assert merged["jurisdiction"]["slug"] == "city"
    assert merged["tests"] == [] and "extends" not in merged
    assert check_pack(child, resolve=resolver(parent)) == []
    answer = evaluate(compile_pack(child, resolve=resolver(parent)), "grassroots_service", case(assessments=[
        {"kind": "annual", "year_no": 1, "grade": "qualified"}, {"kind": "annual", "year_no": 2, "grade": "qualified"}]))
    assert answer["total"] == "50000.00"  # 2 × 10,000 provincial + 2 × 15,000 city


def test_a_childs_own_tests_run_against_the_merged_pack():
    parent = province()
    test = json.loads(json.dumps(parent["tests"][0]))
    test["expect"]["total"] = "40000.00"
    assert codes(city(tests=[test]), parent) == set()
    test["expect"]["total"] = "1.00"
    assert codes(city(tests=[test]), parent) == {("/tests/0", "test_failed")}


def test_missing_parent():
    assert codes(city()) == {("/extends", "extends_missing")}


def test_cycle():
    parent = province()
    parent["extends"] = "city"
    assert codes(city(), parent) == {("/extends", "extends_cycle")}
    own = city(extends="city")
    own["jurisdiction"]["parent"] = "city"
    assert codes(own) == {("/extends", "extends_cycle")}


def test_extends_must_name_the_parent_jurisdiction():
    child = city()
    child["jurisdiction"]["parent"] = "elsewhere"
    assert codes(child, province()) == {("/extends", "extends_parent")}


def test_a_parent_that_does_not_pass_the_schema():
    parent = province()
    parent["programs"][0]["kind"] = "lottery"
    assert codes(city(), parent) == {("/extends", "extends_invalid")}


def test_locked_fields_must_stay_equal():
    parent = province()
    component = dict(parent["subsidy_components"][0], amount_per_year="20000.00", name=text("新名", "New name"))
    assert codes(city(subsidy_components=[component]), parent) == {("/subsidy_components/0/amount_per_year", "locked_field")}
    component["amount_per_year"] = "10000.00"  # renaming is allowed: only amount and payer are locked
    assert codes(city(subsidy_components=[component]), parent) == set()


def test_locks_carry_down_to_grandchildren():
    parent = province()
    component = dict(parent["subsidy_components"][0], name=text("市名", "City name"), locked=["name"])
    child = city(subsidy_components=[component])
    merged = load_pack(child, resolve=resolver(parent)).pack
    assert merged["subsidy_components"][0]["locked"] == ["amount_per_year", "payer", "name"]
    grandchild = {**city(extends="city"), "jurisdiction": {**city()["jurisdiction"], "slug": "county", "level": "county", "parent": "city"},
                  "subsidy_components": [dict(component, amount_per_year="1.00", locked=[])]}
    assert codes(grandchild, parent, child) == {("/subsidy_components/0/amount_per_year", "locked_field")}


def test_a_locked_item_cannot_be_replaced():
    parent = province()
    parent["programs"][0]["locked"] = True
    replacement = dict(parent["programs"][0], name=text("改", "Changed"))
    assert codes(city(programs=[replacement]), parent) == {("/programs/0", "locked_item")}
    assert codes(city(programs=[parent["programs"][0]]), parent) == set()  # repeating it unchanged is not replacing it


def test_a_replacement_keeps_its_kind():
    parent = province()
    replacement = dict(parent["programs"][0], kind="training")
    assert codes(city(programs=[replacement]), parent) == {("/programs/0/kind", "kind_changed")}


def test_errors_in_the_childs_items_are_at_the_childs_pointers():
    parent = province()
    own = dict(parent["programs"][1], id="city_program", lead_office="mayor")
    assert codes(city(programs=[own]), parent) == {("/programs/0/lead_office", "unknown_office")}


def test_an_error_in_an_inherited_item_is_reported_at_extends():
    parent = province()
    form = json.loads(json.dumps(parent["forms"][0]))
    del form["schema"]["properties"]["title_level"]
    errors = check_pack(city(forms=[form]), resolve=resolver(parent))
    assert [(e.path, e.code) for e in errors] == [("/extends", "fact_not_collected")]
    assert "/programs/0/eligibility/all/1/any/0/fact" in errors[0].message["en"]
    assert "province" in errors[0].message["en"]


def test_load_pack_from_files(tmp_path):
    (tmp_path / "province.json").write_text(json.dumps(province()), encoding="utf-8")
    (tmp_path / "city.json").write_text(json.dumps(city()), encoding="utf-8")
    by_slug = load_pack("city", packs_dir=tmp_path)
    by_path = load_pack(tmp_path / "city.json", packs_dir=tmp_path)
    assert by_slug.errors == [] and by_slug.pack == by_path.pack
    assert check_pack(json.loads((tmp_path / "city.json").read_text()), packs_dir=tmp_path) == []


@pytest.mark.parametrize(("content", "code"), [(None, "not_found"), ("{oops", "json")])
def test_unreadable_pack_files(tmp_path, content, code):
    path = tmp_path / "broken.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    loaded = load_pack(path)
    assert loaded.pack is None
    assert [e.code for e in loaded.errors] == [code]


def test_an_unreadable_parent_file(tmp_path):
    (tmp_path / "province.json").write_text("[1,", encoding="utf-8")
    assert {(e.path, e.code) for e in check_pack(city(), packs_dir=tmp_path)} == {("/extends", "extends_invalid")}


def test_cite_of_a_child_may_name_a_parent_source():
    parent = province()
    calendar = [{"id": "report", "name": text("上报", "Report"), "month_day": "08-30", "office": "city_hr", "cite": CITE}]
    assert codes(city(calendar=calendar), parent) == set()
