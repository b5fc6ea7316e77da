"""The `hrd-coder` group and what every command shares: opening the project, turning
errors into clear messages with exit code 2, and printing tables.

Heavy modules (SQLAlchemy, pandas, textual) are imported inside the commands that need
them, so `hrd-coder --help` stays fast.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hrd_coder.cli.command_index import COMMANDS
from hrd_coder.safe_text import safe_text

USER_ERROR = 2


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into clear messages and exit code 2 (never a traceback)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import OperationalError

        from hrd_coder.problems import InvalidInput, ProjectError

        try:
            return command(*args, **kwargs)
        except InvalidInput as error:
            for problem in error.problems:
                click.echo(safe_text(problem, keep_line_breaks=True), err=True)
            count = len(error.problems)
            click.echo(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True
            )
            sys.exit(USER_ERROR)
        except ProjectError as error:
            click.echo(f"error: {safe_text(error, keep_line_breaks=True)}", err=True)
            sys.exit(USER_ERROR)
        except OperationalError as error:
            click.echo(
                f"database error: {error.orig}. If another program holds the database, "
                "close it and try again; check --db or $HRD_CODER_DB.",
                err=True,
            )
            sys.exit(1)

    return wrapper


# The commands that bring files into the project, and so may create its database. Every
# other command reads or changes an existing one: on a project with no database yet it
# stops with "run `hrd-coder import` first" and creates nothing, not even a folder.
CREATING_COMMANDS = {
    ("import",),
    ("import-qdc",),
    ("import-qdpx",),
    ("media", "import"),
    ("codings", "load"),
    ("merge",),
}


def open_project(ctx: click.Context) -> Any:
    from hrd_coder.services import Project

    options = ctx.find_root().params
    project = Project.open(
        options.get("project"), options.get("db"), create=command_path(ctx) in CREATING_COMMANDS
    )
    project.viewer = coder_identity(ctx, project.root).name
    ctx.call_on_close(project.close)
    start_up_done()
    if project.database.upgrade is not None:
        click.echo(project.database.upgrade.message(), err=True)
    return project


def start_up_done() -> None:
    """Turn Python's garbage collector back on if `run` turned it off for the imports a
    command starts with. What they made lives until the program ends, so it is frozen out
    of every later collection. (In a process that never turned it off, such as the tests
    calling `main`, nothing changes.)"""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def command_path(ctx: click.Context) -> tuple[str, ...]:
    """The command's names below `hrd-coder`, e.g. ("codings", "list")."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return tuple(reversed(names))


def coder_identity(ctx: click.Context, root: Path) -> Any:
    """Who runs this command: --coder, else $HRD_CODER_CODER, else the remembered name."""
    from hrd_coder.settings import FROM_ENV, FROM_OPTION, identity

    top = ctx.find_root()
    from_env = top.get_parameter_source("main_coder") == click.core.ParameterSource.ENVIRONMENT
    return identity(root, top.params.get("main_coder"), FROM_ENV if from_env else FROM_OPTION)


class IndexedGroup(click.Group):
    """The top-level group: knows its commands from cli/command_index.py and imports a
    command's module only when that command runs (so `status` starts fast, issue 15)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS.keys() | self.commands.keys())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            # Importing the modules runs their @main.command() decorators.
            for module in COMMANDS[cmd_name].modules():
                importlib.import_module(f"hrd_coder.cli.{module}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List every command with its help from the index, importing none of them."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, self._listed(name).get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _listed(self, name: str) -> click.Command:
        if name in self.commands:
            return self.commands[name]
        return click.Command(name, help=COMMANDS[name].summary)

    def every_command(self) -> dict[str, click.Command]:
        """Every command, each module imported (for tests and tools that walk them all)."""
        return {
            name: command
            for name in COMMANDS
            if (command := self.get_command(click.Context(self), name))
        }


@click.group(cls=IndexedGroup, invoke_without_command=True)
@click.option(
    "--project",
    "-p",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder (default: the current folder or the nearest one above "
    "it that holds codebook.yaml).",
)
@click.option(
    "--db",
    envvar="HRD_CODER_DB",
    metavar="URL",
    help="Database URL (default: SQLite in PROJECT/.hrd_coder/project.sqlite; "
    "e.g. postgresql://user@host/db). Also read from $HRD_CODER_DB.",
)
@click.option(
    "--coder",
    "main_coder",
    envvar="HRD_CODER_CODER",
    help="Who you are, for this run only: the workbench codes as NAME, and with blind "
    "coding on every command shows only what NAME may see (default: the name remembered "
    "for this project; see 'hrd-coder whoami').",
)
@click.option(
    "--raw-cells",
    is_flag=True,
    help="In CSV output (exports and --format csv), keep text cells starting with =, +, -, "
    "@, tab or CR as they are, instead of putting a ' in front so that spreadsheets do not "
    "run them as formulas (CSV injection). Numbers are never changed.",
)
@click.version_option(package_name="hrd-coder")
@click.pass_context
def main(
    ctx: click.Context,
    project: Path | None,
    db: str | None,
    main_coder: str | None,
    raw_cells: bool,
) -> None:
    """Code interviews and case histories on human rights diplomacy.

    Run without a command inside a project to open the coding workbench (the first
    run imports the project's files into its database).
    """
    if ctx.invoked_subcommand is None:
        from hrd_coder.cli.workbench import code

        ctx.invoke(code, coder=main_coder)


def format_option(
    choices: list[str], default: str, help: str = "Output format."
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The `--format` option that commands share (its value arrives as `fmt`)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=help,
    )


def raw_cells() -> bool:
    """Whether this run asked for raw CSV cells (--raw-cells), not spreadsheet-safe ones."""
    context = click.get_current_context(silent=True)
    return bool(context and context.find_root().params.get("raw_cells"))


def print_rows(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows[0] if len(rows) == 1 and "file" in rows[0] else rows, indent=2))
        return
    if fmt == "csv":
        import csv

        writer = csv.DictWriter(
            sys.stdout, fieldnames=list(rows[0]) if rows else columns, lineterminator="\n"
        )
        writer.writeheader()
        if raw_cells():
            writer.writerows(rows)
        else:
            from hrd_coder.spreadsheet_cells import neutralise_row

            writer.writerows(neutralise_row(row) for row in rows)
        return
    shown = [{c: number(r.get(c)) for c in columns} for r in rows]
    print_table(shown, columns, noun="row")


def number(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def print_table(rows: list[dict[str, Any]], columns: list[str], noun: str = "coding") -> None:
    cells = [[short(str(row[c])) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    click.echo(f"({len(rows)} {noun}{'s' if len(rows) != 1 else ''})")


def short(text: str, width: int = 60) -> str:
    """User text on one line of at most `width` characters, safe to print."""
    return safe_text(" ".join(text.split()), limit=width)
