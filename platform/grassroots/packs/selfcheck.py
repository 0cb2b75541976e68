"""The public self-check form: fields generated from the facts a program reads, and the form back to an input.

A field per fact (selects for enumerations, date inputs, checkboxes for sets, yes/no/unknown for
booleans), a few rows for record lists (assessments, annual grades, awards), and one yes/no per
attestation. Derived facts (age, full years) are asked through their sources (birth date, service dates).
No JavaScript: the form posts to a page that answers with the same evaluation function as the API.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from grassroots.packs.effective import Effective
from grassroots.packs.labels import ASSESSMENT_KINDS, value_label
from grassroots.policy.derived import DERIVED
from grassroots.policy.facts import load_vocabulary

RECORD_ROWS = {"assessments": 6, "person.annual_grades": 5, "person.awards": 3}
RECORD_LABELS = {"kind": {"zh": "考核类型", "en": "Kind"}, "year_no": {"zh": "服务第几年", "en": "Service year"},
                 "grade": {"zh": "等次", "en": "Grade"}, "year": {"zh": "年份", "en": "Year"},
                 "level": {"zh": "级别", "en": "Level"}}
BOOLEAN_OPTIONS = [("true", {"zh": "是", "en": "Yes"}), ("false", {"zh": "否", "en": "No"})]
_INTEGER = re.compile(r"-?\d{1,9}")


@dataclass
class Field:
    name: str  # "person.title_level", or "assessments.0.grade" for a record cell
    type: str  # date | integer | decimal | boolean | enum | ordinal | set | string | grade | kind
    label: dict[str, str]
    options: list[tuple[str, dict[str, str]]] = field(default_factory=list)


@dataclass
class RecordList:
    name: str  # "assessments", "person.annual_grades"
    label: dict[str, str]
    columns: list[Field]
    rows: int


@dataclass
class FormSpec:
    fields: list[Field]
    records: list[RecordList]
    attestations: list[Field]

    def labels(self) -> dict[str, dict[str, str]]:
        """Field name → label, to name the field an error points at."""
        out = {f.name: f.label for f in self.fields + self.attestations}
        for record in self.records:
            out[record.name] = record.label
        return out


def _pack_labels(pack: dict) -> dict[str, dict]:
    vocabulary = pack.get("vocabulary", {})
    return {item["id"]: item.get("label", {}) for key in ("grades", "area_tags") for item in vocabulary.get(key, [])}


def _attestations(node: Any, out: dict[str, dict]) -> None:
    if isinstance(node, dict):
        if node.get("op") == "attested" and isinstance(node.get("attest"), str):
            out.setdefault(node["attest"], node.get("message") or {"zh": node["attest"], "en": node["attest"]})
        for value in node.values():
            _attestations(value, out)
    elif isinstance(node, list):
        for value in node:
            _attestations(value, out)


def _record(name: str, label: dict, spec_fields: dict[str, str], grades: list, labels: dict) -> RecordList:
    columns = []
    for key, kind in spec_fields.items():
        cell = f"{name}.{{row}}.{key}"
        if kind == "grade":
            columns.append(Field(cell, "grade", RECORD_LABELS.get(key, {"zh": key, "en": key}),
                                 [(g, value_label(g, labels)) for g in grades]))
        elif key == "kind" and name == "assessments":
            columns.append(Field(cell, "kind", RECORD_LABELS["kind"], [(k, value_label(k)) for k in ASSESSMENT_KINDS]))
        else:
            columns.append(Field(cell, kind, RECORD_LABELS.get(key, {"zh": key, "en": key})))
    return RecordList(name, label, columns, RECORD_ROWS.get(name, 3))


def _unused_service_facts(program) -> set[str]:
    """The engine always reserves service dates and assessments; ask for them only when the program uses them."""
    spec_text = json.dumps(program.spec)
    unused = set()
    if not any(s.schedule.requires for s in program.subsidies):
        unused.add("assessments")
    dated = program.subsidies or "service" in program.spec or any(
        f'"{name}"' in spec_text for name in ("placement.full_years", "placement.months", "placement.start_date",
                                               "placement.end_date"))
    if not dated:
        unused |= {"placement.start_date", "placement.end_date"}
    return unused


def form_spec(effective: Effective, program_id: str) -> FormSpec:
    """The form for one program of the pack in force (the program must exist)."""
    program = effective.compiled.programs[program_id]
    vocabulary = load_vocabulary()
    pack = effective.pack
    labels = _pack_labels(pack)
    grades = [g["id"] for g in pack.get("vocabulary", {}).get("grades", [])]
    area_tags = [t["id"] for t in pack.get("vocabulary", {}).get("area_tags", [])]
    fields: list[Field] = []
    records: list[RecordList] = []
    unused = _unused_service_facts(program)
    for name in program.slots.names:
        fact = vocabulary.get(name)
        if fact is None or name in DERIVED or name in unused:
            continue
        if fact.type == "records":
            records.append(_record(name, fact.label, fact.fields, grades, labels))
            continue
        values = list(fact.values)
        if name.endswith("area_tags") and area_tags:
            values = [v for v in values if v in area_tags] or values
        options = [(v, value_label(v, labels)) for v in values]
        if fact.type == "boolean":
            options = BOOLEAN_OPTIONS
        fields.append(Field(name, fact.type, fact.label, options))
    attests: dict[str, dict] = {}
    _attestations(program.spec, attests)
    attestations = [Field(f"attestations.{key}", "boolean", message, BOOLEAN_OPTIONS) for key, message in attests.items()]
    order = {name: n for n, name in enumerate(vocabulary.facts)}
    fields.sort(key=lambda f: order.get(f.name, len(order)))  # the vocabulary's order: person, then placement
    return FormSpec(fields, records, attestations)


def _typed(kind: str, raw: str) -> Any:
    if kind == "integer":
        return int(raw) if _INTEGER.fullmatch(raw) else raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw


def input_from_form(form: MultiDict, spec: FormSpec) -> tuple[dict, dict[str, str]]:
    """(evaluation input, {input pointer prefix → form name}) from a posted form; blanks are left out.

    The map lets an error at `/assessments/1/grade` be shown at the form row it came from (blank rows
    are skipped, so input rows and form rows can differ).
    """
    data: dict[str, Any] = {}
    where: dict[str, str] = {}
    as_of = (form.get("as_of") or "").strip()
    if as_of:
        data["as_of"] = as_of
    for f in spec.fields:
        section, key = f.name.split(".", 1)
        if f.type == "set":
            value: Any = [v for v in form.getlist(f.name) if v]
        else:
            raw = (form.get(f.name) or "").strip()
            if not raw:
                continue
            value = _typed(f.type, raw)
        data.setdefault(section, {})[key] = value
    for record in spec.records:
        rows = []
        for n in range(record.rows):
            row = {}
            for column in record.columns:
                cell = column.name.format(row=n)
                raw = (form.get(cell) or "").strip()
                if raw:
                    key = cell.rsplit(".", 1)[1]
                    row[key] = _typed(column.type, raw)
            if row:
                where[f"/{record.name.replace('.', '/')}/{len(rows)}"] = f"{record.name}.{n}"
                rows.append(row)
        if rows:
            if "." in record.name:
                section, key = record.name.split(".", 1)
                data.setdefault(section, {})[key] = rows
            else:
                data[record.name] = rows
    attestations = {}
    for f in spec.attestations:
        raw = (form.get(f.name) or "").strip()
        if raw in ("true", "false"):
            attestations[f.name.split(".", 1)[1]] = raw == "true"
    if attestations:
        data["attestations"] = attestations
    return data, where


def field_of(path: str, where: dict[str, str]) -> str:
    """The form name an input pointer refers to (`/person/birth_date` → `person.birth_date`)."""
    for prefix, name in where.items():
        if path == prefix or path.startswith(prefix + "/"):
            return name + path[len(prefix):].replace("/", ".")
    return path.strip("/").replace("/", ".")
