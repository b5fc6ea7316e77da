"""Team work: `team` (roles, blind coding, revealing the layers), `log` (the audit trail)
and `merge` (an offline copy into the team database)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from hrd_coder.cli.base import (
    format_option,
    main,
    open_project,
    print_rows,
    print_table,
    raw_cells,
    reports_errors,
)
from hrd_coder.wording import plural

ROLES = ("coder", "adjudicator", "lead")


@main.group()
def team() -> None:
    """Roles and blind coding: who sees which layers (see docs/teams.md)."""


@team.command("list")
@click.pass_context
@reports_errors
def team_list(ctx: click.Context) -> None:
    """List everyone with their role, and whether the layers are blind."""
    project = open_project(ctx)
    rows = [{"name": name, "role": role} for name, role in project.team()]
    print_table(rows, ["name", "role"], noun="person")
    click.echo(f"layers: {project.access().layers}")


@team.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@click.pass_context
@reports_errors
def team_role(ctx: click.Context, name: str, role: str) -> None:
    """Give NAME a ROLE (run as the lead with --coder; the first lead names themself)."""
    before = open_project(ctx).set_role(name, role)
    click.echo(f"{name}: {before or 'new'} -> {role}")


@team.command("blind")
@click.pass_context
@reports_errors
def team_blind(ctx: click.Context) -> None:
    """Turn blind coding on: each coder sees only their own layer (leads only)."""
    open_project(ctx).set_layers("blind")
    click.echo("blind coding is on: coders see only their own codings")


@team.command("reveal")
@click.pass_context
@reports_errors
def team_reveal(ctx: click.Context) -> None:
    """Reveal every layer to everyone, e.g. after coding, for agreement (leads only)."""
    open_project(ctx).set_layers("revealed")
    click.echo("layers revealed: everyone can see every coder's codings")


@main.command("log")
@click.option("--coder", help="Only events by this coder.")
@click.option("--document", help="Only events about this document.")
@click.option(
    "--action", help="An action (coding.add), a family of them (coding, team) or an entity."
)
@click.option("--since", metavar="DATE", help="From this UTC date or time on (YYYY-MM-DD[THH:MM]).")
@click.option("--until", metavar="DATE", help="Up to this UTC date (whole day) or time.")
@format_option(
    ["table", "csv", "json"],
    default="table",
    help="table to read; csv or json to export everything, before and after included.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the csv or json export to this file (whole, or not at all).",
)
@click.pass_context
@reports_errors
def log(
    ctx: click.Context,
    coder: str | None,
    document: str | None,
    action: str | None,
    since: str | None,
    until: str | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Show the event log: every change, who made it and when, oldest first."""
    from hrd_coder.services import Project

    if out is not None and fmt == "table":
        raise click.UsageError("--out writes an export: add --format csv or --format json")

    wanted = Project.log_filter(
        coder=coder, document=document, action=action, since=since, until=until
    )
    entries = open_project(ctx).event_log(wanted)
    if out is not None:
        Project.write_log(entries, out, fmt, raw_cells=raw_cells())
        click.echo(f"wrote {plural(len(entries), 'event')} to {out}")
        return
    rows = [entry.as_dict() for entry in entries]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        print_rows(rows, "csv", list(LOG_COLUMNS))
    else:
        print_rows(rows, "table", ["id", "at", "coder", "action", "entity_id", "document"])
    sys.stdout.flush()


LOG_COLUMNS = (
    "id",
    "at",
    "coder",
    "action",
    "entity",
    "entity_id",
    "document",
    "before",
    "after",
    "undo_of",
    "redo_of",
)


@main.command("merge")
@click.argument("other")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@format_option(["text", "json"], default="text", help="Report format.")
@click.pass_context
@reports_errors
def merge(ctx: click.Context, other: str, dry_run: bool, fmt: str) -> None:
    """Merge OTHER (a copy's .hrd_coder/project.sqlite, or a URL) into this database.

    Codings, memos and decisions are matched by id; merging twice changes nothing.
    """
    report = open_project(ctx).merge_database(other, dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    verb = "would add" if dry_run else "added"
    click.echo(f"{verb} {plural(report.added, 'coding')}; {report.unchanged} already here")
    for label, ids in (
        ("updated with the later change made there", report.updated),
        ("kept as here (changed later here; theirs is in the log)", report.kept_ours),
        ("skipped as duplicates (same coder, code and span, other id)", report.duplicates),
        (
            "removed there but kept here (if that removal was meant: "
            "'hrd-coder codings remove ID --coder NAME')",
            report.removed_there,
        ),
    ):
        if ids:
            click.echo(
                f"{len(ids)} {label}: {', '.join(ids[:10])}{' ...' if len(ids) > 10 else ''}"
            )
    if report.coders_added:
        click.echo(f"new coders: {', '.join(report.coders_added)}")
    if report.consensus_skipped:
        click.echo(
            f"{plural(report.consensus_skipped, 'consensus coding')} there not merged: the "
            "consensus layer is rebuilt here from the merged layers and decisions "
            "('hrd-coder consensus rebuild')"
        )
    click.echo(
        f"memos: {report.memos_added} added, {report.memos_updated} updated; "
        f"decisions: {report.decisions_added} added"
    )
    for line in report.guids_refused:  # REFI-QDA identity (docs/interop.md, "Identity")
        click.echo(f"warning: {line}")
