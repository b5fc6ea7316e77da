"""Reading users' CSV tables: a stated bound on the size of one cell, and the csv module's
errors as located problems.

Python's csv module refuses a cell over 131,072 characters with an error that names no
line; the tables we read (codings with their quotes, media lists with whole articles) may
hold longer cells, so the bound is raised to MAX_CELL_CHARS while we read, and a longer
cell is a problem at the line where its row starts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from hrd_coder.problems import InvalidInput, Problem
from hrd_coder.safe_text import safe_text

# A whole book chapter is about 100,000 characters: ten times that leaves room for any
# article or quote while a runaway cell (a missing closing quote in a 200 MB file) stops.
MAX_CELL_CHARS = 1_000_000
# Ids, names and codes are short words; a longer one is a broken row, and PostgreSQL
# cannot index a key over 2,704 bytes.
MAX_NAME_CHARS = 200


@contextmanager
def cell_limit() -> Iterator[None]:
    """Read CSV with cells of up to MAX_CELL_CHARS characters (the setting is process-wide:
    it is put back afterwards)."""
    before = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def csv_problem(path: str, line: int | None, error: csv.Error) -> Problem:
    """A csv module error at the row starting on `line`, with advice."""
    if "field larger than field limit" in str(error):
        return Problem(
            path,
            line,
            None,
            f"a cell of this row is longer than {MAX_CELL_CHARS:,} characters",
            "check that every quoted cell ends with a quote; put very long texts in files",
        )
    return Problem(
        path,
        line,
        None,
        f"cannot read the table: {error}",
        "check the quoting on this line: a quoted cell must end with a quote",
    )


def bad_name(path: str, line: int | None, column: str, value: str) -> Problem | None:
    """A problem if an id or name cell is longer than MAX_NAME_CHARS or holds a control
    character (a line break, an ESC byte), else None."""
    if len(value) > MAX_NAME_CHARS:
        message = f"the {column} is {len(value):,} characters long (at most {MAX_NAME_CHARS})"
    elif safe_text(value) != value:
        message = f"the {column} '{safe_text(value)}' holds a control character"
    else:
        return None
    return Problem(
        path,
        line,
        None,
        message,
        f"check the '{column}' column of this row: ids and names are short, plain words",
    )


def read_csv_text(path: Path) -> str:
    """A decisions or review CSV's text (a BOM from a spreadsheet dropped), or InvalidInput
    naming the file when it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InvalidInput(
            [Problem(str(path), None, None, f"cannot read the file: {reason}", "give a UTF-8 CSV")]
        ) from None


def header_checked_reader(
    text: str, shown: str, required: Sequence[str], hint: str
) -> csv.DictReader:
    """A reader over the rows, once the header is known to hold every required column
    (InvalidInput at line 1 otherwise, with `hint` saying what writes such a file)."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        fields = reader.fieldnames or []
    except csv.Error as error:
        raise InvalidInput([csv_problem(shown, 1, error)]) from None
    missing = [c for c in required if c not in fields]
    if missing:
        raise InvalidInput(
            [Problem(shown, 1, None, f"missing {_columns(missing)} {', '.join(missing)}", hint)]
        )
    return reader


def _columns(names: Sequence[str]) -> str:
    return "column" if len(names) == 1 else "columns"
