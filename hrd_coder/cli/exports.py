"""The `export` commands: case variables and coding tables for Stata, R or pandas."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from hrd_coder.cli.analysis import LAYER_OPTION
from hrd_coder.cli.base import format_option, main, open_project, raw_cells, reports_errors
from hrd_coder.cli.consensus import ALLOW_INCOMPLETE, check_consensus
from hrd_coder.cli.suggest import ALLOW_UNVALIDATED, check_model_layer


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
    help="File to write (default: PROJECT/exports/cases_LAYER.csv, .parquet, .dta or .json).",
)
@ALLOW_INCOMPLETE
@ALLOW_UNVALIDATED
@click.pass_context
@reports_errors
def export_cases(
    ctx: click.Context,
    fmt: str,
    layer: str | None,
    out: Path | None,
    allow_incomplete: bool,
    allow_unvalidated: bool,
) -> None:
    """The case x variable table with each design's outcomes, and a data dictionary."""
    project = open_project(ctx)
    check_consensus(project, layer, allow_incomplete)
    allowed = check_model_layer(project, layer, "cases", allow_unvalidated)
    table, dictionary = project.export_cases(
        fmt, layer, out, raw_cells=raw_cells(), allow_unvalidated=allowed
    )
    described = json.loads(dictionary.read_text())
    click.echo(f"wrote {table} and its data dictionary {dictionary} (layer {described['layer']})")


def table_options(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--format and --out shared by the coding table exports."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=Path),
            help=f"File to write (default: PROJECT/exports/{name}_LAYER.csv, .parquet, .dta "
            "or .json).",
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
@click.option(
    "--layer",
    help="Only this layer: a coder's name, consensus or model:RUN (default: every layer).",
)
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
    path = open_project(ctx).export_table(
        "codings", fmt, out, raw_cells=raw_cells(), layer=layer, with_quotes=with_quotes
    )
    click.echo(f"wrote {path}")


@export.command("matrix")
@table_options("matrix")
@LAYER_OPTION
@ALLOW_INCOMPLETE
@ALLOW_UNVALIDATED
@click.pass_context
@reports_errors
def export_matrix(
    ctx: click.Context,
    fmt: str,
    out: Path | None,
    layer: str | None,
    allow_incomplete: bool,
    allow_unvalidated: bool,
) -> None:
    """Code x case counts: codings of each code tied to each case, from one layer."""
    project = open_project(ctx)
    check_consensus(project, layer, allow_incomplete)
    allowed = check_model_layer(project, layer, "matrix", allow_unvalidated)
    path = project.export_table(
        "matrix", fmt, out, allow_unvalidated=allowed, raw_cells=raw_cells(), layer=layer
    )
    click.echo(f"wrote {path} (layer {layer or 'consensus'})")


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
@ALLOW_INCOMPLETE
@ALLOW_UNVALIDATED
@click.pass_context
@reports_errors
def export_cooccurrence(
    ctx: click.Context,
    fmt: str,
    out: Path | None,
    layer: str | None,
    unit: str,
    allow_incomplete: bool,
    allow_unvalidated: bool,
) -> None:
    """Code x code co-occurrence in one layer's codings (see docs/analysis.md)."""
    project = open_project(ctx)
    check_consensus(project, layer, allow_incomplete)
    allowed = check_model_layer(project, layer, "cooccurrence", allow_unvalidated)
    documents = len(project.documents())
    with click.progressbar(
        length=documents, label=f"co-occurrence by {unit}", file=sys.stderr
    ) as bar:
        path = project.export_table(
            "cooccurrence",
            fmt,
            out,
            allow_unvalidated=allowed,
            raw_cells=raw_cells(),
            layer=layer,
            unit=unit,
            progress=bar.update,
        )
    click.echo(f"wrote {path} (layer {layer or 'consensus'})")
