"""A batch of review decisions from a CSV table (`hrd-coder suggest review RUN --from-csv`):
columns `suggestion`, `decision` (accept or reject) and optionally `reason`, as `suggest
review RUN --format csv` writes them (rows with an empty decision are skipped). Every row is
checked before anything is written; one bad row and nothing is."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hrd_coder.problems import InvalidInput, Problem, ProjectError, raise_if_any
from hrd_coder.services.records import CodingRecord, Suggestion
from hrd_coder.services.suggestion_review import (
    Decision,
    decide,
    decisions,
    review_run,
    suggestions_of,
)
from hrd_coder.sources.csv_cells import (
    bad_name,
    cell_limit,
    csv_problem,
    header_checked_reader,
    read_csv_text,
)

if TYPE_CHECKING:
    from hrd_coder.services.project import Project

REQUIRED = ("suggestion", "decision")
DECISIONS = {"accept": True, "reject": False}


@dataclass(frozen=True)
class ReviewRow:
    """One line of the table: which suggestion, accept or reject, why."""

    line: int
    suggestion: str
    decision: str
    reason: str


@dataclass(frozen=True)
class ReviewOutcome:
    """What a review file did: the codings accepted suggestions became, and the rejections."""

    run: str
    accepted: tuple[CodingRecord, ...]
    rejected: int


def read_rows(path: Path) -> list[ReviewRow]:
    """The rows that carry a decision (raises InvalidInput for an unreadable table)."""
    shown, text = str(path), read_csv_text(path)
    with cell_limit():
        return _rows(text, shown)


def _rows(text: str, shown: str) -> list[ReviewRow]:
    reader = header_checked_reader(
        text,
        shown,
        REQUIRED,
        "the header needs suggestion and decision (and may have reason), as "
        "'hrd-coder suggest review RUN --format csv' writes it",
    )
    rows, problems, line = [], [], 2
    try:
        for row in reader:
            decision = (row.get("decision") or "").strip().lower()
            suggestion = (row.get("suggestion") or "").strip()
            start, line = line, reader.line_num + 1  # a quoted cell may span several lines
            if not decision:
                continue
            if problem := bad_name(shown, start, "suggestion", suggestion):
                problems.append(problem)
            rows.append(ReviewRow(start, suggestion, decision, (row.get("reason") or "").strip()))
    except csv.Error as error:
        raise InvalidInput([csv_problem(shown, line, error)]) from None
    raise_if_any(problems)
    return rows


def check_rows(
    path: Path, rows: Sequence[ReviewRow], known: dict[str, Suggestion], decided: dict[str, str]
) -> list[Decision]:
    """Each row as a decision, or every problem at once: an unknown suggestion, a decision
    other than accept or reject, a suggestion twice, or one the coder already decided."""
    shown, problems, found, seen = str(path), [], [], {}
    for row in rows:
        where = (shown, row.line, None)
        if row.decision not in DECISIONS:
            problems.append(
                Problem(
                    *where,
                    f"decision '{row.decision}' is not accept or reject",
                    "write accept or reject (or leave the cell empty to skip the row)",
                )
            )
        if row.suggestion not in known:
            problems.append(
                Problem(
                    *where,
                    f"there is no suggestion '{row.suggestion}' in this run",
                    "copy the ids from 'hrd-coder suggest review RUN --format csv'",
                )
            )
        elif row.suggestion in seen:
            problems.append(
                Problem(
                    *where,
                    f"suggestion {row.suggestion} is decided twice (also on line "
                    f"{seen[row.suggestion]})",
                    "keep one row per suggestion",
                )
            )
        elif row.suggestion in decided:
            problems.append(
                Problem(
                    *where,
                    f"suggestion {row.suggestion} was already {decided[row.suggestion]}"
                    " by this coder",
                    "remove the row: a suggestion is decided once",
                )
            )
        seen.setdefault(row.suggestion, row.line)
        if row.decision in DECISIONS:
            found.append(Decision(row.suggestion, DECISIONS[row.decision], reason=row.reason))
    raise_if_any(problems)
    return found


def review_from_file(project: Project, run: str, path: Path, reviewer: str) -> ReviewOutcome:
    """Check every row against the run, then record them all in one transaction."""
    chosen = review_run(project, run)
    rows = read_rows(path)
    if not rows:
        raise ProjectError(f"{path}: no row has a decision: write accept or reject first")
    with project.database.reading() as conn:
        known = {s.id: s for s in suggestions_of(conn, chosen)}
        decided = {
            d["suggestion"]: "accepted" if d["action"].endswith("accept") else "rejected"
            for d in decisions(conn, chosen.run, reviewer)
        }
    wanted = check_rows(path, rows, known, decided)
    made = decide(project, reviewer, wanted)
    return ReviewOutcome(chosen.run, tuple(made), sum(not d.accept for d in wanted))
