"""The onboarding manifests in tenants/: valid against their schema, and consistent within and across files.

The schema checks one document's shape; these tests check what it cannot: unique codes, references that
resolve, the tenant tree, usernames unique on the platform, and the demo logins each tenant needs.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[2]
TENANTS_DIR = ROOT / "tenants"
SCHEMA_PATH = TENANTS_DIR / "schema" / "manifest.schema.json"
PACKS_DIR = ROOT / "policy_packs"

BUILTIN_OFFICES = {"tenant_admin", "policy_author", "policy_publisher", "professional"}
TOWNSHIP_KINDS = {"township", "town", "subdistrict"}
COUNTY_KINDS = {"county", "district"}
USERNAME_PREFIXES = {
    "yunnan": "yn_",
    "lijiang": "lj_",
    "kunming": "km_",
    "yuxi": "yx_",
    "dali": "dl_",
    "jilin": "jl_",
    "shandong": "sd_",
}
DEMO_PASSWORD = "demo-2026"

MANIFEST_PATHS = sorted(TENANTS_DIR.glob("*.json"))


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def manifests() -> dict[str, dict]:
    return {path.stem: load(path) for path in MANIFEST_PATHS}


def walk_areas(areas: list[dict], parent: dict | None = None) -> Iterator[tuple[dict, dict | None]]:
    """Every area of a tree with its parent area (None at the top)."""
    for area in areas:
        yield area, parent
        yield from walk_areas(area.get("children", []), area)


def areas_by_code(manifest: dict) -> dict[str, dict]:
    return {area["code"]: area for area, _ in walk_areas(manifest["areas"])}


def units_by_code(manifest: dict) -> dict[str, dict]:
    return {unit["code"]: unit for unit in manifest["units"]}


def pointer(error) -> str:
    """The RFC 6901 JSON pointer of a validation error's instance ("" is the whole document)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in error.absolute_path)


CITY_PATHS = [path for path in MANIFEST_PATHS if load(path)["level"] == "city"]

manifest_params = pytest.mark.parametrize("path", MANIFEST_PATHS, ids=[p.stem for p in MANIFEST_PATHS])


def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(schema())


def test_every_schema_property_is_described():
    missing = []

    def visit(node, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{where}/properties/{name}")
            for key, sub in node.items():
                if key not in ("if", "then", "else"):  # conditions constrain properties declared elsewhere
                    visit(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                visit(sub, f"{where}/{i}")

    visit(schema(), "#")
    assert not missing, missing


def test_the_demo_tenants_are_all_there():
    assert set(USERNAME_PREFIXES) <= set(manifests())


@manifest_params
def test_manifest_matches_the_schema(path: Path):
    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    errors = [f"{pointer(e)}: {e.message}" for e in validator.iter_errors(load(path))]
    assert not errors, "\n".join(errors)


def township(manifest: dict) -> dict:
    return manifest["areas"][0]["children"][0]


BREAKAGES = {
    "unknown root key": (lambda m: m.update(region="滇西北"), ""),
    "upper-case slug": (lambda m: m.update(slug="Lijiang"), "/slug"),
    "province with a parent": (lambda m: m.update(level="province"), "/parent"),
    "6-digit township code": (lambda m: township(m).update(code="530702"), "/areas/0/children/0/code"),
    "unknown tag": (lambda m: township(m).update(tags=["mountain"]), "/areas/0/children/0/tags/0"),
    "township with children": (
        lambda m: township(m).update(
            children=[{"code": "530702999", "name": {"zh": "某村", "en": "X"}, "kind": "town"}]
        ),
        "/areas/0/children/0/children",
    ),
    "unknown unit sector": (lambda m: m["units"][0].update(sector="tourism"), "/units/0/sector"),
    "unit without parent key": (lambda m: m["units"][0].pop("parent"), "/units/0"),
    "scope with area and unit": (
        lambda m: m["staff"][0].update(scope={"area": "530702", "unit": "lj-city-hrss"}),
        "/staff/0/scope",
    ),
    "non-ascii username": (lambda m: m["staff"][0].update(username="lj_管理员"), "/staff/0/username"),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_schema_rejects_a_broken_manifest_at_the_right_path(breakage: str):
    mutate, path = BREAKAGES[breakage]
    manifest = copy.deepcopy(load(TENANTS_DIR / "lijiang.json"))
    mutate(manifest)
    errors = {pointer(e) for e in Draft202012Validator(schema()).iter_errors(manifest)}
    assert errors and path in errors, errors


@manifest_params
def test_slug_is_the_file_name(path: Path):
    assert load(path)["slug"] == path.stem


@manifest_params
def test_area_codes_are_unique_and_nest(path: Path):
    manifest = load(path)
    pairs = list(walk_areas(manifest["areas"]))
    duplicates = [code for code, n in Counter(a["code"] for a, _ in pairs).items() if n > 1]
    assert not duplicates, duplicates
    assert len({a["code"][:2] for a, _ in pairs}) <= 1, "all areas of a tenant lie in one province"
    for area, parent in pairs:
        if area["kind"] in TOWNSHIP_KINDS:
            assert parent is not None and parent["kind"] in COUNTY_KINDS, area["code"]
            assert area["code"].startswith(parent["code"]), area["code"]
        elif area["kind"] in COUNTY_KINDS and parent is not None:
            assert parent["kind"] == "city", area["code"]
            assert area["code"][:4] == parent["code"][:4], area["code"]
        elif area["kind"] == "city":
            assert parent is None and area["code"].endswith("00"), area["code"]
    if manifest["level"] == "city":
        tops = manifest["areas"]
        assert all(a["kind"] in COUNTY_KINDS for a in tops), "a city lists its counties and districts"
        assert len({a["code"][:4] for a in tops}) == 1, "a city's counties share its 4-digit prefix"


@manifest_params
def test_unit_references_resolve(path: Path):
    manifest = load(path)
    areas = areas_by_code(manifest)
    units = units_by_code(manifest)
    duplicates = [code for code, n in Counter(u["code"] for u in manifest["units"]).items() if n > 1]
    assert not duplicates, duplicates
    for unit in manifest["units"]:
        assert unit["area"] in areas, f"{unit['code']}: no area {unit['area']}"
        assert unit["parent"] is None or unit["parent"] in units, f"{unit['code']}: no unit {unit['parent']}"
        if unit["level"] == "township":
            assert areas[unit["area"]]["kind"] in TOWNSHIP_KINDS, f"{unit['code']} is not in a township"
        seen, node = {unit["code"]}, unit
        while node["parent"] is not None:
            node = units[node["parent"]]
            assert node["code"] not in seen, f"{unit['code']}: parent cycle"
            seen.add(node["code"])


@manifest_params
def test_staff_scopes_resolve(path: Path):
    manifest = load(path)
    areas = areas_by_code(manifest)
    units = units_by_code(manifest)
    for member in manifest["staff"]:
        scope, who = member["scope"], member["username"]
        if scope is not None and "area" in scope:
            assert scope["area"] in areas, f"{who}: no area {scope['area']}"
        if scope is not None and "unit" in scope:
            assert scope["unit"] in units, f"{who}: no unit {scope['unit']}"
        if member["office"].startswith("county_"):
            assert scope is not None and "area" in scope, f"{who}: a county office is scoped to its county"
            assert areas[scope["area"]]["kind"] in COUNTY_KINDS, who
        if member["office"] == "professional":
            assert scope is not None and "unit" in scope, f"{who}: a professional belongs to a unit"


def test_usernames_are_unique_on_the_platform_and_prefixed():
    seen: dict[str, str] = {}
    for slug, manifest in manifests().items():
        for member in manifest["staff"]:
            name = member["username"]
            assert name not in seen, f"{name} is in {seen.get(name)} and {slug}"
            seen[name] = slug
            if slug in USERNAME_PREFIXES:
                assert name.startswith(USERNAME_PREFIXES[slug]), name


@manifest_params
def test_demo_logins_share_the_demo_password(path: Path):
    assert {m.get("password") for m in load(path)["staff"]} == {DEMO_PASSWORD}


def test_tenant_tree_and_packs():
    tenants = manifests()
    for slug, manifest in tenants.items():
        ancestors, parent = [], manifest["parent"]
        while parent is not None:
            assert parent in tenants, f"{slug}: parent {parent} has no manifest"
            assert parent not in ancestors, f"{slug}: cycle in the tenant tree"
            ancestors.append(parent)
            parent = tenants[parent]["parent"]
        if manifest["level"] == "city":
            assert tenants[manifest["parent"]]["level"] == "province", slug
        if manifest["level"] == "county":
            assert tenants[manifest["parent"]]["level"] == "city", slug
        assert manifest["pack"] in {None, slug, *ancestors}, f"{slug}: pack {manifest['pack']}"


@pytest.mark.parametrize("path", CITY_PATHS, ids=[p.stem for p in CITY_PATHS])
def test_city_tenant_has_a_remote_township(path: Path):
    remote = [
        a["code"]
        for a, _ in walk_areas(load(path)["areas"])
        if a["kind"] in TOWNSHIP_KINDS and "remote" in a.get("tags", [])
    ]
    assert remote


@manifest_params
def test_tenant_has_its_core_offices(path: Path):
    manifest = load(path)
    holders: dict[str, set[str]] = {}
    for member in manifest["staff"]:
        holders.setdefault(member["office"], set()).add(member["username"])
    for office in ("tenant_admin", "policy_author", "policy_publisher"):
        assert holders.get(office), f"no {office}"
    assert holders["policy_author"] != holders["policy_publisher"], "publishing needs a second person"
    if manifest["level"] == "city":
        for office in ("city_hr", "city_finance", "county_hr"):
            assert holders.get(office), f"no {office}"
        assert len(holders.get("professional", ())) >= 2, "two demo professionals"


def pack_offices(pack: str, seen: frozenset[str] = frozenset()) -> set[str] | None:
    """Offices of a pack and the packs it extends; None while a pack in the chain is not written yet."""
    path = PACKS_DIR / f"{pack}.json"
    if pack in seen or not path.exists():
        return None
    document = json.loads(path.read_text(encoding="utf-8"))
    offices = document.get("vocabulary", {}).get("offices", {})
    found = set(offices) if isinstance(offices, dict) else {o["id"] for o in offices}
    extends = document.get("extends")
    if isinstance(extends, dict):
        extends = extends.get("pack") or extends.get("slug") or extends.get("id")
    if extends:
        inherited = pack_offices(extends, seen | {pack})
        if inherited is None:
            return None
        found |= inherited
    return found


@manifest_params
def test_offices_exist_in_the_pack(path: Path):
    manifest = load(path)
    used = {m["office"] for m in manifest["staff"]} - BUILTIN_OFFICES
    if manifest["pack"] is None:
        assert not used, f"without a pack only built-in offices exist: {sorted(used)}"
        return
    offices = pack_offices(manifest["pack"])
    if offices is None:
        pytest.skip(f"policy_packs/{manifest['pack']}.json (or a pack it extends) is not written yet")
    assert used <= offices, f"offices missing from pack {manifest['pack']}: {sorted(used - offices)}"
