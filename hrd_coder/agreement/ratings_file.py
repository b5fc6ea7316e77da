"""Reliability data from a table file, as ReCal and the KALPHA macro take it.

Each row is a unit, each column a coder; the first row names the coders; an empty cell is a
rating the coder did not make. Values are numbers ("1", "2.5", " 3 ") or labels ("yes",
"reputational"); labels become codes 0..k-1 in sorted order. Comma-separated, or
tab-separated when the file name ends in .tsv or .tab; quoting follows Python's csv module.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from hrd_coder.agreement.statistics import TWO_CODER_STATISTICS, check_level, compute
from hrd_coder.agreement.table_file import read_records
from hrd_coder.problems import Problem, raise_if_any
from hrd_coder.wording import plural

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Non-numeric cells listed one by one for interval/ratio data; the rest are summed up.
_SHOWN_CELLS = 10
# The statistics count ratings in a (units x different values) table of 8-byte integers,
# copied a few times; the krippendorff package counts alpha's pairs of values in a (units x
# values x values) one. Bounding either table by MAX_COUNTS keeps memory to a gigabyte or
# two (a million units of up to 50 categories, or 7 for alpha); MAX_VALUES bounds the
# (values x values) tables.
MAX_VALUES = 2_000
MAX_COUNTS = 50_000_000


@dataclass(frozen=True)
class RatingsTable:
    """Ratings read from a file: coder names, (coders, units) values, and labels if any."""

    coders: tuple[str, ...]
    ratings: np.ndarray
    labels: tuple[str, ...] | None


def read_ratings(path) -> RatingsTable:
    """Read a ratings table, or raise InvalidInput listing every problem found in it."""
    parsed = _parse(path, pairs_of_values=False)
    raise_if_any(parsed.problems)
    return parsed.table()


def agreement_for_file(
    path, metric: str, level: str = "nominal", bootstrap: int = 1000, seed: int = 0
) -> dict:
    """One statistic for a ratings file, as a JSON-ready dict (nan becomes None).

    `metric` and `level` are those of `compute`; a wrong name or a level the statistic
    cannot use is a ValueError, raised before the file is read. Anything
    wrong in the file, including values that the statistic or level cannot use, is reported
    in one InvalidInput. With labels, "ordinal" and weighted Cohen's kappa order the labels
    alphabetically, so give numbers when the order matters.
    """
    check_level(metric, level)  # a wrong name is the caller's error, found before reading
    parsed = _parse(path, pairs_of_values=metric == "alpha")
    problems = list(parsed.problems)
    if parsed.coders:
        problems += _unusable_for(parsed, metric, level)
    raise_if_any(problems)
    table = parsed.table()
    estimate = compute(table.ratings, metric, level, bootstrap=bootstrap, seed=seed)
    return {
        **estimate.as_dict(),
        "file": str(path),
        "coder_names": list(table.coders),
        "labels": None if table.labels is None else list(table.labels),
    }


@dataclass
class _Parsed:
    path: str
    pairs_of_values: bool  # alpha counts each unit's pairs of values (see MAX_COUNTS)
    problems: list[Problem] = field(default_factory=list)
    coders: tuple[str, ...] = ()
    header_line: int = 1
    rows: list[list[str]] = field(default_factory=list)
    labelled: list[tuple[int, int, str]] = field(default_factory=list)  # line, column, text

    def report(self, line: int | None, column: int | None, message: str, hint: str) -> None:
        self.problems.append(Problem(self.path, line, column, message, hint))

    def table(self) -> RatingsTable:
        if self.labelled:
            labels = tuple(sorted({cell for row in self.rows for cell in row if cell}))
            code = {label: float(i) for i, label in enumerate(labels)}
            values = [[code[cell] if cell else np.nan for cell in row] for row in self.rows]
        else:
            labels = None
            values = [[float(cell) if cell else np.nan for cell in row] for row in self.rows]
        ratings = np.array(values, dtype=float).reshape(len(self.rows), len(self.coders))
        return RatingsTable(self.coders, ratings.T.copy(), labels)


def _parse(path, pairs_of_values: bool) -> _Parsed:
    parsed = _Parsed(str(path), pairs_of_values=pairs_of_values)
    records, problems = read_records(path, "the ratings table to this file")
    parsed.problems += problems
    if problems:
        return parsed
    if not records:
        parsed.report(
            None,
            None,
            "the file is empty",
            "put the coders' names on the first row and one row per unit below",
        )
        return parsed
    (parsed.header_line, header), *body = records
    _read_header(parsed, [name.strip() for name in header])
    _read_rows(parsed, body)
    return parsed


def _read_header(parsed: _Parsed, names: list[str]) -> None:
    line = parsed.header_line
    if names and all(_NUMBER.fullmatch(name) for name in names if name):
        parsed.report(
            line,
            None,
            "the first row holds ratings, not coder names",
            "add a header row naming each coder, e.g. coder_a,coder_b",
        )
    seen: dict[str, int] = {}
    for column, name in enumerate(names, start=1):
        if not name:
            parsed.report(
                line,
                column,
                f"column {column} has no coder name",
                "name every coder in the header row",
            )
        elif name in seen:
            parsed.report(
                line,
                column,
                f"coder name {name!r} is used twice (columns {seen[name]} and {column})",
                "give each coder's column a different name",
            )
        else:
            seen[name] = column
    if len(names) < 2:
        parsed.report(
            line,
            None,
            f"the header names {plural(len(names), 'coder')}",
            "agreement needs at least 2 coders: one column per coder",
        )
    parsed.coders = tuple(names)


def _read_rows(parsed: _Parsed, body: list[tuple[int, list[str]]]) -> None:
    width = len(parsed.coders)
    if not body:
        parsed.report(
            None,
            None,
            "the file names the coders but holds no ratings",
            "add one row per unit below the header",
        )
    values: set[str] = set()
    for line, record in body:
        cells = [cell.strip() for cell in record]
        values.update(cell for cell in cells if cell)
        if _too_large(parsed, line, len(parsed.rows) + 1, values):
            return
        if len(cells) != width:
            parsed.report(
                line,
                None,
                f"this row has {len(cells)} cells but the header names {width} coders",
                "give every unit one cell per coder; leave a cell empty when that "
                "coder did not rate the unit",
            )
            continue
        parsed.rows.append(cells)
        for column, cell in enumerate(cells, start=1):
            if cell and not _NUMBER.fullmatch(cell):
                parsed.labelled.append((line, column, cell))
            elif cell and not math.isfinite(float(cell)):
                parsed.report(
                    line,
                    column,
                    f"{cell[:30]} is too large a number",
                    "write the rating as a category code or a score of ordinary size",
                )


def _too_large(parsed: _Parsed, line: int, units: int, values: set[str]) -> bool:
    """Report (once, at the line where it happens) a table too large to count in memory:
    every statistic counts ratings in a units x values table, and alpha also builds a
    values x values one."""
    if len(values) > MAX_VALUES:
        parsed.report(
            line,
            None,
            f"more than {MAX_VALUES:,} different values from here on",
            "agreement compares categories or scores: round the scores (e.g. to whole "
            "numbers) so that fewer values differ",
        )
        return True
    counts = units * len(values) ** (2 if parsed.pairs_of_values else 1)
    if counts > MAX_COUNTS:
        what = "values x values" if parsed.pairs_of_values else "values"
        parsed.report(
            line,
            None,
            f"from here on the table has more than {MAX_COUNTS:,} units x different {what} "
            f"({units:,} units, {len(values):,} values), too many to count in memory",
            "split the units into several files, or round the scores so that fewer values differ",
        )
        return True
    return False


def _unusable_for(parsed: _Parsed, metric: str, level: str) -> list[Problem]:
    """Problems that only this statistic or level has with an otherwise readable file."""
    problems = []
    if metric in TWO_CODER_STATISTICS and len(parsed.coders) > 2:
        problems.append(
            Problem(
                parsed.path,
                parsed.header_line,
                None,
                f"{TWO_CODER_STATISTICS[metric]} compares exactly 2 coders; the header "
                f"names {len(parsed.coders)}: {', '.join(parsed.coders)}",
                "use fleiss, ac1 or alpha for more coders, or keep only two columns",
            )
        )
    if level in ("interval", "ratio"):
        for line, column, text in parsed.labelled[:_SHOWN_CELLS]:
            coder = parsed.coders[column - 1]
            problems.append(
                Problem(
                    parsed.path,
                    line,
                    column,
                    f"{text!r} (coder {coder!r}) is not a number, but {level} data must be",
                    "write the value as a number, or use level nominal or ordinal",
                )
            )
        hidden = len(parsed.labelled) - _SHOWN_CELLS
        if hidden > 0:
            problems.append(
                Problem(
                    parsed.path,
                    None,
                    None,
                    f"{hidden} more cells are not numbers",
                    "fix the cells above and check the rest of the file the same way",
                )
            )
    return problems
