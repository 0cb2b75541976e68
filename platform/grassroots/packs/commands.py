"""`grassroots packs check|import|versions|diff|export` and `grassroots evaluate`.

`packs check` needs no database and no app context: it is the engine's checker over files, parents
read from the file's own folder, then from policy_packs/. The others act on one tenant's stored versions
inside its tenant context, exactly as the web does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from grassroots.db import db
from grassroots.db.tenant_scope import tenant_context
from grassroots.errors import UserError
from grassroots.packs import history
from grassroots.packs.versions import current_version
from grassroots.policy import check_pack
from grassroots.policy.facts import packs_dir
from grassroots.policy.loader import PackReadError, read_pack_file
from grassroots.tenancy.models import Tenant

packs = AppGroup("packs", help="Policy packs (政策包): check, import, versions, diff, export.")


def format_errors(errors: list[dict]) -> list[str]:
    """One line per error: `path  code  zh / en`."""
    return [f"{e['path'] or '/'}  {e['code']}  {e['message']['zh']} / {e['message']['en']}" for e in errors]


def _fail(exc: UserError) -> None:
    click.echo(f"{exc.message['zh']} / {exc.message['en']}", err=True)
    for line in format_errors(exc.errors):
        click.echo(f"  {line}", err=True)
    raise SystemExit(1)


def _resolver(folder: Path):
    """Parents from the checked file's folder first, then from policy_packs/."""
    folders = [folder] + ([packs_dir()] if packs_dir().resolve() != folder.resolve() else [])

    def resolve(slug: str) -> Any:
        for base in folders:
            path = base / f"{slug}.json"
            if path.is_file():
                return read_pack_file(path)
        return None
    return resolve


@packs.command("check", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def check_command(files: tuple[Path, ...]) -> None:
    """Check pack FILES (schema, semantics, worked examples); print every error; exit 1 on any."""
    failed = False
    for path in files:
        try:
            doc = read_pack_file(path)
        except PackReadError as exc:
            errors = [exc.error.to_dict()]
        else:
            errors = [e.to_dict() for e in check_pack(doc, resolve=_resolver(path.parent))]
        if errors:
            failed = True
            click.echo(f"{path}: {len(errors)} 个错误 / error(s)")
            for line in format_errors(errors):
                click.echo(f"  {line}")
        else:
            click.echo(f"{path}: OK")
    if failed:
        raise SystemExit(1)


def _tenant(slug: str) -> Tenant:
    tenant = db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one_or_none()
    if tenant is None:
        click.echo(f"没有地区 {slug} / no tenant {slug!r}", err=True)
        raise SystemExit(1)
    return tenant


@packs.command("import")
@click.argument("tenant_slug", metavar="TENANT")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_command(tenant_slug: str, file: Path) -> None:
    """Store FILE as TENANT's next version (an operator's act at the server; the web needs two people)."""
    from grassroots.audit.log import cli_label
    from grassroots.packs.services import import_file_as_new_version

    tenant = _tenant(tenant_slug)
    with tenant_context(tenant.id, db.session):
        try:
            version = import_file_as_new_version(tenant, file, cli_label())
            number, digest = version.number, version.content_hash
            db.session.commit()
        except UserError as exc:
            db.session.rollback()
            _fail(exc)
    click.echo(f"{tenant.slug}: version {number} {digest}")


@packs.command("versions")
@click.argument("tenant_slug", metavar="TENANT")
def versions_command(tenant_slug: str) -> None:
    """TENANT's versions, newest first: number, hash, effective date, author, publisher, note."""
    for row in history.version_rows(_tenant(tenant_slug)):
        mark = "*" if row["in_force"] else " "
        click.echo(f"{mark}{row['number']:>4}  {row['content_hash'][:16]}  {row['effective_date']}  "
                   f"{row['author_label']:20}  {row['publisher_label']:20}  {row['note']}")


@packs.command("diff")
@click.argument("tenant_slug", metavar="TENANT")
@click.argument("old", metavar="V1")
@click.argument("new", metavar="V2")
def diff_command(tenant_slug: str, old: str, new: str) -> None:
    """Structural diff of TENANT's versions V1 and V2 (a number, or `draft`), by id."""
    try:
        result = history.diff(_tenant(tenant_slug), old, new)
    except UserError as exc:
        _fail(exc)
    click.echo(f"{result['from']['label']} {result['from']['hash'][:16]} → {result['to']['label']} {result['to']['hash'][:16]}")
    for name, section in result["diff"]["sections"].items():
        for item in section["added"]:
            click.echo(f"+ {name} {item}")
        for item in section["removed"]:
            click.echo(f"- {name} {item}")
        for item in section["changed"]:
            click.echo(f"~ {name} {item['id']}")
            for change in item["changes"]:
                click.echo(f"    {change['path']}: {_short(change['old'])} → {_short(change['new'])}")
    for change in result["diff"]["other"]:
        click.echo(f"~ {change['path']}: {_short(change['old'])} → {_short(change['new'])}")


def _short(value: Any, limit: int = 100) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@packs.command("export")
@click.argument("tenant_slug", metavar="TENANT")
@click.argument("number", metavar="[VERSION]", type=int, required=False)
def export_command(tenant_slug: str, number: int | None) -> None:
    """Print VERSION (default: the one in force) exactly as authored."""
    tenant = _tenant(tenant_slug)
    if number is None:
        with tenant_context(tenant.id, db.session):
            current = current_version()
        if current is None:
            click.echo(f"{tenant.slug} 尚无版本 / has no version", err=True)
            raise SystemExit(1)
        number = current.number
    try:
        version = history.version_with_content(tenant, number)
    except UserError as exc:
        _fail(exc)
    sys.stdout.write(version.content)


@click.command("evaluate")
@with_appcontext
@click.option("--tenant", "tenant_slug", required=True, help="tenant slug")
@click.option("--program", required=True, help="program id")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def evaluate_command(tenant_slug: str, program: str, file) -> None:
    """Evaluate the input in FILE (`-` for stdin) like POST …/programs/<program>/evaluate; print the answer."""
    from grassroots.packs.evaluation import evaluate_current

    try:
        body = json.load(file)
    except json.JSONDecodeError as exc:
        click.echo(f"不是合法的 JSON / not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}", err=True)
        raise SystemExit(1) from None
    try:
        result = evaluate_current(_tenant(tenant_slug), program, body)
    except UserError as exc:
        _fail(exc)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


def register(app: Flask) -> None:
    app.cli.add_command(packs)
    app.cli.add_command(evaluate_command)
