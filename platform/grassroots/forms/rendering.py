"""A pack form as an HTML form: its schema's fields (zh labels, `x-title-en` in English), its layout
sections, its required attachments, and each error beside the field its JSON pointer names.

The placement module embeds the form in its own pages: `render_form(...)` gives the whole `<form>`,
`render_form_page(...)` a complete page, `render(...)` only the fields. Posted back, `parse_form`
turns the inputs into data for the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, render_template
from markupsafe import Markup

from grassroots.forms import uploads
from grassroots.forms.fields import DEFAULT_ROWS, MAX_ROWS, Field, build_all, properties
from grassroots.forms.parsing import parse_form  # noqa: F401  (rendering's counterpart, exported here)
from grassroots.forms.sensitive import get as value_at
from grassroots.packs.programs import effective_or_none

MACROS = "forms/_fields.html"
OTHER_SECTION = {"zh": "其他", "en": "Other"}
LIST_SEPARATOR = "、"


@dataclass
class Section:
    title: dict | None
    fields: list[Field]


@dataclass
class AttachmentSlot:
    id: str
    name: dict
    required: bool
    accept: str
    types: list[str]
    max_mb: float
    existing: Any = None  # the stored Attachment row, on a resubmission

    @property
    def input_name(self) -> str:
        return f"attachment.{self.id}"

    @property
    def pointer(self) -> str:
        return f"/attachments/{self.id}"


@dataclass
class FormView:
    form: dict
    sections: list[Section]
    attachments: list[AttachmentSlot]
    values: dict
    errors: list[dict]
    action_url: str = ""
    revision: int | None = None
    submit_label: dict | None = None
    placed: set[str] = field(default_factory=set)
    # pointer → hint ({"zh", "en"}): fields the server fills itself (the applicant unit's name and level), shown
    # but not editable and not posted, so nobody types what the platform already knows.
    locked: dict[str, dict] = field(default_factory=dict)

    @property
    def form_id(self) -> str:
        return str(self.form.get("id", ""))

    @property
    def title(self) -> dict:
        return self.form.get("title") or {"zh": self.form_id, "en": self.form_id}

    def value(self, pointer: str) -> Any:
        return value_at(self.values, pointer)

    def text(self, pointer: str) -> str:
        value = self.value(pointer)
        if value is None or value is False:
            return ""
        if isinstance(value, list):
            return LIST_SEPARATOR.join(str(v) for v in value)
        return str(value)

    def chosen(self, pointer: str) -> list[str]:
        value = self.value(pointer)
        return [str(v) for v in value] if isinstance(value, list) else []

    def errors_at(self, pointer: str) -> list[dict]:
        return [e for e in self.errors if e.get("path") == pointer]

    def anchor(self, path: str) -> str | None:
        """The id of the input an error points at (for the summary's links), when it has one."""
        if path not in self.placed:
            return None
        if path.startswith("/attachments/"):
            return "att-" + path.split("/", 2)[2]
        return "f" + "".join(c if c.isalnum() else "-" for c in path)

    def unplaced(self) -> list[dict]:
        """Errors with no field of their own (the whole form, an unknown key): shown in the summary."""
        return [e for e in self.errors if e.get("path") not in self.placed]


def pack_labels(pack: dict | None) -> dict[str, dict]:
    """The pack's own labels for codes (grade scale, area tags), which override the platform's."""
    vocabulary = (pack or {}).get("vocabulary", {})
    out: dict[str, dict] = {}
    for group in ("grades", "area_tags"):
        for item in vocabulary.get(group) or []:
            if isinstance(item, dict) and isinstance(item.get("label"), dict) and "id" in item:
                out[item["id"]] = item["label"]
    return out


def default_labels() -> dict[str, dict]:
    """The current tenant's pack labels (empty outside a tenant or without a pack)."""
    tenant = g.get("tenant")
    if tenant is None:
        return {}
    effective = effective_or_none(tenant)
    return pack_labels(effective.pack) if effective else {}


def _row_count(values: dict):
    def count(pointer: str, prop: dict) -> int:
        current = value_at(values, pointer)
        have = len(current) if isinstance(current, list) else 0
        least = prop.get("minItems") if isinstance(prop.get("minItems"), int) else 0
        return min(MAX_ROWS, max(DEFAULT_ROWS, least, have + 1 if have >= DEFAULT_ROWS else 0))

    return count


def _sections(form: dict, fields: list[Field]) -> list[Section]:
    by_key = {f.key: f for f in fields}
    sections, used = [], set()
    for section in form.get("layout") or []:
        if not isinstance(section, dict):
            continue
        keys = [k for k in section.get("fields") or [] if k in by_key and k not in used]
        used |= set(keys)
        sections.append(Section(section.get("title"), [by_key[k] for k in keys]))
    rest = [f for f in fields if f.key not in used]
    if rest:
        sections.append(Section(OTHER_SECTION if sections else None, rest))
    return sections


def _pointers(fields: list[Field]) -> set[str]:
    out = set()
    for f in fields:
        out.add(f.pointer)
        out |= _pointers(f.children)
        for row in f.rows:
            out |= _pointers(row)
    return out


def _slots(form: dict, existing: dict | None) -> list[AttachmentSlot]:
    slots = []
    for a in form.get("attachments") or []:
        if isinstance(a, dict) and a.get("id"):
            slots.append(AttachmentSlot(str(a["id"]), a.get("name") or {"zh": a["id"], "en": a["id"]},
                                        bool(a.get("required")), uploads.accept_of(a),
                                        [t.upper() for t in uploads.types_of(a)],
                                        uploads.max_mb(a),
                                        (existing or {}).get(a["id"])))
    return slots


def form_view(form: dict, values: dict | None = None, errors: list[dict] | None = None, *, action_url: str = "",
              labels: dict | None = None, existing: dict | None = None, revision: int | None = None,
              submit_label: dict | None = None, locked: dict[str, dict] | None = None) -> FormView:
    """Everything the templates need. `existing`: {attachment id: stored Attachment} on a resubmission;
    `locked`: {pointer: hint} of fields shown read-only and not posted (the server fills them)."""
    form = form if isinstance(form, dict) else {}
    values = values if isinstance(values, dict) else {}
    labels = default_labels() if labels is None else labels
    fields = build_all(form.get("schema") or {}, "", labels, _row_count(values))
    slots = _slots(form, existing)
    placed = _pointers(fields) | {s.pointer for s in slots}
    return FormView(form, _sections(form, fields), slots, values, list(errors or []), action_url, revision,
                    submit_label, placed, dict(locked or {}))


def macro(name: str):
    """A macro of forms/_fields.html bound to the request's template context (t, tr, csrf_token).

    From a template: `{% from "forms/_fields.html" import form_tag with context %}`."""
    context: dict[str, Any] = {}
    current_app.update_template_context(context)
    return getattr(current_app.jinja_env.get_template(MACROS).make_module(context), name)


def render(form: dict, values: dict | None = None, errors: list[dict] | None = None,
           labels: dict | None = None, locked: dict[str, dict] | None = None) -> Markup:
    """The fields alone (sections, rows, attachments, errors), to place inside a caller's own `<form>`."""
    view = form_view(form, values, errors, labels=labels, locked=locked)
    return macro("form_body")(view)


def render_form(form: dict, values: dict | None, errors: list[dict] | None, action_url: str, **options: Any) -> Markup:
    """The whole `<form>` (multipart, CSRF token, error summary, fields, attachments, submit button)."""
    return macro("form_tag")(form_view(form, values, errors, action_url=action_url, **options))


def render_form_page(form: dict, values: dict | None, errors: list[dict] | None, action_url: str,
                     title: str | dict | None = None, **options: Any) -> str:
    """A complete page around `render_form`; `title` defaults to the form's official name."""
    view = form_view(form, values, errors, action_url=action_url, **options)
    return render_template("forms/form_page.html", view=view, page_title=title or view.title)


def upload_limit(form: dict, slack: int = 1024 * 1024) -> int:
    """Bytes a posting of this form may carry (every attachment at its largest, plus the fields):
    set it as `request.max_content_length` before reading `request.files` in the posting view."""
    total = sum(uploads.max_bytes(a) for a in form.get("attachments") or [] if isinstance(a, dict))
    return total + slack + 1024 * len(properties(form.get("schema")))
