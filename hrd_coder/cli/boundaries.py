"""`hrd-coder adjudicate list --unitizing` and deciding a boundary: where a code's passage
starts and ends, when every coder applied it but each to another stretch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from hrd_coder.cli.base import print_rows, short
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.services import Project

LETTERS = "abcdefgh"


def print_boundaries(project: Project, items: list[Any], fmt: str) -> None:
    """The boundary queue as a readable list, or a row per boundary (CSV, JSON) with a
    choice column to fill for `adjudicate decide --from-csv`."""
    if fmt == "table":
        _print_list(project, items)
        return
    coders = sorted({coder for item in items for coder in item.extents})
    rows = [_row(project, item, coders) for item in items]
    print_rows(rows, fmt, list(rows[0]) if rows else ["item"])


def _row(project: Project, item: Any, coders: list[str]) -> dict[str, Any]:
    text = project.text_of(item.document_id)
    row: dict[str, Any] = {
        "item": item.id,
        "state": item.state,
        "about": item.kind,
        "code": item.code_id,
        "document": item.document_id,
        "case": item.case_id or "",
        "start": item.start,
        "end": item.end,
    }
    for coder in coders:
        start, end = item.extents.get(coder, (None, None))
        row[f"{coder}_start"], row[f"{coder}_end"] = start, end
        row[f"{coder}_text"] = "" if start is None else " ".join(text[start:end].split())
    chosen = item.chosen or (None, None)
    row.update(
        decision=item.decision or "",
        decided_start=chosen[0],
        decided_end=chosen[1],
        decision_reason=item.reason,
        choice="",
        reason="",
    )
    return row


def _print_list(project: Project, items: list[Any]) -> None:
    for item in items:
        text = project.text_of(item.document_id)
        decided = ""
        if item.decision:
            decided = f" → {item.decision} ({item.chosen[0]}–{item.chosen[1]})"
        case = f" [{item.case_id}]" if item.case_id else ""
        click.echo(
            f"{item.id}  {item.state}{decided}  {item.code_id}{case}  "
            f"{item.document_id} {item.start}–{item.end}"
        )
        for letter, (coder, (start, end)) in zip(LETTERS, item.extents.items(), strict=False):
            click.echo(f'    {letter} {coder}: {start}–{end} "{short(text[start:end], 60)}"')
    open_items = sum(1 for i in items if i.open)
    click.echo(
        f"({plural(len(items), 'boundary', 'boundaries')}, {open_items} to decide; choose "
        "a coder's letter, union, intersection or START-END)"
    )


def decide_boundary(
    project: Project, item: Any, choice: str, reason: str, adjudicator: str
) -> None:
    """Decide one boundary and say which extent the consensus now holds."""
    chosen = project.resolve_boundary_choice(item, choice)
    start, end = project.decide_boundary(item, chosen, reason=reason, adjudicator=adjudicator)
    click.echo(
        f"{item.id} {item.code_id} {item.document_id}: {chosen}; the consensus holds "
        f"{start}–{end} there"
    )
