"""A bad manifest answers every error with its JSON pointer, and writes nothing at all."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.tenancy.manifest import ManifestError, check_document
from grassroots.tenancy.onboarding import onboard, onboard_file
from tests.tenancy.helpers import manifest, row_counts


def _set(path: tuple, value):
    def mutate(doc: dict) -> dict:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return doc

    return mutate


def _delete(key: str):
    def mutate(doc: dict) -> dict:
        del doc[key]
        return doc

    return mutate


def _copy_code(src: tuple, dst: tuple):
    def mutate(doc: dict) -> dict:
        _set((*dst, "code"), _get(doc, src)["code"])(doc)
        return doc

    return mutate


def _get(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def _dali_unit_cycle(doc: dict) -> dict:
    first, second = doc["units"][0], doc["units"][1]
    first["parent"], second["parent"] = second["code"], first["code"]
    return doc


# (case, mutation of tenants/dali.json, the exact errors expected as (path, code))
CASES = [
    ("not_an_object", lambda doc: [doc], [("/", "type")]),
    ("missing_slug", _delete("slug"), [("/slug", "required")]),
    ("bad_slug_pattern", _set(("slug",), "Dali City"), [("/slug", "pattern")]),
    ("unknown_parent", _set(("parent",), "atlantis"), [("/parent", "unknown_parent")]),
    ("duplicate_area_code", _copy_code(("areas", 0), ("areas", 1)), [("/areas/1/code", "duplicate_code")]),
    ("duplicate_township_code", _copy_code(("areas", 0, "children", 0), ("areas", 1, "children", 0)),
     [("/areas/1/children/0/code", "duplicate_code")]),
    ("unit_unknown_area", _set(("units", 0, "area"), "532999"), [("/units/0/area", "unknown_area")]),
    ("unit_unknown_parent", _set(("units", 2, "parent"), "dl-nowhere"), [("/units/2/parent", "unknown_unit")]),
    ("unit_parent_cycle", _dali_unit_cycle, [("/units/0/parent", "unit_cycle")]),
    ("staff_unknown_office", _set(("staff", 1, "office"), "chief_wizard"), [("/staff/1/office", "unknown_office")]),
    ("staff_scope_unknown_area", _set(("staff", 3, "scope"), {"area": "532999"}),
     [("/staff/3/scope/area", "unknown_area")]),
    ("staff_scope_unknown_unit", _set(("staff", 4, "scope"), {"unit": "dl-nowhere"}),
     [("/staff/4/scope/unit", "unknown_unit")]),
    ("duplicate_username", _set(("staff", 2, "username"), "dl_admin"), [("/staff/2/username", "duplicate_username")]),
    ("username_of_another_province", _set(("staff", 0, "username"), "jl_admin"),
     [("/staff/0/username", "username_taken")]),
    ("username_of_the_operator", _set(("staff", 0, "username"), "operator"), [("/staff/0/username", "username_taken")]),
    ("bad_level_enum", _set(("level",), "prefecture"), [("/level", "enum")]),
    ("bad_area_kind_enum", _set(("areas", 0, "kind"), "village"), [("/areas/0/kind", "enum")]),
    ("city_whose_parent_is_a_city", _set(("parent",), "lijiang"), [("/parent", "parent_level")]),
    ("city_without_parent", _set(("parent",), None), [("/parent", "parent_level")]),
    ("unknown_pack", _set(("pack",), "atlantis"), [("/pack", "unknown_pack")]),
    ("slug_of_another_tree", _set(("slug",), "jilin"), [("/slug", "slug_taken")]),
    ("unknown_field", _set(("mayor",), "someone"), [("/mayor", "unknown_field")]),
    ("bad_email", _set(("staff", 0, "email"), "not-an-address"), [("/staff/0/email", "format")]),
    ("parent_of_wrong_type", _set(("parent",), 42), [("/parent", "type")]),
]


@pytest.mark.parametrize("mutate, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_manifest_answers_its_error_and_writes_nothing(seeded_app, mutate, expected):
    before = row_counts(seeded_app)
    with pytest.raises(ManifestError) as caught:
        onboard(mutate(manifest("dali")))
    assert [(e["path"], e["code"]) for e in caught.value.errors] == expected
    for e in caught.value.errors:
        assert e["message"]["zh"] and e["message"]["en"]
    assert row_counts(seeded_app) == before


def test_not_json_answers_the_position_and_writes_nothing(seeded_app, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"slug": "dali",\n  "name": }', encoding="utf-8")
    before = row_counts(seeded_app)
    with pytest.raises(ManifestError) as caught:
        onboard_file(path)
    [err] = caught.value.errors
    assert (err["path"], err["code"]) == ("/", "invalid_json")
    assert "line 2" in err["message"]["en"] and "第 2 行" in err["message"]["zh"]
    assert row_counts(seeded_app) == before


def test_level_of_an_existing_tenant_cannot_change(seeded_app):
    doc = manifest("lijiang")
    doc["level"] = "county"
    with pytest.raises(ManifestError) as caught:
        onboard(doc)
    assert [(e["path"], e["code"]) for e in caught.value.errors] == [("/level", "level_change")]


def test_every_error_is_reported_at_once(seeded_app):
    doc = manifest("dali")
    doc["slug"] = "Dali"
    doc["units"][0]["area"] = "532999"
    doc["staff"][1]["office"] = "chief_wizard"
    del doc["staff"][2]["email"]
    before = row_counts(seeded_app)
    with pytest.raises(ManifestError) as caught:
        onboard(doc)
    assert {(e["path"], e["code"]) for e in caught.value.errors} == {
        ("/slug", "pattern"), ("/units/0/area", "unknown_area"), ("/staff/1/office", "unknown_office"),
        ("/staff/2/email", "required")}
    assert row_counts(seeded_app) == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
DALI = manifest("dali")
PATHS = [("slug",), ("parent",), ("areas",), ("areas", 0), ("areas", 0, "children"), ("units",), ("units", 0),
         ("units", 0, "parent"), ("staff",), ("staff", 3), ("staff", 3, "scope"), ("pack",), ("name",)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON, where=st.sampled_from(PATHS))
def test_checking_never_raises(value, where):
    """Any JSON, anywhere in a manifest, answers a list of errors (never an exception)."""
    doc = json.loads(json.dumps(DALI))
    _set(where, value)(doc)
    for candidate in (doc, value):
        errors = check_document(candidate)
        assert all(set(e) == {"path", "code", "message"} and e["path"].startswith("/") for e in errors)
