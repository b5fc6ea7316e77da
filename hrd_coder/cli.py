"""The `hrd-coder` command: thin click commands, each parsing and calling one service.

Heavy modules (SQLAlchemy, pandas, textual) are imported inside the commands that need
them, so `hrd-coder --help` stays fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

USER_ERROR = 2


def _reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into clear messages and exit code 2 (never a traceback)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import OperationalError

        from hrd_coder.problems import InvalidInput, ProjectError

        try:
            return command(*args, **kwargs)
        except InvalidInput as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            count = len(error.problems)
            click.echo(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True
            )
            sys.exit(USER_ERROR)
        except ProjectError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(USER_ERROR)
        except OperationalError as error:
            click.echo(
                f"database error: {error.orig}. If another program holds the database, "
                "close it and try again; check --db or $HRD_CODER_DB.",
                err=True,
            )
            sys.exit(1)

    return wrapper


def _open(ctx: click.Context) -> Any:
    from hrd_coder.services import Project

    options = ctx.find_root().params
    project = Project.open(options.get("project"), options.get("db"))
    ctx.call_on_close(project.close)
    return project


@click.group(invoke_without_command=True)
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
    help="Who is coding, for the workbench opened without a command.",
)
@click.version_option(package_name="hrd-coder")
@click.pass_context
def main(ctx: click.Context, project: Path | None, db: str | None, main_coder: str | None) -> None:
    """Code interviews and case histories on human rights diplomacy.

    Run without a command inside a project to open the coding workbench (the first
    run imports the project's files into its database).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(code, coder=main_coder)


@main.command()
@click.option(
    "--coder",
    envvar="HRD_CODER_CODER",
    help="Who is coding (remembered for this project; asked on first run).",
)
@click.pass_context
@_reports_errors
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
@_reports_errors
def init(directory: Path, name: str | None) -> None:
    """Create a new, empty project in DIRECTORY."""
    from hrd_coder.scaffold import create_project

    create_project(directory, name)
    click.echo(
        f"Created a project in {directory}: edit codebook.yaml, put case files in "
        "cases/ and interviews in transcripts/, then run 'hrd-coder import'."
    )


@main.command("import")
@click.pass_context
@_reports_errors
def import_(ctx: click.Context) -> None:
    """Check and import codebook, cases and transcripts (running it twice changes nothing)."""
    _print_import(_open(ctx).import_files())


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.pass_context
@_reports_errors
def status(ctx: click.Context, fmt: str) -> None:
    """Count documents, cases, codes, codings and coders; list files changed on disk."""
    result = _open(ctx).status()
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), indent=2))
    else:
        _print_status(result)


@main.group()
def codebook() -> None:
    """Check the codebook (codebook.yaml) for every kind of problem."""


@codebook.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_reports_errors
def codebook_check(path: Path | None) -> None:
    """Check PATH (default: the project's codebook.yaml) and list every problem."""
    from hrd_coder.codebook import load_codebook
    from hrd_coder.services.project import CODEBOOK_FILE, find_project_root

    path = path or find_project_root(Path(".")) / CODEBOOK_FILE
    book = load_codebook(path)
    click.echo(
        f"{path}: ok — {book.name} {book.version}, {len(book.codes)} codes, hash {book.hash[:12]}"
    )


@main.group()
def codings() -> None:
    """List, load, add and remove codings."""


@codings.command("list")
@click.option("--document", help="Only this document id.")
@click.option("--code", help="Only this code id.")
@click.option("--coder", help="Only this coder.")
@click.option("--case", help="Only codings tied to this case id.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--with-quotes",
    is_flag=True,
    help="Include the coded text and its context (transcripts may be confidential).",
)
@click.pass_context
@_reports_errors
def codings_list(
    ctx: click.Context,
    document: str | None,
    code: str | None,
    coder: str | None,
    case: str | None,
    fmt: str,
    with_quotes: bool,
) -> None:
    """List codings as a table, CSV (loadable with 'codings load') or JSON."""
    from hrd_coder.services.codings_file import coding_rows, write_csv

    found = _open(ctx).codings(document=document, code=code, coder=coder, case=case)
    rows = coding_rows(found, with_quotes=with_quotes)
    if fmt == "csv":
        write_csv(rows, sys.stdout, with_quotes=with_quotes)
    elif fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        columns = [
            "id",
            "document",
            "coder",
            "code",
            "start",
            "end",
            "case",
            *(["quote"] if with_quotes else []),
        ]
        _print_table([{k: r[k] for k in columns} for r in rows], columns)


@codings.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@_reports_errors
def codings_load(ctx: click.Context, file: Path) -> None:
    """Add codings from a CSV FILE (all rows checked first; loading twice adds nothing)."""
    report = _open(ctx).load_codings(file)
    click.echo(f"{report.added} coding(s) added, {report.already_present} already present.")


CODER_OPTION = click.option(
    "--coder",
    envvar="HRD_CODER_CODER",
    required=True,
    help="Who is coding (also read from $HRD_CODER_CODER).",
)


@codings.command("add")
@click.argument("document")
@click.argument("code")
@click.argument("start", type=int)
@click.argument("end", type=int)
@CODER_OPTION
@click.option("--case", help="Tie the coding to this case id.")
@click.option("--memo", help="A note on this coding.")
@click.pass_context
@_reports_errors
def codings_add(
    ctx: click.Context,
    document: str,
    code: str,
    start: int,
    end: int,
    coder: str,
    case: str | None,
    memo: str | None,
) -> None:
    """Apply CODE to characters START..END (END excluded) of DOCUMENT."""
    coding = _open(ctx).add_coding(
        document=document, code=code, start=start, end=end, coder=coder, case=case, memo=memo
    )
    click.echo(
        f'saved coding {coding.id}: {code} on {document} [{start}, {end}) "{_short(coding.quote)}"'
    )


@codings.command("remove")
@click.argument("coding_id")
@CODER_OPTION
@click.pass_context
@_reports_errors
def codings_remove(ctx: click.Context, coding_id: str, coder: str) -> None:
    """Remove the coding CODING_ID (it stays in the event log)."""
    coding = _open(ctx).remove_coding(coding_id, coder=coder)
    click.echo(f"removed coding {coding.id} ({coding.code_id} on {coding.document_id})")


STATISTICS = ["alpha", "cohen", "fleiss", "ac1", "scott", "percent"]
LEVELS = ["nominal", "ordinal", "interval", "ratio", "linear", "quadratic"]


@main.command()
@click.option(
    "--ratings",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Measure agreement on a reliability-data CSV instead of the project "
    "(a row per unit, a column per coder, a header naming the coders).",
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
    help="One row per code, per code group, all codes pooled, per document, or per coder pair.",
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
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="Bootstrap samples for alpha's confidence interval (0: none).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed of the bootstrap."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.pass_context
@_reports_errors
def agreement(
    ctx: click.Context,
    ratings: Path | None,
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
    if ratings is not None:
        from hrd_coder.agreement import agreement_for_file
        from hrd_coder.problems import ProjectError

        try:
            result = agreement_for_file(ratings, statistic, level, bootstrap, seed)
        except ValueError as error:  # a statistic that does not fit the data or the level
            raise ProjectError(str(error)) from None
        _print_rows(
            [result], fmt, ["statistic", "level", "value", "ci_low", "ci_high", "units", "coders"]
        )
        return
    from hrd_coder.services.agreement import AgreementRequest

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
    rows = [r.as_dict() for r in _open(ctx).agreement(request)]
    _print_rows(
        rows, fmt, ["name", "value", "ci_low", "ci_high", "units", "positives", "coders", "verdict"]
    )


def _print_rows(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows[0] if len(rows) == 1 and "file" in rows[0] else rows, indent=2))
        return
    if fmt == "csv":
        import csv

        writer = csv.DictWriter(
            sys.stdout, fieldnames=list(rows[0]) if rows else columns, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
        return
    shown = [{c: _number(r.get(c)) for c in columns} for r in rows]
    _print_table(shown, columns, noun="row")


def _number(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@main.command()
@click.argument("coder")
@click.option(
    "--share",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.2,
    show_default=True,
    help="Share of documents to assign.",
)
@click.option("--seed", type=int, required=True, help="Random seed (records make it reproducible).")
@click.option(
    "--kind", type=click.Choice(["transcript", "case_history"]), help="Only documents of this kind."
)
@click.pass_context
@_reports_errors
def sample(ctx: click.Context, coder: str, share: float, seed: int, kind: str | None) -> None:
    """Assign CODER a reproducible random sample of documents to double-code."""
    chosen = _open(ctx).assign_sample(coder, share, seed, kind)
    click.echo(f"{coder} double-codes {len(chosen)} document(s): {', '.join(chosen)}")


def _data_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--data, --duration and --event, shared by the standalone survival commands."""
    command = click.option(
        "--event", required=True, help="Column that is 1 (or true) when the event happened."
    )(command)
    command = click.option(
        "--duration", required=True, help="Column with the time to event or censoring."
    )(command)
    return click.option(
        "--data",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="A CSV file with one row per case.",
    )(command)


@main.command()
@_data_options
@click.option("--covariates", default="", help="Comma-separated covariate columns.")
@click.option("--strata", help="Column to stratify the baseline hazard on.")
@click.option(
    "--ties",
    type=click.Choice(["efron", "breslow"]),
    default="efron",
    show_default=True,
    help="Handling of tied event times (lifelines fits Efron; Breslow uses statsmodels' PHReg).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@_reports_errors
def survival(
    data: Path, duration: str, event: str, covariates: str, strata: str | None, ties: str, fmt: str
) -> None:
    """Fit a Cox proportional-hazards model to any CSV, with the PH test per covariate."""
    from hrd_coder.analysis import survival_for_file

    names = tuple(c.strip() for c in covariates.split(",") if c.strip())
    result = survival_for_file(data, duration, event, names, strata, ties)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    rows = [{"covariate": name, **values} for name, values in result["coefficients"].items()]
    _print_rows(rows, "table", ["covariate", "coef", "se", "hr", "p"])
    click.echo(
        f"n {result['n']}, events {result['events']}, concordance "
        f"{result['concordance']:.3f}, log-likelihood {result['log_likelihood']:.2f} "
        f"({result['engine']}, {result['ties']} ties)"
    )
    for name, check in result["ph_test"].items():
        click.echo(f"PH {name}: {check['verdict']}")


@main.command()
@_data_options
@click.option("--group", required=True, help="Column whose values are the groups compared.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@_reports_errors
def km(data: Path, duration: str, event: str, group: str, fmt: str) -> None:
    """Kaplan-Meier medians per group and the log-rank test, on any CSV."""
    from hrd_coder.analysis import km_for_file

    result = km_for_file(data, duration, event, group)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    rows = [{"group": name, **values} for name, values in result["groups"].items()]
    _print_rows(rows, "table", ["group", "n", "events", "median", "median_low", "median_high"])
    logrank = result["logrank"]
    click.echo(f"log-rank chi-square {logrank['statistic']:.3f}, p {logrank['p']:.4g}")


LAYER_OPTION = click.option(
    "--layer",
    help="Whose codings: a coder's name or consensus (default: consensus, if it has codings).",
)


@main.command()
@click.argument("case")
@click.argument("variable")
@LAYER_OPTION
@click.pass_context
@_reports_errors
def explain(ctx: click.Context, case: str, variable: str, layer: str | None) -> None:
    """Show the codings behind the value of case VARIABLE for CASE, with their quotes."""
    found = _open(ctx).explain(case, variable, layer)
    shown = "missing" if found.value is None else found.value
    click.echo(f"{variable} = {shown} for case {case} (layer {found.layer}; {found.source})")
    for item in found.evidence:
        coding = item.coding
        click.echo(
            f"- {coding.document_id} [{coding.start}, {coding.end}) {coding.code_id}"
            f' ({item.document_date or "no date"}): "{coding.quote}"'
        )
    if found.source.startswith("code") and not found.evidence:
        click.echo("(no codings of this code or its descendants are tied to the case)")


@main.command()
@click.argument("design")
@LAYER_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the Kaplan-Meier figure, PNG and SVG (default: PROJECT/reports).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.pass_context
@_reports_errors
def report(ctx: click.Context, design: str, layer: str | None, out: Path | None, fmt: str) -> None:
    """Kaplan-Meier, log-rank, Cox model and PH checks for DESIGN of analysis.yaml."""
    project = _open(ctx)
    result = project.analyze(design, layer, out or project.root / "reports")
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    if fmt == "markdown":
        click.echo(result.markdown())
        return
    data = result.as_dict()
    click.echo(f"{design}: {data['n']} cases, {data['events']} released")
    rows = [{"group": name, **values} for name, values in data["groups"].items()]
    _print_rows(rows, "table", ["group", "n", "events", "median", "median_low", "median_high"])
    if data["logrank"]:
        logrank = data["logrank"]
        click.echo(f"log-rank chi-square {logrank['statistic']:.3f}, p {logrank['p']:.4g}")
    if data["cox"]:
        rows = [{"covariate": k, **v} for k, v in data["cox"]["coefficients"].items()]
        _print_rows(rows, "table", ["covariate", "hr", "hr_low", "hr_high", "p"])
    for name, check in data["ph_test"].items():
        click.echo(f"PH {name}: {check['verdict']}")
    for note in data["notes"]:
        click.echo(f"note: {note}")
    for path in data["plots"]:
        click.echo(f"figure: {path}")


@main.group()
def export() -> None:
    """Write project data out for Stata, R or pandas."""


@export.command("cases")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "stata", "json"]),
    default="csv",
    show_default=True,
    help="File format (stata writes a .dta with variable and value labels).",
)
@LAYER_OPTION
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: PROJECT/exports/cases.csv, .parquet, .dta or .json).",
)
@click.pass_context
@_reports_errors
def export_cases(ctx: click.Context, fmt: str, layer: str | None, out: Path | None) -> None:
    """The case x variable table with each design's outcomes, and a data dictionary."""
    table, dictionary = _open(ctx).export_cases(fmt, layer, out)
    click.echo(f"wrote {table} and its data dictionary {dictionary}")


def _print_import(report: Any) -> None:
    if not report.changed:
        click.echo("Nothing to import: the database already matches the files.")
        return
    for outcome in ("added", "updated", "removed"):
        counts = getattr(report, outcome)
        if counts:
            click.echo(f"{outcome}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


def _print_status(result: Any) -> None:
    click.echo(f"project   {result.root}")
    click.echo(f"database  {result.database}")
    click.echo(f"codebook  {result.codebook_name} ({result.codebook_hash[:12]})")
    click.echo(
        f"documents {result.documents} ({result.transcripts} transcripts, "
        f"{result.case_histories} case histories)"
    )
    click.echo(f"cases     {result.cases}")
    click.echo(f"codes     {result.codes}")
    click.echo(f"codings   {result.codings} by {result.coders} coder(s)")
    if result.codebook_changed:
        click.echo("warning: codebook.yaml changed since the last import; run 'hrd-coder import'")
    for path in result.changed_on_disk:
        click.echo(f"warning: {path} changed on disk since it was imported")
    for path in result.not_imported:
        click.echo(f"note: {path} is not imported yet; run 'hrd-coder import'")


def _print_table(rows: list[dict[str, Any]], columns: list[str], noun: str = "coding") -> None:
    cells = [[_short(str(row[c])) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    click.echo(f"({len(rows)} {noun}{'s' if len(rows) != 1 else ''})")


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
