"""Commands that open the coding workbench, say who is coding, or start a project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hrd_coder.cli.base import (
    coder_identity,
    main,
    reports_errors,
    start_up_done,
)


@main.command()
@click.option(
    "--coder",
    envvar="HRD_CODER_CODER",
    help="Who is coding, for this run only (default: the name remembered for this "
    "project; the first run asks for one and remembers it).",
)
@click.pass_context
@reports_errors
def code(ctx: click.Context, coder: str | None) -> None:
    """Open the coding workbench, the terminal app (also: hrd-coder with no command)."""
    from hrd_coder.services import start_statistics

    # First, before SQLAlchemy and textual are imported: the statistics process then has the
    # longest head start on the other core (F7 pressed at the first paint waits least;
    # docs/tui.md, "Speed").
    statistics = start_statistics()
    try:
        from hrd_coder.services import Project
        from hrd_coder.tui.app import CoderApp

        if coder:
            Project.check_coder_name(coder)

        options = ctx.find_root().params
        app = CoderApp(options.get("project"), options.get("db"), coder, statistics)
        start_up_done()  # textual is imported: a session's garbage is collected as usual
        app.run()
    finally:
        statistics.close()


@main.command()
@click.option(
    "--set",
    "remember",
    metavar="NAME",
    help="Remember NAME as who you are in this project (--coder and $HRD_CODER_CODER "
    "still win for the runs that give them).",
)
@click.pass_context
@reports_errors
def whoami(ctx: click.Context, remember: str | None) -> None:
    """Say who you are in this project, and where that name comes from.

    --coder NAME and $HRD_CODER_CODER act for one run and are never remembered; the
    remembered name comes from the workbench's first-run question or from --set.
    """
    from hrd_coder.services import Project
    from hrd_coder.services.project import find_project_root
    from hrd_coder.settings import remember_coder

    root = find_project_root(Path(ctx.find_root().params.get("project") or "."))
    if remember:
        path = remember_coder(root, Project.check_coder_name(remember))
        click.echo(f"remembered {remember} for this project (in {path})")
    click.echo(_identity_line(coder_identity(ctx, root)))


def _identity_line(who: Any) -> str:
    """E.g. 'lena (from --coder, for this run only; remembered for this project: tomas)'."""
    if who.name is None:
        return (
            "nobody yet: give --coder NAME (or set $HRD_CODER_CODER) for one run, or "
            "remember a name for this project with 'hrd-coder whoami --set NAME'"
        )
    if not who.for_this_run:
        return f"{who.name} (remembered for this project)"
    kept = f"remembered for this project: {who.remembered}" if who.remembered else "none remembered"
    return f"{who.name} (from {who.source}, for this run only; {kept})"


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="Project name for the codebook (default: the folder name).")
@reports_errors
def init(directory: Path, name: str | None) -> None:
    """Create a new, empty project in DIRECTORY."""
    from hrd_coder.scaffold import create_project

    create_project(directory, name)
    click.echo(
        f"Created a project in {directory}: edit codebook.yaml (and analysis.yaml, the "
        "survival designs), put case files in cases/ and interviews in transcripts/, then "
        "run 'hrd-coder import'. 'hrd-coder docs' lists the guide's pages."
    )


@main.command("docs")
@click.argument("page", required=False)
@reports_errors
def docs(page: str | None) -> None:
    """Print the user guide's PAGE (e.g. `codebook`, `cases`), or list the pages."""
    from hrd_coder.user_docs import first_line, page_text, pages

    if page is None:
        for name in pages():
            click.echo(f"{name:<14} {first_line(name)}")
        click.echo("\nhrd-coder docs PAGE prints one (pipe it to `less` to scroll).")
        return
    click.echo(page_text(page), nl=False)
