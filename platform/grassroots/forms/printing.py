"""Printed copies of a submission: one page per `copies[]` recipient (一式五份 → five pages), each headed
"第N联 / Copy N of M — recipient" with the official title, every field as a labelled row, the
attachments, and the pack version and article the form rests on. Values are shown as on screen:
labels for codes, 是/否 for booleans, resident IDs masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grassroots.forms.fields import kind_of, label_of, option_text, properties
from grassroots.forms.rendering import OTHER_SECTION
from grassroots.forms.sensitive import escape

YES, NO = {"zh": "是", "en": "Yes"}, {"zh": "否", "en": "No"}
BLANK = {"zh": "", "en": ""}


@dataclass
class Row:
    label: dict
    pointer: str
    text: dict = field(default_factory=lambda: BLANK)
    columns: list[dict] = field(default_factory=list)  # a list of records prints as a small table
    cells: list[list[dict]] = field(default_factory=list)


@dataclass
class PrintSection:
    title: dict | None
    rows: list[Row]


@dataclass(frozen=True)
class Copy:
    number: int
    total: int
    recipient: dict | None
    office: str | None


def _join(parts: list[dict], zh_sep: str = "、", en_sep: str = ", ") -> dict:
    return {"zh": zh_sep.join(p["zh"] for p in parts), "en": en_sep.join(p["en"] for p in parts)}


def display(prop: Any, value: Any, labels: dict | None = None) -> dict[str, str]:
    """A value as printed, in both languages."""
    kind = kind_of(prop)
    if value is None:
        return BLANK
    if kind == "checkbox" or isinstance(value, bool):
        return YES if value is True else NO
    if kind == "select":
        return option_text(prop, value, labels)
    if kind == "choices" and isinstance(value, list):
        return _join([option_text(prop, v, labels) for v in value])
    if kind == "group" and isinstance(value, dict):
        return _join([{"zh": f"{label_of(k, p)['zh']}：{display(p, value.get(k), labels)['zh']}",
                       "en": f"{label_of(k, p)['en']}: {display(p, value.get(k), labels)['en']}"}
                      for k, p in properties(prop).items() if k in value], "；", "; ")
    if isinstance(value, list):
        return _join([display(prop.get("items") if isinstance(prop, dict) else {}, v, labels) for v in value])
    return {"zh": str(value), "en": str(value)}


def _row(key: str, prop: Any, value: Any, pointer: str, labels: dict | None) -> Row:
    if kind_of(prop) == "rows":
        items = prop.get("items") or {}
        cols = list(properties(items).items())
        records = value if isinstance(value, list) else []
        return Row(label_of(key, prop), pointer, columns=[label_of(k, p) for k, p in cols],
                   cells=[[display(p, r.get(k) if isinstance(r, dict) else None, labels) for k, p in cols]
                          for r in records])
    return Row(label_of(key, prop), pointer, display(prop, value, labels))


def sections(form: dict, data: dict, labels: dict | None = None) -> list[PrintSection]:
    """Every schema property in its layout section (the rest under 其他), blank where not filled."""
    props = properties((form or {}).get("schema"))
    data = data if isinstance(data, dict) else {}
    out, used = [], set()
    for section in (form or {}).get("layout") or []:
        if not isinstance(section, dict):
            continue
        keys = [k for k in section.get("fields") or [] if k in props and k not in used]
        used |= set(keys)
        out.append(PrintSection(section.get("title"),
                                [_row(k, props[k], data.get(k), f"/{escape(k)}", labels) for k in keys]))
    rest = [k for k in props if k not in used]
    if rest:
        out.append(PrintSection(OTHER_SECTION if out else None,
                                [_row(k, props[k], data.get(k), f"/{escape(k)}", labels) for k in rest]))
    return out


def print_copies(form: dict, submission: Any = None) -> list[Copy]:
    """One entry per copy recipient, in the text's order; a form without a copy list prints once."""
    copies = [c for c in (form or {}).get("copies") or [] if isinstance(c, dict)]
    if not copies:
        return [Copy(1, 1, None, None)]
    return [Copy(n, len(copies), c.get("recipient"), c.get("office")) for n, c in enumerate(copies, start=1)]


def citation(form: dict, pack: dict | None) -> dict[str, str]:
    """《source title》（number）article, annex: from the pack's sources (the document id without a pack)."""
    cite = (form or {}).get("cite") if isinstance((form or {}).get("cite"), dict) else {}
    sources = {s["id"]: s for s in ((pack or {}).get("jurisdiction") or {}).get("sources") or []
               if isinstance(s, dict) and "id" in s}
    source = sources.get(cite.get("doc"), {})
    title = source.get("title") or cite.get("doc") or ""
    number = f"（{source['number']}）" if source.get("number") else ""
    article, annex = cite.get("article", ""), (form or {}).get("annex") or ""
    return {"zh": f"《{title}》{number}{article}" + (f" {annex}" if annex else "") if title else "",
            "en": f"{title} {source.get('number') or ''} {article}".strip() + (f", {annex}" if annex else "")}
