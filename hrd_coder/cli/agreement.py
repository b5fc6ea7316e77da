"""Agreement between coders (the double-coding sample: cli/samples.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from hrd_coder.cli.base import (
    format_option,
    main,
    open_project,
    print_rows,
    reports_errors,
)
from hrd_coder.cli.unitizing import (
    print_unitizing,
    print_unitizing_by_document,
    print_unitizing_for_file,
    unitizing_scope,
)
from hrd_coder.wording import agreeing

if TYPE_CHECKING:
    from hrd_coder.services import Project

STATISTICS = ["alpha", "cohen", "fleiss", "ac1", "scott", "percent"]
LEVELS = ["nominal", "ordinal", "interval", "ratio", "linear", "quadratic"]
MAX_BOOTSTRAP = 1_000_000  # a million resamples: a few seconds, 8 MB


@main.command()
@click.option(
    "--ratings",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Measure agreement on a reliability-data CSV instead of the project "
    "(a row per unit, a column per coder, a header naming the coders).",
)
@click.option(
    "--spans",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Unitizing agreement on a spans CSV instead (columns coder,category,begin,end, "
    "end exclusive; optional document): alpha_U and the u-alpha family.",
)
@click.option(
    "--unitizing",
    is_flag=True,
    help="Unitizing agreement on the project: where each code is in the texts (alpha_U per "
    "code and pooled, the u-alpha family), over the documents all coders covered.",
)
@click.option(
    "--continuum-begin",
    type=int,
    default=0,
    show_default=True,
    help="With --spans: the first position of the continuum (of each document).",
)
@click.option(
    "--continuum-length",
    type=int,
    help="With --spans: how many positions the coders unitized (one continuum).",
)
@click.option(
    "--lengths",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --spans naming documents: a CSV with the columns document,length.",
)
@click.option(
    "--metric",
    "--statistic",
    "statistic",
    type=click.Choice(STATISTICS),
    default="alpha",
    show_default=True,
    help="The agreement statistic.",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="nominal",
    show_default=True,
    help="Level of measurement for alpha; weights (linear, quadratic) for cohen.",
)
@click.option(
    "--unit",
    type=click.Choice(["sentence", "paragraph", "turn", "document", "case", "character"]),
    default="sentence",
    show_default=True,
    help="The unit codings are compared on.",
)
@click.option(
    "--by",
    "scope",
    type=click.Choice(["code", "group", "pooled", "document", "pair"]),
    default="code",
    show_default=True,
    help="One row per code, per code group, all codes pooled, per document, or per coder pair. "
    "With --unitizing: code or pooled (one table of coefficients over the documents laid end "
    "to end), or document (a row per document and per code in it).",
)
@click.option("--coder", "coders", multiple=True, help="Only these coders (repeatable).")
@click.option("--code", "codes", multiple=True, help="Only these codes (repeatable).")
@click.option("--document", "documents", multiple=True, help="Only these documents (repeatable).")
@click.option(
    "--min-share",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="A coding counts for a unit when this share of the coding lies in the "
    "unit, or it covers this share of the unit.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(0, MAX_BOOTSTRAP),  # each sample is kept in memory to sort
    default=1000,
    show_default=True,
    help=f"Bootstrap samples for alpha's confidence interval (0: none; at most {MAX_BOOTSTRAP:,}).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),  # numpy's generators take no negative seed
    default=0,
    show_default=True,
    help="Random seed of the bootstrap (a whole number, 0 or more).",
)
@format_option(["table", "csv", "json"], default="table")
@click.pass_context
@reports_errors
def agreement(
    ctx: click.Context,
    ratings: Path | None,
    spans: Path | None,
    unitizing: bool,
    continuum_begin: int,
    continuum_length: int | None,
    lengths: Path | None,
    statistic: str,
    level: str,
    unit: str,
    scope: str,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    documents: tuple[str, ...],
    min_share: float,
    bootstrap: int,
    seed: int,
    fmt: str,
) -> None:
    """Agreement between coders: alpha, kappas, AC1, pi or percent, with intervals."""
    _refuse_options_not_used(ctx)
    if spans is not None:
        if ratings is not None:
            from hrd_coder.problems import ProjectError

            raise ProjectError("give --spans or --ratings, not both: they are different data")
        print_unitizing_for_file(
            spans, continuum_begin, continuum_length, lengths, bootstrap, seed, fmt
        )
        return
    if unitizing:
        project = open_project(ctx)
        if unitizing_scope(scope) == "document":
            if "bootstrap" in _given(ctx) or "seed" in _given(ctx):
                from hrd_coder.problems import ProjectError

                raise ProjectError(
                    "--by document gives no intervals (they resample texts, and each row "
                    "has one): leave out --bootstrap and --seed"
                )
            rows, notes = project.unitizing_by_document(coders, codes, documents)
            print_unitizing_by_document(rows, notes, fmt)
            return
        result = project.unitizing_agreement(coders, codes, documents, bootstrap, seed)
        print_unitizing(result.as_dict(), fmt)
        return
    if ratings is not None:
        _agreement_for_file(ratings, statistic, level, bootstrap, seed, fmt)
        return
    from hrd_coder.services.records import AgreementRequest

    request = AgreementRequest(
        unit=unit,
        statistic=statistic,
        level=level,
        scope=scope,
        coders=coders,
        codes=codes,
        documents=documents,
        min_share=min_share,
        bootstrap=bootstrap,
        seed=seed,
    )
    project = open_project(ctx)
    rows = [r.as_dict() for r in project.agreement(request)]
    print_rows(
        rows, fmt, ["name", "value", "ci_low", "ci_high", "units", "positives", "coders", "verdict"]
    )
    if fmt == "table":  # csv and json carry the same facts in ci_clipped and verdict
        _print_notes(rows, statistic)
    _print_coverage_warnings(project, coders)


# What each kind of input reads; any other option given with it would be silently ignored.
COMMON = {"bootstrap", "seed", "fmt"}
USED_BY = {
    "spans": COMMON | {"spans", "continuum_begin", "continuum_length", "lengths"},
    "unitizing": COMMON | {"unitizing", "coders", "codes", "documents", "scope"},
    "ratings": COMMON | {"ratings", "statistic", "level"},
    "project": COMMON
    | {"statistic", "level", "unit", "scope", "coders", "codes", "documents"}
    | {"min_share"},
}


def _refuse_options_not_used(ctx: click.Context) -> None:
    """An option the chosen input does not read is an error, not a silent no-op: a
    researcher who adds --metric fleiss to --spans must not believe they got Fleiss."""
    from hrd_coder.problems import ProjectError

    given = _given(ctx)
    if {"spans", "ratings"} <= given:
        return  # said below, in the words of the two kinds of data
    kind = next((k for k in ("spans", "unitizing", "ratings") if k in given), "project")
    unused = sorted(given - USED_BY[kind])
    if unused:
        flags = {p.name: p.opts[0] for p in ctx.command.params}
        shown = ", ".join(flags[name] for name in unused)
        what = "a project's codings" if kind == "project" else f"--{kind}"
        raise ProjectError(
            f"{shown} {agreeing(len(unused), 'does', 'do')} not apply to agreement on {what}: "
            f"leave {agreeing(len(unused), 'it', 'them')} out (see 'hrd-coder agreement --help')"
        )


def _given(ctx: click.Context) -> set[str]:
    """The options the user gave (on the command line or in the environment)."""
    from click.core import ParameterSource

    return {
        name
        for name in ctx.params
        if ctx.get_parameter_source(name)
        in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    }


def _print_coverage_warnings(project: Project, coders: tuple[str, ...]) -> None:
    """On stderr, so csv and json stay clean: what agreement could not count yet."""
    for line in project.coverage_warnings(project.coverage(), coders):
        click.echo(line, err=True)


def _agreement_for_file(
    ratings: Path, statistic: str, level: str, bootstrap: int, seed: int, fmt: str
) -> None:
    from hrd_coder.agreement import agreement_for_file
    from hrd_coder.problems import ProjectError

    try:
        result = agreement_for_file(ratings, statistic, level, bootstrap, seed)
    except ValueError as error:  # a statistic that does not fit the data or the level
        raise ProjectError(str(error)) from None
    print_rows(
        [result], fmt, ["statistic", "level", "value", "ci_low", "ci_high", "units", "coders"]
    )
    if fmt == "table":
        _print_notes([{**result, "name": None}], statistic)


def _print_notes(rows: list[dict], statistic: str) -> None:
    """Footnotes for the table: clipped intervals, and verdicts withheld for too little data."""
    from hrd_coder.services import Project
    from hrd_coder.services.records import MIN_POSITIVES, TOO_FEW

    clipped = [r["name"] for r in rows if r.get("ci_clipped")]
    if clipped:
        low, high = Project.statistic_range(statistic)
        which = f" of {_names(clipped)}" if clipped != [None] else ""
        click.echo(
            f"note: the 95% interval{which} was clipped to [{low:g}, {high:g}], the values "
            f"{statistic} can take: its approximation reached past them, as it does with few "
            "units or a value near an end."
        )
    too_few = [r["name"] for r in rows if r.get("verdict") == TOO_FEW]
    if too_few:
        click.echo(
            f"note: {TOO_FEW} for {_names(too_few)}: alpha rests on fewer than "
            f"{MIN_POSITIVES} units in which a coder marked the code and another coder coded "
            "the document (positives); double-code more documents before reading it."
        )


def _names(names: list[str], shown: int = 5) -> str:
    """Up to `shown` names, then how many more."""
    listed = ", ".join(names[:shown])
    return listed if len(names) <= shown else f"{listed} and {len(names) - shown} more"
