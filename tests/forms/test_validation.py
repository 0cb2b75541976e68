"""Validation against the form's JSON Schema: a good submission passes; each kind of error comes back at
its JSON pointer with a Chinese message naming the field; all of them at once; never an exception."""

from __future__ import annotations

import random

import pytest

from grassroots.forms.parsing import parse_form
from grassroots.forms.validation import validate
from tests.forms.conftest import good_data, good_post, pack_form


def _by_path(errors: list[dict]) -> dict[str, dict]:
    return {e["path"]: e for e in errors}


def test_a_good_submission_passes(application_form):
    assert validate(application_form, good_data()) == []
    assert validate(application_form, parse_form(application_form, good_post())) == []


@pytest.mark.parametrize(("change", "path", "code", "zh"), [
    ({"birth_date": None}, "/birth_date", "required", "「出生日期」为必填项"),
    ({"planned_years": "two"}, "/planned_years", "type", "「拟服务年限」应为整数"),
    ({"gender": "unknown"}, "/gender", "enum", "「性别」的值不在可选范围内（可选：女、男）"),
    ({"birth_date": "1985-02-30"}, "/birth_date", "format", "「出生日期」不是有效日期，应写作 YYYY-MM-DD"),
    ({"birth_date": "19850207"}, "/birth_date", "format", "「出生日期」不是有效日期，应写作 YYYY-MM-DD"),
    ({"planned_years": 1}, "/planned_years", "minimum", "「拟服务年限」不得小于 2"),
    ({"name": ""}, "/name", "minLength", "「姓名」不能为空"),
    ({"phone": "call me"}, "/phone", "pattern", "「联系电话」格式不正确"),
    ({"voluntary": False}, "/voluntary", "const", "请勾选「本人自愿到基层服务」"),
    ({"licenses": ["astronaut"]}, "/licenses/0", "enum", "「执业资格 第1项」的值不在可选范围内"),
    ({"id_number": "110105194912310021"}, "/id_number", "id_checksum", "身份证号码校验位不正确"),
])
def test_each_error_has_its_path_and_a_chinese_message(application_form, change, path, code, zh):
    data = {**good_data(), **change}
    data = {k: v for k, v in data.items() if v is not None}
    errors = validate(application_form, data)
    assert [e["path"] for e in errors] == [path], errors
    assert errors[0]["code"] == code
    assert errors[0]["message"]["zh"].startswith(zh)
    assert errors[0]["message"]["en"] and set(errors[0]) == {"path", "code", "message"}


def test_all_errors_at_once_in_form_order(application_form):
    data = {"gender": "x", "birth_date": "2020-13-01", "planned_years": "abc", "extra": 1}
    errors = validate(application_form, data)
    paths = [e["path"] for e in errors]
    assert {"/name", "/gender", "/birth_date", "/planned_years", "/voluntary", "/extra"} <= set(paths)
    assert paths.index("/name") < paths.index("/gender") < paths.index("/birth_date") < paths.index("/planned_years")
    assert _by_path(errors)["/extra"]["code"] == "additional"


def test_english_messages_use_the_english_title(application_form):
    errors = validate(application_form, {**good_data(), "planned_years": 1})
    assert errors[0]["message"]["en"] == "Planned service years must be at least 2"


def test_errors_inside_rows_name_the_row(app):
    form = pack_form("jilin", "jilin_title_form")
    errors = validate(form, {"annual_grades": [{"year": 2021, "grade": "excellent"}, {"year": "x", "grade": "great"}]})
    found = _by_path(errors)
    assert found["/annual_grades/1/year"]["message"]["zh"] == "「历年年度考核等次 第2行 年度」应为整数"
    assert found["/annual_grades/1/grade"]["code"] == "enum"


def test_garbage_never_raises(application_form):
    rng = random.Random(11)
    values = [None, 0, -1, 1.5, float("inf"), "", "x" * 10000, [], {}, [[[]]], {"a": {"b": {}}}, True,
              "2020-02-30", "\udcff", b"bytes", object()]
    for _ in range(300):
        data = {rng.choice(list(application_form["schema"]["properties"]) + ["zz"]): rng.choice(values)
                for _ in range(rng.randint(0, 8))}
        assert isinstance(validate(application_form, data), list)
    for data in (None, "text", 5, [], [good_data()]):
        errors = validate(application_form, data)
        assert errors and errors[0]["path"] == "" and errors[0]["code"] == "type"


def test_a_broken_form_schema_is_an_error_not_an_exception():
    broken = {"id": "b", "schema": {"type": "object", "properties": {"a": {"type": "string", "pattern": "("}}}}
    assert [e["code"] for e in validate(broken, {"a": "x"})] == ["schema_error"]
    assert [e["code"] for e in validate({"id": "c"}, {})] == ["schema_error"]
    assert validate(None, {})[0]["code"] == "schema_error"
