"""Attachments a form asks for (ID card, certificates): checked, stored outside the web root, removed with
the transaction that failed to keep them.

A file is accepted when its size is within the attachment's `max_mb`, its extension is one of `types`
and its first bytes are that type's signature (a PNG renamed .pdf is refused); the content type stored
and served is the detected one, never the client's. On disk a file is UPLOAD_DIR/<tenant id>/<32 hex>:
the client's name never reaches the filesystem; it is kept, sanitised, in the database for display.

Files are written after the data validated and the rows flushed. The session remembers them: when
the transaction ends without a commit they are deleted; files replaced by a resubmission are deleted
only after the commit that replaced them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from grassroots.i18n import tr

log = logging.getLogger(__name__)
SIGNATURES = {"pdf": (b"%PDF-",), "jpg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
ALIASES = {"jpeg": "jpg"}
DEFAULT_TYPES = ("pdf", "jpg", "png")
DEFAULT_MAX_MB = 10
STORED_NAME = re.compile(r"[0-9a-f]{32}", re.ASCII)
_WRITTEN, _DOOMED = "grassroots.forms.written", "grassroots.forms.doomed"


class UploadDirError(RuntimeError):
    """UPLOAD_DIR would put uploads where the web server serves files."""


@dataclass(frozen=True)
class CheckedFile:
    attachment_id: str
    original_name: str
    kind: str
    content_type: str
    content: bytes
    size: int
    sha256: str


def _error(attachment: dict, code: str, zh: str, en: str) -> dict:
    name = attachment.get("name") if isinstance(attachment.get("name"), dict) else {"zh": attachment.get("id", "")}
    label_zh, label_en = name.get("zh", ""), name.get("en") or name.get("zh", "")
    return {"path": f"/attachments/{attachment.get('id', '')}", "code": code,
            "message": {"zh": zh.format(label=label_zh), "en": en.format(label=label_en)}}


def types_of(attachment: dict) -> list[str]:
    types = attachment.get("types") or DEFAULT_TYPES
    return [ALIASES.get(str(t).lower(), str(t).lower()) for t in types]


def max_mb(attachment: dict) -> float:
    mb = attachment.get("max_mb")
    return mb if isinstance(mb, int | float) and not isinstance(mb, bool) and mb > 0 else DEFAULT_MAX_MB


def max_bytes(attachment: dict) -> int:
    return int(max_mb(attachment) * 1024 * 1024)


def accept_of(attachment: dict) -> str:
    """The file input's `accept` list (a hint to the browser; the server decides)."""
    types = types_of(attachment)
    return ",".join(f".{t}" for t in types + (["jpeg"] if "jpg" in types else []))


def sanitize_name(name: Any, kind: str = "") -> str:
    """A display name: the last path part, no control or separator characters, at most 200 characters."""
    text = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*').strip(" .")
    if len(text) > 200:
        stem, dot, ext = text.rpartition(".")
        text = (stem[:190] + dot + ext[:9]) if dot else text[:200]
    return text or (f"file.{kind}" if kind else "file")


def extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ALIASES.get(ext.lower(), ext.lower()) if dot else ""


def sniff(head: bytes) -> str | None:
    """The type whose signature starts `head` (pdf, jpg, png), or None."""
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(s) for s in signatures):
            return kind
    return None


def _read(file: Any, limit: int) -> bytes:
    stream = getattr(file, "stream", file)
    data = stream.read(limit + 1)
    return data if isinstance(data, bytes) else b""


def check_file(attachment: dict, file: Any) -> tuple[CheckedFile | None, list[dict]]:
    """One uploaded file against one attachment spec: (the file, []) or (None, [the error])."""
    limit = max_bytes(attachment)
    try:
        content = _read(file, limit)
    except Exception:  # noqa: BLE001 - a broken stream is the client's problem, not a 500
        content = b""
    name = sanitize_name(getattr(file, "filename", ""))
    allowed = types_of(attachment)
    if not content:
        return None, [_error(attachment, "attachment_empty", "「{label}」文件为空", "{label}: the file is empty")]
    if len(content) > limit:
        mb = f"{max_mb(attachment):g}"
        return None, [_error(attachment, "attachment_size", "「{label}」超过 " + mb + " MB",
                             "{label} is larger than " + mb + " MB")]
    ext, detected = extension(name), sniff(content[:16])
    listed = "、".join(t.upper() for t in allowed)
    if ext not in allowed or ext not in SIGNATURES:
        return None, [_error(attachment, "attachment_type", "「{label}」只接受 " + listed + " 文件",
                             "{label}: only " + listed.replace("、", ", ") + " files are accepted")]
    if detected != ext:
        return None, [_error(attachment, "attachment_content", "「{label}」的文件内容与扩展名不符（不是真正的 "
                             + ext.upper() + " 文件）", "{label}: the file's content is not " + ext.upper())]
    return CheckedFile(str(attachment.get("id")), name, ext, CONTENT_TYPES[ext], content, len(content),
                       hashlib.sha256(content).hexdigest()), []


def _given(file: Any) -> bool:
    return file is not None and bool(getattr(file, "filename", "") or getattr(file, "content_length", 0))


def check_files(form: dict, files: Any, present: frozenset[str] = frozenset(),
                enforce_required: bool = True) -> tuple[dict[str, CheckedFile], list[dict]]:
    """Every attachment of the form: files keyed by attachment id; `present` ids already stored."""
    files = files or {}
    checked: dict[str, CheckedFile] = {}
    errors: list[dict] = []
    for attachment in form.get("attachments") or []:
        if not isinstance(attachment, dict) or not attachment.get("id"):
            continue
        file = files.get(attachment["id"]) if hasattr(files, "get") else None
        if not _given(file):
            if enforce_required and attachment.get("required") and attachment["id"] not in present:
                errors.append(_error(attachment, "attachment_required", "请上传「{label}」", "Please upload {label}"))
            continue
        ok, problems = check_file(attachment, file)
        errors += problems
        if ok is not None:
            checked[ok.attachment_id] = ok
    return checked, errors


def files_from_request(form: dict, request_files: Any) -> dict[str, Any]:
    """`request.files` (inputs named `attachment.<id>`) keyed by the form's attachment ids."""
    out = {}
    for attachment in form.get("attachments") or []:
        if isinstance(attachment, dict) and attachment.get("id"):
            file = request_files.get(f"attachment.{attachment['id']}")
            if _given(file):
                out[attachment["id"]] = file
    return out


def upload_root() -> Path:
    """UPLOAD_DIR, refused if it lies inside the static or template folders (served or rendered)."""
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    for served in (current_app.static_folder, current_app.template_folder):
        if served:
            served_path = (Path(current_app.root_path) / served).resolve()
            if root == served_path or served_path in root.parents:
                raise UploadDirError(f"UPLOAD_DIR {root} is inside {served_path}")
    return root


def path_of(tenant_id: int, stored_name: str) -> Path:
    if not STORED_NAME.fullmatch(stored_name or ""):
        raise ValueError("not a stored file name")
    return upload_root() / str(int(tenant_id)) / stored_name


def store(session: Session, tenant_id: int, checked: CheckedFile) -> str:
    """Write the file under a random name (atomically) and remember it until the transaction ends."""
    folder = upload_root() / str(int(tenant_id))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = secrets.token_hex(16)
    target, partial = folder / stored, folder / f".{stored}.part"
    session.info.setdefault(_WRITTEN, []).append(target)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(checked.content)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return stored


def discard_after_commit(session: Session, tenant_id: int, stored_name: str) -> None:
    session.info.setdefault(_DOOMED, []).append(path_of(tenant_id, stored_name))


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove upload %s", path.name)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    _unlink(session.info.pop(_DOOMED, []))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit: drop its files
        _unlink(session.info.pop(_WRITTEN, []))
        session.info.pop(_DOOMED, None)


def attachment_label(form: dict, attachment_id: str) -> str:
    for attachment in form.get("attachments") or []:
        if isinstance(attachment, dict) and attachment.get("id") == attachment_id:
            return tr(attachment.get("name")) or attachment_id
    return attachment_id
