"""The columns of a roster as its annex lays them out, read from the pack's roster and claim forms.

A roster form's `rows` items (附件4: 姓名, 性别, 身份证号码, 原单位, 服务地县（区）, ...) name the columns in
order, with their official titles; the claim forms attached to it (附件5) add theirs (申报补贴年度,
补贴标准, 申报金额). Each field name the platform knows how to fill (FILL) becomes a column after 序号; an
amount column is always there. Another city's pack with other forms needs no code, only these names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grassroots.packs.labels import value_label
from grassroots.subsidy.lines import PackView
from grassroots.subsidy.models import Roster


def _date(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _label(pair: dict | None, locale: str) -> str:
    if not pair:
        return ""
    return pair.get(locale) or pair.get("zh") or ""


# field name in a pack form's rows → how a line view fills it (locale given for labels)
FILL: dict[str, Callable[[dict, str], str]] = {
    "name": lambda v, loc: v["name"],
    "gender": lambda v, loc: _label(value_label(v["gender"]), loc) if v["gender"] else "",
    "id_number": lambda v, loc: v["id_number_masked"],
    "title_name": lambda v, loc: _label(value_label(v["title_level"]), loc) if v["title_level"] else "",
    "original_unit": lambda v, loc: v["original_unit"],
    "sending_unit": lambda v, loc: v["original_unit"],
    "service_county": lambda v, loc: v["service_county"],
    "service_township": lambda v, loc: v["service_area"],
    "service_area": lambda v, loc: v["service_area"],
    "service_unit": lambda v, loc: v["service_unit"],
    "service_start": lambda v, loc: _date(v["service_start"]),
    "service_end": lambda v, loc: _date(v["service_end"]),
    "full_years": lambda v, loc: str(v["full_years"]),
    "grade": lambda v, loc: _label(v["grade_label"], loc) if v["grade_label"] else "",
    "years_claimed": lambda v, loc: v["years_text"],
    "years_covered": lambda v, loc: v["years_text"],
    "amount_per_year": lambda v, loc: v["amount_per_year"] or "",
    "amount": lambda v, loc: v["amount"],
}
AMOUNT = "amount"
FALLBACK = {
    "name": ("姓名", "Name"), "gender": ("性别", "Gender"), "id_number": ("身份证号码", "Resident ID number"),
    "original_unit": ("原单位", "Original unit"), "service_unit": ("服务单位", "Service unit"),
    "service_area": ("服务地", "Service area"), "service_start": ("服务起始日期", "Service start"),
    "service_end": ("服务截止日期", "Service end"), "years_claimed": ("补贴年度", "Years"),
    "amount": ("金额（元）", "Amount (yuan)"),
}


@dataclass(frozen=True)
class Column:
    key: str
    title: dict[str, str]

    def value(self, view: dict, locale: str = "zh") -> str:
        if self.key == "seq":
            return str(view["seq"])
        return FILL[self.key](view, locale)


def _row_fields(form: dict | None) -> list[tuple[str, dict]]:
    rows = (((form or {}).get("schema") or {}).get("properties") or {}).get("rows") or {}
    props = (rows.get("items") or {}).get("properties") or {}
    return [(name, spec) for name, spec in props.items() if isinstance(spec, dict)]


def columns_for(roster: Roster, view: PackView) -> list[Column]:
    """序号, then the roster form's row fields, then the attached claim forms' (each once), amount last if absent."""
    out = [Column("seq", {"zh": "序号", "en": "No."})]
    seen: set[str] = set()
    forms = [view.forms.get(roster.roster_form)] + [view.forms.get(f) for f in roster.claim_forms or []]
    for form in forms:
        for name, spec in _row_fields(form):
            if name in FILL and name not in seen:
                seen.add(name)
                out.append(Column(name, {"zh": spec.get("title") or name, "en": spec.get("x-title-en") or name}))
    if not seen:
        out += [Column(k, {"zh": zh, "en": en}) for k, (zh, en) in FALLBACK.items()]
    elif AMOUNT not in seen:
        out.append(Column(AMOUNT, {"zh": FALLBACK[AMOUNT][0], "en": FALLBACK[AMOUNT][1]}))
    return out
