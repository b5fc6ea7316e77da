"""Which rows of a case table a model uses: one design's cases, then `--where` filters.

An exported case table (`hrd-coder export cases`) holds every case, with each design's
outcome columns filled only for the cases in that design. Rows are chosen before any cell
is checked, so an empty duration in a row outside the design is never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from hrd_coder.analysis.case_table import CaseTable
    from hrd_coder.analysis.designs import AnalysisPlan

SHOWN_VALUES = 8
_REEXPORT = (
    "export the case table again with 'hrd-coder export cases' (it writes every design's "
    "days and event columns), or name the columns with --duration and --event"
)


@dataclass(frozen=True)
class DesignColumns:
    """A design's outcome columns in an exported case table, and its model's columns."""

    name: str
    duration: str
    event: str
    entry: str | None
    group: str
    covariates: tuple[str, ...]
    strata: tuple[str, ...]


def design_columns(plan: AnalysisPlan, name: str, header: Sequence[str]) -> DesignColumns:
    """The columns of design `name` in a table with this header (ValueError: no such design)."""
    from hrd_coder.analysis.designs import DURATION, ENTRY, EVENT
    from hrd_coder.analysis.exports import outcome_columns

    design = plan.design(name)
    found = outcome_columns(plan.designs, header)[name]
    return DesignColumns(
        name,
        found[DURATION],
        found[EVENT],
        found.get(ENTRY),
        design.group,
        design.covariates,
        design.strata,
    )


def parse_where(expression: str) -> tuple[str, str]:
    """`COLUMN=VALUE` as (column, value); ValueError saying how to write it."""
    column, equals, value = expression.partition("=")
    if not equals or not column.strip():
        raise ValueError(
            f"{expression!r} is not COLUMN=VALUE: write the column, =, then the value as in "
            "the file, e.g. country=Vedoria or featured=1"
        )
    return column.strip(), value.strip()


def choose_rows(
    table: CaseTable, design: DesignColumns | None, where: Iterable[tuple[str, str]]
) -> None:
    """Keep the rows in `design` (an outcome cell filled) that match every filter.

    A missing column or a filter that leaves no row is a problem of the table, and then no
    row is kept (`table.raw` becomes None) so no cell outside the choice is checked.
    """
    import numpy as np

    if table.raw is None:
        return
    before = len(table.problems)
    keep = np.ones(len(table.raw), dtype=bool)
    if design is not None:
        keep &= _in_design(table, design)
    for column, value in where:
        cells = table.cells(column, "--where column")
        if cells is not None:
            keep &= _matching(table, column, cells, value)
    if len(table.problems) == before and not keep.any():
        table.report(
            None,
            None,
            "no row is left to model: no case is in the design and matches every --where",
            "check the design and each --where on its own",
        )
    if len(table.problems) > before:
        table.raw = None
    else:
        table.keep(keep)


def _in_design(table: CaseTable, design: DesignColumns):
    import numpy as np

    filled = np.zeros(len(table.raw), dtype=bool)
    for column in (design.duration, design.event):
        if column not in table.raw.columns:
            table.report(1, None, f"no column {column!r} for design {design.name!r}", _REEXPORT)
            continue
        filled |= (table.raw[column].str.strip() != "").to_numpy()
    return filled


def _matching(table: CaseTable, column: str, cells: pd.Series, value: str):
    """Rows whose cell is `value` as written, or the same number (34 matches 34.0)."""
    import pandas as pd

    same = cells == value
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    if pd.notna(number):
        same |= pd.to_numeric(cells, errors="coerce") == number
    if not same.any():
        values = sorted(set(cells) - {""})
        shown = ", ".join(repr(v) for v in values[:SHOWN_VALUES])
        more = f" and {len(values) - SHOWN_VALUES} more" if len(values) > SHOWN_VALUES else ""
        table.report(
            None,
            table.column_number(column),
            f"no row has {column} = {value!r}",
            f"the values in {column!r} are: {shown or 'none (the column is empty)'}{more}",
        )
    return same.to_numpy()
