"""Survival models, case variables and design reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hrd_coder.cli.base import (
    format_option,
    main,
    open_project,
    print_rows,
    reports_errors,
)
from hrd_coder.cli.consensus import ALLOW_INCOMPLETE, check_consensus
from hrd_coder.cli.suggest import ALLOW_UNVALIDATED, check_model_layer
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.analysis.child_process import ChildProcess
    from hrd_coder.services import Project


def data_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--data, --duration, --event, --design and --where, shared by km and survival."""
    options = [
        click.option(
            "--data",
            required=True,
            type=click.Path(dir_okay=False, path_type=Path),
            help="A CSV file with one row per case (e.g. from 'hrd-coder export cases').",
        ),
        click.option(
            "--duration",
            help="Column with the time to event or censoring (default with --design: the "
            "design's days column).",
        ),
        click.option(
            "--event",
            help="Column that is 1 (or true) when the event happened (default with --design: "
            "the design's event column).",
        ),
        click.option(
            "--design",
            help="A design of analysis.yaml: model only its cases (the rows with its outcome "
            "filled in an exported case table), on its own columns unless named.",
        ),
        click.option(
            "--where",
            multiple=True,
            metavar="COLUMN=VALUE",
            callback=_check_where,
            help="Keep only the rows whose COLUMN holds VALUE (repeat it: every one must hold).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _check_where(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    from hrd_coder.analysis.case_rows import parse_where

    for value in values:
        try:
            parse_where(value)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx, param) from None
    return values


def _design_plan(ctx: click.Context, duration: str | None, event: str | None, design: str | None):
    """The arguments that choose the design's rows: none without --design."""
    if design is None:
        if duration is None or event is None:
            raise click.UsageError("give --duration and --event, or --design DESIGN")
        return {}
    plan = open_project(ctx).analysis_plan()
    try:
        plan.design(design)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param_hint="'--design'") from None
    return {"design": design, "plan": plan}


@main.command()
@data_options
@click.option(
    "--covariates",
    default="",
    help="Comma-separated covariate columns (default with --design: its group and covariates).",
)
@click.option(
    "--strata", help="Column to stratify the baseline hazard on (default: the design's strata)."
)
@click.option(
    "--ties",
    type=click.Choice(["efron", "breslow"]),
    default="efron",
    show_default=True,
    help="Handling of tied event times (lifelines fits Efron; Breslow uses statsmodels' PHReg, "
    "with BFGS when its Newton-Raphson fails).",
)
@format_option(["table", "json"], default="table")
@click.pass_context
@reports_errors
def survival(
    ctx: click.Context,
    data: Path,
    duration: str | None,
    event: str | None,
    design: str | None,
    where: tuple[str, ...],
    covariates: str,
    strata: str | None,
    ties: str,
    fmt: str,
) -> None:
    """Fit a Cox proportional-hazards model to any CSV, with the PH test per covariate."""
    from hrd_coder.analysis import survival_for_file
    from hrd_coder.cli.survival_output import print_survival

    names = tuple(c.strip() for c in covariates.split(",") if c.strip())
    chosen = _design_plan(ctx, duration, event, design)
    try:
        result = survival_for_file(
            data, duration, event, names, strata, ties, where=where, **chosen
        )
    except ValueError as error:  # ours, about the arguments (say, a column used twice)
        raise click.UsageError(str(error)) from None
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
    else:
        print_survival(result)


@main.command()
@data_options
@click.option(
    "--group", help="Column whose values are the groups compared (default: the design's group)."
)
@format_option(["table", "json"], default="table")
@click.pass_context
@reports_errors
def km(
    ctx: click.Context,
    data: Path,
    duration: str | None,
    event: str | None,
    design: str | None,
    where: tuple[str, ...],
    group: str | None,
    fmt: str,
) -> None:
    """Kaplan-Meier medians per group and the log-rank test, on any CSV."""
    from hrd_coder.analysis import km_for_file
    from hrd_coder.cli.survival_output import print_km

    if group is None and design is None:
        raise click.UsageError("give --group, or --design DESIGN to compare its group")
    chosen = _design_plan(ctx, duration, event, design)
    try:
        result = km_for_file(data, duration, event, group, where=where, **chosen)
    except ValueError as error:  # ours, about the arguments
        raise click.UsageError(str(error)) from None
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
    else:
        print_km(result)


LAYER_OPTION = click.option(
    "--layer",
    help="Whose codings: a coder's name, consensus or model:RUN (a machine coder's; see "
    "suggest validate) (default: consensus, if it has codings).",
)


@main.command()
@click.argument("case")
@click.argument("variable")
@LAYER_OPTION
@ALLOW_INCOMPLETE
@click.pass_context
@reports_errors
def explain(
    ctx: click.Context, case: str, variable: str, layer: str | None, allow_incomplete: bool
) -> None:
    """Show the codings behind the value of case VARIABLE for CASE, with their quotes."""
    project = open_project(ctx)
    check_consensus(project, layer, allow_incomplete)
    found = project.explain(case, variable, layer)
    shown = "missing" if found.value is None else found.value
    click.echo(f"{variable} = {shown} for case {case} (layer {found.layer}; {found.source})")
    if project.is_model_layer(found.layer):
        _print_run_of(project, found.layer)
    for item in found.evidence:
        coding = item.coding
        made = f" [{coding.memo}]" if coding.memo and project.is_model_layer(coding.coder) else ""
        click.echo(
            f"- {coding.document_id} [{coding.start}, {coding.end}) {coding.code_id}"
            f' ({item.document_date or "no date"}): "{coding.quote}"{made}'
        )
    if found.source.startswith("code") and not found.evidence:
        click.echo("(no codings of this code or its descendants are tied to the case)")


def _print_run_of(project: Project, layer: str) -> None:
    """A value from a machine coder traced to the run that made it (issue 17)."""
    run = next((r for r in project.suggestion_runs() if r.layer == layer), None)
    if run is None:
        return
    folder = run.settings.get("model_dir")
    model = f", model {folder} (checksum {run.settings['model_checksum'][:12]})" if folder else ""
    made = (
        f"model {run.settings['model']} ({run.settings['model_checksum'][:19]}), prompt "
        f"template {run.settings['prompt_template_hash'][:12]}, by {run.unit}"
        if run.backend == "llm"  # learned nothing from the project: no training layer
        else f"trained on {run.train} at the {run.unit} level (codings checksum "
        f"{run.training_checksum[:12]})"
    )
    click.echo(
        f"made by run {run.run} ({run.at}): {run.backend} {run.version}{model}, {made}, "
        f"codebook {run.codebook_hash[:12]}, seed {run.seed}; "
        f"'hrd-coder suggest validate {run.run}' says how far to trust it"
    )


REPORT_FORMATS = ["table", "markdown", "latex", "csv", "json"]


@main.command()
@click.argument("design")
@LAYER_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the figures (PNG, SVG: Kaplan-Meier; with --released-by also the "
    "sensitivity contours) and CSV tables (default: PROJECT/reports).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="table",
    show_default=True,
    help="Output format (csv writes one file per table into --out).",
)
@click.option(
    "--by-layer",
    is_flag=True,
    help="Fit the Cox model once per layer (each coder, consensus, each machine coder's), "
    "side by side, with each layer's E-values (and robustness values with --released-by).",
)
@click.option(
    "--robustness",
    type=click.Choice(["coders"]),
    help="coders: the featured effect on every layer (model layers with their validation "
    "verdict) with its E-value (and robustness values with --released-by), and a bootstrap "
    "over which human coder's version of each case enters the case table.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(1, 100_000),
    default=200,
    show_default=True,
    help="With --robustness coders: case tables drawn (one Cox fit each).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="With --robustness coders: the bootstrap's random seed.",
)
@click.option(
    "--released-by",
    type=float,
    metavar="DAYS",
    help="Add the share released by DAYS per group, its linear probability model and the "
    "model's sensitivity to an omitted confounder (robustness value, bounds, contour figure); "
    "with --by-layer or --robustness coders, each layer's robustness values.",
)
@click.option(
    "--dsl-sample",
    metavar="CODER",
    help="With --layer model:RUN and --released-by: correct the linear probability model "
    "with the random sample CODER coded (design-based supervised learning).",
)
@ALLOW_INCOMPLETE
@ALLOW_UNVALIDATED
@click.pass_context
@reports_errors
def report(
    ctx: click.Context,
    design: str,
    layer: str | None,
    out: Path | None,
    fmt: str,
    by_layer: bool,
    robustness: str | None,
    bootstrap: int,
    seed: int,
    released_by: float | None,
    dsl_sample: str | None,
    allow_incomplete: bool,
    allow_unvalidated: bool,
) -> None:
    """Kaplan-Meier, log-rank, Cox model and PH checks for DESIGN of analysis.yaml."""
    if dsl_sample is None and not robustness and not by_layer:
        # One design's report and its figures. The figures are drawn by a child process
        # started first: it imports matplotlib on the other core while this one opens the
        # project, imports lifelines and fits the models.
        from hrd_coder.analysis.child_process import DRAWING_MODULES, ChildProcess

        with ChildProcess(DRAWING_MODULES) as figures:
            project = open_project(ctx)
            folder = out or project.root / "reports"
            options = (released_by, allow_incomplete, allow_unvalidated)
            _report_one(project, design, layer, folder, fmt, options, figures)
        return
    project = open_project(ctx)
    folder = out or project.root / "reports"
    if dsl_sample is not None:
        if layer is None or released_by is None:
            raise click.UsageError(
                "--dsl-sample corrects the released-by model of a machine coder's layer: "
                "give --layer model:RUN and --released-by DAYS too"
            )
        corrected = project.corrected_released_by(design, layer, released_by, dsl_sample)
        _print_corrected(corrected.as_dict(), fmt)
        return
    if robustness:
        if layer is not None or by_layer:
            raise click.UsageError(
                "--robustness coders fits every layer: leave out --layer and --by-layer"
            )
        found = project.coder_robustness(
            design,
            bootstrap,
            seed,
            released_by,
            allow_unvalidated=allow_unvalidated,
            allow_incomplete=allow_incomplete,
        )
        _print_robustness(found, fmt)
        return
    if by_layer:
        if layer is not None:
            raise click.UsageError("--by-layer fits every layer: leave out --layer")
        found = project.analyze_by_layer(
            design,
            released_by,
            allow_unvalidated=allow_unvalidated,
            allow_incomplete=allow_incomplete,
        )
        _print_by_layer(found, fmt, folder)
        return


def _report_one(
    project: Project,
    design: str,
    layer: str | None,
    folder: Path,
    fmt: str,
    options: tuple[float | None, bool, bool],
    figures: ChildProcess,
) -> None:
    """One design's report: the tables, then the figures (drawn by `figures`). `options`
    are --released-by, --allow-incomplete and --allow-unvalidated."""
    from hrd_coder.analysis.design_report import draw_figures

    released_by, allow_incomplete, allow_unvalidated = options

    # One reading of analysis.yaml, the cases and the media items for the whole report.
    inputs = project.analysis_inputs()
    check_consensus(project, layer, allow_incomplete, design, inputs)
    allowed = check_model_layer(project, layer, "report", allow_unvalidated, design)
    fitted = project.analyze(
        design, layer, None, released_by, inputs=inputs, allow_unvalidated=allowed
    )
    if fmt == "table":  # the tables first; the figures, slower to draw, after them
        _print_report(fitted.as_dict(), design)
        for path in draw_figures(fitted, folder, figures.call).plots:
            click.echo(f"figure: {path}")
        return
    result = draw_figures(fitted, folder, figures.call)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
    elif fmt == "markdown":
        click.echo(result.markdown())
    elif fmt == "latex":
        click.echo(result.render("latex"))
    elif fmt == "csv":
        for path in result.write_csv(folder):
            click.echo(f"table: {path}")


def _print_by_layer(found: Any, fmt: str, folder: Path) -> None:
    if fmt == "json":
        click.echo(json.dumps(found.as_dict(), indent=2))
    elif fmt == "csv":
        from hrd_coder.whole_file import writing_whole

        for suffix, text in found.csv_tables().items():
            path = folder / f"{found.design.name}.{suffix}.csv"
            with writing_whole(path) as temporary:
                temporary.write_text(text)
            click.echo(f"table: {path}")
    elif fmt in ("markdown", "latex"):
        click.echo(found.render(fmt))
    else:
        table = found.table()
        print_rows(table.to_dict("records"), "table", list(table.columns))
        layers = found.layer_table()
        rows = layers.astype(object).where(layers.notna(), None).to_dict("records")
        print_rows(rows, "table", list(layers.columns))
        click.echo(_sensitivity_words(found.design.group, found.released_by))
        for note in found.notes:
            click.echo(f"note: {note}")


def _sensitivity_words(effect: str, released_by: float | None) -> str:
    """What the sensitivity columns of a by-layer table hold."""
    text = (
        f"evalue, evalue_ci: E-values of the {effect} hazard ratio and of its confidence "
        "limit nearer 1 (VanderWeele & Ding 2017)"
    )
    if released_by is not None:
        text += (
            f"; rv_q, rv_qa: robustness values of {effect} in the released-by-day-"
            f"{released_by:g} model (Cinelli & Hazlett 2020)"
        )
    return text


def _print_corrected(data: dict[str, Any], fmt: str) -> None:
    """Naive and DSL-corrected coefficients side by side, and the sample that corrected."""
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    if fmt not in ("table", "csv"):
        raise click.UsageError("--dsl-sample prints table, csv or json")
    rows = [{"term": term, **values} for term, values in data["terms"].items()]
    columns = ["term", "naive", "naive_se", "corrected", "corrected_se", "ci_low", "ci_high"]
    if fmt == "table":
        sample = data["sample"]
        click.echo(
            f"{data['design']} on {data['layer']}: released by day {data['t']:g}, linear "
            f"probability model, {data['n']} cases; corrected (DSL) with {sample['coder']}'s "
            f"random sample '{sample['name']}' (share {sample['share']:g}, seed "
            f"{sample['seed']}): {plural(data['labelled'], 'case')} human-coded"
        )
    print_rows(rows, fmt, columns)
    if fmt == "table":
        for note in data["notes"]:
            click.echo(f"note: {note}")


def _print_robustness(found: Any, fmt: str) -> None:
    """Every layer's featured effect, the coder bootstrap's quantiles, and the sentence."""
    data = found.as_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    if fmt not in ("table", "csv"):
        raise click.UsageError("--robustness coders prints table, csv or json")
    rows = [
        {"layer": layer, **values, "verdict": _verdict_cell(values)}
        for layer, values in data["by_layer"].items()
    ]
    columns = ["layer", "kind", "verdict", "hr", "hr_low", "hr_high", "p", "evalue", "evalue_ci"]
    if data["released_by"] is not None:
        columns += ["rv_q", "rv_qa"]
    print_rows(rows, fmt, columns)
    if fmt == "csv":
        return
    click.echo(_sensitivity_words(data["effect"], data["released_by"]))
    boot = data["bootstrap"]
    quantiles = ", ".join(
        f"{q} {v:.3f}" if v is not None else f"{q} -" for q, v in boot["quantiles"].items()
    )
    click.echo(
        f"coder bootstrap of the {data['effect']} hazard ratio ({boot['fitted']} of "
        f"{boot['draws']} draws fitted, seed {boot['seed']}, "
        f"{plural(boot['varying_cases'], 'case')} whose code variables differ between "
        f"coders; drawn from the human coders only: {', '.join(boot['layers'])}): {quantiles}"
    )
    click.echo(data["sentence"])
    for note in data["notes"]:
        click.echo(f"note: {note}")


def _verdict_cell(values: dict[str, Any]) -> str | None:
    """A layer's verdict, "refused: " before it when the layer is refused (why: in a note)."""
    return f"refused: {values['verdict']}" if values["refused"] else values["verdict"]


def _print_sensitivity(found: dict[str, Any]) -> None:
    click.echo(
        f"sensitivity of {found['treatment']} to an omitted confounder (classical OLS: "
        f"estimate {found['estimate']:.3f}, se {found['se']:.3f}, t {found['t']:.2f}, "
        f"dof {found['dof']}): partial R2 of {found['treatment']} with the outcome "
        f"{found['r2yd_x']:.1%}, robustness value {found['rv_q']:.1%}, "
        f"at alpha {found['alpha']:g} {found['rv_qa']:.1%}"
    )
    if found["bounds"]:
        from hrd_coder.analysis.sensitivity import BOUND_COLUMNS

        rows = [{"bound": label, **values} for label, values in found["bounds"].items()]
        print_rows(rows, "table", list(BOUND_COLUMNS))


def _print_report(data: dict[str, Any], design: str) -> None:
    from hrd_coder.cli.survival_output import print_cox, print_groups, print_logrank

    click.echo(f"{design}: {data['n']} cases, {data['events']} released")
    print_groups(data["groups"])
    print_logrank(data["logrank"])
    if data["cox"]:
        print_cox(data["cox"]["coefficients"], ["covariate", "hr", "hr_low", "hr_high", "p"])
    for name, check in data["ph_test"].items():
        click.echo(f"PH {name}: {check['verdict']}")
    if found := data["evalue"]:
        click.echo(
            f"E-value of the {found['covariate']} hazard ratio: {found['evalue']:.2f} "
            f"(confidence limit nearer 1: {found['evalue_ci']:.2f}); "
            f"{found['outcome_share']:.0%} released, so {found['conversion']}"
        )
    if by_t := data["released_by"]:
        click.echo(f"released by day {by_t['t']:g}:")
        rows = [{"group": name, **values} for name, values in by_t["groups"].items()]
        print_rows(rows, "table", ["group", "n", "released", "held", "unknown", "share"])
        if by_t["model"]:
            rows = [{"term": k, **v} for k, v in by_t["model"].items()]
            print_rows(rows, "table", ["term", "coef", "se", "p", "ci_low", "ci_high"])
        if sensitivity := by_t["sensitivity"]:
            _print_sensitivity(sensitivity)
        for note in by_t["notes"]:
            click.echo(f"note: {note}")
    for note in data["notes"]:
        click.echo(f"note: {note}")
