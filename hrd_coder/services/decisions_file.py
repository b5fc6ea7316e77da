"""A batch of adjudication decisions from a CSV table (`hrd-coder adjudicate decide
--from-csv`): columns `item`, `choice` and optionally `reason`, as `adjudicate list
--format csv` writes them (rows with an empty choice are skipped). Every row is checked
before anything is written; one bad row and nothing is."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hrd_coder.problems import InvalidInput, Problem, ProjectError, raise_if_any
from hrd_coder.services import adjudication
from hrd_coder.services.adjudication import Disagreement
from hrd_coder.services.boundaries import Boundary, find_boundary
from hrd_coder.services.boundaries import resolve_choice as resolve_boundary
from hrd_coder.services.boundary_rules import BOUNDARY
from hrd_coder.sources.csv_cells import (
    bad_name,
    cell_limit,
    csv_problem,
    header_checked_reader,
    read_csv_text,
)

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

REQUIRED = ("item", "choice")


@dataclass(frozen=True)
class DecisionRow:
    """One line of the table: which item, which choice, why."""

    line: int
    item: str
    choice: str
    reason: str


def read_decisions(path: Path) -> list[DecisionRow]:
    """The rows that carry a choice (raises InvalidInput for an unreadable table)."""
    shown, text = str(path), read_csv_text(path)
    with cell_limit():
        return _read_rows(text, shown)


def _read_rows(text: str, shown: str) -> list[DecisionRow]:
    reader = header_checked_reader(
        text,
        shown,
        REQUIRED,
        "the header needs item and choice (and may have reason), as "
        "'hrd-coder adjudicate list --format csv' writes it",
    )
    rows, problems, line = [], [], 2
    try:
        for row in reader:
            choice, item = (row.get("choice") or "").strip(), (row.get("item") or "").strip()
            start, line = line, reader.line_num + 1  # a quoted cell may span several lines
            if not choice:
                continue
            problems += [
                p
                for p in (
                    bad_name(shown, line, "item", item),
                    bad_name(shown, line, "choice", choice),
                )
                if p
            ]
            rows.append(DecisionRow(start, item, choice, (row.get("reason") or "").strip()))
    except csv.Error as error:
        raise InvalidInput([csv_problem(shown, line, error)]) from None
    raise_if_any(problems)
    return rows


def resolve_choice(item: Disagreement, choice: str) -> str:
    """A coder's name, `a`/`b`/… for the first/second/… coder, union, intersection or
    neither."""
    coders = list(item.marks)
    if choice not in coders and len(choice) == 1 and choice.isalpha():
        number = ord(choice.lower()) - ord("a")
        if 0 <= number < len(coders):
            return coders[number]
    return adjudication.check_choice(item, choice)


def check_rows(
    path: Path,
    rows: Sequence[DecisionRow],
    queue: Sequence[Disagreement],
    on_boundaries: Sequence[Boundary] = (),
) -> tuple[list[tuple[Disagreement, str, str]], list[tuple[Boundary, str, str]]]:
    """Each row's item (in the unit queue or the boundary queue) and choice, or every
    problem at once."""
    problems, found, boundaries, seen = [], [], [], {}
    for row in rows:
        try:
            boundary = find_boundary(on_boundaries, row.item)
            if boundary is not None:
                boundaries.append((boundary, resolve_boundary(boundary, row.choice), row.reason))
                item_key: tuple = (BOUNDARY, boundary.id)
            else:
                item = adjudication.find(queue, row.item)
                found.append((item, resolve_choice(item, row.choice), row.reason))
                item_key = item.key
        except ProjectError as error:
            problems.append(Problem(str(path), row.line, None, str(error)))
            continue
        if item_key in seen:
            problems.append(
                Problem(
                    str(path),
                    row.line,
                    None,
                    f"item {row.item} is decided twice (also on line {seen[item_key]})",
                    "keep one row per item",
                )
            )
        seen[item_key] = row.line
    if problems:
        raise InvalidInput(problems)
    return found, boundaries


def decide_from_file(project: Project, path: Path, adjudicator: str) -> int:
    """Check every row, then record them all in one transaction; return how many."""
    rows = read_decisions(path)
    if not rows:
        raise ProjectError(f"{path}: no row has a choice: fill the choice column first")
    checked, on_boundaries = check_rows(
        path, rows, project.disagreements(), project.boundary_disagreements()
    )
    project.decide_many(checked, adjudicator=adjudicator, boundaries=on_boundaries)
    return len(checked) + len(on_boundaries)
