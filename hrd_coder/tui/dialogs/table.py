"""Tables that fit the dialog: plain-text cells, one flexible column sized to what is left."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import JustifyMethod
from rich.text import Text
from textual.widgets import DataTable

from hrd_coder.safe_text import safe_text
from hrd_coder.tui.dialogs.search import MATCH_STYLE

MIN_FLEXIBLE = 12


def cell(
    text: str, style: str = "", letters: Iterable[int] = (), justify: JustifyMethod = "left"
) -> Text:
    """A table cell as plain text (never read as markup, control characters escaped), cut
    with … when too long."""
    content = Text(
        safe_text(text), style=style, justify=justify, no_wrap=True, overflow="ellipsis", end=""
    )
    for offset in letters:
        content.stylize(MATCH_STYLE, offset, offset + 1)
    return content


def flexible_width(table: DataTable, fixed: Iterable[int]) -> int:
    """The width left for the one flexible column once the fixed columns are placed."""
    widths = list(fixed)
    padding = 2 * table.cell_padding * (len(widths) + 1)
    return max(MIN_FLEXIBLE, table.scrollable_content_region.width - sum(widths) - padding)
