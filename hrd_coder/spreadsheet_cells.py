"""CSV cells safe to open in a spreadsheet: user text that could run as a formula is neutralised.

Excel, LibreOffice and Google Sheets run a cell starting with `=`, `+`, `-` or `@` (and, after
a tab or carriage return, the same) as a formula: a memo such as `=HYPERLINK(...)` in an
exported table would run on the analyst's machine (CSV injection). As OWASP advises, such a
cell gets a single quote in front, which spreadsheets show as text. Numbers are never
touched: cells that are numbers (of a numeric column, or text that is just a number, like
`-3.5`) cannot run.

The change can be undone exactly (`restore`), so a listed table loads back unchanged: a
cell whose text after its leading single quotes starts with a trigger gets one more quote.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run, with a single quote in front; else as is."""
    if not isinstance(value, str) or PLAIN_NUMBER.fullmatch(value):
        return value
    return QUOTE + value if value.lstrip(QUOTE).startswith(TRIGGERS) else value


def restore(value: str) -> str:
    """Undo `neutralise` on a cell read back from a CSV file."""
    if value.startswith(QUOTE) and value.lstrip(QUOTE).startswith(TRIGGERS):
        return value[1:]
    return value


def neutralise_row(row: dict[str, Any]) -> dict[str, Any]:
    """Every cell of a row, neutralised."""
    return {key: neutralise(value) for key, value in row.items()}


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with the text cells and column names neutralised (numbers and dates as they are)."""
    safe = frame.rename(columns=neutralise)  # column names are user text too (covariates)
    for column in safe.columns:
        if safe[column].dtype.kind == "O" or str(safe[column].dtype).startswith("string"):
            safe[column] = safe[column].map(neutralise)
    return safe
