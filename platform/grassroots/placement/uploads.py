"""Uploaded files made re-readable, so a submission can be checked as a whole before anything is stored."""

from __future__ import annotations

import io
from typing import Any

from werkzeug.datastructures import FileStorage


def rewindable(files: Any) -> dict[str, Any]:
    """{attachment id: FileStorage over an in-memory copy} (request bodies are already size-capped)."""
    out: dict[str, Any] = {}
    for key, file in dict(files or {}).items():
        stream = getattr(file, "stream", None)
        if stream is None:
            out[key] = file
            continue
        try:
            content = stream.read()
        except Exception:  # noqa: BLE001 - a broken stream is an empty file (forms reports it)
            content = b""
        out[key] = FileStorage(stream=io.BytesIO(content if isinstance(content, bytes) else b""),
                               filename=getattr(file, "filename", None), content_type=getattr(file, "content_type", None))
    return out


def rewind(files: dict[str, Any]) -> dict[str, Any]:
    for file in files.values():
        stream = getattr(file, "stream", None)
        if hasattr(stream, "seek"):
            stream.seek(0)
    return files
