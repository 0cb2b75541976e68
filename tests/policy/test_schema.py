"""The pack schema documents the format: every property described, permissions the platform's own."""

import json

from jsonschema import Draft202012Validator

from grassroots.policy.facts import schema_dir
from grassroots.policy.spec import PERMISSIONS
from tests.policy.helpers import make_pack


def load() -> dict:
    return json.loads((schema_dir() / "pack.schema.json").read_text(encoding="utf-8"))


def test_the_schema_is_a_valid_2020_12_schema():
    schema = load()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_every_property_has_a_description():
    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if not (isinstance(prop, dict) and prop.get("description")):
                    missing.append(f"{path}/properties/{name}")
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for n, value in enumerate(node):
                walk(value, f"{path}/{n}")
    walk(load(), "")
    assert missing == []


def test_the_named_shapes_are_defined_once():
    assert {"text", "cite", "interpretation", "money", "criterion", "subsidy", "outcome", "step", "form", "program", "test"} <= set(load()["$defs"])
    assert load()["$defs"]["money"]["pattern"] == r"^\d+(\.\d{1,2})?$"


def test_office_permissions_are_the_platforms():
    enum = load()["$defs"]["office"]["properties"]["permissions"]["items"]["enum"]
    assert tuple(enum) == PERMISSIONS
    try:
        from grassroots.tenancy.permissions import PERMISSIONS as PLATFORM
    except ImportError:  # the tenancy module is not importable on its own here
        return
    assert set(enum) == set(PLATFORM)


def test_the_fixture_pack_passes_the_schema_alone():
    assert list(Draft202012Validator(load()).iter_errors(make_pack())) == []
