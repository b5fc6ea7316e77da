"""The double-coding sample: assign documents to a coder, list and clear assignments.

`hrd-coder sample CODER --seed N` (the form from before `sample` had subcommands) still
works: `assign` is the group's default command (click-default-group, as sqlite-utils uses).
"""

from __future__ import annotations

import click
from click_default_group import DefaultGroup

from hrd_coder.cli.base import (
    format_option,
    main,
    open_project,
    print_rows,
    reports_errors,
)

LIST_COLUMNS = ["coder", "document", "sample", "seed", "assigned_at"]


@main.group(cls=DefaultGroup, default="assign")
def sample() -> None:
    """Double-coding samples: assign documents to a coder (the default), list, clear.

    'hrd-coder sample tomas --seed 2026' is short for 'hrd-coder sample assign tomas
    --seed 2026' (a coder named 'list' or 'clear' needs the long form).
    """


@sample.command("assign")
@click.argument("coder")
@click.option(
    "--share",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.2,
    show_default=True,
    help="Share of documents to assign.",
)
@click.option(
    "--seed",
    # The assignment table stores it as an INTEGER: 32 bits on PostgreSQL.
    type=click.IntRange(-(2**31), 2**31 - 1),
    required=True,
    help="Random seed (records make it reproducible), a whole number between "
    "-2147483648 and 2147483647.",
)
@click.option(
    "--kind", type=click.Choice(["transcript", "case_history"]), help="Only documents of this kind."
)
@click.pass_context
@reports_errors
def sample_assign(
    ctx: click.Context, coder: str, share: float, seed: int, kind: str | None
) -> None:
    """Assign CODER a random, reproducible sample.

    A share of the documents for CODER to double-code, drawn from --seed (lead only);
    drawing again adds only what the coder does not have yet.
    """
    drawn = open_project(ctx).assign_sample(coder, share, seed, kind)
    click.echo(f"{coder}: {documents(len(drawn.added))} added, {drawn.total} assigned in all")
    if drawn.added:
        click.echo(f"added: {', '.join(drawn.added)}")


@sample.command("list")
@click.option("--coder", help="Only this coder's documents.")
@format_option(["table", "csv", "json"], default="table")
@click.pass_context
@reports_errors
def sample_list(ctx: click.Context, coder: str | None, fmt: str) -> None:
    """List each coder's assigned documents.

    One row per document, with the sample and the seed that chose it.
    """
    rows = [a.as_dict() for a in open_project(ctx).assignments(coder)]
    if not rows and fmt == "table":
        whose = f"to {coder}" if coder else "to anyone"
        click.echo(
            f"No documents are assigned {whose}: a lead draws a sample with "
            "'hrd-coder sample CODER --seed N'."
        )
        return
    print_rows(rows, fmt, LIST_COLUMNS)


@sample.command("clear")
@click.argument("coder")
@click.pass_context
@reports_errors
def sample_clear(ctx: click.Context, coder: str) -> None:
    """Take CODER's assigned documents back.

    Every assignment of CODER is removed (lead only, recorded in the log); the codings
    CODER made stay as they are.
    """
    cleared = open_project(ctx).clear_sample(coder)
    if not cleared:
        click.echo(f"{coder} had no documents assigned; nothing changed.")
        return
    click.echo(
        f"{coder}: {documents(len(cleared))} no longer assigned "
        f"({', '.join(a.document_id for a in cleared)}); their codings are unchanged"
    )


def documents(count: int) -> str:
    """'1 document', '3 documents'."""
    return f"{count} document{'' if count == 1 else 's'}"
