"""The `--file` of `codebook split`: which new code each coding of the split code takes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hrd_coder.problems import InvalidInput, Problem, raise_if_any
from hrd_coder.sources.csv_cells import bad_name, cell_limit, csv_problem
from hrd_coder.text_file import read_text_file


def read_split_choices(path: Path) -> dict[str, str]:
    """coding id -> new code from a CSV with columns coding_id (or id) and new_code; other
    columns (the quote, say) are ignored. Every problem is reported with its line."""
    shown = str(path)
    text = read_text_file(path)  # UTF-8 text, or a located problem (binary, wrong encoding)
    reader = csv.DictReader(io.StringIO(text))
    choices: dict[str, str] = {}
    problems: list[Problem] = []
    line = 1
    try:
        with cell_limit():
            columns = set(reader.fieldnames or ())
            if "new_code" not in columns or not columns & {"coding_id", "id"}:
                raise InvalidInput(
                    [
                        Problem(
                            shown,
                            1,
                            None,
                            "the CSV needs the columns coding_id (or id) and new_code",
                            "make it with 'hrd-coder codings list --code CODE --format csv' "
                            "and add a new_code column",
                        )
                    ]
                )
            for row in reader:
                coding = (row.get("coding_id") or row.get("id") or "").strip()
                new_code = (row.get("new_code") or "").strip()
                found = [
                    problem
                    for column, value in (("coding_id", coding), ("new_code", new_code))
                    if (problem := bad_name(shown, reader.line_num, column, value))
                ]
                problems.extend(found)
                if new_code and not found:
                    choices[coding] = new_code
                line = reader.line_num + 1
    except csv.Error as error:
        raise InvalidInput([csv_problem(shown, line, error)]) from None
    raise_if_any(problems)
    return choices
