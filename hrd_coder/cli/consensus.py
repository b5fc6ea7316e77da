"""Commands that build the consensus layer: `adjudicate list|decide` and
`consensus status|rebuild` (the workbench's F6 uses the same services)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hrd_coder.cli.base import (
    format_option,
    main,
    open_project,
    print_rows,
    reports_errors,
    short,
)
from hrd_coder.cli.boundaries import decide_boundary, print_boundaries
from hrd_coder.wording import agreeing, plural

if TYPE_CHECKING:
    from hrd_coder.services import Project
    from hrd_coder.services.records import AnalysisInputs

STATE_COLUMNS = ["code", "agreed", "single", "decided", "reopened", "undecided", "stale"]


def _acting(project: Project) -> str:
    """Who decides: decisions are signed, so a name is needed."""
    from hrd_coder.problems import ProjectError

    if project.viewer is None:
        raise ProjectError(
            "say who is adjudicating: hrd-coder --coder NAME adjudicate ... "
            "(or set $HRD_CODER_CODER, or 'hrd-coder whoami --set NAME')"
        )
    return project.viewer


@main.group()
def adjudicate() -> None:
    """The adjudication queue: list disagreements, decide them (builds consensus)."""


@adjudicate.command("list")
@click.option("--code", "codes", multiple=True, help="Only this code (repeatable).")
@click.option("--document", "documents", multiple=True, help="Only this document (repeatable).")
@click.option(
    "--open", "only_open", is_flag=True, help="Only items still to decide (undecided or reopened)."
)
@click.option(
    "--unitizing",
    is_flag=True,
    help="The boundary queue instead: passages every coder gave a code, each with another "
    "extent; decide which extent the consensus holds.",
)
@format_option(["table", "csv", "json"], default="table")
@click.pass_context
@reports_errors
def adjudicate_list(
    ctx: click.Context,
    codes: tuple[str, ...],
    documents: tuple[str, ...],
    only_open: bool,
    unitizing: bool,
    fmt: str,
) -> None:
    """Every disagreement with each coder's quote; fill `choice` in the CSV for --from-csv."""
    project = open_project(ctx)
    if unitizing:
        found = project.boundary_disagreements(codes, documents)
        print_boundaries(project, [b for b in found if b.open or not only_open], fmt)
        return
    items = [i for i in project.disagreements(codes, documents) if i.open or not only_open]
    coders = sorted({coder for item in items for coder in item.marks})
    rows = [_row(project, item, coders) for item in items]
    if fmt == "table":
        _print_queue(project, items)
        return
    print_rows(rows, fmt, list(rows[0]) if rows else ["item"])


def _row(project: Project, item: Any, coders: list[str]) -> dict[str, Any]:
    text = project.text_of(item.document_id)
    row: dict[str, Any] = {
        "item": item.id,
        "state": item.state,
        "about": item.kind,
        "code": item.code_id,
        "document": item.document_id,
        "start": item.start,
        "end": item.end,
        "unit_text": " ".join(text[item.start : item.end].split()),
    }
    for coder in coders:
        mark = item.marks.get(coder)
        row[coder] = "not coded" if mark is None else ("present" if mark else "absent")
        row[f"{coder}_cases"] = " ".join(sorted({p.case_id or "-" for p in mark or ()}))
        row[f"{coder}_quote"] = " … ".join(
            " ".join(text[p.start : p.end].split()) for p in mark or ()
        )
    chosen = item.chosen or (None, None)
    row.update(
        decision=item.decision or "",
        decided_by_boundary=item.boundary or "",
        decided_start=chosen[0],
        decided_end=chosen[1],
        decision_reason=item.reason,
        choice="",
        reason="",
    )
    return row


def _decided_words(item: Any) -> str:
    """' → lena', or for a unit a boundary decision settles ' by boundary 55712640 →
    union (3070–3258)': the extent, not a version of this unit, is what was chosen."""
    if not item.decision:
        return ""
    if item.boundary is None:
        return f" → {item.decision}"
    extent = f"{item.chosen[0]}–{item.chosen[1]}" if item.chosen else "nothing"
    return f" by boundary {item.boundary} → {item.decision} ({extent})"


def _print_queue(project: Project, items: list[Any]) -> None:
    for item in items:
        text = project.text_of(item.document_id)
        click.echo(
            f"{item.id}  {item.state}{_decided_words(item)}  {item.code_id}  "
            f"{item.document_id} {item.start}–{item.end}"
            + ("  (which cases)" if item.kind == "cases" else "")
        )
        click.echo(f'    unit: "{short(text[item.start : item.end], 70)}"')
        for letter, (coder, mark) in zip("abcdefgh", item.marks.items(), strict=False):
            if not mark:
                click.echo(f"    {letter} {coder}: absent")
                continue
            cases = ", ".join(sorted({p.case_id or "no case" for p in mark}))
            quotes = " … ".join(short(text[p.start : p.end], 50) for p in mark)
            click.echo(f'    {letter} {coder}: present [{cases}] "{quotes}"')
    open_items = sum(1 for i in items if i.open)
    click.echo(f"({plural(len(items), 'item')}, {open_items} to decide)")


@adjudicate.command("decide")
@click.argument("item", required=False)
@click.argument("choice", required=False)
@click.option("--reason", default="", help="Why (kept with the decision and in the log).")
@click.option(
    "--from-csv",
    "from_csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Decide a batch: a CSV with columns item, choice (and reason); all or nothing.",
)
@click.pass_context
@reports_errors
def adjudicate_decide(
    ctx: click.Context,
    item: str | None,
    choice: str | None,
    reason: str,
    from_csv: Path | None,
) -> None:
    """Decide ITEM: CHOICE is a|b|… (the coder's letter), a CODER, union, intersection, neither;
    for a boundary (adjudicate list --unitizing) a|b|…, a CODER, union, intersection or
    START-END."""
    from hrd_coder.problems import ProjectError

    project = open_project(ctx)
    adjudicator = _acting(project)
    if from_csv is not None:
        if item or choice:
            raise ProjectError("give either ITEM CHOICE or --from-csv FILE, not both")
        count = project.decide_from_file(from_csv, adjudicator=adjudicator)
        click.echo(f"{plural(count, 'decision')} recorded; the consensus layer is rebuilt")
        return
    if not (item and choice):
        raise ProjectError(
            "give the ITEM id and a CHOICE, e.g. 'hrd-coder adjudicate decide 3fa2c1d0 a "
            "--reason \"...\"' (ids from 'hrd-coder adjudicate list')"
        )
    boundary = project.find_boundary(item)
    if boundary is not None:
        decide_boundary(project, boundary, choice, reason, adjudicator)
        return
    found = project.find_disagreement(item)
    chosen = project.resolve_choice(found, choice)
    made = project.decide(found, chosen, reason=reason, adjudicator=adjudicator)
    click.echo(
        f"{found.id} {found.code_id} {found.document_id} {found.start}–{found.end}: "
        f"{chosen}; the consensus holds {plural(len(made), 'coding')} there"
    )


@main.group()
def consensus() -> None:
    """The consensus layer: how complete it is, and rebuilding it from the layers."""


@consensus.command("status")
@format_option(["table", "csv", "json"], default="table")
@click.pass_context
@reports_errors
def consensus_status(ctx: click.Context, fmt: str) -> None:
    """Per code: units agreed, single-coded, decided, reopened, undecided and stale."""
    status = open_project(ctx).consensus_status()
    _print_status(status, fmt)


@consensus.command("rebuild")
@click.option(
    "--unit",
    type=click.Choice(["sentence", "paragraph", "turn", "document"]),
    help="Build (and adjudicate) consensus on this unit from now on (default: as before).",
)
@format_option(["table", "csv", "json"], default="table")
@click.pass_context
@reports_errors
def consensus_rebuild(ctx: click.Context, unit: str | None, fmt: str) -> None:
    """Bring the consensus layer up to date with the coders' layers and the decisions."""
    project = open_project(ctx)
    status = project.rebuild_consensus(by=project.viewer, unit=unit)
    _print_status(status, fmt)


def _print_status(status: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(status.as_dict(), indent=2))
        return
    rows = [code.as_dict() for code in status.codes]
    if fmt == "csv":
        print_rows(rows, fmt, STATE_COLUMNS)
        return
    click.echo(
        f"consensus per {status.unit} from {', '.join(status.coders) or 'no coders yet'}; "
        f"{plural(status.stored_codings, 'consensus coding')} stored"
    )
    print_rows([r for r in rows if any(r[c] for c in STATE_COLUMNS[1:])], fmt, STATE_COLUMNS)
    if status.waiting_codings:
        waiting = status.waiting_codings
        click.echo(
            f"note: {plural(waiting, 'coding')} {agreeing(waiting, 'waits', 'wait')} in documents "
            "their coder has not "
            "marked done: they enter the consensus once the document is done ('hrd-coder done')"
        )
    if status.unmatched_decisions:
        unmatched = status.unmatched_decisions
        click.echo(
            f"note: {plural(unmatched, 'decision')} {agreeing(unmatched, 'was', 'were')} made on "
            "another unit kind or on text that has changed, and no longer "
            f"{agreeing(unmatched, 'applies', 'apply')}"
        )
    if status.reopened_boundaries:
        reopened = status.reopened_boundaries
        click.echo(
            f"note: {plural(reopened, 'boundary decision')} {agreeing(reopened, 'was', 'were')} "
            "reopened by a coder's change: those passages follow the rules again until decided "
            "anew (hrd-coder adjudicate list --unitizing --open)"
        )
    if status.complete:
        click.echo("complete: every disagreement is decided and the layer is up to date")
        return
    undecided = status.total("undecided") + status.total("reopened")
    if undecided:
        click.echo(f"{plural(undecided, 'unit')} to decide: hrd-coder adjudicate list --open")
    if status.total("stale"):
        click.echo(
            f"{plural(status.total('stale'), 'unit')} out of date: hrd-coder consensus rebuild"
        )


ALLOW_INCOMPLETE = click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Go on although the consensus layer has undecided, reopened or stale units (they "
    "count as not coded; a warning names them).",
)


def check_consensus(
    project: Project,
    layer: str | None,
    allow_incomplete: bool,
    design: str | None = None,
    inputs: AnalysisInputs | None = None,
) -> None:
    """Refuse an analysis of an incomplete consensus layer, or warn when it is allowed
    (`inputs`: the request's, from `Project.analysis_inputs()`)."""
    found = project.check_consensus(
        layer, allow_incomplete=allow_incomplete, design=design, inputs=inputs
    )
    for line in found:
        click.echo(line, err=True)
