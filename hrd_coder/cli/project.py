"""Commands on the project's files and codings: import, status, codebook, codings."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hrd_coder.cli.base import (
    format_option,
    main,
    open_project,
    print_table,
    raw_cells,
    reports_errors,
    short,
)
from hrd_coder.safe_text import safe_text
from hrd_coder.wording import agreeing, plural

if TYPE_CHECKING:
    from hrd_coder.services import Project


def _fuzzy_threshold() -> float:
    # Imported when the import runs: re-anchoring's module is not needed for --help.
    from hrd_coder.sources.anchoring import FUZZY_THRESHOLD

    return FUZZY_THRESHOLD


@main.command("import")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Report what the import (and re-anchoring of changed documents) would do; write nothing.",
)
@click.option(
    "--fuzzy-threshold",
    type=click.FloatRange(0.5, 1.0),
    default=_fuzzy_threshold,
    show_default="0.9",
    help="Least similarity for re-placing an edited quote; below it the coding is orphaned.",
)
@format_option(["text", "json"], default="text")
@click.pass_context
@reports_errors
def import_(ctx: click.Context, dry_run: bool, fuzzy_threshold: float, fmt: str) -> None:
    """Check and import codebook, cases and transcripts (running it twice changes nothing)."""
    report = open_project(ctx).import_files(dry_run=dry_run, fuzzy_threshold=fuzzy_threshold)
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        _print_import(report)


@main.command()
@format_option(["text", "json"], default="text")
@click.pass_context
@reports_errors
def status(ctx: click.Context, fmt: str) -> None:
    """Count documents (by kind), cases, codes, codings and coders; list files changed on disk."""
    project = open_project(ctx)
    result = project.status()
    agreed = _consensus(project, result)
    if fmt == "json":
        data = result.as_json()
        data["consensus"] = agreed.as_dict() if agreed else None
        coverage = project.coverage()
        data["coverage"] = {
            "rule": coverage.rule,
            "everyone_assigned": coverage.everyone_assigned,
            "coders": [coverage.summary(c) for c in _shown_coders(coverage.coders, result)],
        }
        click.echo(json.dumps(data, indent=2))
    else:
        _print_status(result)
        coverage = project.coverage()
        shown = _shown_coders(coverage.coders, result)
        if result.coders and shown:  # an empty list would print every coder
            from hrd_coder.cli.coverage import print_coverage

            print_coverage(coverage, shown)
        if agreed is not None:
            _print_consensus(agreed)
        orphans = project.orphaned_codings()
        if result.blind_layer is not None:
            orphans = [o for o in orphans if o.coder == result.blind_layer]
        for orphan in orphans:
            click.echo(
                f"  {orphan.document_id} [{orphan.old_start}, {orphan.old_end}) "
                f'{orphan.code_id} by {orphan.coder}: "{short(orphan.quote)}"'
            )


@main.group()
def codings() -> None:
    """List, load, add and remove codings."""


@codings.command("list")
@click.option("--document", help="Only this document id.")
@click.option("--code", help="Only this code id.")
@click.option("--coder", help="Only this coder.")
@click.option("--case", help="Only codings tied to this case id.")
@format_option(["table", "csv", "json"], default="table")
@click.option(
    "--with-quotes",
    is_flag=True,
    help="Include the coded text and its context (transcripts may be confidential).",
)
@click.pass_context
@reports_errors
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
    project = open_project(ctx)
    found = project.codings(document=document, code=code, coder=coder, case=case)
    rows = project.coding_rows(found, with_quotes=with_quotes)
    if fmt == "csv":
        project.write_codings_csv(rows, sys.stdout, with_quotes=with_quotes, raw_cells=raw_cells())
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
        print_table([{k: r[k] for k in columns} for r in rows], columns)


@codings.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mark-done",
    is_flag=True,
    help="Also mark each coder's documents in FILE done by them (their blank units there "
    "then count as absent; see 'hrd-coder done').",
)
@click.pass_context
@reports_errors
def codings_load(ctx: click.Context, file: Path, mark_done: bool) -> None:
    """Add codings from a CSV FILE (all rows checked first; loading twice adds nothing)."""
    report = open_project(ctx).load_codings(file, mark_done=mark_done)
    click.echo(f"{plural(report.added, 'coding')} added, {report.already_present} already present.")


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
@reports_errors
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
    coding = open_project(ctx).add_coding(
        document=document, code=code, start=start, end=end, coder=coder, case=case, memo=memo
    )
    click.echo(
        f'saved coding {coding.id}: {code} on {document} [{start}, {end}) "{short(coding.quote)}"'
    )


@codings.command("remove")
@click.argument("coding_id")
@CODER_OPTION
@click.option(
    "--as-lead",
    is_flag=True,
    help="Remove another coder's coding, as a lead or adjudicator (logged as such).",
)
@click.pass_context
@reports_errors
def codings_remove(ctx: click.Context, coding_id: str, coder: str, as_lead: bool) -> None:
    """Remove the coding CODING_ID of your layer (it stays in the event log)."""
    coding = open_project(ctx).remove_coding(coding_id, coder=coder, as_lead=as_lead)
    layer = f" from {coding.coder}'s layer" if coding.coder != coder else ""
    click.echo(
        f"removed coding {safe_text(coding.id)} ({coding.code_id} on {coding.document_id}){layer}"
    )


def _print_import(report: Any) -> None:
    if report.dry_run:
        click.echo("Dry run: nothing was written. An import would do this:")
    if not report.changed:
        click.echo("Nothing to import: the database already matches the files.")
        return
    for outcome in ("added", "updated", "removed"):
        counts = getattr(report, outcome)
        if counts:
            click.echo(f"{outcome}: " + ", ".join(plural(n, kind) for kind, n in counts.items()))
    for anchoring in report.anchoring:
        _print_anchoring(anchoring)


def _print_anchoring(anchoring: Any) -> None:
    click.echo(
        f"re-anchored {anchoring.document_id}: {anchoring.unchanged} unchanged, "
        f"{anchoring.moved} moved, {anchoring.fuzzy} moved fuzzy, {anchoring.orphaned} orphaned"
    )
    for coding_id, method, score in anchoring.moves:
        if method == "fuzzy":
            click.echo(f"  fuzzy    {safe_text(coding_id)} ({score:.0%} similar): check it")
    for orphan in anchoring.orphans:
        click.echo(
            f"  orphaned {orphan.coding_id} {orphan.code_id} by {orphan.coder} "
            f'at [{orphan.old_start}, {orphan.old_end}) "{short(orphan.quote)}": {orphan.reason}'
        )
    if anchoring.decisions_moved or anchoring.decisions_dropped:
        click.echo(
            f"  decisions: {anchoring.decisions_moved} moved, "
            f"{anchoring.decisions_dropped} dropped (their text is gone)"
        )
    if anchoring.orphans:
        click.echo(
            "  orphaned codings wait in the review list: open it in the workbench (F8) "
            "to re-place or discard them"
        )


def _shown_coders(coders: Any, result: Any) -> list[str]:
    """Every coder, or while blind only the viewer (others' progress is not theirs to see)."""
    if result.blind_layer is None:
        return list(coders)
    return [c for c in coders if c == result.blind_layer]


def _consensus(project: Project, result: Any) -> Any:
    """The consensus layer's progress, once there is something to agree on (a blind coder
    may not see it: then none)."""
    from hrd_coder.problems import ProjectError

    if result.coders < 2:
        return None
    try:
        return project.consensus_status()
    except ProjectError:
        return None


def _print_consensus(agreed: Any) -> None:
    counts = ", ".join(
        f"{agreed.total(what)} {what}"
        for what in ("agreed", "single", "decided", "reopened", "undecided", "stale")
    )
    click.echo(f"consensus {agreed.stored_codings} codings (in the count above)")
    click.echo(f"  units per {agreed.unit}: {counts} (per code: hrd-coder consensus status)")
    if not agreed.complete:
        click.echo(
            "note: the consensus layer is incomplete: decide with 'hrd-coder adjudicate list "
            "--open' (or F6), then 'hrd-coder consensus rebuild'"
        )


def _print_status(result: Any) -> None:
    click.echo(f"project   {result.root}")
    click.echo(f"database  {result.database}")
    click.echo(f"codebook  {safe_text(result.codebook_name)} ({result.codebook_hash[:12]})")
    click.echo(
        f"documents {result.documents} ({result.transcripts} transcripts, "
        f"{result.case_histories} case histories, {result.media} media items)"
    )
    click.echo(f"cases     {result.cases}")
    click.echo(f"codes     {result.codes}")
    if result.blind_layer == "":
        click.echo(
            "codings   hidden: blind coding is on; say who you are with --coder NAME "
            "to count your own"
        )
    elif result.blind_layer is not None:
        click.echo(
            f"codings   {result.codings} in your layer ({result.blind_layer}); blind "
            "coding is on, so other layers are not counted"
        )
    else:
        click.echo(f"codings   {result.codings} by {plural(result.coders, 'coder')}")
    if result.codebook_changed:
        click.echo("warning: codebook.yaml changed since the last import; run 'hrd-coder import'")
    for path in result.changed_on_disk:
        click.echo(f"warning: {safe_text(path)} changed on disk since it was imported")
    for path in result.not_imported:
        click.echo(f"note: {safe_text(path)} is not imported yet; run 'hrd-coder import'")
    if result.orphaned_codings:
        orphans = result.orphaned_codings
        click.echo(
            f"review: {plural(orphans, 'orphaned coding')} {agreeing(orphans, 'waits', 'wait')} "
            "to be re-placed or "
            "discarded (F8 in the workbench opens the list)"
        )
