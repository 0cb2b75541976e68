"""The Yunnan application form rendered from its JSON Schema: a field per property with its zh label,
English titles in English mode, enum labels, layout sections, attachments, rows, errors beside fields;
and the posted form read back into typed data without ever raising."""

from __future__ import annotations

import random
import re

from werkzeug.datastructures import MultiDict

from grassroots.forms.parsing import parse_form
from grassroots.forms.rendering import form_view, render, render_form, render_form_page
from tests.forms.conftest import good_data, good_post, pack_form


def _html(app, form, values=None, errors=None, lang=None) -> str:
    path = "/?lang=en" if lang == "en" else "/"
    with app.test_request_context(path):
        return str(render_form(form, values, errors, "/submit", labels={}))


def test_every_property_has_a_field_with_its_zh_label(app, application_form):
    html = _html(app, application_form)
    for key, prop in application_form["schema"]["properties"].items():
        match = re.search(rf'<div class="field[^"]*" data-field="/{key}">.*?</div>|'
                          rf'<fieldset class="field choices" id="f-{key.replace("_", "-")}" data-field="/{key}">.*?</fieldset>', html, re.S)
        assert match, f"no field for {key}"
        assert prop["title"] in match.group(0), key
        assert f'name="/{key}"' in match.group(0), key


def test_input_kinds_follow_the_schema(app, application_form):
    html = _html(app, application_form)
    assert re.search(r'<input type="date" id="f-birth-date" name="/birth_date"', html)
    assert re.search(r'<select id="f-gender" name="/gender"', html)
    assert '<option value="male" >男</option>' in html.replace("  ", " ") or ">男</option>" in html
    assert re.search(r'<input type="number" id="f-planned-years" name="/planned_years"[^>]*step="1"[^>]*min="2"', html)
    assert re.search(r'<input type="checkbox" id="f-voluntary" name="/voluntary" value="true"', html)
    assert html.count('name="/licenses"') == 6 and "执业医师" in html  # a checkbox per licence, labelled
    assert "中级" in html and "本科" in html  # fact-vocabulary labels, not codes


def test_layout_sections_required_marks_and_attachments(app, application_form):
    html = _html(app, application_form)
    for title in ("基本情况", "专业技术资格", "所在单位", "服务意向", "附件材料"):
        assert f"<legend>{title}</legend>" in html
    assert html.index("基本情况") < html.index("专业技术资格") < html.index("服务意向")
    assert re.search(r'data-field="/name"><label for="f-name">姓名<span class="required"', html)
    assert not re.search(r'data-field="/ethnicity"><label for="f-ethnicity">民族<span class="required"', html)
    for slot in ("id_card", "qualification_certificate", "education_certificate"):
        assert f'type="file" id="att-{slot}" name="attachment.{slot}" accept=".pdf,.jpg,.png,.jpeg"' in html
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html


def test_english_mode_uses_x_title_en(app, application_form):
    html = _html(app, application_form, lang="en")
    assert "Date of birth" in html and "Intended service county" in html and "出生日期" not in html
    assert ">Male</option>" in html


def test_errors_sit_beside_their_fields_and_in_the_summary(app, application_form):
    errors = [{"path": "/birth_date", "code": "format", "message": {"zh": "「出生日期」不是有效日期", "en": "bad"}},
              {"path": "/attachments/id_card", "code": "attachment_required", "message": {"zh": "请上传「身份证」", "en": "x"}}]
    html = _html(app, application_form, {"birth_date": "1985-02-30"}, errors)
    field = re.search(r'data-field="/birth_date">.*?</div>', html, re.S).group(0)
    assert 'aria-invalid="true"' in field and 'data-error-for="/birth_date"' in field and "不是有效日期" in field
    assert 'value="1985-02-30"' in field
    slot = re.search(r'data-field="/attachments/id_card">.*?</div>', html, re.S).group(0)
    assert "请上传「身份证」" in slot
    assert 'data-testid="form-errors"' in html and "请修改以下 2 处问题" in html


def test_values_are_shown_back(app, application_form):
    html = _html(app, application_form, good_data())
    assert re.search(r'<option value="bachelor" selected>本科</option>', html)
    assert re.search(r'name="/licenses" value="practising_physician" checked', html)
    assert re.search(r'id="f-voluntary" name="/voluntary" value="true" checked', html)
    assert 'value="和志明"' in html


def test_records_render_as_rows_and_read_back(app):
    form = pack_form("jilin", "jilin_title_form")
    with app.test_request_context("/"):
        view = form_view(form, {}, [], labels={})
        html = str(render(form, {}, [], labels={}))
    grades = next(f for s in view.sections for f in s.fields if f.key == "annual_grades")
    assert grades.kind == "rows" and len(grades.rows) == 5
    assert 'name="/annual_grades/4/year"' in html and 'name="/annual_grades/0/grade"' in html
    posted = MultiDict([("/annual_grades/0/year", "2021"), ("/annual_grades/0/grade", "excellent"),
                        ("/annual_grades/1/year", ""), ("/annual_grades/1/grade", ""),
                        ("/annual_grades/2/year", "2023"), ("/annual_grades/2/grade", "qualified")])
    data = parse_form(form, posted)
    assert data["annual_grades"] == [{"year": 2021, "grade": "excellent"}, {"year": 2023, "grade": "qualified"}]


def test_parse_types_the_posted_strings(application_form):
    data = parse_form(application_form, good_post())
    assert data == good_data()
    odd = MultiDict([("/birth_date", "1985年3月7日"), ("/planned_years", "３"), ("/id_number", "11010519491231002x"),
                     ("/phone", "０８８８-５１２３４５６"), ("/name", "  和志明  ")])
    data = parse_form(application_form, odd)
    assert data["birth_date"] == "1985-03-07" and data["planned_years"] == 3
    assert data["id_number"] == "11010519491231002X" and data["phone"] == "0888-5123456" and data["name"] == "和志明"
    assert data["licenses"] == [] and data["voluntary"] is False and "gender" not in data


def test_parse_keeps_what_cannot_be_typed_and_never_raises(application_form):
    assert parse_form(application_form, MultiDict([("/planned_years", "two")]))["planned_years"] == "two"
    rng = random.Random(7)
    junk = ["", " ", "x" * 5000, "\x00", "1e309", "NaN", "-0", "<script>", "２０２０", "[]", "{}", "9" * 40]
    keys = list(application_form["schema"]["properties"]) + ["/nope", "", "/licenses/0"]
    for _ in range(300):
        post = MultiDict([(f"/{rng.choice(keys)}", rng.choice(junk)) for _ in range(rng.randint(0, 12))])
        assert isinstance(parse_form(application_form, post), dict)
    for bad_form in (None, {}, {"schema": "x"}, {"schema": {"properties": {"a": "b"}}}, []):
        assert isinstance(parse_form(bad_form, good_post()), dict)
    assert isinstance(parse_form(application_form, None), dict)


def test_full_page_has_the_official_title(app, application_form):
    with app.test_request_context("/"):
        html = render_form_page(application_form, {}, [], "/go", labels={})
    assert '<h1 data-testid="form-title">云南省专业技术人员到基层服务申请登记表</h1>' in html
    assert 'action="/go"' in html


def test_enum_labels_from_the_form_then_the_pack_then_the_vocabulary():
    from grassroots.forms.fields import options_of

    prop = {"type": "string", "enum": ["a", "b", "excellent"], "x-enum-labels": {"a": {"zh": "甲", "en": "A"}, "b": "乙"}}
    assert options_of(prop) == [("a", {"zh": "甲", "en": "A"}), ("b", {"zh": "乙", "en": "乙"}),
                                ("excellent", {"zh": "excellent", "en": "excellent"})]
    listed = {"type": "string", "enum": ["x", "y"], "x-enum-labels": [{"zh": "某", "en": "X"}, {"zh": "另", "en": "Y"}]}
    assert [label["zh"] for _, label in options_of(listed)] == ["某", "另"]
    grades = {"type": "string", "enum": ["qualified"]}
    assert options_of(grades, {"qualified": {"zh": "称职", "en": "Competent"}}) == [("qualified", {"zh": "称职", "en": "Competent"})]
    assert options_of({"type": "string", "enum": ["male"], "x-fact": "person.gender"}) == [("male", {"zh": "男", "en": "Male"})]


def test_values_and_labels_are_escaped(app, application_form):
    form = {**application_form}
    form["schema"] = {**form["schema"], "properties": {**form["schema"]["properties"],
                                                       "name": {"type": "string", "title": "<b>姓名</b>"}}}
    html = _html(app, form, {"name": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html and "<b>姓名</b>" not in html
