"""The `export` commands: case variables and coding tables for Stata, R or pandas."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hrd_coder.cli.analysis import LAYER_OPTION
from hrd_coder.cli.base import format_option, main, open_project, reports_errors


@main.group()
def export() -> None:
    """Write project data out for Stata, R or pandas."""


@export.command("cases")
@format_option(
    ["csv", "parquet", "stata", "json"],
    default="csv",
    help="File format (stata writes a .dta with variable and value labels).",
)
@LAYER_OPTION
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: PROJECT/exports/cases.csv, .parquet, .dta or .json).",
)
@click.pass_context
@reports_errors
def export_cases(ctx: click.Context, fmt: str, layer: str | None, out: Path | None) -> None:
    """The case x variable table with each design's outcomes, and a data dictionary."""
    table, dictionary = open_project(ctx).export_cases(fmt, layer, out)
    click.echo(f"wrote {table} and its data dictionary {dictionary}")


def table_options(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--format and --out shared by the coding table exports."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=Path),
            help=f"File to write (default: PROJECT/exports/{name}.csv, .parquet, .dta or .json).",
        )(command)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(["csv", "parquet", "stata", "json"]),
            default="csv",
            show_default=True,
            help="File format.",
        )(command)

    return decorate


@export.command("codings")
@table_options("codings")
@click.option("--layer", help="Only this layer: a coder's name or consensus (default: all).")
@click.option(
    "--with-quotes",
    is_flag=True,
    help="Include quotes and memos (transcripts are confidential: off by default).",
)
@click.pass_context
@reports_errors
def export_codings(
    ctx: click.Context, fmt: str, out: Path | None, layer: str | None, with_quotes: bool
) -> None:
    """The long table of codings: one row per coding, without quotes unless asked."""
    path = open_project(ctx).export_table("codings", fmt, out, layer=layer, with_quotes=with_quotes)
    click.echo(f"wrote {path}")


@export.command("matrix")
@table_options("matrix")
@LAYER_OPTION
@click.pass_context
@reports_errors
def export_matrix(ctx: click.Context, fmt: str, out: Path | None, layer: str | None) -> None:
    """Code x case counts: codings of each code tied to each case, from one layer."""
    path = open_project(ctx).export_table("matrix", fmt, out, layer=layer)
    click.echo(f"wrote {path}")


@export.command("cooccurrence")
@table_options("cooccurrence")
@LAYER_OPTION
@click.option(
    "--unit",
    type=click.Choice(["sentence", "paragraph", "turn", "document", "coding"]),
    default="sentence",
    show_default=True,
    help="Count units holding both codes, or (coding) overlapping pairs of codings.",
)
@click.pass_context
@reports_errors
def export_cooccurrence(
    ctx: click.Context, fmt: str, out: Path | None, layer: str | None, unit: str
) -> None:
    """Code x code co-occurrence in one layer's codings (see docs/analysis.md)."""
    project = open_project(ctx)
    documents = len(project.documents())
    with click.progressbar(
        length=documents, label=f"co-occurrence by {unit}", file=sys.stderr
    ) as bar:
        path = project.export_table(
            "cooccurrence", fmt, out, layer=layer, unit=unit, progress=bar.update
        )
    click.echo(f"wrote {path}")
