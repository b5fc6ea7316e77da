"""The machine coder: `suggest run|validate|list|review` (docs/machine-coding.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hrd_coder.cli.base import (
    format_option,
    main,
    number,
    open_project,
    print_rows,
    print_table,
    reports_errors,
)
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.services import Project

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
    "accepted",
]
RUN_COLUMNS = ["run", "layer", "backend", "train", "unit", "seed", "suggestions", "reviewed", "at"]
REVIEW_COLUMNS = [
    "suggestion",
    "document",
    "code",
    "start",
    "end",
    "probability",
    "quote",
    "model_reasoning",
    "decision",
    "reason",
]


INVALID_WORDS = {
    "json": ("answer", "not the JSON asked for"),
    "unknown_code": ("coding", "of a code the codebook lacks"),
    "quote": ("quote", "not found in the text"),
}


def llm_options(command: Any) -> Any:
    """The llm backend's options: which model, on which host, and --replicate."""
    options = [
        click.option(
            "--model",
            type=click.Path(dir_okay=False, path_type=Path),
            help="llm: a local GGUF model file, run by llama-cpp-python "
            "(pip install 'hrd-coder[llm]').",
        ),
        click.option("--ollama", metavar="MODEL", help="llm: a model of an Ollama server."),
        click.option(
            "--host",
            metavar="URL",
            help="llm: the Ollama server (default http://localhost:11434). Another machine "
            "needs --allow-remote and llm_remote_hosts in .hrd_coder/settings.yaml.",
        ),
        click.option(
            "--allow-remote",
            is_flag=True,
            help="llm: allow sending the documents to the --host named in the project's "
            "settings (logged with the run).",
        ),
        click.option(
            "--replicate",
            type=int,
            metavar="K",
            help="llm: K runs with seeds SEED..SEED+K-1, each its own layer, and "
            "Krippendorff's alpha across them per code.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


ALLOW_UNVALIDATED = click.option(
    "--allow-unvalidated",
    is_flag=True,
    help="Go on although a model layer's codes have no validation or an unusable verdict "
    "(logged; see docs/machine-coding.md).",
)


def check_model_layer(
    project: Project, layer: str | None, what: str, allow: bool, design: str | None = None
) -> bool:
    """Refuse a model layer's unvalidated codes (exit 2), or warn when allowed (logged);
    return whether the command was allowed past the check."""
    for line in project.check_model_layer(layer, what, design=design, allow_unvalidated=allow):
        click.echo(line, err=True)
    return allow


@main.group()
def suggest() -> None:
    """Machine suggestions in their own layer model:RUN, validated against the humans."""


@suggest.command("run")
@click.option(
    "--backend",
    default="classifier",
    show_default=True,
    help="What makes the suggestions: 'classifier' (TF-IDF and logistic regression, trained "
    "on --train), 'embedding' (a local model2vec model's embeddings and logistic regression; "
    "needs --model-dir) or 'llm' (a local language model: --model or --ollama).",
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
@click.option(
    "--model-dir",
    "model_dir",
    type=click.Path(path_type=Path),
    help="The embedding backend's model: a folder holding a model2vec model "
    "(config.json, model.safetensors, tokenizer.json). Nothing is downloaded.",
)
@llm_options
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
    model_dir: Path | None,
    replicate: int | None,
    fmt: str,
    **llm: Any,
) -> None:
    """Train on a human layer (or ask a local language model: --backend llm) and store
    suggestions in a new layer model:RUN."""
    project = open_project(ctx)
    chosen = {"unit": unit, "documents": documents, "codes": codes, "seed": seed}
    if backend == "llm":
        chosen["progress"] = _progress(unit)
    if replicate is not None:
        _print_replication(
            project.replicate_suggestions(replicate, backend=backend, **chosen, **llm), fmt
        )
        return
    run = project.suggest(backend=backend, train=train, model_dir=model_dir, **chosen, **llm)
    if fmt == "json":
        click.echo(json.dumps(run.as_dict(), indent=2))
        return
    if run.backend == "llm":
        _print_llm_run(run)
        return
    click.echo(
        f"run {run.run}: {plural(run.suggestions, 'suggestion')} in layer {run.layer} for "
        f"{plural(run.documents, 'document')}, learned from {run.train} ({run.training_units} "
        f"{run.unit}s in {run.training_documents} documents) in {run.seconds:.1f} s"
    )
    if run.settings.get("model_dir"):
        s = run.settings
        click.echo(
            f"  model: {s['model_dir']} ({plural(s['model_files'], 'file')}, "
            f"SHA-256 {s['model_checksum'][:12]})"
        )
    for code, count in run.by_code.items():
        click.echo(f"  {code}: {count}")
    for code, marked in run.skipped.items():
        click.echo(f"  skipped {code}: only {plural(marked, run.unit)} marked to learn from")
    click.echo(f"Check it before use: hrd-coder suggest validate {run.run}")


def _progress(unit: str) -> Any:
    """On a terminal, how many units a language model has answered so far (a run can take
    hours on a CPU); nothing in a pipe or a log."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\rasked about {done}/{total} {unit}s", err=True, nl=done == total)

    return show


def _print_llm_run(run: Any) -> None:
    settings = run.settings
    click.echo(
        f"run {run.run}: {plural(run.suggestions, 'suggestion')} in layer {run.layer} for "
        f"{plural(run.documents, 'document')} ({run.units} {run.unit}s), from "
        f"{settings['model']} ({settings['model_checksum'][:19]}…, {run.version}) in "
        f"{run.seconds:.1f} s"
    )
    for code, count in run.by_code.items():
        click.echo(f"  {code}: {count}")
    dropped = [
        f"{plural(n, INVALID_WORDS[kind][0])} {INVALID_WORDS[kind][1]}"
        for kind, n in run.invalid.items()
        if n
    ]
    if dropped:
        click.echo(f"  discarded: {', '.join(dropped)}")
    click.echo(f"Check it before use: hrd-coder suggest validate {run.run}")


def _print_replication(found: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(found.as_dict(), indent=2))
        return
    click.echo(
        f"{plural(len(found.runs), 'run')} of {found.model} with seeds "
        f"{', '.join(map(str, found.seeds))}: {', '.join(found.layers)}"
    )
    click.echo(f"Krippendorff's alpha across the runs, per code, on {found.units} {found.unit}s:")
    rows = [
        {"code": code, "alpha": number(v["alpha"]), "marked": " ".join(map(str, v["marked"]))}
        for code, v in found.codes.items()
    ]
    print_table(rows, ["code", "alpha", "marked"], "code")


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
@click.option(
    "--reference",
    metavar="LAYER",
    help="llm runs: the human layer to compare with (default consensus), on the documents "
    "it covers.",
)
@format_option(["table", "json"], default="table")
@click.pass_context
@reports_errors
def suggest_validate(
    ctx: click.Context,
    run: str,
    folds: int,
    bootstrap: int,
    methods: bool,
    reference: str | None,
    fmt: str,
) -> None:
    """Per code, agreement of RUN's classifier with its training layer on unseen documents
    (an llm run: with --reference, default consensus)."""
    project = open_project(ctx)
    found = project.validate_suggestions(run, folds=folds, bootstrap=bootstrap, reference=reference)
    reviewed = project.suggestion_review_counts(found.run)
    if fmt == "json":
        data = found.as_dict()
        for code, values in data["codes"].items():
            counts = reviewed[code].as_dict()
            values.update(review=counts, acceptance_rate=counts["acceptance_rate"])
        if methods:
            data["methods"] = project.methods_paragraph(found)
        click.echo(json.dumps(data, indent=2))
        return
    how = f"{found.folds}-fold cross-validation by document" if found.folds else "compared"
    click.echo(
        f"run {found.run}: {how} against {found.reference} ({found.units} {found.unit}s in "
        f"{plural(found.documents, 'document')})"
    )
    if found.training_changed:
        click.echo(f"note: {found.reference}'s codings changed since the run was made")
    rows = [
        _validation_row(c, v) | {"accepted": _accepted(reviewed[c])} for c, v in found.codes.items()
    ]
    print_table(rows, VALIDATION_COLUMNS, "code")
    if found.unusable:
        click.echo(f"not usable: {_unusable_reasons(found)}")
    if methods:
        click.echo("")
        click.echo(project.methods_paragraph(found))


def _unusable_reasons(found: Any) -> str:
    """The unusable codes grouped by why: alpha below the threshold, too few marked units
    to judge, or no unit marked by either side (no alpha at all)."""
    why = {
        "not reliable": f"alpha below {found.threshold}",
        "too few to judge": "too few units marked to judge",
        "": "no unit marked by the model or the reference",
    }
    groups: dict[str, list[str]] = {}
    for code in found.unusable:
        verdict = found.codes[code].verdict
        groups.setdefault(why.get(verdict, verdict), []).append(code)
    return "; ".join(f"{', '.join(codes)} ({reason})" for reason, codes in groups.items())


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
    project = open_project(ctx)
    runs = project.suggestion_runs()
    reviewed = {r.run: project.suggestion_review_counts(r.run) for r in runs}
    if fmt == "json":
        listed = [
            r.as_dict() | {"review": {c: n.as_dict() for c, n in reviewed[r.run].items()}}
            for r in runs
        ]
        click.echo(json.dumps(listed, indent=2))
        return
    rows = [r.as_dict() | {"reviewed": _accepted_of_all(reviewed[r.run].values())} for r in runs]
    shown = [{c: row[c] for c in RUN_COLUMNS} | {"train": row["train"] or "—"} for row in rows]
    print_table(shown, RUN_COLUMNS, "run")  # an llm run learned from no layer: a dash


def _accepted(counts: Any) -> str:
    """'3/4 (75%)': accepted of those decided in review, or a dash before any."""
    decided = counts.accepted + counts.rejected
    if not decided:
        return "—"
    return f"{counts.accepted}/{decided} ({counts.rate:.0%})"


def _accepted_of_all(counts: Any) -> str:
    counts = list(counts)
    accepted = sum(c.accepted for c in counts)
    decided = accepted + sum(c.rejected for c in counts)
    return f"{accepted}/{decided} accepted" if decided else "—"


@suggest.command("review")
@click.argument("run")
@click.option(
    "--from-csv",
    "from_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Decide a batch: a CSV with columns suggestion, decision (accept or reject) and "
    "reason; every row checked first, then all or nothing.",
)
@click.option(
    "--coder",
    "coder",
    help="Who reviews (accepted suggestions become their codings); default: who you are.",
)
@click.option(
    "--order",
    type=click.Choice(["confidence", "code"]),
    default="confidence",
    show_default=True,
    help="The order of the suggestions listed: highest probability first, or by code.",
)
@format_option(["table", "csv", "json"], default="table")
@click.pass_context
@reports_errors
def suggest_review(
    ctx: click.Context, run: str, from_csv: Path | None, coder: str | None, order: str, fmt: str
) -> None:
    """List RUN's suggestions you have not decided (a CSV to fill in), or decide them
    from one with --from-csv."""
    from hrd_coder.problems import ProjectError

    project = open_project(ctx)
    project.viewer = coder or project.viewer
    reviewer = project.viewer
    if reviewer is None:
        raise ProjectError(
            "say who reviews: --coder NAME (accepted suggestions become NAME's codings)"
        )
    if from_csv is not None:
        done = project.review_suggestions_from_csv(run, from_csv, coder=reviewer)
        click.echo(
            f"run {done.run}: {plural(len(done.accepted), 'suggestion')} accepted into "
            f"{reviewer}'s "
            f"layer, {done.rejected} rejected"
        )
        return
    chosen, pending = project.pending_suggestions(reviewer, run=run, order=order)
    rows = [
        {
            "suggestion": s.id,
            "document": s.document_id,
            "code": s.code_id,
            "start": s.start,
            "end": s.end,
            "probability": s.probability,
            "quote": " ".join(s.quote.split()),
            "model_reasoning": s.reasoning,
            "decision": "",
            "reason": "",
        }
        for s in pending
    ]
    if fmt == "table":
        shown = [r | {"probability": number(r["probability"])} for r in rows]
        print_table(shown, REVIEW_COLUMNS[:-3], "suggestion")
        click.echo(
            f"{plural(len(rows), 'suggestion')} of run {chosen.run} not yet decided by {reviewer}: "
            f"write them out with --format csv, fill decision, then --from-csv FILE"
        )
        return
    print_rows(rows, fmt, REVIEW_COLUMNS)
