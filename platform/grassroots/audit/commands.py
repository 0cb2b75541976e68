"""`grassroots audit verify|anchor`: check every chain against its hashes and the anchor file.

Run `verify` from cron: it exits 1 on the first broken link of any chain (and leaves the anchor
alone, to keep the evidence); when every chain is intact it advances the anchor to the new heads.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from grassroots.audit.verify import ChainReport, verify_all, write_anchor

audit = AppGroup("audit", help="Audit log (审计日志): verify the hash chains, anchor their heads.")


def _print(reports: list[ChainReport], anchor_problems: list[str]) -> bool:
    for report in reports:
        if report.ok:
            click.echo(f"ok      {report.label:16} {report.entries:7} entries  head {report.head_seq} "
                       f"{report.head_hash[:12]}")
        else:
            click.echo(f"BROKEN  {report.label:16} {report.problems[0]}")
    for problem in anchor_problems:
        click.echo(f"BROKEN  anchor           {problem}")
    return all(r.ok for r in reports) and not anchor_problems


@audit.command("verify")
@click.option("--no-anchor", is_flag=True, help="Do not advance the anchor file after a clean check.")
def verify(no_anchor: bool) -> None:
    """Recompute every chain; exit 1 on an edited, deleted or truncated entry."""
    reports, anchor_problems = verify_all()
    if not _print(reports, anchor_problems):
        click.echo("audit log verification FAILED (审计日志校验失败)", err=True)
        sys.exit(1)
    if not no_anchor:
        click.echo(f"anchored: {write_anchor(reports)}")
    click.echo("audit log intact (审计日志完整)")


@audit.command("anchor")
@click.option("--force", is_flag=True, help="Anchor the current heads even if verification fails.")
def anchor(force: bool) -> None:
    """Write the current head of every chain to the anchor file (after verifying, unless --force)."""
    reports, anchor_problems = verify_all()
    if not _print(reports, anchor_problems) and not force:
        click.echo("not anchored: verification failed (use --force after investigating)", err=True)
        sys.exit(1)
    click.echo(f"anchored: {write_anchor(reports)}")


def register(app: Flask) -> None:
    app.cli.add_command(audit)
