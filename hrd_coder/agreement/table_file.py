"""Reading a table file the user gives the agreement command (ratings, spans, lengths): its
non-blank records with the line each starts on, or located problems.

Comma-separated, or tab-separated when the name ends in .tsv or .tab; UTF-8 with or without
a byte-order mark; quoting follows Python's csv module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hrd_coder.problems import Problem
from hrd_coder.sources.csv_cells import cell_limit, csv_problem


def read_records(path, what: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The file's non-blank records as (line, cells), or the problems that stop reading it.
    `what` names the table in the advice for a missing file ("the ratings table")."""
    where = str(path)
    path = Path(path)
    if not path.is_file():
        return [], [
            Problem(where, None, None, "file not found", f"check the path, or export {what} first")
        ]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [], [
            Problem(
                where,
                line,
                None,
                "the file is not UTF-8 text",
                "save it as CSV UTF-8 (in Excel: Save As > CSV UTF-8)",
            )
        ]
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        with cell_limit():
            return list(_records(reader)), []
    except csv.Error as error:
        return [], [csv_problem(where, reader.line_num, error)]


def _records(reader):
    """Non-blank records with the line each starts on."""
    last_line = 0
    for record in reader:
        start, last_line = last_line + 1, reader.line_num
        if any(cell.strip() for cell in record):
            yield start, record
