"""The columns a survival model needs, checked before any fitter sees them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def as_names(columns: str | Iterable[str] | None) -> tuple[str, ...]:
    """One column name, several, or none, as a tuple of names."""
    if columns is None:
        return ()
    if isinstance(columns, str):
        return (columns,)
    return tuple(columns)


def check_roles(*columns: str) -> None:
    """ValueError when one column is asked to play two parts (say, covariate and stratum)."""
    reused = sorted({name for name in columns if columns.count(name) > 1})
    if reused:
        raise ValueError(f"each column can play one part in the model: {reused} used twice")


def survival_frame(
    df: pd.DataFrame,
    duration: str,
    event: str,
    numeric: Iterable[str] = (),
    labels: Iterable[str] = (),
    entry: str | None = None,
) -> pd.DataFrame:
    """A copy of the needed columns with events as 0/1, or ValueError saying what to fix.

    `numeric` columns (covariates) must be numbers or booleans (booleans become 0/1);
    `labels` columns (groups, strata, clusters) may hold anything but missing values.
    """
    import pandas as pd

    numeric, labels = tuple(numeric), tuple(labels)
    entries = (entry,) if entry else ()
    wanted = list(dict.fromkeys((duration, event, *numeric, *labels, *entries)))
    absent = [name for name in wanted if name not in df.columns]
    if absent:
        raise ValueError(
            f"no column named {', '.join(map(repr, absent))}; "
            f"the columns are {', '.join(map(repr, map(str, df.columns)))}"
        )
    frame = df[wanted].copy()
    holes = [name for name in wanted if frame[name].isna().any()]
    if holes:
        raise ValueError(
            f"missing values in {', '.join(map(repr, holes))}: drop or fill those rows first"
        )
    for name in (duration, *numeric, *entries):
        if frame[name].dtype == bool:
            frame[name] = frame[name].astype(int)
        if not pd.api.types.is_numeric_dtype(frame[name]):
            raise ValueError(
                f"column {name!r} is not numeric: dummy-code categories as 0/1 columns first"
            )
    if (frame[duration] < 0).any():
        raise ValueError(f"column {duration!r} has negative durations")
    if not frame[event].isin([0, 1]).all():
        raise ValueError(f"column {event!r} must hold 0/1 or False/True only")
    frame[event] = frame[event].astype(int)
    if entry and (frame[entry] >= frame[duration]).any():
        raise ValueError(
            f"entry {entry!r} must be earlier than duration {duration!r} in every row: "
            "a case enters observation before it can be released"
        )
    return frame
