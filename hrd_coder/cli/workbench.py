"""Commands that open the coding workbench or start a project."""

from __future__ import annotations

from pathlib import Path

import click

from hrd_coder.cli.base import (
    main,
    reports_errors,
)


@main.command()
@click.option(
    "--coder",
    envvar="HRD_CODER_CODER",
    help="Who is coding (remembered for this project; asked on first run).",
)
@click.pass_context
@reports_errors
def code(ctx: click.Context, coder: str | None) -> None:
    """Open the coding workbench, the terminal app (also: hrd-coder with no command)."""
    from hrd_coder.services.coding import check_coder_name
    from hrd_coder.tui.app import CoderApp

    if coder:
        check_coder_name(coder)
    options = ctx.find_root().params
    CoderApp(options.get("project"), options.get("db"), coder).run()


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="Project name for the codebook (default: the folder name).")
@reports_errors
def init(directory: Path, name: str | None) -> None:
    """Create a new, empty project in DIRECTORY."""
    from hrd_coder.scaffold import create_project

    create_project(directory, name)
    click.echo(
        f"Created a project in {directory}: edit codebook.yaml, put case files in "
        "cases/ and interviews in transcripts/, then run 'hrd-coder import'."
    )
