"""Step 2 of checking a pack: what JSON Schema cannot say (DESIGN § Checking a pack).

Every fact a rule names exists and is compared with a value of its type; every office, chain, form, payer,
component, area tag and source a pack refers to exists; windows are ordered; routes cover every value;
the application form captures the application facts the rules read. Runs on the merged pack and reads
defensively: a part of the wrong shape was already reported by the schema step and is skipped here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator

from .dates import parse_date
from .errors import PackError, error, join
from .expressions import expr_type
from .facts import Fact, Vocabulary
from .money import is_money
from .spec import MERGED_LISTS, OPS_BY_TYPE, OUTCOME_COMBINE

_META = Draft202012Validator(Draft202012Validator.META_SCHEMA)
_INT_UNITS = frozenset({"people", "months", "days", "years", "times"})
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_DAY_LIKE = re.compile(r"\d{2}-\d{2}")


def _d(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def _l(x: Any) -> list:
    return x if isinstance(x, list) else []


def _ids(items: Any) -> set[str]:
    return {i["id"] for i in _l(items) if isinstance(i, dict) and isinstance(i.get("id"), str)}


def _items(items: Any, at: str) -> Iterator[tuple[str, dict]]:
    for n, item in enumerate(_l(items)):
        if isinstance(item, dict):
            yield join(at, n), item


def duplicate_ids(items: Any, at: str, key: str = "id", what: str = "id") -> list[PackError]:
    """An error at every repeat of an id within one list."""
    seen: set = set()
    out = []
    for where, item in _items(items, at):
        value = item.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            if value in seen:
                out.append(error(join(where, key), "duplicate_id", f"{what} {value!r} 在此列表中重复",
                                 f"{what} {value!r} appears twice in this list"))
            seen.add(value)
    return out


def own_duplicates(doc: Any) -> list[PackError]:
    """Repeated ids in the lists of the document itself (the merge would silently keep one)."""
    doc = _d(doc)
    out = []
    for path, key in MERGED_LISTS:
        node: Any = doc
        for part in path:
            node = _d(node).get(part)
        out += duplicate_ids(_d(node).get(key), "/" + "/".join((*path, key)))
    out += duplicate_ids(doc.get("tests"), "/tests", "name", "test name")
    return out


class _Checker:
    def __init__(self, pack: dict, vocabulary: Vocabulary):
        self.pack, self.vocab = pack, vocabulary
        vocab = _d(pack.get("vocabulary"))
        self.sources = _ids(_d(pack.get("jurisdiction")).get("sources"))
        self.offices = _ids(vocab.get("offices"))
        self.area_tags = _ids(vocab.get("area_tags"))
        self.payers = _ids(pack.get("payers"))
        self.components = _ids(pack.get("subsidy_components"))
        self.chains = _ids(pack.get("approval_chains"))
        self.forms = {f["id"]: f for _, f in _items(pack.get("forms"), "/forms") if isinstance(f.get("id"), str)}
        self.programs = _ids(pack.get("programs"))
        self.errors: list[PackError] = []

    def add(self, path: str, code: str, zh: str, en: str) -> None:
        self.errors.append(error(path, code, zh, en))

    def ref(self, value: Any, known: set | dict, path: str, code: str, zh_what: str, en_what: str) -> None:
        if isinstance(value, str) and value not in known:
            self.add(path, code, f"未定义的{zh_what} {value!r}", f"unknown {en_what} {value!r}")

    def office(self, value: Any, path: str) -> None:
        self.ref(value, self.offices, path, "unknown_office", "办公室（vocabulary.offices）", "office (not in vocabulary.offices)")

    def form(self, value: Any, path: str) -> None:
        self.ref(value, self.forms, path, "unknown_form", "表格（forms）", "form (not in forms)")

    def chain(self, value: Any, path: str) -> None:
        self.ref(value, self.chains, path, "unknown_chain", "审批流程（approval_chains）", "approval chain (not in approval_chains)")

    # -- the whole pack -------------------------------------------------------------------------------

    def run(self) -> list[PackError]:
        self.cites(self.pack, "")
        self.vocabulary()
        for where, component in _items(self.pack.get("subsidy_components"), "/subsidy_components"):
            self.ref(component.get("payer"), self.payers, join(where, "payer"), "unknown_payer", "付款方（payers）", "payer (not in payers)")
            currency = _d(self.pack.get("jurisdiction")).get("currency")
            if isinstance(currency, str) and isinstance(component.get("currency"), str) and component["currency"] != currency:
                self.add(join(where, "currency"), "currency_mismatch", f"币种 {component['currency']} 与辖区币种 {currency} 不一致",
                         f"currency {component['currency']} differs from the jurisdiction's {currency}")
        for where, chain in _items(self.pack.get("approval_chains"), "/approval_chains"):
            self.steps(chain.get("steps"), join(where, "steps"), set())
        for where, form in _items(self.pack.get("forms"), "/forms"):
            self.form_item(form, where)
        for where, entry in _items(self.pack.get("calendar"), "/calendar"):
            self.office(entry.get("office"), join(where, "office"))
            md = entry.get("month_day")
            if isinstance(md, str) and len(md) == 5 and parse_date(f"2000-{md}") is None:
                self.add(join(where, "month_day"), "bad_date", f"日期 {md} 不存在", f"{md} is not a day of the year")
        for where, program in _items(self.pack.get("programs"), "/programs"):
            self.program(program, where)
        for where, test in _items(self.pack.get("tests"), "/tests"):
            self.ref(test.get("program"), self.programs, join(where, "program"), "unknown_program", "项目（programs）", "program (not in programs)")
        return self.errors

    def cites(self, node: Any, path: str) -> None:
        """Every cite.doc names a source; form schemas, params' values and tests are free JSON, not walked."""
        if isinstance(node, dict):
            cite = node.get("cite")
            if isinstance(cite, dict) and isinstance(cite.get("doc"), str) and cite["doc"] not in self.sources:
                self.add(join(path, "cite", "doc"), "unknown_source", f"引用了未列入 jurisdiction.sources 的文件 {cite['doc']!r}",
                         f"cites {cite['doc']!r}, which is not a source in jurisdiction.sources")
            for key, value in node.items():
                if key in ("schema", "tests", "value", "input", "expect") or key == "cite":
                    continue
                self.cites(value, join(path, key))
        elif isinstance(node, list):
            for n, value in enumerate(node):
                self.cites(value, join(path, n))

    def vocabulary(self) -> None:
        vocab = _d(self.pack.get("vocabulary"))
        tag_fact = self.vocab.get("placement.area_tags")
        allowed = set(tag_fact.values) if tag_fact else set()
        for where, tag in _items(vocab.get("area_tags"), "/vocabulary/area_tags"):
            if isinstance(tag.get("id"), str) and tag["id"] not in allowed:
                self.add(join(where, "id"), "unknown_area_tag", f"地区标签 {tag['id']!r} 不是事实 placement.area_tags 的取值（须先加入 facts.json）",
                         f"area tag {tag['id']!r} is not a value of the fact placement.area_tags (add it to facts.json first)")

    # -- chains ---------------------------------------------------------------------------------------

    def steps(self, steps: Any, at: str, seen: set) -> None:
        for where, step in _items(steps, at):
            step_id = step.get("id")
            if isinstance(step_id, str):
                if step_id in seen:
                    self.add(join(where, "id"), "duplicate_id", f"步骤 {step_id!r} 在此流程中重复", f"step id {step_id!r} appears twice in this chain")
                seen.add(step_id)
            self.office(step.get("office"), join(where, "office"))
            if isinstance(step.get("route"), dict):
                self.route(step["route"], join(where, "route"))
            self.steps(step.get("steps"), join(where, "steps"), seen)

    def route(self, route: dict, at: str) -> None:
        cases = _d(route.get("cases"))
        for key, target in cases.items():
            self.office(_d(target).get("office"), join(at, "cases", key, "office"))
        if "default" in route:
            self.office(_d(route["default"]).get("office"), join(at, "default", "office"))
        fact = self.fact_named(route.get("fact"), join(at, "fact"))
        if fact is None:
            return
        if fact.type in ("enum", "ordinal"):
            values: tuple[str, ...] = fact.values
        elif fact.type == "boolean":
            values = ("true", "false")
        else:
            self.add(join(at, "fact"), "type_mismatch", f"只能按枚举、等级或布尔事实分流，{fact.name} 是 {fact.type}",
                     f"a route needs an enum, ordinal or boolean fact; {fact.name} is {fact.type}")
            return
        for key in cases:
            if key not in values:
                self.add(join(at, "cases", key), "unknown_value", f"{key!r} 不是 {fact.name} 的取值（{', '.join(values)}）",
                         f"{key!r} is not a value of {fact.name} ({', '.join(values)})")
        missing = [v for v in values if v not in cases]
        if missing and "default" not in route:
            self.add(at, "route_incomplete", f"分流未覆盖 {fact.name} 的取值：{', '.join(missing)}（补上 cases 或 default）",
                     f"the route does not cover {fact.name} = {', '.join(missing)} (add cases or a default)")

    # -- forms ----------------------------------------------------------------------------------------

    def form_item(self, form: dict, at: str) -> None:
        self.errors += duplicate_ids(form.get("attachments"), join(at, "attachments"), "id", "attachment id")
        for where, copy in _items(form.get("copies"), join(at, "copies")):
            self.office(copy.get("office"), join(where, "office"))
        schema = form.get("schema")
        if not isinstance(schema, dict):
            return
        for where, message in _meta_problems(json.dumps(schema, sort_keys=True, default=str)):
            self.add(join(at, "schema", *where), "form_schema", f"表格的字段定义不是有效的 JSON Schema：{message}",
                     f"the form's fields are not a valid JSON Schema: {message}")
        if schema.get("type") != "object":
            self.add(join(at, "schema"), "form_schema", "表格的字段定义须为 type: object", "a form schema must be of type object")
        for where, prop in _properties(schema, join(at, "schema")):
            if not isinstance(prop.get("title"), str) or not prop["title"]:
                self.add(where, "missing_title", "表格字段须有中文标题 title", "a form field needs a title (zh)")
            if "x-fact" in prop:
                self.fact_named(prop["x-fact"], join(where, "x-fact"))
        fields = set(_d(schema.get("properties")))
        for where, section in _items(form.get("layout"), join(at, "layout")):
            for n, name in enumerate(_l(section.get("fields"))):
                if isinstance(name, str) and name not in fields:
                    self.add(join(where, "fields", n), "unknown_field", f"布局引用了表格中没有的字段 {name!r}",
                             f"the layout names {name!r}, which is not a field of the form")

    # -- programs -------------------------------------------------------------------------------------

    def program(self, program: dict, at: str) -> None:
        reads: list[tuple[str, str]] = []  # (fact, pointer of the rule reading it)
        rule_ids: set[str] = set()
        self.office(program.get("lead_office"), join(at, "lead_office"))
        active = _d(program.get("active"))
        start, end = parse_date(active.get("from")), parse_date(active.get("to"))
        if start and end and start > end:
            self.add(join(at, "active"), "window_order", f"有效期起始 {start} 晚于截止 {end}", f"the active window starts {start}, after it ends {end}")
        if isinstance(program.get("eligibility"), dict):
            self.criterion(program["eligibility"], join(at, "eligibility"), reads, rule_ids)
        self.errors += duplicate_ids(program.get("subsidies"), join(at, "subsidies"), "component", "subsidy component")
        for where, sub in _items(program.get("subsidies"), join(at, "subsidies")):
            self.ref(sub.get("component"), self.components, join(where, "component"), "unknown_component",
                     "补贴项目（subsidy_components）", "subsidy component (not in subsidy_components)")
            if isinstance(sub.get("when"), dict):
                self.criterion(sub["when"], join(where, "when"), reads, rule_ids)
            claim = _d(sub.get("claim"))
            self.chain(claim.get("chain"), join(where, "claim", "chain"))
            self.form(claim.get("roster_form"), join(where, "claim", "roster_form"))
            for n, form_id in enumerate(_l(claim.get("forms"))):
                self.form(form_id, join(where, "claim", "forms", n))
        for where, outcome in _items(program.get("outcomes"), join(at, "outcomes")):
            self.outcome(outcome, where, reads, rule_ids)
        for where, assessment in _items(program.get("assessments"), join(at, "assessments")):
            self.office(assessment.get("by_office"), join(where, "by_office"))
            self.form(assessment.get("form"), join(where, "form"))
        for role, chain in _d(program.get("chains")).items():
            for n, chain_id in enumerate(chain if isinstance(chain, list) else [chain]):
                self.chain(chain_id, join(at, "chains", role, *([n] if isinstance(chain, list) else [])))
        for role, form_id in _d(program.get("forms")).items():
            self.form(form_id, join(at, "forms", role))
        for name, param in _d(program.get("params")).items():
            self.param(_d(param), join(at, "params", name))
        self.collected(program, at, reads)

    def outcome(self, outcome: dict, at: str, reads: list, rule_ids: set) -> None:
        if isinstance(outcome.get("when"), dict):
            self.criterion(outcome["when"], join(at, "when"), reads, rule_ids)
        key, value = outcome.get("key"), outcome.get("value")
        if not isinstance(key, str):
            return
        if key == "funding":
            self.ref(_d(value).get("payer"), self.payers, join(at, "value", "payer"), "unknown_payer", "付款方（payers）", "payer (not in payers)")
        elif OUTCOME_COMBINE.get(key) == "max" and value is not None:
            self.expression(value, join(at, "value"), reads)
            if expr_type(value, self.vocab) == "decimal":
                self.add(join(at, "value"), "type_mismatch", f"{key} 须为整数，此表达式可能得出小数",
                         f"{key} is an integer; this expression may give a decimal")

    def expression(self, expr: Any, at: str, reads: list) -> None:
        if not isinstance(expr, dict) or len(expr) != 1:
            return
        (op, arg), = expr.items()
        if op == "fact":
            fact = self.fact_named(arg, join(at, "fact"))
            if fact is not None:
                reads.append((fact.name, join(at, "fact")))
                if fact.type not in ("integer", "decimal"):
                    self.add(join(at, "fact"), "type_mismatch", f"表达式只能用数值事实，{fact.name} 是 {fact.type}",
                             f"an expression needs a numeric fact; {fact.name} is {fact.type}")
            return
        for n, part in enumerate(_l(arg)):
            self.expression(part, join(at, op, n), reads)

    def param(self, param: dict, at: str) -> None:
        """A parameter's numbers fit its unit; `null` (the text fixes none) and descriptive strings pass."""
        unit, where = param.get("unit"), join(at, "value")
        if not isinstance(unit, str):
            return
        leaves = list(_json_leaves(param.get("value")))
        numbers = [v for v in leaves if isinstance(v, int | float) and not isinstance(v, bool)]
        if unit in _INT_UNITS and any(not isinstance(v, int) or v < 0 for v in numbers):
            self.add(where, "type_mismatch", f"单位为 {unit} 的参数中的数须为非负整数", f"numbers in a parameter in {unit} must be non-negative integers")
        elif unit == "yuan":
            amounts = [v for v in leaves if isinstance(v, str) and _NUMBER.fullmatch(v)]
            if any(v < 0 for v in numbers) or any(v.startswith("-") for v in amounts):
                self.add(where, "negative_amount", "金额不能为负数", "an amount cannot be negative")
            elif numbers or not all(is_money(v) for v in amounts):
                self.add(where, "type_mismatch", '单位为 yuan 的参数中的金额须为字符串，如 "10000.00"',
                         'amounts in a parameter in yuan are strings such as "10000.00"')
        elif unit in ("date", "month_day"):
            pattern = _DATE_LIKE if unit == "date" else _MONTH_DAY_LIKE
            for v in leaves:
                if isinstance(v, str) and pattern.fullmatch(v) and not parse_date(v if unit == "date" else f"2000-{v}"):
                    self.add(where, "bad_date", f"日期 {v} 无效", f"{v} is not a valid {'date' if unit == 'date' else 'day of the year'}")
                    return

    def collected(self, program: dict, at: str, reads: list[tuple[str, str]]) -> None:
        """Application facts the rules read must be fields (x-fact) of the program's application form."""
        needed: dict[str, str] = {}
        for name, where in reads:
            for source in self.vocab.application_sources(name):
                needed.setdefault(source, where)
                if name != source:
                    needed.setdefault(name, where)  # a derived fact may be captured itself instead
        if not needed:
            return
        form_id = _d(program.get("forms")).get("application")
        if form_id is None:
            names = ", ".join(sorted(n for n in needed if self.vocab.facts[n].source == "application"))
            self.add(join(at, "forms") if "forms" in program else at, "application_form_missing",
                     f"项目的条件读取申请人填写的事实（{names}），须在 forms.application 指定申请表",
                     f"the program's rules read facts the applicant supplies ({names}); name the application form in forms.application")
            return
        form = self.forms.get(form_id) if isinstance(form_id, str) else None
        if form is None:
            return  # reported as unknown_form
        captured = {p["x-fact"] for _, p in _properties(_d(form.get("schema")), "") if isinstance(p.get("x-fact"), str)}
        reported: set[str] = set()
        for name, where in reads:
            sources = self.vocab.application_sources(name)
            if not sources or name in captured or all(s in captured for s in sources):
                continue
            missing = [s for s in sources if s not in captured]
            key = ",".join(missing)
            if key in reported:
                continue
            reported.add(key)
            self.add(where, "fact_not_collected", f"申请表 {form_id} 没有采集 {', '.join(missing)}（字段须带 x-fact）",
                     f"the application form {form_id!r} does not capture {', '.join(missing)} (a field with x-fact)")

    # -- criteria -------------------------------------------------------------------------------------

    def fact_named(self, name: Any, at: str) -> Fact | None:
        if not isinstance(name, str):
            return None
        fact = self.vocab.get(name)
        if fact is None:
            self.add(at, "unknown_fact", f"事实词表中没有 {name!r}（policy_packs/schema/facts.json）",
                     f"{name!r} is not in the fact vocabulary (policy_packs/schema/facts.json)")
        return fact

    def criterion(self, node: dict, at: str, reads: list, rule_ids: set) -> None:
        rule_id = node.get("id")
        if isinstance(rule_id, str):
            if rule_id in rule_ids:
                self.add(join(at, "id"), "duplicate_id", f"规则 id {rule_id!r} 在此项目中重复", f"rule id {rule_id!r} appears twice in this program")
            rule_ids.add(rule_id)
        for group in ("all", "any"):
            if group in node:
                for n, child in enumerate(_l(node[group])):
                    if isinstance(child, dict):
                        self.criterion(child, join(at, group, n), reads, rule_ids)
                return
        if "not" in node:
            if isinstance(node["not"], dict):
                self.criterion(node["not"], join(at, "not"), reads, rule_ids)
            return
        op = node.get("op")
        if op == "attested":
            self.office(node.get("office"), join(at, "office"))
            return
        fact = self.fact_named(node.get("fact"), join(at, "fact"))
        if fact is None or not isinstance(op, str):
            return
        reads.append((fact.name, join(at, "fact")))
        if op not in OPS_BY_TYPE.get(fact.type, ()):
            allowed = ", ".join(sorted(OPS_BY_TYPE.get(fact.type, ()))) or "—"
            self.add(join(at, "op"), "op_mismatch", f"{fact.name}（{fact.type}）不能用 {op}，可用：{allowed}",
                     f"{op} does not apply to {fact.name} ({fact.type}); allowed: {allowed}")
            return
        if "value" not in node:
            return
        value = node["value"]
        if op == "in":
            if not isinstance(value, list) or not value:
                self.add(join(at, "value"), "type_mismatch", "in 的值须为非空列表", "the value of in must be a non-empty list")
                return
            for n, item in enumerate(value):
                self.value(fact, item, join(at, "value", n), relative=False)
        else:
            self.value(fact, value, join(at, "value"), relative=True)

    def value(self, fact: Fact, value: Any, at: str, relative: bool) -> None:
        """A value of the fact's type (a member of its values for enum, ordinal and set facts)."""
        kind = fact.type
        ok = True
        if kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind == "decimal":
            ok = (isinstance(value, int | float) and not isinstance(value, bool)) or is_money(value)
        elif kind == "boolean":
            ok = isinstance(value, bool)
        elif kind == "string":
            ok = isinstance(value, str)
        elif kind == "date":
            if relative and isinstance(value, dict):
                years = value.get("years_before_as_of")
                ok = set(value) == {"years_before_as_of"} and isinstance(years, int) and not isinstance(years, bool) and 0 <= years <= 150
            else:
                ok = parse_date(value) is not None
        elif kind in ("enum", "ordinal", "set"):
            if not isinstance(value, str):
                ok = False
            elif fact.name == "placement.area_tags" and value in fact.values and value not in self.area_tags:
                self.add(at, "unknown_area_tag", f"地区标签 {value!r} 未在 vocabulary.area_tags 中声明",
                         f"area tag {value!r} is not declared in vocabulary.area_tags")
                return
            elif value not in fact.values:
                self.add(at, "unknown_value", f"{value!r} 不是 {fact.name} 的取值（{', '.join(fact.values)}）",
                         f"{value!r} is not a value of {fact.name} ({', '.join(fact.values)})")
                return
        if not ok:
            expected = {"date": "a date YYYY-MM-DD" + (" or {years_before_as_of: N}" if relative else "")}.get(kind, f"a {kind}")
            self.add(at, "type_mismatch", f"{fact.name} 是 {kind}，比较值 {value!r} 类型不符", f"{fact.name} is {kind}; compare it with {expected}, not {value!r}")


@lru_cache(maxsize=512)
def _meta_problems(canonical: str) -> tuple[tuple[tuple, str], ...]:
    """Meta-schema errors of one form schema, cached by its text: a child pack re-checks its parent's forms."""
    return tuple((tuple(err.absolute_path), err.message[:160]) for err in _META.iter_errors(json.loads(canonical)))


def _properties(schema: dict, at: str) -> Iterator[tuple[str, dict]]:
    """Every property schema of a form schema, nested objects and array items included."""
    for name, prop in _d(schema.get("properties")).items():
        if isinstance(prop, dict):
            where = join(at, "properties", name)
            yield where, prop
            yield from _properties(prop, where)
            items = prop.get("items")
            if isinstance(items, dict):
                yield from _properties(items, join(where, "items"))


def _json_leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _json_leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_leaves(v)
    else:
        yield value


def semantic_errors(pack: dict, vocabulary: Vocabulary) -> list[PackError]:
    """Every semantic error of a merged pack, at pointers into the merged pack."""
    return _Checker(pack, vocabulary).run()
