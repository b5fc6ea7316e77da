"""A case table read from CSV: the columns a survival model needs, checked cell by cell.

Every problem is collected (file, line, column, what is wrong, how to fix it) so the user
can fix them all at once. Lines count from the header: data row i is file line i + 2, and
blank lines are skipped but still counted.
"""

from __future__ import annotations

import difflib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hrd_coder.problems import Problem
from hrd_coder.wording import plural

if TYPE_CHECKING:
    import pandas as pd

# Bad cells listed one by one per column and kind of problem; the rest are counted.
SHOWN_CELLS = 10
# Above 10^15 a floating-point number no longer holds every whole number (2^53 ~ 9e15), and
# near 10^154 its square overflows inside the fits: durations and covariates stay below.
MAX_MAGNITUDE = 1e15
_TRUE, _FALSE = ("1", "1.0", "true"), ("0", "0.0", "false")
_EVENT_HINT = "write 1 (or true) if released, 0 (or false) if not released by the end of follow-up"


@dataclass
class CaseTable:
    """The raw text cells of a case file, the columns parsed so far, and the problems found."""

    path: str
    raw: pd.DataFrame | None = None
    lines: list[int] = field(default_factory=list)
    parsed: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def read(cls, path) -> CaseTable:
        """Read a file, or return an empty table whose problems say why it cannot be read."""
        import pandas as pd

        table = cls(str(path))
        source = Path(path)
        if not source.is_file():
            what = "is a folder, not a CSV file" if source.is_dir() else "file not found"
            table.report(None, None, what, "check the path, or export the case table to it")
            return table
        data = source.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            table.report(
                line,
                None,
                "the file is not a CSV text file (it is not UTF-8 text)",
                "save the case table as CSV UTF-8 (in Excel: Save As > CSV UTF-8)",
            )
            return table
        if "\x00" in text:
            table.report(None, None, "the file is not a CSV text file", _SAVE_AS_CSV)
            return table
        if not text.strip():
            table.report(None, None, "the file is empty", _HEADER_HINT)
            return table
        header = text.splitlines()[0]
        if not header.strip():
            table.report(1, None, "the first line is empty", _HEADER_HINT)
            return table
        if "," not in header and any(mark in header for mark in ";\t|"):
            table.report(1, None, "the columns are not separated by commas", _SAVE_AS_CSV)
            return table
        try:
            raw = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False
            )
        except pd.errors.ParserError as error:
            # pandas names the line in its message ("Expected 4 fields in line 7, saw 5").
            where = re.search(r"line (\d+)", str(error))
            table.report(
                int(where.group(1)) if where else None,
                None,
                f"cannot read the file as CSV: {str(error).strip()}",
                "give every line as many cells as the header has columns (quote cells that "
                "contain commas)",
            )
            return table
        raw.columns = [str(name).strip() for name in raw.columns]
        raw = raw.fillna("")  # cells missing from short rows
        blank = (raw.apply(lambda column: column.str.strip()) == "").all(axis=1).to_numpy()
        table.lines = [position + 2 for position in range(len(raw)) if not blank[position]]
        table.raw = raw[~blank].reset_index(drop=True)
        if table.raw.empty:
            table.report(None, None, "the file has a header but no cases", _HEADER_HINT)
            table.raw = None
        return table

    def report(self, line, column, message: str, hint: str) -> None:
        """Record one problem at a line and column (either may be None)."""
        self.problems.append(Problem(self.path, line, column, message, hint))

    def column_number(self, name: str) -> int:
        """The 1-based position of a column, as a spreadsheet user counts it."""
        return list(self.raw.columns).index(name) + 1

    def cells(self, name: str, role: str) -> pd.Series | None:
        """The stripped text of a column, or None (and a problem) when there is no such column."""
        columns = list(self.raw.columns)
        if name in columns:
            return self.raw[name].str.strip()
        self.report(1, None, f"no column named {name!r} (the {role})", _did_you_mean(name, columns))
        return None

    def take_duration(self, name: str) -> None:
        """Parse durations: numbers, zero or more."""
        cells = self.cells(name, "duration")
        if cells is None:
            return
        values = cells.map(_number)
        self._each_bad(
            name,
            cells,
            values.isna(),
            lambda cell: f"duration {cell!r} is not a number" if cell else "empty duration",
            "give the time to release, or to the end of follow-up, as a number (e.g. 245 days)",
        )
        self._each_bad(
            name,
            cells,
            values < 0,
            lambda cell: f"duration {cell} is negative",
            "a duration runs from the time origin (e.g. campaign launch) to release or the end "
            "of follow-up: check that the dates are in the right order",
        )
        self._each_bad(
            name,
            cells,
            values > MAX_MAGNITUDE,
            lambda cell: f"duration {cell} is too large (at most {MAX_MAGNITUDE:,.0f})",
            "give the time in days; a larger number is a mistake in the file",
        )
        self.parsed[name] = values

    def require_varying_durations(self, name: str) -> None:
        """Report durations that are all the same: there is no order of release to model."""
        values = self.parsed.get(name)
        if values is not None and len(values) > 1 and values.nunique() == 1:
            self.report(
                None,
                self.column_number(name),
                f"every duration in {name!r} is {values.iloc[0]:g}: a Cox model compares who "
                "was released sooner, and here no case was released sooner than another",
                "check the duration column (is it the right one?), or compare the groups' "
                "releases with a table instead",
            )

    def take_entry(self, name: str, duration: str) -> None:
        """Parse delayed-entry times: numbers, zero or more, each before its row's duration."""
        cells = self.cells(name, "entry")
        if cells is None:
            return
        values = cells.map(_number)
        self._each_bad(
            name,
            cells,
            values.isna() | (values < 0),
            lambda cell: f"entry {cell!r} is not a number of days, zero or more",
            "give the time from the origin to the start of observation, e.g. 0",
        )
        durations = self.parsed.get(duration)
        if durations is not None:
            self._each_bad(
                name,
                cells,
                values >= durations,
                lambda cell: f"entry {cell} is not before the duration",
                "a case enters observation before she can be released or censored: check her dates",
            )
        self.parsed[name] = values

    def keep(self, rows) -> None:
        """Keep only the rows where the boolean array `rows` is true (their lines too)."""
        self.raw = self.raw[rows].reset_index(drop=True)
        self.lines = [line for line, kept in zip(self.lines, rows, strict=True) if kept]

    def take_event(self, name: str) -> pd.Series | None:
        """Parse events as 0/1 (from 0/1/true/false); None when any cell is unusable."""
        cells = self.cells(name, "event")
        if cells is None:
            return None
        lowered = cells.str.lower()
        values = lowered.map(lambda cell: 1 if cell in _TRUE else 0 if cell in _FALSE else None)
        bad = values.isna()
        self._each_bad(
            name,
            cells,
            bad,
            lambda cell: f"event {cell!r} is not 0/1/true/false" if cell else "empty event",
            _EVENT_HINT,
        )
        if bad.any():
            return None
        self.parsed[name] = values.astype(int)
        return self.parsed[name]

    def take_covariate(self, name: str) -> None:
        """Parse a covariate: numbers or true/false, not all the same."""
        cells = self.cells(name, "covariate")
        if cells is None:
            return
        if (cells == "").all():
            self.report(
                None,
                self.column_number(name),
                f"covariate {name!r} is empty in every row",
                "fill it in, or leave it out of the covariates",
            )
            return
        lowered = cells.str.lower()
        values = lowered.map(
            lambda cell: 1.0 if cell == "true" else 0.0 if cell == "false" else _number(cell)
        )
        if self._refuse_categories(name, cells, values):
            return
        self._refuse_bad_numbers(name, cells, values)
        present = values.dropna()
        if not values.isna().any() and present.nunique() == 1:
            self.report(
                None,
                self.column_number(name),
                f"covariate {name!r} is {present.iloc[0]:g} in every row",
                "a covariate that never varies has no effect to estimate: leave it out",
            )
        self.parsed[name] = values

    def _refuse_categories(self, name: str, cells: pd.Series, values: pd.Series) -> bool:
        """Report a covariate holding only text (categories), with how to dummy-code it;
        True when it does."""
        text = values.isna() & (cells != "")
        if not text.any() or values.notna().sum() != 0:
            return False
        categories = sorted(cells[text].unique())
        example = categories[1] if len(categories) > 1 else categories[0]
        self.report(
            self.lines[int(text.to_numpy().argmax())],
            self.column_number(name),
            f"covariate {name!r} is not numeric: it holds categories such as "
            + ", ".join(repr(category) for category in categories[:3]),
            f"dummy-code it: one 0/1 column per category except a reference one, e.g. "
            f"{name}_{example} = 1 when {name} is {example!r}, else 0 (in pandas: "
            f"get_dummies(df, columns=[{name!r}], drop_first=True)); or use it as strata",
        )
        return True

    def _refuse_bad_numbers(self, name: str, cells: pd.Series, values: pd.Series) -> None:
        """Report each cell that is no number, and each number too large to fit."""
        self._each_bad(
            name,
            cells,
            values.isna(),
            lambda cell: (
                f"covariate {name!r} value {cell!r} is not a number"
                if cell
                else f"empty {name!r} value"
            ),
            "write a number (or true/false); cases with missing values are never dropped "
            "silently, so fill the cell in or leave the case out of the file",
        )
        self._each_bad(
            name,
            cells,
            values.abs() > MAX_MAGNITUDE,
            lambda cell: (
                f"covariate {name!r} value {cell} is too large (beyond ±{MAX_MAGNITUDE:,.0f})"
            ),
            "rescale the column (e.g. in thousands or millions): beyond this, numbers lose "
            "their last digits and the fit overflows",
        )

    def take_labels(self, name: str, role: str) -> pd.Series | None:
        """Take a column of labels (groups, strata) as text; every case needs one."""
        cells = self.cells(name, role)
        if cells is None:
            return None
        self._each_bad(
            name,
            cells,
            cells == "",
            lambda cell: f"empty {role}",
            f"give every case a {role}, or leave the case out of the file",
        )
        self.parsed[name] = cells
        return cells[cells != ""]

    def take_groups(self, name: str) -> None:
        """Take the group column of a comparison: labels, at least two different ones."""
        labels = self.take_labels(name, "group")
        if labels is not None and labels.nunique() < 2:
            found = ", ".join(repr(value) for value in sorted(labels.unique()))
            self.report(
                None,
                self.column_number(name),
                f"column {name!r} holds {plural(labels.nunique(), 'group')} ({found or 'none'})",
                "the comparison needs at least two groups: check the column, or choose another",
            )

    def require_events(self, name: str, events: pd.Series, needed: int, hint: str) -> None:
        """Report too few events (releases) for the model to be fitted."""
        count = int(events.sum())
        if count < needed:
            self.report(
                None,
                self.column_number(name),
                f"too few events to fit: {plural(count, 'release')} in {name!r}, at least "
                f"{needed} needed",
                hint,
            )

    def frame(self) -> pd.DataFrame:
        """The parsed columns as a DataFrame, ready for the survival functions."""
        import pandas as pd

        return pd.DataFrame(self.parsed)

    def _each_bad(self, name, cells, bad, message, hint: str) -> None:
        rows = [int(i) for i in bad.to_numpy().nonzero()[0]]
        column = self.column_number(name)
        for row in rows[:SHOWN_CELLS]:
            self.report(self.lines[row], column, message(cells.iloc[row]), hint)
        if len(rows) > SHOWN_CELLS:
            self.report(
                None,
                column,
                f"{len(rows) - SHOWN_CELLS} more rows of column {name!r} have the same problem",
                "fix the rows above and check the rest of the column the same way",
            )


_SAVE_AS_CSV = "save the case table as CSV (comma-separated, UTF-8), one case per line"
_HEADER_HINT = "put the column names on the first line and one case per line below it"


def _number(cell: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _did_you_mean(name: str, columns: list[str]) -> str:
    hint = f"the columns are: {', '.join(columns)}"
    same_but_case = [column for column in columns if column.lower() == name.lower()]
    close = same_but_case or difflib.get_close_matches(name, columns, n=1, cutoff=0.6)
    return hint + (f"; did you mean {close[0]!r}?" if close else "")
