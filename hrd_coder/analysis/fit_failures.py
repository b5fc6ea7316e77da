"""Why a Cox model could not be fitted, in the researchers' words.

lifelines stops with "Convergence halted due to matrix inversion problems" or "delta
contains nan value(s)" and a link to its documentation. The causes a coded case table
meets are few and can be read off the table itself: a code variable with no variation (a
coder who never applied the code, or applied it to every case), two columns that say the
same, or a column that separates the released cases from the others. The sentence says
which, and what to do; lifelines' own words follow after a colon, shortened.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

RAW_LENGTH = 90
"""Characters of the library's message kept after the plain sentence."""


def why_not_fitted(
    error: Exception, table: pd.DataFrame, event: str, columns: Sequence[str]
) -> str:
    """A plain sentence on why the model of `columns` failed to converge on `table`, then
    the raw message after a colon (any other error's message is already plain: kept)."""
    from lifelines.exceptions import ConvergenceError

    if not isinstance(error, ConvergenceError):
        return str(error)
    used = [name for name in columns if name in table.columns]
    cause = (
        _no_variation(table, used)
        or _same_information(table, used)
        or _separation(table, event, used)
        or "the model cannot be fitted to these cases (too few cases or releases for its "
        "covariates): try fewer covariates"
    )
    return f"{cause} (lifelines: {_shortened(str(error))})"


def _no_variation(table: pd.DataFrame, columns: Sequence[str]) -> str | None:
    for name in columns:
        values = table[name].dropna().unique()
        if len(values) == 1:
            value = values[0]
            code = {0: " (a code applied to no case)", 1: " (a code applied to every case)"}
            return (
                f"{name} is {value:g} in every case{code.get(value, '')}, so its effect "
                "cannot be estimated: leave it out of the design, or check whether these "
                "codings are complete"
            )
    return None


def _same_information(table: pd.DataFrame, columns: Sequence[str]) -> str | None:
    for position, first in enumerate(columns):
        for second in columns[position + 1 :]:
            a, b = table[first].astype(float), table[second].astype(float)
            if a.equals(b) or a.equals(1 - b):
                return (
                    f"{first} and {second} carry the same information (equal, or one is 1 "
                    f"minus the other, in every case): leave one of them out"
                )
    return None


def _separation(table: pd.DataFrame, event: str, columns: Sequence[str]) -> str | None:
    released = table[event].astype(bool)
    for name in columns:
        inside, outside = table.loc[released, name], table.loc[~released, name]
        if len(inside) and len(outside) and inside.nunique() == 1:
            value = inside.iloc[0]
            if not (outside == value).any():
                return (
                    f"{name} separates the released cases from the others (every released "
                    f"case has {value:g}, no other case does), so its hazard ratio has no "
                    "finite estimate: leave it out, or code more cases"
                )
    return None


def _shortened(raw: str) -> str:
    """The message without lifelines' pointer to its documentation, cut at RAW_LENGTH."""
    text = " ".join(raw.split("Please see", 1)[0].split()).rstrip(" .")
    return text if len(text) <= RAW_LENGTH else text[: RAW_LENGTH - 1].rstrip() + "…"
