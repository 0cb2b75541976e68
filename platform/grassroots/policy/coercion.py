"""Turning one JSON value of an input into the Python value a fact holds, or saying why it cannot be.

One coercer per fact, built once per compiled pack (grades and area tags come from the pack), shared by the
validating path (`evaluate`) and the batch path, so both read a fact the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from .dates import EARLIEST, LATEST
from .facts import Fact
from .spec import ASSESSMENT_KINDS, AWARD_LEVELS

Coercer = Callable[[Any], Any]
_fromisoformat = date.fromisoformat

# Assessments as the schedule reads them: service year → bits of the kinds graded in it, passing
# (annual 1, term_end 2, training 4) and failing (the same shifted by 3).
AssessmentIndex = dict[int, int]
_KIND_BITS = {kind: 1 << n for n, kind in enumerate(ASSESSMENT_KINDS)}
_FAIL_SHIFT = len(ASSESSMENT_KINDS)


def assessment_bit(kind: str, passes: bool) -> int:
    """The bit recording one assessment of `kind` that passes or fails."""
    return _KIND_BITS[kind] if passes else _KIND_BITS[kind] << _FAIL_SHIFT


def kinds_masks(kinds: frozenset[str]) -> tuple[int, int]:
    """(passing bits, failing bits) of a set of assessment kinds."""
    passing = sum(_KIND_BITS[k] for k in kinds)
    return passing, passing << _FAIL_SHIFT


class Invalid(Exception):
    """A value that is not what its fact allows; `where` is the pointer tail inside the value."""

    def __init__(self, code: str, zh: str, en: str, where: tuple = ()):
        super().__init__(en)
        self.code, self.zh, self.en, self.where = code, zh, en, where


class AnnualGrade(NamedTuple):
    year: int
    grade: str
    passes: bool


class Award(NamedTuple):
    level: str
    year: int


def _type_error(fact: Fact, expected_zh: str, expected_en: str, where: tuple = ()) -> Invalid:
    return Invalid("type_mismatch", f"{fact.label['zh']}应为{expected_zh}", f"{fact.label['en']} must be {expected_en}", where)


def _integer(fact: Fact) -> Coercer:
    def coerce(raw: Any) -> int:
        if type(raw) is not int:
            raise _type_error(fact, "整数", "an integer")
        if raw < 0:
            raise Invalid("negative_value", f"{fact.label['zh']}不能为负数", f"{fact.label['en']} cannot be negative")
        return raw
    return coerce


def _decimal(fact: Fact) -> Coercer:
    def coerce(raw: Any) -> Decimal:
        if type(raw) is int:
            return Decimal(raw)
        if type(raw) is str and raw.isascii():
            try:
                value = Decimal(raw)
            except InvalidOperation:
                value = None
            if value is not None and value.is_finite():
                return value
        raise _type_error(fact, "十进制数（整数或如 \"12.5\" 的字符串）", 'a decimal (an integer or a string such as "12.5")')
    return coerce


def _boolean(fact: Fact) -> Coercer:
    def coerce(raw: Any) -> bool:
        if raw is True or raw is False:
            return raw
        raise _type_error(fact, "布尔值（true/false）", "true or false")
    return coerce


def _date(fact: Fact) -> Coercer:
    def coerce(raw: Any) -> date:
        if type(raw) is str and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":  # parse_date, inline
            try:
                value = _fromisoformat(raw)
            except ValueError:
                value = None
            if value is not None and EARLIEST <= value <= LATEST:
                return value
        raise Invalid("bad_date", f"{fact.label['zh']}应为 1900–2199 年间的日期 YYYY-MM-DD",
                      f"{fact.label['en']} must be a date YYYY-MM-DD between 1900 and 2199")
    return coerce


def _string(fact: Fact) -> Coercer:
    def coerce(raw: Any) -> str:
        if type(raw) is not str:
            raise _type_error(fact, "字符串", "a string")
        return raw
    return coerce


def _unknown_value(fact: Fact, raw: Any, allowed: tuple | frozenset, code: str = "unknown_value", where: tuple = ()) -> Invalid:
    shown = ", ".join(sorted(allowed)) or "—"
    return Invalid(code, f"{fact.label['zh']}的取值 {raw!r} 无效，应为：{shown}",
                   f"{raw!r} is not a value of {fact.label['en']}; expected one of: {shown}", where)


def _enum(fact: Fact) -> Coercer:
    allowed = frozenset(fact.values)

    def coerce(raw: Any) -> str:
        if type(raw) is not str:
            raise _type_error(fact, "字符串", "a string")
        if raw not in allowed:
            raise _unknown_value(fact, raw, allowed)
        return raw
    return coerce


def _ordinal(fact: Fact) -> Coercer:
    """Ordinals are held as their rank, so `gte intermediate` is one integer comparison."""
    ranks = {v: i for i, v in enumerate(fact.values)}

    def coerce(raw: Any) -> int:
        rank = ranks.get(raw) if type(raw) is str else None
        if rank is None:
            if type(raw) is not str:
                raise _type_error(fact, "字符串", "a string")
            raise _unknown_value(fact, raw, fact.values)
        return rank
    return coerce


def _set(fact: Fact, allowed: frozenset[str], code: str) -> Coercer:
    """A set arrives as a JSON list of values; kept as the list (membership on a few items is fast)."""
    def coerce(raw: Any) -> list:
        if type(raw) is not list:
            raise _type_error(fact, "取值列表", "a list of values")
        try:
            ok = allowed.issuperset(raw)
        except TypeError:  # an unhashable item
            ok = False
        if not ok:
            for i, item in enumerate(raw):
                if type(item) is not str or item not in allowed:
                    raise _unknown_value(fact, item, allowed, code, (i,))
        return raw
    return coerce


def _records(fact: Fact, grades: Mapping[str, bool]) -> Coercer:
    """Lists of records: each field checked by its type; grades must be declared by the pack."""
    fields = fact.fields
    choices = {"kind": ASSESSMENT_KINDS} if fact.name == "assessments" else {}
    if fact.name == "person.awards":
        choices = {"level": AWARD_LEVELS}

    def field(i: int, record: dict, name: str, kind: str) -> Any:
        where = (i, name)
        if name not in record or record[name] is None:
            raise Invalid("required", f"{fact.label['zh']}第 {i + 1} 条缺少 {name}",
                          f"{fact.label['en']} item {i + 1} lacks {name}", where)
        raw = record[name]
        if kind == "integer":
            if type(raw) is not int or raw < 0:
                raise _type_error(fact, f"的 {name} 为非负整数", f"a record whose {name} is a non-negative integer", where)
            return raw
        if type(raw) is not str:
            raise _type_error(fact, f"的 {name} 为字符串", f"a record whose {name} is a string", where)
        if kind == "grade" and raw not in grades:
            raise _unknown_value(fact, raw, frozenset(grades), "unknown_grade", where)
        if name in choices and raw not in choices[name]:
            raise _unknown_value(fact, raw, choices[name], "unknown_value", where)
        return raw

    def items(raw: Any):
        if type(raw) is not list:
            raise _type_error(fact, "记录列表", "a list of records")
        for i, record in enumerate(raw):
            if type(record) is not dict:
                raise _type_error(fact, "记录（对象）列表", "a list of records (objects)", (i,))
            extra = set(record) - set(fields)
            if extra:
                name = sorted(extra)[0]
                raise Invalid("unknown_key", f"{fact.label['zh']}第 {i + 1} 条含未知字段 {name}",
                              f"{fact.label['en']} item {i + 1} has an unknown field {name}", (i, name))
            yield i, record

    if fact.name == "assessments":
        def checked(raw: Any) -> AssessmentIndex:
            index: AssessmentIndex = {}
            for i, r in items(raw):
                kind, year, grade = field(i, r, "kind", "string"), field(i, r, "year_no", "integer"), field(i, r, "grade", "grade")
                index[year] = index.get(year, 0) | assessment_bit(kind, grades[grade])
            return index

        def coerce(raw: Any) -> AssessmentIndex:
            """Indexed by year in one pass; anything odd goes through `checked`, which says what is wrong."""
            if type(raw) is not list:
                return checked(raw)
            index: AssessmentIndex = {}
            try:
                for r in raw:
                    bit, year = _KIND_BITS[r["kind"]], r["year_no"]
                    if type(year) is not int or year < 0 or len(r) != 3 or type(r) is not dict:
                        return checked(raw)
                    index[year] = index.get(year, 0) | (bit if grades[r["grade"]] else bit << _FAIL_SHIFT)
            except (KeyError, TypeError, IndexError):  # a missing field, an unknown kind or grade, not a record
                return checked(raw)
            return index
        return coerce

    if fact.name == "person.annual_grades":
        def coerce(raw: Any) -> tuple[AnnualGrade, ...]:
            out: dict[int, AnnualGrade] = {}
            for i, r in items(raw):
                year, grade = field(i, r, "year", "integer"), field(i, r, "grade", "grade")
                if year in out:
                    raise Invalid("duplicate_year", f"{fact.label['zh']}中 {year} 年出现两次",
                                  f"{fact.label['en']} gives year {year} twice", (i, "year"))
                out[year] = AnnualGrade(year, grade, grades[grade])
            return tuple(out[y] for y in sorted(out))
        return coerce

    if fact.name == "person.awards":
        def coerce(raw: Any) -> tuple[Award, ...]:
            return tuple(Award(field(i, r, "level", "string"), field(i, r, "year", "integer")) for i, r in items(raw))
        return coerce

    def coerce(raw: Any) -> tuple[dict, ...]:
        return tuple({name: field(i, r, name, kind) for name, kind in fields.items()} for i, r in items(raw))
    return coerce


def make_coercer(fact: Fact, grades: Mapping[str, bool], area_tags: frozenset[str]) -> Coercer:
    """The coercer of one fact for one pack (`grades`: id → passes; `area_tags`: the declared tags)."""
    kind = fact.type
    if kind == "integer":
        return _integer(fact)
    if kind == "decimal":
        return _decimal(fact)
    if kind == "boolean":
        return _boolean(fact)
    if kind == "date":
        return _date(fact)
    if kind == "enum":
        return _enum(fact)
    if kind == "ordinal":
        return _ordinal(fact)
    if kind == "set":
        if fact.name == "placement.area_tags":
            return _set(fact, area_tags, "unknown_area_tag")
        return _set(fact, frozenset(fact.values), "unknown_value")
    if kind == "records":
        return _records(fact, grades)
    return _string(fact)


def quick_reader(fact: Fact, area_tags: frozenset[str]) -> tuple[str, Any]:
    """How the batch path may read a valid raw value without calling the coercer.

    ("map", {raw: value}) for enums and ordinals, ("bool", None), ("set", allowed values), or ("call", None):
    the coercer is still called for anything the quick way does not accept, so errors stay the same.
    """
    if fact.type == "enum":
        return "map", {v: v for v in fact.values}
    if fact.type == "ordinal":
        return "map", {v: i for i, v in enumerate(fact.values)}
    if fact.type == "boolean":
        return "bool", None
    if fact.type == "set":
        return "set", area_tags if fact.name == "placement.area_tags" else frozenset(fact.values)
    return "call", None
