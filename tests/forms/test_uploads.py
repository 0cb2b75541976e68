"""Attachment checks: size within max_mb, extension AND signature among the form's types, a sanitised
display name; storage outside the web root under a random name; the file removed with a failed transaction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grassroots.db import db
from grassroots.forms import uploads
from tests.forms.conftest import JPEG, PDF, PNG, upload

ID_CARD = {"id": "id_card", "name": {"zh": "身份证", "en": "Resident ID card"}, "required": True,
           "types": ["pdf", "jpg", "png"], "max_mb": 10}


def _check(content: bytes, filename: str, spec: dict = ID_CARD):
    return uploads.check_file(spec, upload(content, filename))


def test_a_real_small_pdf_is_accepted():
    checked, errors = _check(PDF, "身份证扫描件.pdf")
    assert errors == [] and checked.kind == "pdf" and checked.content_type == "application/pdf"
    assert checked.size == len(PDF) and len(checked.sha256) == 64 and checked.original_name == "身份证扫描件.pdf"


@pytest.mark.parametrize(("content", "name", "kind"), [(PNG, "a.PNG", "png"), (JPEG, "a.jpeg", "jpg"), (JPEG, "a.jpg", "jpg")])
def test_images_are_accepted_by_signature_and_extension(content, name, kind):
    checked, errors = _check(content, name)
    assert errors == [] and checked.kind == kind


def test_a_png_renamed_pdf_is_refused():
    checked, errors = _check(PNG, "certificate.pdf")
    assert checked is None
    assert errors[0]["path"] == "/attachments/id_card" and errors[0]["code"] == "attachment_content"
    assert "文件内容与扩展名不符" in errors[0]["message"]["zh"] and "身份证" in errors[0]["message"]["zh"]


@pytest.mark.parametrize(("content", "name"), [(PDF, "scan"), (PDF, "scan.exe"), (b"MZ\x90\x00", "scan.exe"),
                                               (b"<html>", "x.html"), (PDF, "x.pdf.html")])
def test_other_types_are_refused(content, name):
    checked, errors = _check(content, name)
    assert checked is None and errors[0]["code"] == "attachment_type" and "PDF、JPG、PNG" in errors[0]["message"]["zh"]


def test_a_type_outside_the_forms_list_is_refused_even_if_genuine():
    checked, errors = _check(PNG, "a.png", {**ID_CARD, "types": ["pdf"]})
    assert checked is None and errors[0]["code"] == "attachment_type"


def test_an_oversize_file_is_refused():
    spec = {**ID_CARD, "max_mb": 0.01}  # 10 KiB
    checked, errors = _check(PDF + b"0" * 11_000, "big.pdf", spec)
    assert checked is None and errors[0]["code"] == "attachment_size" and "超过 0.01 MB" in errors[0]["message"]["zh"]
    exact = PDF + b"0" * (int(0.01 * 1024 * 1024) - len(PDF))
    assert _check(exact, "edge.pdf", spec)[1] == []


def test_an_empty_file_is_refused():
    assert _check(b"", "a.pdf")[1][0]["code"] == "attachment_empty"


def test_required_attachments_and_present_ones():
    form = {"attachments": [ID_CARD, {**ID_CARD, "id": "diploma", "required": False}]}
    checked, errors = uploads.check_files(form, {})
    assert [e["code"] for e in errors] == ["attachment_required"] and errors[0]["message"]["zh"] == "请上传「身份证」"
    assert uploads.check_files(form, {}, present=frozenset({"id_card"}))[1] == []
    assert uploads.check_files(form, {}, enforce_required=False)[1] == []
    checked, errors = uploads.check_files(form, {"id_card": upload(PDF, "a.pdf"), "unknown": upload(PDF, "b.pdf")})
    assert errors == [] and list(checked) == ["id_card"]


@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\x\\身份证.pdf", "身份证.pdf"), ("a\x00b\r\n.pdf", "ab.pdf"),
    ('<img src=x onerror=1>.pdf', "img src=x onerror=1.pdf"), ("...", "file.pdf"), (None, "file.pdf"),
])
def test_display_names_are_sanitised(raw, clean):
    assert uploads.sanitize_name(raw, "pdf") == clean
    assert len(uploads.sanitize_name("长" * 500 + ".pdf")) <= 200 and uploads.sanitize_name("长" * 500 + ".pdf").endswith(".pdf")


def test_stored_outside_the_static_folder_under_a_random_name(app):
    checked, _ = _check(PDF, "../../static/evil.pdf")
    with app.test_request_context("/"):
        session = db.session()
        session.begin()
        stored = uploads.store(session, 7, checked)
        path = uploads.path_of(7, stored)
        assert re.fullmatch(r"[0-9a-f]{32}", stored) and path.read_bytes() == PDF
        assert path.parent == Path(app.config["UPLOAD_DIR"]).resolve() / "7"
        static = Path(app.static_folder).resolve()
        assert static not in path.parents and "evil" not in str(path)
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        session.commit()
        assert path.exists()  # committed: kept


def test_files_of_a_transaction_that_does_not_commit_are_removed(app):
    checked, _ = _check(PNG, "a.png")
    with app.test_request_context("/"):
        session = db.session()
        session.begin()
        path = uploads.path_of(3, uploads.store(session, 3, checked))
        assert path.exists()
        session.rollback()
        assert not path.exists()
        assert list(path.parent.iterdir()) == []  # no partial file left either


def test_an_upload_dir_inside_the_static_folder_is_refused(app):
    app.config["UPLOAD_DIR"] = str(Path(app.static_folder) / "uploads")
    with app.test_request_context("/"), pytest.raises(uploads.UploadDirError):
        uploads.upload_root()


def test_stored_names_are_checked_before_touching_the_disk(app):
    with app.test_request_context("/"):
        for bad in ("../secret", "a" * 32 + "/..", "", "ABCDEF" * 6):
            with pytest.raises(ValueError):
                uploads.path_of(1, bad)
