"""REFI-QDA exchange: `export qdc|qdpx`, `import-qdc` and `import-qdpx`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hrd_coder.cli.analysis import export
from hrd_coder.cli.base import main, open_project, reports_errors

OUT_OPTION = click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
INTO_OPTION = click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="Create a new project in this (new or empty) folder instead of merging into "
    "the current project.",
)


@export.command("qdc")
@OUT_OPTION
@click.pass_context
@reports_errors
def export_qdc(ctx: click.Context, out: Path | None) -> None:
    """Write the codebook as a REFI-QDA .qdc file (default: <project>.qdc)."""
    from hrd_coder.services.exchange import export_qdc as write

    click.echo(f"wrote {write(open_project(ctx), out)}")


@export.command("qdpx")
@OUT_OPTION
@click.pass_context
@reports_errors
def export_qdpx(ctx: click.Context, out: Path | None) -> None:
    """Write the project (codes, documents, cases, codings, memos) as a REFI-QDA .qdpx."""
    from hrd_coder.services.exchange import export_qdpx as write

    click.echo(f"wrote {write(open_project(ctx), out)}")


@main.command("import-qdc")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@INTO_OPTION
@click.pass_context
@reports_errors
def import_qdc(ctx: click.Context, file: Path, into: Path | None) -> None:
    """Add the codes of a REFI-QDA .qdc FILE to this project (or a new one with --into)."""
    from hrd_coder.services.exchange import import_qdc as bring_in

    _print(bring_in(file, **_target(ctx, into)))


@main.command("import-qdpx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@INTO_OPTION
@click.pass_context
@reports_errors
def import_qdpx(ctx: click.Context, file: Path, into: Path | None) -> None:
    """Bring a REFI-QDA .qdpx FILE into this project (or a new one with --into)."""
    from hrd_coder.services.exchange import import_qdpx as bring_in

    _print(bring_in(file, **_target(ctx, into)))


def _target(ctx: click.Context, into: Path | None) -> dict[str, Any]:
    db_url = ctx.find_root().params.get("db")
    if into is not None:
        return {"into": into, "db_url": db_url}
    return {"project": open_project(ctx)}


def _print(outcome: Any) -> None:
    status = outcome.status
    click.echo(
        f"imported into {outcome.root}: {status.documents} documents, {status.cases} cases, "
        f"{status.codes} codes, {status.codings} codings by {status.coders} coder(s)"
    )
    for line in outcome.report.lines():
        click.echo(line)
