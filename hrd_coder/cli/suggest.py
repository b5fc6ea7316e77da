"""The machine coder: `suggest run|validate|list` (docs/machine-coding.md)."""

from __future__ import annotations

import json
from typing import Any

import click

from hrd_coder.cli.base import (
    format_option,
    main,
    number,
    open_project,
    print_table,
    reports_errors,
)

VALIDATION_COLUMNS = [
    "code",
    "alpha",
    "alpha_ci",
    "kappa",
    "precision",
    "recall",
    "f1",
    "baseline_alpha",
    "marked",
    "verdict",
]
RUN_COLUMNS = ["run", "layer", "backend", "train", "unit", "seed", "suggestions", "at"]


@main.group()
def suggest() -> None:
    """Machine suggestions in their own layer model:RUN, validated against the humans."""


@suggest.command("run")
@click.option(
    "--backend",
    default="classifier",
    show_default=True,
    help="What makes the suggestions (only 'classifier' so far: TF-IDF and logistic regression).",
)
@click.option(
    "--train",
    "train",
    default="consensus",
    show_default=True,
    help="The human layer to learn from: consensus, or a coder's name.",
)
@click.option(
    "--unit",
    type=click.Choice(["sentence", "paragraph", "turn"]),
    default="sentence",
    show_default=True,
    help="The unit a suggestion covers (cut as for agreement).",
)
@click.option(
    "--document",
    "--documents",
    "documents",
    multiple=True,
    help="Suggest only for these documents (repeatable).",
)
@click.option("--code", "codes", multiple=True, help="Only these codes (repeatable).")
@click.option("--seed", type=int, default=0, show_default=True, help="Recorded with the run.")
@format_option(["table", "json"], default="table")
@click.pass_context
@reports_errors
def suggest_run(
    ctx: click.Context,
    backend: str,
    train: str,
    unit: str,
    documents: tuple[str, ...],
    codes: tuple[str, ...],
    seed: int,
    fmt: str,
) -> None:
    """Train on a human layer and store suggestions in a new layer model:RUN."""
    project = open_project(ctx)
    run = project.suggest(
        backend=backend, train=train, unit=unit, documents=documents, codes=codes, seed=seed
    )
    if fmt == "json":
        click.echo(json.dumps(run.as_dict(), indent=2))
        return
    click.echo(
        f"run {run.run}: {run.suggestions} suggestion(s) in layer {run.layer} for "
        f"{run.documents} document(s), learned from {run.train} ({run.training_units} "
        f"{run.unit}s in {run.training_documents} documents) in {run.seconds:.1f} s"
    )
    for code, count in run.by_code.items():
        click.echo(f"  {code}: {count}")
    for code, marked in run.skipped.items():
        click.echo(f"  skipped {code}: only {marked} {run.unit}(s) marked to learn from")
    click.echo(f"Check it before use: hrd-coder suggest validate {run.run}")


@suggest.command("validate")
@click.argument("run")
@click.option(
    "--folds", type=click.IntRange(2, 50), default=5, show_default=True, help="k of k-fold."
)
@click.option(
    "--bootstrap",
    type=click.IntRange(0, 100_000),
    default=1000,
    show_default=True,
    help="Bootstrap samples for alpha's interval (0: none).",
)
@click.option("--methods", is_flag=True, help="Also print a methods paragraph for a paper.")
@format_option(["table", "json"], default="table")
@click.pass_context
@reports_errors
def suggest_validate(
    ctx: click.Context, run: str, folds: int, bootstrap: int, methods: bool, fmt: str
) -> None:
    """Per code, agreement of RUN's classifier with its training layer on unseen documents."""
    project = open_project(ctx)
    found = project.validate_suggestions(run, folds=folds, bootstrap=bootstrap)
    if fmt == "json":
        data = found.as_dict()
        if methods:
            data["methods"] = project.methods_paragraph(found)
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(
        f"run {found.run}: {found.folds}-fold cross-validation by document against "
        f"{found.reference} ({found.units} {found.unit}s in {found.documents} documents)"
    )
    if found.training_changed:
        click.echo(f"note: {found.reference}'s codings changed since the run was made")
    print_table([_validation_row(c, v) for c, v in found.codes.items()], VALIDATION_COLUMNS, "code")
    if found.unusable:
        click.echo(f"not usable (alpha below {found.threshold}): {', '.join(found.unusable)}")
    if methods:
        click.echo("")
        click.echo(project.methods_paragraph(found))


def _validation_row(code: str, found: Any) -> dict[str, Any]:
    interval = (
        f"{found.alpha_low:.2f}–{found.alpha_high:.2f}"
        if found.alpha_low is not None and found.alpha_high is not None
        else "—"
    )
    return {
        "code": code,
        "alpha": number(found.alpha),
        "alpha_ci": interval,
        "kappa": number(found.kappa),
        "precision": number(found.precision),
        "recall": number(found.recall),
        "f1": number(found.f1),
        "baseline_alpha": number(found.baseline_alpha),
        "marked": found.marked,
        "verdict": found.verdict or "—",
    }


@suggest.command("list")
@format_option(["table", "json"], default="table")
@click.pass_context
@reports_errors
def suggest_list(ctx: click.Context, fmt: str) -> None:
    """Every machine coder run, with what it learned from and how much it suggested."""
    runs = open_project(ctx).suggestion_runs()
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in runs], indent=2))
        return
    print_table([{c: r.as_dict()[c] for c in RUN_COLUMNS} for r in runs], RUN_COLUMNS, "run")
